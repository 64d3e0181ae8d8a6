"""How each field of the case profile maps to the IOM Human Trafficking Case Data Standard v2.0.

HTCDS field names and code values come from the standard's field list and XLSForm choices
(IOM, CC BY 4.0). Fields the standard lacks are exchanged in extension columns prefixed
`fra_`, with Égide's own codes. One table (`CASE_COLUMNS`) serves the export, the import and
the documentation. Identity values (names, dates of birth, documents, contact details)
never appear in an exchange file.
"""

from dataclasses import dataclass, field

from egide.cases.vocabulary import (
    AdministrativeStatus,
    AgeStatus,
    Authority,
    CaseStatus,
    ComplaintService,
    EventKind,
    ExploitedInFrance,
    MeansOfControl,
    RecruitmentMethod,
    RelationshipToTrafficker,
    Sex,
    TraffickingStatus,
    YesNoUnknown,
)
from egide.organisations.vocabulary import ExploitationForm

HTCDS_VERSION = "2.0"
EXTENSION_PREFIX = "fra_"
REFERENCE_COLUMN = "fra_CaseReference"


@dataclass(frozen=True)
class Column:
    """One column of an HTCDS exchange file.

    `codes` maps an Égide code to the HTCDS code written on export; `imported` tells whether
    the import reads the column back into the profile.
    """

    name: str
    egide_field: str
    description: str
    codes: dict[str, str] = field(default_factory=dict)
    multiple: bool = False
    imported: bool = True

    @property
    def is_extension(self) -> bool:
        return self.name.startswith(EXTENSION_PREFIX)


GENDER: dict[str, str] = {
    Sex.FEMALE: "Feminine",
    Sex.MALE: "Masculine",
    Sex.OTHER: "NonConforming",
    Sex.UNKNOWN: "NonSpecifiedUnknown",
}
# HTCDS separates gender identities that Égide's « sexe » does not; they read back as the nearest value.
GENDER_IMPORT: dict[str, str] = {
    **{v: k for k, v in GENDER.items()},
    "TransgenderFeminine": Sex.FEMALE,
    "TransgenderMasculine": Sex.MALE,
}

# DOMAIN.md §4. Forced criminality has no HTCDS value yet (HTCDS issue #28): it goes out as Other.
EXPLOITATION_TYPE: dict[str, str] = {
    ExploitationForm.SEXUAL: "SexualExploitation",
    ExploitationForm.LABOUR_DOMESTIC: "Servitude",
    ExploitationForm.LABOUR_OTHER: "ForcedLabour",
    ExploitationForm.BEGGING: "ForcedBegging",
    ExploitationForm.CRIMINALITY: "Other",
    ExploitationForm.ORGANS: "OrganRemoval",
    ExploitationForm.FORCED_MARRIAGE: "ForcedMarriage",
    ExploitationForm.OTHER: "Other",
}
EXPLOITATION_TYPE_IMPORT: dict[str, str] = {
    "SexualExploitation": ExploitationForm.SEXUAL,
    "Servitude": ExploitationForm.LABOUR_DOMESTIC,
    "ForcedLabour": ExploitationForm.LABOUR_OTHER,
    "ChildLabour": ExploitationForm.LABOUR_OTHER,
    "ForcedBegging": ExploitationForm.BEGGING,
    "OrganRemoval": ExploitationForm.ORGANS,
    "ForcedMarriage": ExploitationForm.FORCED_MARRIAGE,
    "ForcedMilitaryByNonStateActors": ExploitationForm.OTHER,
    "ForcedAdoption": ExploitationForm.OTHER,
    "Surrogacy": ExploitationForm.OTHER,
    "Other": ExploitationForm.OTHER,
}
# English labels of the standard, accepted on import besides the codes.
HTCDS_LABELS = {
    "Feminine": "Feminine", "Masculine": "Masculine", "TransgenderFeminine": "Transgender Feminine",
    "TransgenderMasculine": "Transgender Masculine", "NonConforming": "Non-Conforming",
    "NonSpecifiedUnknown": "Not Specified/Unknown", "SexualExploitation": "Sexual exploitation",
    "Servitude": "Servitude", "ForcedLabour": "Forced labour", "ChildLabour": "Child labour",
    "ForcedBegging": "Forced begging", "OrganRemoval": "Organ removal", "ForcedMarriage": "Forced marriage",
    "ForcedMilitaryByNonStateActors": "Forced military (by non-state actors)",
    "ForcedAdoption": "Forced adoption", "Surrogacy": "Surrogacy", "Other": "Other",
    "Familial": "Familial", "Acquainted": "Acquainted", "Unaquainted": "Unacquainted",
    "PhysicalThreats": "Physical threats", "ThreatsLawEnforcement": "Threats of law enforcement",
    "ThreatensChildrenFamily": "Threatens children/family", "DebtBondage": "Debt bondage",
    "FalsePromises": "False promises", "PhysicalAbuse": "Physical abuse", "SexualAbuse": "Sexual abuse",
    "TakesEarnings": "Takes earnings", "RestrictsFinancialAccess": "Restricts financial access",
    "RestrictsMedicalCare": "Restricts medical care", "WithholdsNecessities": "Withholds necessities",
    "PsychologicalAbuse": "Psychological abuse", "PsychoactiveSubstance": "Psychoactive substance",
    "ExcessiveWorkingHours": "Excessive working hours", "WithholdsDocuments": "Withholds documents",
    "AtAPlaceOfBusiness": "At a place of business", "AtAnEducationalInstitution": "At an educational institution",
    "AtWork": "At work", "ThroughOnlineSocialNetworks": "Through online social networks",
    "ThroughAnOnlineAdvertisement": "Through an online advertisement",
    "ThroughATelevisionAdvert": "Through a television advert", "ThroughANewspaperAdvert": "Through a newspaper advert",
    "ThroughFamilyOrFamilyEvents": "Through family or family events",
    "ThroughFriendsOrSocialEvents": "Through friends or social events",
}  # fmt: skip

