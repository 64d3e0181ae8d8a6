"""Word lists and odds of the demo victims.

The shares of forms of exploitation, of women and of minors follow the MIPROF survey of
associations (DOMAIN.md §8: 74–86 % sexual exploitation, 82–89 % women, 14–16 % minors).
The nationality weights, the odds of each status, consent and closure are INVENTED, but
plausible: they echo the countries that French reports name most often, and nothing more.
Names are common given and family names of each country, combined at random: any
resemblance to a real person is a coincidence, and no pair names a public figure.
"""

from dataclasses import dataclass

from egide.organisations.vocabulary import ExploitationForm

SEXUAL = ExploitationForm.SEXUAL.value
DOMESTIC = ExploitationForm.LABOUR_DOMESTIC.value
LABOUR = ExploitationForm.LABOUR_OTHER.value
BEGGING = ExploitationForm.BEGGING.value
CRIMINALITY = ExploitationForm.CRIMINALITY.value
MARRIAGE = ExploitationForm.FORCED_MARRIAGE.value

# Main form of each victim, in per cent; DOMAIN.md §8 gives 74–86 % sexual exploitation.
FORM_WEIGHTS = {SEXUAL: 80, DOMESTIC: 6, LABOUR: 6, BEGGING: 3, CRIMINALITY: 3, MARRIAGE: 2}
# A second form, for a few: (probability, the forms it may be).
SECOND_FORM = {
    SEXUAL: (0.05, (CRIMINALITY, DOMESTIC)),
    DOMESTIC: (0.10, (MARRIAGE, SEXUAL)),
    LABOUR: (0.05, (CRIMINALITY,)),
    BEGGING: (0.15, (CRIMINALITY,)),
    CRIMINALITY: (0.10, (BEGGING, SEXUAL)),
    MARRIAGE: (0.20, (DOMESTIC, SEXUAL)),
}
# Odds of (female, male, other) by main form: about 86 % women overall.
SEX_ODDS = {
    SEXUAL: (0.93, 0.055, 0.015),
    DOMESTIC: (0.85, 0.15, 0.0),
    LABOUR: (0.25, 0.75, 0.0),
    BEGGING: (0.55, 0.45, 0.0),
    CRIMINALITY: (0.40, 0.60, 0.0),
    MARRIAGE: (1.0, 0.0, 0.0),
}
# Odds of being a minor when the first case opens, by main form: about 15 % overall.
MINOR_ODDS = {SEXUAL: 0.14, DOMESTIC: 0.15, LABOUR: 0.05, BEGGING: 0.35, CRIMINALITY: 0.45, MARRIAGE: 0.40}
MINOR_AGES = (12, 17)
# Adults' age when the first case opens: (lowest, highest, weight).
ADULT_AGES = ((18, 24, 40), (25, 34, 40), (35, 55, 20))

# Nationality weights by main form (per cent, invented but plausible).
NATIONALITY_WEIGHTS: dict[str, dict[str, int]] = {
    SEXUAL: {"NGA": 38, "FRA": 14, "CHN": 9, "ROU": 7, "BGR": 6, "CIV": 5, "CMR": 5, "UKR": 5, "BRA": 4,
             "MAR": 3, "ALB": 3, "VNM": 1},
    DOMESTIC: {"MAR": 22, "CIV": 20, "CMR": 14, "NGA": 8, "FRA": 8, "CHN": 6, "VNM": 6, "ROU": 4, "BRA": 4,
               "UKR": 4, "BGR": 2, "ALB": 2},
    LABOUR: {"ROU": 15, "VNM": 14, "CHN": 14, "MAR": 12, "BGR": 10, "UKR": 10, "FRA": 8, "CIV": 5, "ALB": 4,
             "CMR": 3, "NGA": 3, "BRA": 2},
    BEGGING: {"ROU": 45, "BGR": 30, "ALB": 8, "MAR": 6, "UKR": 6, "FRA": 5},
    CRIMINALITY: {"ROU": 30, "BGR": 15, "MAR": 15, "FRA": 15, "ALB": 10, "VNM": 10, "NGA": 5},
    MARRIAGE: {"FRA": 30, "MAR": 20, "CIV": 15, "CMR": 10, "ALB": 10, "ROU": 10, "CHN": 5},
}  # fmt: skip


@dataclass(frozen=True)
class Naming:
    """How people of one nationality are named, and how their names get spelt otherwise."""

    language: str
    female: tuple[str, ...]
    male: tuple[str, ...]
    family: tuple[str, ...]
    birth_places: tuple[str, ...]
    # Other spellings met in files: transliterations, French renderings, usual mistakes.
    spellings: dict[str, tuple[str, ...]]
    # Family names that take a feminine form (Bulgarian, Ukrainian…): masculine → feminine.
    feminine: dict[str, str] | None = None


