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