RELATIONSHIP: dict[str, str] = {
    RelationshipToTrafficker.FAMILY: "Familial",
    RelationshipToTrafficker.PARTNER: "Familial",
    RelationshipToTrafficker.ACQUAINTANCE: "Acquainted",
    RelationshipToTrafficker.EMPLOYER: "Acquainted",
    RelationshipToTrafficker.STRANGER: "Unaquainted",  # sic: the standard's spelling
}
RELATIONSHIP_IMPORT: dict[str, str] = {
    "Familial": RelationshipToTrafficker.FAMILY,
    "Acquainted": RelationshipToTrafficker.ACQUAINTANCE,
    "Unaquainted": RelationshipToTrafficker.STRANGER,
    "Unacquainted": RelationshipToTrafficker.STRANGER,
}

TRAFFICKING_STATUS: dict[str, str] = {
    TraffickingStatus.PRESUMED: "PossibleVictimOfTrafficking",
    TraffickingStatus.FORMALLY_IDENTIFIED: "ActualVictimOfTrafficking",
    TraffickingStatus.RECOGNISED_BY_COURT: "ActualVictimOfTrafficking",
    TraffickingStatus.NOT_A_VICTIM: "NotAVictimOfTrafficking",
}
DECISION_MAKING_ORG: dict[str, str] = {
    Authority.ASSOCIATION: "NGO",
    Authority.POLICE: "Police",
    Authority.GENDARMERIE: "Police",
    Authority.LABOUR_INSPECTION: "NonPoliceGovernmentalOrganization",
    Authority.COURT: "CourtOrProsecution",
    Authority.OTHER: "Other",
}
CASE_STATUS: dict[str, str] = {CaseStatus.OPEN: "Active", CaseStatus.CLOSED: "Closed"}
EVENT_TYPE: dict[str, str] = {kind.value: kind.value for kind in EventKind}


def _same(choices: list[str]) -> dict[str, str]:
    return {c: c for c in choices}


CASE_COLUMNS = (
    Column(REFERENCE_COLUMN, "Case.reference",
           "Référence du dossier dans l'organisation (AAAA-NNNN) ; sert de clé à l'import."),
    Column("org_Name", "Case.organisation", "Nom de l'organisation qui suit la personne.", imported=False),
    Column("prs_Gender", "Person.sex", "Sexe de la personne.", GENDER),
    Column("prs_Citizenship", "PersonNationality", "Nationalités, codes ISO 3166 à deux lettres.", multiple=True),
    Column("vic_TraffickingStatus", "StatusDecision.status",
           "Statut en vigueur au regard de la traite (dernière décision qui compte).", TRAFFICKING_STATUS,
           imported=False),
    Column("vic_TraffickingStatusDecisionMakingOrg", "StatusDecision.authority",
           "Autorité de la décision en vigueur.", DECISION_MAKING_ORG, imported=False),
    Column("vic_RelationshipToTrafficker", "CaseProfile.relationship_to_trafficker",
           "Lien avec l'auteur (liste HTCDS, moins fine que fra_RelationshipToTrafficker).", RELATIONSHIP),
    Column("vic_MethodOfRecruitment", "CaseRecruitmentMethod", "Méthodes de recrutement.",
           _same(RecruitmentMethod.values), multiple=True),
    Column("vic_MethodsOfControl", "CaseControlMeans", "Moyens de contrôle.",
           _same(MeansOfControl.values), multiple=True),
    Column("vic_TypeOfExploitation", "CaseExploitationForm",
           "Formes d'exploitation (liste HTCDS, moins fine que fra_FormsOfExploitation).", EXPLOITATION_TYPE,
           multiple=True),
    Column("cas_Status", "Case.status", "Dossier ouvert (Active) ou clos (Closed).", CASE_STATUS, imported=False),
    Column("con_Consent", "Consent", "Consentement en vigueur au suivi du dossier (TRUE ou FALSE).", imported=False),
    Column("fra_FormsOfExploitation", "CaseExploitationForm", "Formes d'exploitation, codes Égide (DOMAIN §4).",
           _same(ExploitationForm.values), multiple=True),
    Column("fra_RelationshipToTrafficker", "CaseProfile.relationship_to_trafficker", "Lien avec l'auteur, codes Égide.",
           _same(RelationshipToTrafficker.values)),
    Column("fra_ExploitedInFrance", "CaseProfile.exploited_in_france",
           "Exploitation au moins en partie en France, ou uniquement à l'étranger.", _same(ExploitedInFrance.values)),
    Column("fra_MinorAtStart", "CaseProfile.minor_at_start", "Mineur·e au début de l'exploitation.",
           _same(YesNoUnknown.values)),
    Column("fra_AgeStatus", "Case.age_status", "Mineur·e aujourd'hui : majeur·e, mineur·e, présumé·e mineur·e.",
           _same(AgeStatus.values), imported=False),
    Column("fra_Languages", "PersonLanguage", "Langues parlées, codes ISO 639.", multiple=True),
    Column("fra_AdministrativeStatus", "CaseProfile.administrative_status", "Situation administrative.",
           _same(AdministrativeStatus.values)),
    Column("fra_ComplaintFiled", "CaseProfile.complaint_filed", "Plainte déposée.", _same(YesNoUnknown.values)),
    Column("fra_ComplaintDate", "CaseProfile.complaint_date", "Date de la plainte (AAAA-MM-JJ)."),
    Column("fra_ComplaintService", "CaseProfile.complaint_service", "Service saisi de la plainte.",
           _same(ComplaintService.values)),
)  # fmt: skip
CASE_COLUMN_NAMES = [c.name for c in CASE_COLUMNS]

