"""A referral of a person's case from one organisation to another, and transfers of cases.

What a referral shares is a snapshot taken when it is sent, of the fields the sender ticked,
encrypted with its reason under the referral's own data key: destroying that key (consent
withdrawn, referral withdrawn or declined) revokes the recipient's access for ever.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egide.core.models import BaseModel
from egide.organisations.vocabulary import Service
from egide.referrals.vocabulary import TransferStatus, Urgency


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("en attente de réponse")
    ACCEPTED = "accepted", _("acceptée")
    DECLINED = "declined", _("refusée")
    WITHDRAWN = "withdrawn", _("retirée par l'organisation d'origine")
    REVOKED = "revoked", _("révoquée (consentement retiré)")


# States in which the recipient still reads what was shared.
LIVE_STATUSES = (ReferralStatus.PENDING, ReferralStatus.ACCEPTED)


def _user(null: bool = True) -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, null=null, blank=null, on_delete=models.PROTECT, related_name="+"
    )


class ReferralQuerySet(models.QuerySet["Referral"]):
    def overdue(self, now: datetime.datetime | None = None) -> "ReferralQuerySet":
        """Referrals still waiting for an answer after their due time."""
        return self.filter(status=ReferralStatus.PENDING, due_at__lt=now or timezone.now())


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
    urgency = models.CharField(_("urgence"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    sent_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    # Computed from `sent_at` and the urgency by `support.deadlines.referral_due_at`, never typed.
    due_at = models.DateTimeField(_("réponse attendue avant le"), null=True, blank=True)
    # The referral's own key: the reason and the shared values are encrypted under it.
    data_key = models.ForeignKey("core.DataKey", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.BinaryField(_("motif (chiffré)"), blank=True, default=b"")
    # Names of the fields shared, in clear (what was shared is auditable); values encrypted.
    shared_fields = models.JSONField(_("champs partagés"), default=list, blank=True)
    shared_data = models.BinaryField(_("données partagées (chiffrées)"), blank=True, default=b"")
    consent = models.ForeignKey(
        "cases.Consent", verbose_name=_("consentement"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    consent_override_reason = models.TextField(_("motif du passage outre le consentement"), blank=True)
    consent_overridden_by = _user()
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    answered_by = _user()
    answer_reason = models.TextField(_("motif de la réponse"), blank=True)
    withdrawn_at = models.DateTimeField(_("retirée le"), null=True, blank=True)
    withdrawn_by = _user()
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True)
    # Set by the daily job when it told both sides that the answer is late: once per referral.
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("orientation")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "due_at"], name="referral_pending_due")]

    def __str__(self) -> str:
        return f"Orientation {self.pk}"

    def audit_label(self) -> str:
        return f"Orientation n° {self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status == ReferralStatus.PENDING

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_pending and self.due_at is not None and self.due_at < timezone.now()

    @property
    def ended_at(self) -> datetime.datetime | None:
        """When the referral stopped waiting: answered, withdrawn or revoked."""
        return self.answered_at or self.withdrawn_at or self.revoked_at

    @property
    def elapsed(self) -> datetime.timedelta:
        """Time from sending to the answer (or the end), or to now while it waits."""
        return (self.ended_at or timezone.now()) - self.sent_at

    def service_labels(self) -> list[str]:
        return [str(Service(s.code).label) for s in self.services.all()]


class ReferralService(models.Model):
    """A service the recipient is asked to provide."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="services")
    code = models.CharField(max_length=30, choices=Service.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["referral", "code"], name="referral_service_unique")]

    def __str__(self) -> str:
        return self.get_code_display()


class CaseTransfer(BaseModel):
    """A proposal to hand a case over to another organisation; one row per proposal, kept for ever.

    The reason is encrypted under the person's data key: it goes with the case. Until the
    receiving organisation accepts, it sees this row only (reference, services), no identity.
    """

    uid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="transfers"
    )
    sender = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("organisation d'origine"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    recipient = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("organisation destinataire"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    status = models.CharField(_("état"), max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING)
    # The case's reference in the sending organisation, and the one it gets in the receiving one.
    reference = models.CharField(_("référence d'origine"), max_length=20)
    new_reference = models.CharField(_("nouvelle référence"), max_length=20, blank=True)
    services = models.JSONField(_("prestations attendues"), default=list, blank=True)
    reason = models.BinaryField(_("motif (chiffré)"), blank=True, default=b"")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("proposé le"), default=timezone.now)
    consent = models.ForeignKey(
        "cases.Consent", verbose_name=_("consentement"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    consent_override_reason = models.TextField(_("motif du passage outre le consentement"), blank=True)
    consent_overridden_by = _user()
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    answered_by = _user()
    answer_reason = models.TextField(_("motif de la réponse"), blank=True)

    class Meta:
        verbose_name = _("transfert de dossier")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status=TransferStatus.PENDING), name="case_transfer_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"Transfert n° {self.pk}"

    def audit_label(self) -> str:
        return f"Transfert n° {self.pk} ({self.reference})"

    @property
    def is_pending(self) -> bool:
        return self.status == TransferStatus.PENDING

    def service_labels(self) -> list[str]:
        return [str(Service(code).label) for code in self.services if code in Service.values]