NAMINGS: dict[str, Naming] = {
    "NGA": Naming(
        "en",
        ("Blessing", "Precious", "Joy", "Favour", "Esther", "Gift", "Mercy", "Osasu", "Ivie", "Efe", "Loveth"),
        ("Osaze", "Emeka", "Chinedu", "Efosa", "Tunde", "Ikponmwosa"),
        ("Omoregie", "Osagie", "Ehigiator", "Aigbe", "Uwaifo", "Idahosa", "Obasogie", "Ogbebor", "Okafor", "Eze",
         "Adeyemi", "Iyamu", "Osayande"),
        ("Benin City", "Lagos", "Ekpoma", "Warri", "Uromi", "Auchi"),
        {"Omoregie": ("Omorogie", "Omoreggie"), "Ehigiator": ("Ehigiatior",), "Osayande": ("Osayandé", "Osayende"),
         "Loveth": ("Lovett", "Lovet"), "Osasu": ("Osas",), "Favour": ("Favor",), "Ikponmwosa": ("Ikponmosa",)},
    ),
    "ROU": Naming(
        "ro",
        ("Ana-Maria", "Ioana", "Elena", "Andreea", "Mihaela", "Florentina", "Alina", "Roxana", "Nicoleta"),
        ("Ionuț", "Florin", "Marian", "Adrian", "Costel", "Cătălin"),
        ("Popescu", "Stoica", "Dumitrescu", "Lungu", "Munteanu", "Constantinescu", "Moldovan", "Ciobanu", "Preda",
         "Dragomir", "Ștefănescu", "Bălan"),
        ("Craiova", "Constanța", "Galați", "Iași", "Brăila", "Slatina"),
        {"Popescu": ("Popesco",), "Dumitrescu": ("Doumitrescou", "Dumitresco"), "Ciobanu": ("Tchobanu",),
         "Munteanu": ("Muntean",), "Ionuț": ("Ionut",), "Cătălin": ("Catalin",), "Ștefănescu": ("Stefanescu",)},
    ),
    "BGR": Naming(
        "bg",
        ("Mariya", "Desislava", "Tsvetelina", "Gergana", "Radka", "Yordanka", "Silviya"),
        ("Georgi", "Dimitar", "Stoyan", "Ivaylo", "Asen"),
        ("Ivanov", "Petrov", "Dimitrov", "Stoyanov", "Georgiev", "Kirilov", "Angelov", "Yankov"),
        ("Sliven", "Pleven", "Varna", "Pazardzhik", "Shumen", "Burgas"),
        {"Mariya": ("Maria",), "Tsvetelina": ("Cvetelina", "Tzvetelina"), "Yordanka": ("Iordanka", "Jordanka"),
         "Georgieva": ("Gueorguieva",), "Georgiev": ("Gueorguiev",), "Stoyanova": ("Stoianova",),
         "Stoyanov": ("Stoianov",), "Yankova": ("Iankova",), "Silviya": ("Silvia",), "Ivaylo": ("Ivailo",)},
        feminine={"Ivanov": "Ivanova", "Petrov": "Petrova", "Dimitrov": "Dimitrova", "Stoyanov": "Stoyanova",
                  "Georgiev": "Georgieva", "Kirilov": "Kirilova", "Angelov": "Angelova", "Yankov": "Yankova"},
    ),
    "CHN": Naming(
        "zh",
        ("Xiaoling", "Meiling", "Yan", "Hong", "Lihua", "Jing", "Fang", "Xiuying"),
        ("Wei", "Jun", "Hao", "Qiang"),
        ("Wang", "Zhang", "Liu", "Chen", "Zhou", "Huang", "Lin", "Zheng", "Ye"),
        ("Wenzhou", "Shenyang", "Harbin", "Fuqing", "Qingtian", "Fushun"),
        {"Xiaoling": ("Xiao-Ling", "Xiao Ling"), "Meiling": ("Mei-Ling", "Mei Ling"), "Lihua": ("Li-Hua", "Li Hua"),
         "Xiuying": ("Xiu-Ying", "Xiu Ying"), "Huang": ("Hwang", "Wong"), "Chen": ("Chan",), "Zhou": ("Chow",),
         "Zheng": ("Cheng",)},
    ),
    "BRA": Naming(
        "pt",
        ("Ana Paula", "Juliana", "Fernanda", "Thaís", "Letícia", "Bruna", "Camila", "Jéssica"),
        ("Thiago", "Rafael", "Lucas", "Matheus"),
        ("da Silva", "dos Santos", "Oliveira", "Souza", "Pereira", "Rodrigues", "Ferreira", "Alves", "Carvalho"),
        ("Belém", "Manaus", "São Luís", "Fortaleza", "Goiânia", "Macapá"),
        {"da Silva": ("Dasilva", "Da Silva"), "dos Santos": ("Dos Santos", "Santos"), "Souza": ("Sousa",),
         "Ana Paula": ("Ana-Paula", "Anapaula"), "Matheus": ("Mateus",), "Thiago": ("Tiago",)},
    ),
    "CIV": Naming(
        "fr",
        ("Aminata", "Awa", "Mariam", "Fatoumata", "Adjoua", "Affoué", "Christelle", "Ramatou"),
        ("Koffi", "Kouadio", "Souleymane", "Yao"),
        ("Kouassi", "Koné", "Traoré", "Kouamé", "N'Guessan", "Bamba", "Ouattara", "Diabaté", "Konan", "Yéo"),
        ("Abidjan", "Bouaké", "Daloa", "Yamoussoukro", "San-Pédro", "Korhogo"),
        {"N'Guessan": ("Nguessan", "N Guessan"), "Fatoumata": ("Fatoumatta", "Fatimata"), "Mariam": ("Mariame",),
         "Affoué": ("Affoue",), "Ramatou": ("Ramatu",)},
    ),
    "CMR": Naming(
        "fr",
        ("Christelle", "Sandrine", "Murielle", "Nadège", "Laure", "Brenda", "Josiane"),
        ("Serge", "Hervé", "Landry", "Boris"),
        ("Ngono", "Mbarga", "Fotso", "Tchoupo", "Ebogo", "Atangana", "Tchinda", "Nguimfack", "Mvondo", "Kamga"),
        ("Douala", "Yaoundé", "Bafoussam", "Garoua", "Bamenda", "Edéa"),
        {"Tchinda": ("Chinda",), "Nguimfack": ("Nguimfak", "Ngimfack"), "Murielle": ("Muriel", "Murièle"),
         "Tchoupo": ("Choupo",)},
    ),
    "MAR": Naming(
        "ar",
        ("Fatima-Zahra", "Khadija", "Salma", "Meryem", "Naïma", "Hafsa", "Samira"),
        ("Youssef", "Mohamed", "Hamza", "Ayoub", "Mehdi"),
        ("El Amrani", "Benali", "Alaoui", "El Idrissi", "Tahiri", "Berrada", "Chraïbi", "Ouahbi", "Belkadi"),
        ("Casablanca", "Tanger", "Fès", "Béni Mellal", "Oujda", "Khouribga"),
        {"Meryem": ("Maryam", "Meriem"), "Youssef": ("Youcef", "Yousef"), "Mohamed": ("Mohammed", "Mohamad"),
         "El Amrani": ("Elamrani", "El-Amrani"), "El Idrissi": ("Elidrissi", "El-Idrissi"),
         "Fatima-Zahra": ("Fatima Zahra", "Fatimazahra"), "Khadija": ("Khadidja",), "Chraïbi": ("Chraibi",)},
    ),
    "ALB": Naming(
        "sq",
        ("Elira", "Arjola", "Klodiana", "Ermira", "Blerta", "Xhensila"),
        ("Arben", "Ardit", "Endrit", "Klajdi"),
        ("Shehu", "Gashi", "Hysa", "Leka", "Çela", "Dervishi", "Kola", "Bregu", "Muça"),
        ("Elbasan", "Shkodër", "Fier", "Durrës", "Korçë", "Berat"),
        {"Çela": ("Cela", "Tchela"), "Muça": ("Muca", "Moutcha"), "Xhensila": ("Jensila", "Gjensila")},
    ),
    "FRA": Naming(
        "fr",
        ("Léa", "Manon", "Chloé", "Océane", "Justine", "Laura", "Émilie", "Mélissa"),
        ("Kévin", "Dylan", "Mathis", "Jordan"),
        ("Lemoine", "Carpentier", "Leclercq", "Vasseur", "Dufresne", "Marchetti", "Roussel", "Delattre", "Hébert"),
        ("Lille", "Rouen", "Amiens", "Saint-Quentin", "Metz", "Le Havre"),
        {"Leclercq": ("Leclerc", "Leclercque"), "Hébert": ("Hebert",), "Kévin": ("Kevin",), "Mélissa": ("Melissa",),
         "Émilie": ("Emilie",), "Delattre": ("Delatre",)},
    ),
    "VNM": Naming(
        "vi",
        ("Thị Hoa", "Thị Lan", "Thị Mai", "Thu Trang", "Ngọc Anh", "Thị Hằng"),
        ("Văn Minh", "Văn Hùng", "Đức Anh", "Văn Toàn"),
        ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"),
        ("Nghệ An", "Hà Tĩnh", "Hải Phòng", "Quảng Bình", "Thanh Hóa"),
        {"Nguyễn": ("Nguyen", "Nguyên"), "Trần": ("Tran",), "Hoàng": ("Hoang", "Huynh"), "Vũ": ("Vu", "Vo"),
         "Đặng": ("Dang",), "Thị Hoa": ("Thi Hoa", "Hoa"), "Thị Lan": ("Thi Lan", "Lan"), "Thị Mai": ("Thi Mai",),
         "Văn Minh": ("Van Minh", "Minh")},
    ),
    "UKR": Naming(
        "uk",
        ("Olena", "Yuliia", "Oksana", "Iryna", "Kateryna", "Tetiana", "Viktoriia"),
        ("Oleksandr", "Andriy", "Dmytro", "Bohdan"),
        ("Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk", "Boyko", "Moroz", "Savchuk", "Lysenko"),
        ("Kharkiv", "Odesa", "Dnipro", "Zaporizhzhia", "Kherson", "Mykolaiv"),
        {"Tkachenko": ("Tkatchenko",), "Kravchenko": ("Kravtchenko",), "Savchuk": ("Savtchouk",),
         "Boyko": ("Boiko",), "Yuliia": ("Ioulia", "Yulia", "Julia"), "Iryna": ("Irina",),
         "Kateryna": ("Katerina", "Ekaterina"), "Tetiana": ("Tatiana",), "Viktoriia": ("Viktoria", "Victoria"),
         "Oleksandr": ("Alexandre", "Oleksander"), "Andriy": ("Andrii", "Andrei"), "Dmytro": ("Dmitri",),
         "Odesa": ("Odessa",)},
    ),
}  # fmt: skip

