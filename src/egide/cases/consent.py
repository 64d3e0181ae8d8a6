"""Consent of the person of a case: granular by purpose, versioned, withdrawable.

The referral and observatory apps ask `has_consent` before sharing or submitting anything.
Audit events carry the purpose, the recipient's id and the answer: never an identity value.
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from egide.cases import policies
from egide.cases.hooks import run_consent_withdrawal_hooks
from egide.cases.models import Case, Consent, ConsentText
from egide.cases.vocabulary import ConsentPurpose
from egide.core.audit import record_event
from egide.core.iso import language_choices
from egide.organisations.models import Organisation


class ConsentRefusedError(Exception):
    """The consent cannot be recorded or withdrawn as asked; the message is French."""


def current_text(purpose: str) -> ConsentText:
    """Return the text in force for `purpose`; raise ConsentRefusedError when there is none."""
    text = ConsentText.objects.filter(purpose=purpose, is_current=True).first()
    if text is None:
        raise ConsentRefusedError(f"Aucun texte de consentement en vigueur pour la finalité « {purpose} ».")
    return text


def consents_of(case: Case) -> QuerySet[Consent]:
    return case.consents.select_related("text", "recipient", "recorded_by", "withdrawn_by").order_by(
        "-recorded_on", "-id"
    )


def has_consent(
    case: Case, purpose: str, recipient: Organisation | None = None, on: datetime.date | None = None
) -> bool:
    """Whether the person consents to `purpose` (with `recipient`) on the day `on` (today by default).

    The latest consent recorded by then decides: a later refusal overrides an earlier
    agreement, and a withdrawal counts from its own date onwards.
    """
    return consent_in_force(case, purpose, recipient, on) is not None


def consent_in_force(
    case: Case, purpose: str, recipient: Organisation | None = None, on: datetime.date | None = None
) -> Consent | None:
    """Return the consent that makes `has_consent` true on the day `on`, or None when there is none."""
    on = on or timezone.localdate()
    latest = (
        Consent.objects.filter(case=case, purpose=purpose, recipient=recipient, recorded_on__lte=on)
        .order_by("-recorded_on", "-id")
        .first()
    )
    if latest is None or not latest.given:
        return None
    return latest if latest.withdrawn_on is None or latest.withdrawn_on > on else None


def _check(purpose: str, recipient: Organisation | None, language: str, recorded_on: datetime.date) -> None:
    if purpose not in ConsentPurpose.values:
        raise ConsentRefusedError(f"Finalité inconnue : « {purpose} ».")
    if purpose == ConsentPurpose.SHARE_WITH_ORGANISATION and recipient is None:
        raise ConsentRefusedError("Un consentement au partage nomme l'organisation destinataire.")
    if purpose != ConsentPurpose.SHARE_WITH_ORGANISATION and recipient is not None:
        raise ConsentRefusedError("Seul un consentement au partage nomme une organisation destinataire.")
    if language not in dict(language_choices()):
        raise ConsentRefusedError(f"Langue inconnue : « {language} » n'est pas un code ISO 639-1.")
    if recorded_on > timezone.localdate():
        raise ConsentRefusedError("La date du recueil ne peut pas être dans le futur.")


def do_record_consent(
    case: Case,
    purpose: str,
    given: bool,
    language: str,
    interpreter: bool,
    recipient: Organisation | None = None,
    *,
    acting_user: Any,
    interpreter_name: str = "",
    recorded_on: datetime.date | None = None,
) -> Consent:
    """Record a consent given or refused, against the text version in force for `purpose`."""
    if not policies.can_edit(acting_user, case):
        raise PermissionDenied
    recorded_on = recorded_on or timezone.localdate()
    _check(purpose, recipient, language, recorded_on)
    interpreter_name = interpreter_name.strip() if interpreter else ""
    with transaction.atomic(durable=True):
        consent = Consent.objects.create(
            case=case, text=current_text(purpose), purpose=purpose, recipient=recipient, given=given,
            language=language, interpreter=interpreter, interpreter_name=interpreter_name,
            recorded_on=recorded_on, recorded_by=acting_user,
        )  # fmt: skip
        record_event(
            "consent.record", actor=acting_user, organisation_id=case.organisation_id, target=case,
            extra={"consent": consent.pk, "purpose": purpose, "text_version": consent.text.version,
                   "recipient": recipient.pk if recipient else None, "given": given},
        )  # fmt: skip
    return consent


def do_withdraw_consent(consent: Consent, reason: str, *, acting_user: Any) -> Consent:
    """Record the withdrawal of a given consent; it takes effect from today."""
    if not policies.can_edit(acting_user, consent.case):
        raise PermissionDenied
    with transaction.atomic(durable=True):
        consent = Consent.objects.select_for_update().select_related("case").get(pk=consent.pk)
        if not consent.given:
            raise ConsentRefusedError("Un refus ne se retire pas : enregistrez un nouveau consentement.")
        if consent.is_withdrawn:
            raise ConsentRefusedError("Ce consentement est déjà retiré.")
        consent.withdrawn_on, consent.withdrawn_by = timezone.localdate(), acting_user
        consent.withdrawal_reason = reason.strip()
        consent.save()
        # The reason is free text and may name someone: it stays out of the audit trail.
        record_event(
            "consent.withdraw", actor=acting_user, organisation_id=consent.case.organisation_id, target=consent.case,
            extra={"consent": consent.pk, "purpose": consent.purpose,
                   "recipient": consent.recipient_id},
        )  # fmt: skip
        # What was shared on the strength of this consent is revoked with it (referrals…).
        run_consent_withdrawal_hooks(consent, acting_user)
    return consent