EVENT_COLUMNS = (
    Column(REFERENCE_COLUMN, "Case.reference", "Référence du dossier de l'étape."),
    Column("hte_Type", "CaseEvent.kind", "Recrutement, transit ou exploitation.", EVENT_TYPE),
    Column("hte_Country", "CaseEvent.country", "Pays, code ISO 3166 à deux lettres (FR pour une commune)."),
    Column("hte_City", "CaseEvent.commune", "Nom de la commune française."),
    Column("fra_CommuneCode", "CaseEvent.commune", "Code INSEE de la commune."),
    Column("hte_Date", "CaseEvent.start", "Début : AAAA, AAAA-MM ou AAAA-MM-JJ."),
    Column("fra_EndDate", "CaseEvent.end", "Fin : AAAA, AAAA-MM ou AAAA-MM-JJ."),
)
EVENT_COLUMN_NAMES = [c.name for c in EVENT_COLUMNS]

# Other columns of the IOM template, read without error and left aside: identity values
# stay out of an import (they are entered in the case file, encrypted), and the others
# (decisions, consent, referrals) need facts the template does not hold.
IGNORED_COLUMNS = (
    "cas_CaseOwner", "prs_Salutation", "prs_FirstName", "prs_MiddleName", "prs_SecondName", "prs_Birthdate",
    "prs_Title", "prs_Email", "prs_HomePhone", "prs_MobilePhone", "prs_MailingCity", "prs_MailingCountry",
    "prs_MailingState", "prs_MailingStreet", "prs_MailingPostalCode", "prs_IdentityNumber", "prs_MaritalStatus",
    "prs_NumberOfChildren", "prs_HighestLevelOfEducation", "prs_Deceased",
    "vic_LocationOfRecruitment", "vic_ForcedLabourIndustry", "vic_TypeOfSexExploitation",
    "vic_LocationOfExploitation", "vic_AgeWhenTrafficked", "vic_RecruitmentWebsitesAndApps",
    "vic_ExploitationWebsitesAndApps", "cas_ReferringOrganisation", "cas_IncomingReferralDate",
    "cas_ReferringPrimaryCaseWorker", "cas_ReasonForIncomingReferral", "cas_IncomingReferralDetails",
    "cas_ReferredOrganisation", "cas_ReferredPrimaryCaseWorker", "cas_ReasonForOutgoingReferral",
    "cas_OutgoingReferralDate", "cas_OutgoingReferralDetails", "cas_ReasonForCaseClosure",
)  # fmt: skip
# Spellings found in the IOM files themselves (the Excel template, the XLSForm).
COLUMN_ALIASES = {
    "vic_TraffickinStatusDecisionMakingOrg": "vic_TraffickingStatusDecisionMakingOrg",
    "vic_Methods_of_Control": "vic_MethodsOfControl",
    "prs_First_Name": "prs_FirstName",
    "prs_Second_Name": "prs_SecondName",
}
# Languages of the standard's person, read into the list of languages spoken.
LANGUAGE_COLUMNS = ("prs_PrimaryLanguage", "prs_SecondaryLanguage")


def column(name: str) -> Column:
    """Return the case column named `name`."""
    return next(c for c in CASE_COLUMNS if c.name == name)