# Working names given by exploiters or used on the street: aliases, never identifying alone.
ALIASES = ("Bella", "Jessica", "Princesse", "Baby", "Nana", "Lili", "Kiki", "Mimi", "Sandra", "Vanessa", "Coco")

# Shares of the recorded date of birth: full, month and year, year only, unknown.
BIRTH_PRECISION = (("day", 0.62), ("month", 0.10), ("year", 0.22), ("none", 0.06))
ALIAS_ODDS = 0.15
PHONE_ODDS = 0.30
PASSPORT_ODDS = 0.20
BIRTH_PLACE_ODDS = 0.60

# Persons followed by two or three associations (DOMAIN.md §8: the survey counts them twice).
DUPLICATE_ODDS = 0.09
TRIPLE_SHARE = 0.25
# A further association is in the same région as the previous one this often.
SAME_REGION_ODDS = 0.6
# Cases opened per year: a slow rise, and 2026 only partly entered so far.
YEAR_WEIGHTS = {2021: 17, 2022: 18, 2023: 20, 2024: 22, 2025: 23, 2026: 4}

# Status history (StatusDecision), per case.
NO_DECISION_ODDS = 0.05
NOT_A_VICTIM_ODDS = 0.03
FORMAL_ODDS = 0.45
COURT_ODDS = 0.25
UNCONFIRMED_ODDS = 0.03
# Who identifies formally: labour forms go to the labour inspection more often.
FORMAL_AUTHORITIES = (("police", 0.60), ("gendarmerie", 0.25), ("labour_inspection", 0.15))
LABOUR_FORMAL_AUTHORITIES = (("police", 0.30), ("gendarmerie", 0.20), ("labour_inspection", 0.50))

