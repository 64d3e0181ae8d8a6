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
