"""Writes of referrals; each `do_*` runs in one transaction with its audit event.

Audit events carry references, codes and the names of the fields shared, never a value
shared nor the reason of the referral (encrypted: it may describe the person). An
override of the consent gate is the exception that proves the rule: its written reason is
the point of the event, as for breaking the glass.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from egide.cases import sealing
from egide.cases.consent import consent_in_force, has_consent
from egide.cases.models import Case, Consent, Person
from egide.cases.vocabulary import ConsentPurpose
from egide.core.audit import record_event
from egide.core.keys import create_data_key, destroy_data_key
from egide.organisations.models import Organisation
from egide.organisations.vocabulary import Service
from egide.referrals import notices, policies, sharing
from egide.referrals.models import LIVE_STATUSES, Referral, ReferralService, ReferralStatus
from egide.referrals.vocabulary import Urgency
from egide.support.deadlines import referral_due_at

SHARE = ConsentPurpose.SHARE_WITH_ORGANISATION


class ReferralRefusedError(Exception):
    """Input the rules refuse; `field` names the form field, the message is French."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Clearance:
    """Why sharing with a recipient is allowed: the consent in force, or a written override."""

    consent: Consent | None
    override_reason: str = ""

    @property
    def overridden(self) -> bool:
        return self.consent is None


def clear_consent(case: Case, recipient: Organisation, user: Any, override_reason: str = "") -> Clearance:
    """Pass the consent gate, or raise ReferralRefusedError saying what is missing.

    Without the person's consent to share with that very organisation, only a user holding
    `Cap.REFERRAL_CONSENT_OVERRIDE` in the case's organisation proceeds, and only with a
    written reason.
    """
    consent = consent_in_force(case, SHARE, recipient)
    if consent is not None:
        return Clearance(consent)
    if not policies.can_override_consent(user, case):
        raise ReferralRefusedError(
            f"La personne n'a pas consenti au partage avec « {recipient.name} » : recueillez son consentement "
            "(finalité « partage avec une organisation nommée ») avant de lui transmettre quoi que ce soit.",
            field="recipient",
        )
    reason = override_reason.strip()
    if not reason:
        raise ReferralRefusedError(
            f"Aucun consentement au partage avec « {recipient.name} » n'est enregistré : pour passer outre, "
            "écrivez-en le motif. Il est conservé au journal d'audit et vos responsables en sont avertis.",
            field="override_reason",
        )
    return Clearance(None, reason)


def fresh(case: Case) -> Case:
    """Read the case again: its seal, scope and state decide, not those of an older copy."""
    return Case.objects.select_related("person__data_key", "organisation", "assigned_to").get(pk=case.pk)


def check_recipient(case: Case, recipient: Organisation) -> None:
    if recipient.pk == case.organisation_id:
        raise ReferralRefusedError("Choisissez une autre organisation que celle qui suit le dossier.", "recipient")
    if not recipient.is_active:
        raise ReferralRefusedError(f"« {recipient.name} » n'est plus active dans l'annuaire.", "recipient")


def check_case_open_to(user: Any, case: Case) -> None:
    """A closed case is not referred; a sealed one only by who may open it now."""
    if not case.is_open:
        raise ReferralRefusedError(f"Le dossier {case.reference} est clos : il ne peut plus être orienté.")
    if not sealing.may_open(user, case):
        raise ReferralRefusedError(
            f"Le dossier {case.reference} est protégé : brisez la glace pour pouvoir l'orienter."
        )


def check_services(services: Sequence[str]) -> list[str]:
    chosen = sorted(set(services))
    if not chosen:
        raise ReferralRefusedError("Choisissez au moins une prestation demandée.", "services")
    unknown = [code for code in chosen if code not in Service.values]
    if unknown:
        raise ReferralRefusedError(f"Prestation(s) inconnue(s) : {', '.join(unknown)}.", "services")
    return chosen


def _check_request(urgency: str, reason: str, shared_fields: Sequence[str]) -> list[str]:
    if urgency not in Urgency.values:
        raise ReferralRefusedError(f"Urgence inconnue : « {urgency} ».", "urgency")
    if not reason.strip():
        raise ReferralRefusedError("Indiquez le motif de l'orientation.", "reason")
    try:
        return sharing.check_fields(shared_fields)
    except sharing.SharingError as error:
        raise ReferralRefusedError(str(error), "shared_fields") from None