# Consents.
CASE_MANAGEMENT_REFUSED_ODDS = 0.02
STATISTICS_ASKED_ODDS = 0.45
STATISTICS_REFUSED_ODDS = 0.15
STATISTICS_WITHDRAWN_ODDS = 0.10
INTERPRETER_ODDS = 0.70

# Closure: the longer a case has been open, the likelier it is closed.
CLOSE_BASE_ODDS = 0.10
CLOSE_YEARLY_ODDS = 0.15
CLOSE_MAX_ODDS = 0.85

# Anonymous screenings: for forms that an ILO/EC list covers (labour, and its stand-ins).
SCREENED_FORMS = frozenset({DOMESTIC, LABOUR, BEGGING, CRIMINALITY})
SCREENING_ODDS = 0.5
# Answers of a screening: (yes, unknown) odds when the person shows signs, and when not.
SCREENING_SIGNS_ODDS = 0.8
YES_WITH_SIGNS, YES_WITHOUT_SIGNS, UNKNOWN_ANSWER = 0.45, 0.05, 0.15
SCREENING_PLACES = ("permanence", "maraude", "accueil de jour", "gare", "consultation", "hébergement")

# In the demo accounts' association, this share of cases goes to the demo volunteer.
VOLUNTEER_SHARE = 0.25
UNASSIGNED_ODDS = 0.10
# Weight of an association: the population of its département, to this power.
DEPARTEMENT_WEIGHT_POWER = 0.8
