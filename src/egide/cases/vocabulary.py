"""Code lists of the case file, with French labels (HTCDS-like codes)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "female", _("femme")
    MALE = "male", _("homme")
    OTHER = "other", _("autre")
    UNKNOWN = "unknown", _("inconnu")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("ouvert")
    CLOSED = "closed", _("clos")


class DocumentKind(models.TextChoices):
    PASSPORT = "passport", _("passeport")
    NATIONAL_ID = "national_id", _("carte d'identité")
    RESIDENCE_PERMIT = "residence_permit", _("titre de séjour")
    ASYLUM_RECEIPT = "asylum_receipt", _("attestation de demande d'asile")
    OTHER = "other", _("autre document")


class ConsentPurpose(models.TextChoices):
    CASE_MANAGEMENT = "case_management", _("suivi du dossier par l'association")
    SHARE_WITH_ORGANISATION = "share_with_organisation", _("partage avec une organisation nommée")
    STATISTICAL_SUBMISSION = "statistical_submission", _("transmission statistique anonymisée")
    RESEARCH = "research", _("recherche")


class TraffickingStatus(models.TextChoices):
    PRESUMED = "presumed", _("victime présumée")
    FORMALLY_IDENTIFIED = "formally_identified", _("victime formellement identifiée")
    RECOGNISED_BY_COURT = "recognised_by_court", _("victime reconnue par une juridiction")
    NOT_A_VICTIM = "not_a_victim", _("pas une victime de traite")


class Authority(models.TextChoices):
    ASSOCIATION = "association", _("association")
    POLICE = "police", _("police")
    GENDARMERIE = "gendarmerie", _("gendarmerie")
    LABOUR_INSPECTION = "labour_inspection", _("inspection du travail")
    COURT = "court", _("juridiction")
    OTHER = "other", _("autre autorité")


# A « presumed » conclusion of these authorities counts only once a supervisor confirmed it.
FOUR_EYES_AUTHORITIES = frozenset({Authority.ASSOCIATION, Authority.OTHER})


# The case profile. Means of control and methods of recruitment keep the HTCDS v2.0 codes
# (`vic_MethodsOfControl`, `vic_MethodOfRecruitment`) so that the exchange needs no mapping.


class MeansOfControl(models.TextChoices):
    PHYSICAL_THREATS = "PhysicalThreats", _("menaces physiques")
    THREATS_LAW_ENFORCEMENT = "ThreatsLawEnforcement", _("menace de dénonciation aux autorités")
    THREATENS_CHILDREN_FAMILY = "ThreatensChildrenFamily", _("menaces sur les enfants ou la famille")
    DEBT_BONDAGE = "DebtBondage", _("servitude pour dettes")
    FALSE_PROMISES = "FalsePromises", _("fausses promesses")
    PHYSICAL_ABUSE = "PhysicalAbuse", _("violences physiques")
    SEXUAL_ABUSE = "SexualAbuse", _("violences sexuelles")
    TAKES_EARNINGS = "TakesEarnings", _("confiscation des gains")
    RESTRICTS_FINANCIAL_ACCESS = "RestrictsFinancialAccess", _("privation d'accès à l'argent")
    RESTRICTS_MEDICAL_CARE = "RestrictsMedicalCare", _("privation de soins")
    WITHHOLDS_NECESSITIES = "WithholdsNecessities", _("privation de biens de première nécessité")
    PSYCHOLOGICAL_ABUSE = "PsychologicalAbuse", _("violences psychologiques")
    PSYCHOACTIVE_SUBSTANCE = "PsychoactiveSubstance", _("substances psychoactives")
    EXCESSIVE_WORKING_HOURS = "ExcessiveWorkingHours", _("horaires de travail excessifs")
    WITHHOLDS_DOCUMENTS = "WithholdsDocuments", _("confiscation des documents")
    OTHER = "Other", _("autre moyen")


class RecruitmentMethod(models.TextChoices):
    AT_A_PLACE_OF_BUSINESS = "AtAPlaceOfBusiness", _("dans un commerce ou une entreprise")
    AT_AN_EDUCATIONAL_INSTITUTION = "AtAnEducationalInstitution", _("dans un établissement d'enseignement")
    AT_WORK = "AtWork", _("sur le lieu de travail")
    ONLINE_SOCIAL_NETWORKS = "ThroughOnlineSocialNetworks", _("par les réseaux sociaux")
    ONLINE_ADVERTISEMENT = "ThroughAnOnlineAdvertisement", _("par une annonce en ligne")
    TELEVISION_ADVERT = "ThroughATelevisionAdvert", _("par une annonce télévisée")
    NEWSPAPER_ADVERT = "ThroughANewspaperAdvert", _("par une annonce dans la presse")
    FAMILY = "ThroughFamilyOrFamilyEvents", _("par la famille ou lors d'événements familiaux")
    FRIENDS = "ThroughFriendsOrSocialEvents", _("par des amis ou lors d'événements sociaux")
    OTHER = "Other", _("autre méthode")


class RelationshipToTrafficker(models.TextChoices):
    """Finer than HTCDS (familial / acquainted / unacquainted): the survey separates spouses."""

    FAMILY = "family", _("membre de la famille")
    PARTNER = "partner", _("conjoint·e ou partenaire")
    ACQUAINTANCE = "acquaintance", _("connaissance (ami·e, voisin·e, communauté)")
    EMPLOYER = "employer", _("employeur")
    STRANGER = "stranger", _("inconnu·e de la personne")


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("oui")
    NO = "no", _("non")
    UNKNOWN = "unknown", _("inconnu")


class ExploitedInFrance(models.TextChoices):
    """The survey counts, since data year 2021, persons exploited at least partly in France."""

    IN_FRANCE = "in_france", _("au moins en partie en France")
    ONLY_ABROAD = "only_abroad", _("uniquement à l'étranger")
    UNKNOWN = "unknown", _("inconnu")


class AdministrativeStatus(models.TextChoices):
    FRENCH = "french", _("nationalité française")
    EU_CITIZEN = "eu_citizen", _("ressortissant·e de l'Union européenne, de l'EEE ou de la Suisse")
    RESIDENCE_PERMIT = "residence_permit", _("titre de séjour")
    RECEIPT = "receipt", _("récépissé ou autorisation provisoire de séjour")
    REFLECTION_PERIOD = "reflection_period", _("délai de réflexion (art. R425-2 du CESEDA)")
    ASYLUM_SEEKER = "asylum_seeker", _("demande d'asile en cours")
    REFUGEE = "refugee", _("réfugié·e ou protection subsidiaire")
    UNACCOMPANIED_MINOR = "unaccompanied_minor", _("mineur·e non accompagné·e")
    IRREGULAR = "irregular", _("sans titre de séjour")
    UNKNOWN = "unknown", _("inconnu")


class ComplaintService(models.TextChoices):
    POLICE = "police", _("police")
    GENDARMERIE = "gendarmerie", _("gendarmerie")
    OTHER = "other", _("autre service (parquet, inspection du travail…)")


class EventKind(models.TextChoices):
    """HTCDS `hte_Type`."""

    RECRUITMENT = "Recruitment", _("recrutement")
    TRANSIT = "Transit", _("transit")
    EXPLOITATION = "Exploitation", _("exploitation")


class AgeStatus(models.TextChoices):
    """Whether the person is a minor now (HTCDS « minor now »)."""

    ADULT = "adult", _("majeur·e")
    MINOR = "minor", _("mineur·e")
    PRESUMED_MINOR = "presumed_minor", _("âge inconnu, présumé·e mineur·e dans l'attente de l'évaluation")
    UNKNOWN = "unknown", _("âge inconnu")


# Ages under which the case is a minor's case: sealed by default, child indicator lists.
MINOR_AGE_STATUSES = frozenset({AgeStatus.MINOR, AgeStatus.PRESUMED_MINOR})


class SealReason(models.TextChoices):
    MINOR = "minor", _("personne mineure")
    HIGH_RISK = "high_risk", _("risque élevé")
    OTHER = "other", _("autre motif")


class BreakGlassDecision(models.TextChoices):
    """A supervisor's review of a break-the-glass opening."""

    JUSTIFIED = "justified", _("justifié")
    TO_DISCUSS = "to_discuss", _("à examiner avec la personne")
    ABUSIVE = "abusive", _("abusif — signalé")


class AssessmentOutcome(models.TextChoices):
    MINOR = "minor", _("minorité reconnue")
    ADULT = "adult", _("majorité retenue")
    UNDETERMINED = "undetermined", _("indéterminé")


class GuardianKind(models.TextChoices):
    AD_HOC_ADMINISTRATOR = "ad_hoc_administrator", _("administrateur ad hoc")
    GUARDIAN = "guardian", _("tuteur ou tutrice")
    PARENT = "parent", _("parent titulaire de l'autorité parentale")
    ASE = "ase", _("aide sociale à l'enfance (délégation de l'autorité parentale)")
    OTHER = "other", _("autre représentant légal")
