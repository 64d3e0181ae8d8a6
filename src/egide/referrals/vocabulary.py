"""Code lists of referrals and transfers, with French labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Urgency(models.TextChoices):
    """How soon the recipient must answer; each has its delay (`core.legal_delays.REFERRAL_RESPONSE`)."""

    NORMAL = "normal", _("normale")
    URGENT = "urgent", _("urgente")
    IMMEDIATE = "immediate", _("immédiate")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("en attente de réponse")
    ACCEPTED = "accepted", _("acceptée")
    REJECTED = "rejected", _("refusée")
    REVOKED = "revoked", _("annulée (consentement retiré)")


class Box(models.TextChoices):
    """The two lists of referrals: those addressed to the user's organisations, and those they sent."""

    RECEIVED = "received", _("reçues")
    SENT = "sent", _("envoyées")