def do_send_referral(
    case: Case,
    recipient: Organisation,
    *,
    services: Sequence[str],
    urgency: str,
    reason: str,
    shared_fields: Sequence[str],
    acting_user: Any,
    override_reason: str = "",
) -> Referral:
    """Refer the case to `recipient` for `services`, sharing a snapshot of `shared_fields` only.

    Refused, with nothing written, without the person's consent to share with `recipient`,
    unless the acting user may override it and writes why: then the sending organisation's
    other supervisors are notified, and the override is audited with its reason.
    """
    case = fresh(case)
    if not policies.can_send(acting_user, case):
        raise PermissionDenied
    check_case_open_to(acting_user, case)
    check_recipient(case, recipient)
    chosen = check_services(services)
    names = _check_request(urgency, reason, shared_fields)
    clearance = clear_consent(case, recipient, acting_user, override_reason)
    with transaction.atomic(durable=True):
        return send_in_transaction(
            case, recipient, chosen, urgency, reason.strip(), names, clearance, acting_user=acting_user
        )


def send_in_transaction(
    case: Case,
    recipient: Organisation,
    services: list[str],
    urgency: str,
    reason: str,
    names: list[str],
    clearance: Clearance,
    *,
    acting_user: Any,
    sent_at: datetime.datetime | None = None,
) -> Referral:
    """Write a checked referral with its audit events and notifications, inside the caller's transaction.

    For `do_send_referral`, and for loaders that write several at once (the demo).
    """
    sent_at = sent_at or timezone.now()
    key = create_data_key()
    referral = Referral(
        case=case, sender_id=case.organisation_id, recipient=recipient, sent_by=acting_user, urgency=urgency,
        sent_at=sent_at, due_at=referral_due_at(sent_at, urgency), data_key=key, shared_fields=names,
        reason=sharing.seal(key, "reason", reason),
        shared_data=sharing.seal(key, "shared", sharing.snapshot(case, names)),
        consent=clearance.consent, consent_override_reason=clearance.override_reason,
        consent_overridden_by=acting_user if clearance.overridden else None,
    )  # fmt: skip
    referral.save()
    ReferralService.objects.bulk_create(ReferralService(referral=referral, code=code) for code in services)
    record_event(
        "referral.send", actor=acting_user, organisation_id=case.organisation_id, target=referral,
        extra={"case": case.pk, "reference": case.reference, "recipient": recipient.pk, "services": services,
               "urgency": urgency, "shared_fields": names,
               "consent": clearance.consent.pk if clearance.consent else None,
               "consent_override": clearance.overridden},
    )  # fmt: skip
    notices.referral_sent(referral)
    if clearance.overridden:
        record_event(
            "referral.consent_override", actor=acting_user, organisation_id=case.organisation_id,
            target=referral, reason=clearance.override_reason,
            extra={"case": case.pk, "reference": case.reference, "recipient": recipient.pk},
        )  # fmt: skip
        notices.consent_overridden(referral, acting_user)
    return referral


def _locked(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("case__assigned_to", "sender", "recipient", "data_key", "sent_by")
        .get(pk=referral.pk)
    )


def _shred(referral: Referral) -> None:
    """Destroy the referral's key: its reason and shared values can never be read again."""
    if referral.data_key is not None and referral.data_key.destroyed_at is None:
        destroy_data_key(referral.data_key)


def do_answer_referral(referral: Referral, accepted: bool, reason: str, *, acting_user: Any) -> Referral:
    """Accept or decline a pending referral; a refusal says why. Declining erases what was shared."""
    if not policies.can_answer(acting_user, referral):
        raise PermissionDenied
    reason = reason.strip()
    if not accepted and not reason:
        raise ReferralRefusedError("Indiquez le motif du refus : l'organisation d'origine le lira.", "reason")
    with transaction.atomic(durable=True):
        return answer_in_transaction(_locked(referral), accepted, reason, acting_user=acting_user)


