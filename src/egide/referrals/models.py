"""A referral of a person's case from one organisation to another."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from egide.core.models import BaseModel


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("en attente de réponse")
    ACCEPTED = "accepted", _("acceptée")
    DECLINED = "declined", _("refusée")
    WITHDRAWN = "withdrawn", _("retirée par l'organisation d'origine")
    REVOKED = "revoked", _("révoquée (consentement retiré)")


class Referral(BaseModel):
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="referrals"
    )
    sender = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation d'origine"),
        on_delete=models.PROTECT,
        related_name="referrals_sent",
    )
    recipient = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation destinataire"),
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    status = models.CharField(_("état"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.PENDING)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("orientation")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Orientation {self.pk}"
