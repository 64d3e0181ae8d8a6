"""Word lists and odds of the demo generator: names, streets, services by kind, languages."""

import re

from egide.organisations.vocabulary import ExploitationForm, Kind, Service

# Shares of the generated organisations, in per cent.
KIND_WEIGHTS = {
    Kind.ASSOCIATION: 45,
    Kind.SHELTER: 20,
    Kind.HOSPITAL: 7,
    Kind.LEGAL_AID: 6,
    Kind.CHILD_WELFARE: 5,
    Kind.PREFECTURE: 5,
    Kind.POLICE_UNIT: 6,
    Kind.LABOUR_INSPECTION: 3,
    Kind.COURT: 3,
}
SUPPORT_KINDS = {Kind.ASSOCIATION, Kind.SHELTER, Kind.HOSPITAL, Kind.LEGAL_AID, Kind.CHILD_WELFARE}

STEMS = (
    "La Vigie",
    "Le Sillage",
    "L'Estran",
    "La Boussole",
    "Le Fanal",
    "L'Éclaircie",
    "La Passerelle",
    "Le Tremplin",
    "L'Envol",
    "La Clairière",
    "Le Rivage",
    "L'Amarre",
    "La Lanterne",
    "Les Alizés",
    "Cap Clair",
    "La Traversée",
    "Point d'Appui",
    "Horizon Ouvert",
    "Le Fil Rouge",
    "Les Jalons",
    "La Source Vive",
    "Le Seuil",
    "L'Étape",
    "La Halte",
    "Le Relais",
    "La Balise",
    "L'Accalmie",
    "Le Gué",
    "Rose des Vents",
    "Le Quai",
    "Les Goélands",
    "L'Aubépine",
)
TREES = ("des Tilleuls", "des Cèdres", "des Peupliers", "des Oliviers", "des Platanes", "du Parc", "du Val")
# Name patterns: {stem}, {tree}, {commune}, {departement}; the acronym follows each pattern.
PATTERNS: dict[str, tuple[tuple[str, str], ...]] = {
    Kind.ASSOCIATION: (
        ("Association {stem} — {commune}", "A"),
        ("Collectif {stem} — {commune}", "C"),
        ("Réseau {stem} — {commune}", "R"),
        ("Espace {stem} — {commune}", "E"),
    ),
    Kind.SHELTER: (
        ("Foyer {stem} — {departement}", "F"),
        ("CHRS {stem} — {departement}", "CHRS"),
        ("Résidence {stem} — {departement}", "R"),
        ("Maison d'accueil {stem} — {departement}", "MA"),
    ),
    Kind.HOSPITAL: (
        ("Centre hospitalier {tree} — {commune}", "CH"),
        ("Hôpital {tree} — {commune}", "H"),
        ("Centre de santé {tree} — {commune}", "CS"),
    ),
    Kind.LEGAL_AID: (
        ("Point-justice {stem} — {commune}", "PJ"),
        ("Maison de la justice et du droit — {commune}", "MJD"),
        ("Permanence d'accès au droit {stem} — {commune}", "PAD"),
    ),
    Kind.CHILD_WELFARE: (("Service de l'aide sociale à l'enfance — {commune}", "ASE"),),
    Kind.PREFECTURE: (("Préfecture — {departement}", ""),),
    Kind.POLICE_UNIT: (
        ("Brigade de protection des familles — {commune}", "BPF"),
        ("Commissariat de police — {commune}", ""),
        ("Brigade de gendarmerie — {commune}", ""),
        ("Brigade de recherches — {commune}", "BR"),
    ),
    Kind.LABOUR_INSPECTION: (("Inspection du travail, unité de contrôle — {commune}", "UC"),),
    Kind.COURT: (("Parquet du tribunal judiciaire — {commune}", ""),),
}
# A second préfecture in a département is a sous-préfecture.
SUB_PREFECTURE = ("Sous-préfecture — {commune}", "SP")

STREETS = (
    "rue de la République",
    "avenue Jean-Jaurès",
    "boulevard Victor-Hugo",
    "rue Pasteur",
    "place de la Mairie",
    "rue des Écoles",
    "chemin des Vignes",
    "allée des Tilleuls",
    "rue du Moulin",
    "impasse des Lilas",
    "rue de la Gare",
    "avenue de la Libération",
    "rue du Marché",
    "quai des Pêcheurs",
    "rue des Jardins",
)
WEEKDAY_HOURS = (
    "Du lundi au vendredi, 9 h – 17 h",
    "Lundi, mercredi et vendredi, 9 h 30 – 12 h 30 et 14 h – 17 h",
    "Du mardi au samedi, 10 h – 18 h",
    "Du lundi au vendredi, 9 h – 12 h ; l'après-midi sur rendez-vous",
)
OPENING_HOURS: dict[str, tuple[str, ...]] = {
    Kind.SHELTER: ("Admission sur orientation, accueil 24 h/24",),
    Kind.POLICE_UNIT: ("24 h/24, 7 j/7",),
    Kind.HOSPITAL: ("Urgences 24 h/24 ; consultations du lundi au vendredi, 8 h 30 – 17 h",),
    Kind.PREFECTURE: ("Du lundi au vendredi, 8 h 30 – 16 h, sur rendez-vous",),
    Kind.COURT: ("Du lundi au vendredi, 9 h – 12 h et 13 h 30 – 17 h",),
}
DESCRIPTIONS: dict[str, str] = {
    Kind.ASSOCIATION: "Accueil, écoute et accompagnement des personnes victimes de traite des êtres humains.",
    Kind.SHELTER: "Hébergement et accompagnement de personnes victimes de traite, à une adresse confidentielle.",
    Kind.HOSPITAL: "Soins, permanence d'accès aux soins de santé et consultations de psychotraumatologie.",
    Kind.LEGAL_AID: "Information juridique gratuite : droit au séjour, dépôt de plainte, indemnisation.",
    Kind.CHILD_WELFARE: "Protection des mineurs, dont les mineurs non accompagnés victimes de traite.",
    Kind.PREFECTURE: "Titres de séjour des victimes (CESEDA L425-1 et suivants), commission départementale.",
    Kind.POLICE_UNIT: "Réception des plaintes et identification formelle des victimes.",
    Kind.LABOUR_INSPECTION: "Contrôle des conditions de travail ; constat de traite, de travail forcé et de servitude.",
    Kind.COURT: "Poursuites pénales ; référent traite des êtres humains du parquet.",
}
FICTION = " Organisation fictive (données de démonstration)."