def answer_in_transaction(
    referral: Referral, accepted: bool, reason: str, *, acting_user: Any, answered_at: datetime.datetime | None = None
) -> Referral:
    """Record the answer to a locked referral inside the caller's transaction (the demo's loader too)."""
    if not referral.is_pending:
        raise ReferralRefusedError(
            f"Cette orientation n'attend plus de réponse : elle est {referral.get_status_display()}."
        )
    referral.status = ReferralStatus.ACCEPTED if accepted else ReferralStatus.DECLINED
    referral.answered_at, referral.answered_by, referral.answer_reason = (
        answered_at or timezone.now(), acting_user, reason,
    )  # fmt: skip
    if not accepted:
        _shred(referral)
    referral.save()
    # The reason stays out of the trail: free text, it may describe the person.
    record_event(
        "referral.answer", actor=acting_user, organisation_id=referral.recipient_id, target=referral,
        extra={"accepted": accepted, "reference": referral.case.reference, "sender": referral.sender_id,
               "elapsed_seconds": int(referral.elapsed.total_seconds()),
               "overdue": referral.due_at is not None and referral.answered_at > referral.due_at},
    )  # fmt: skip
    notices.referral_answered(referral)
    return referral


def do_withdraw_referral(referral: Referral, *, acting_user: Any) -> Referral:
    """Withdraw a referral still waiting for its answer; what it shared is erased."""
    if not policies.can_withdraw(acting_user, referral):
        raise PermissionDenied
    with transaction.atomic(durable=True):
        referral = _locked(referral)
        if not referral.is_pending:
            raise ReferralRefusedError(
                f"Seule une orientation en attente se retire ; celle-ci est {referral.get_status_display()}."
            )
        referral.status, referral.withdrawn_at, referral.withdrawn_by = (
            ReferralStatus.WITHDRAWN, timezone.now(), acting_user,
        )  # fmt: skip
        _shred(referral)
        referral.save()
        record_event(
            "referral.withdraw", actor=acting_user, organisation_id=referral.sender_id, target=referral,
            extra={"reference": referral.case.reference, "recipient": referral.recipient_id},
        )  # fmt: skip
        notices.referral_withdrawn(referral)
    return referral


def erase_on_anonymisation(person: Person) -> None:
    """Erase what every referral of the person's cases shared: the recipient keeps nothing readable.

    Runs inside the anonymisation's transaction (a hook registered by the app).
    """
    referrals = Referral.objects.filter(case__person=person, data_key__isnull=False, data_key__destroyed_at=None)
    for referral in referrals.select_related("case", "data_key").order_by("pk"):
        _shred(referral)
        record_event(
            "referral.erase", actor=None, organisation_id=referral.sender_id, target=referral,
            extra={"reference": referral.case.reference, "recipient": referral.recipient_id, "why": "anonymised"},
        )  # fmt: skip


def revoke_on_consent_withdrawal(consent: Consent, acting_user: Any) -> None:
    """Revoke the live referrals of the case to the consent's recipient, unless consent remains.

    Runs inside `do_withdraw_consent`'s transaction (a hook registered by the app): each
    referral becomes « révoquée », its data key is destroyed, and the recipient is told.
    """
    if consent.purpose != SHARE or consent.recipient_id is None:
        return
    if has_consent(consent.case, SHARE, consent.recipient):
        return  # a later consent to the same recipient is still in force
    referrals = (
        Referral.objects.select_for_update(of=("self",))
        .filter(case_id=consent.case_id, recipient_id=consent.recipient_id, status__in=LIVE_STATUSES)
        .select_related("case", "sender", "recipient", "data_key")
        .order_by("pk")
    )
    for referral in referrals:
        previous = referral.status
        referral.status, referral.revoked_at = ReferralStatus.REVOKED, timezone.now()
        _shred(referral)
        referral.save()
        record_event(
            "referral.revoke", actor=acting_user, organisation_id=referral.sender_id, target=referral,
            extra={"reference": referral.case.reference, "recipient": referral.recipient_id,
                   "consent": consent.pk, "previous_status": previous},
        )  # fmt: skip
        notices.referral_revoked(referral)


def notify_overdue(now: datetime.datetime | None = None) -> dict[str, Any]:
    """Tell both sides of each referral gone past its due time, once; run inside a transaction."""
    now = now or timezone.now()
    late = (
        Referral.objects.overdue(now)
        .filter(overdue_notified_at__isnull=True)
        .select_related("case__assigned_to", "sender", "recipient", "sent_by")
        .order_by("pk")
    )
    ids = []
    for referral in late:
        referral.overdue_notified_at = now
        referral.save(update_fields=["overdue_notified_at", "updated_at"])
        notices.referral_overdue(referral)
        ids.append(referral.pk)
    result = {"at": now.isoformat(), "referrals": ids}
    record_event("referral.overdue_notify", actor=None, extra=result)
    return result