# Services: those every organisation of the kind offers, then (service, probability).
SERVICES: dict[str, tuple[tuple[str, ...], tuple[tuple[str, float], ...]]] = {
    Kind.ASSOCIATION: (
        (Service.SOCIAL_SUPPORT,),
        (
            (Service.LEGAL_SUPPORT, 0.6),
            (Service.DAY_RECEPTION, 0.5),
            (Service.PSYCHOLOGICAL_SUPPORT, 0.4),
            (Service.INTERPRETING, 0.3),
            (Service.LISTENING_LINE, 0.2),
            (Service.TRAINING, 0.3),
            (Service.HEALTH_CARE, 0.15),
            (Service.ASSISTED_RETURN, 0.1),
            (Service.MINORS, 0.1),
        ),
    ),
    Kind.SHELTER: (
        (Service.SOCIAL_SUPPORT,),
        ((Service.EMERGENCY_SHELTER, 0.6), (Service.PSYCHOLOGICAL_SUPPORT, 0.4), (Service.DAY_RECEPTION, 0.2)),
    ),
    Kind.HOSPITAL: (
        (Service.HEALTH_CARE,),
        ((Service.PSYCHOLOGICAL_SUPPORT, 0.6), (Service.INTERPRETING, 0.4)),
    ),
    Kind.LEGAL_AID: ((Service.LEGAL_SUPPORT,), ((Service.INTERPRETING, 0.3), (Service.SOCIAL_SUPPORT, 0.2))),
    Kind.CHILD_WELFARE: (
        (Service.MINORS, Service.SOCIAL_SUPPORT),
        ((Service.EMERGENCY_SHELTER, 0.5), (Service.LONG_TERM_SHELTER, 0.5)),
    ),
    Kind.PREFECTURE: ((Service.OTHER,), ()),
    Kind.POLICE_UNIT: ((Service.OTHER,), ()),
    Kind.LABOUR_INSPECTION: ((Service.OTHER,), ()),
    Kind.COURT: ((Service.OTHER,), ((Service.LEGAL_SUPPORT, 0.3),)),
}
# Sexual exploitation dominates what associations see (DOMAIN.md §4 and §8).
FORM_ODDS = (
    (ExploitationForm.SEXUAL, 0.9),
    (ExploitationForm.LABOUR_DOMESTIC, 0.35),
    (ExploitationForm.LABOUR_OTHER, 0.3),
    (ExploitationForm.BEGGING, 0.2),
    (ExploitationForm.CRIMINALITY, 0.2),
    (ExploitationForm.FORCED_MARRIAGE, 0.2),
    (ExploitationForm.ORGANS, 0.03),
    (ExploitationForm.OTHER, 0.05),
)
LANGUAGE_ODDS = (
    ("en", 0.6),
    ("ro", 0.25),
    ("bg", 0.15),
    ("es", 0.2),
    ("pt", 0.1),
    ("ar", 0.3),
    ("zh", 0.15),
    ("ru", 0.1),
    ("uk", 0.1),
    ("tl", 0.05),
    ("ff", 0.05),
    ("wo", 0.05),
    ("ln", 0.05),
    ("sw", 0.03),
    ("vi", 0.05),
    ("ta", 0.03),
    ("hu", 0.05),
)
# Paris, Marseille and Lyon carry their postcodes on their arrondissements only.
CITY_POSTCODES = {
    "75056": [f"750{n:02d}" for n in range(1, 21)],
    "13055": [f"130{n:02d}" for n in range(1, 17)],
    "69123": [f"6900{n}" for n in range(1, 10)],
}
POSTCODE_SEPARATORS = re.compile(r"[\s;,]+")
JITTER_KM = 1.5
KM_PER_DEGREE = 111.32
# Public services sit in a département's largest towns.
TOWN_KINDS = {Kind.COURT, Kind.HOSPITAL, Kind.POLICE_UNIT, Kind.LABOUR_INSPECTION, Kind.CHILD_WELFARE}
TOWNS_PER_DEPARTEMENT = 4
TOWN_BIAS = 1.5
DISTINCT_SHARE = 0.55
CITY_BIAS = 1.5
