"""Transfers of a case's ownership to another organisation: proposal, then acceptance or refusal.

On acceptance the case and its person move to the receiving organisation: they get a new
reference there (references are numbered per organisation), the blind indexes of the
person are recomputed under the new organisation (they are keyed by it, so that files are
not linkable across organisations), the team and the assignment are cleared and the open
tasks unassigned. The proposal stays as the history of the move, and both organisations'
trails record it.
"""

import json
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from egide.cases.actions import name_index_rows, next_reference
from egide.cases.consent import has_consent
from egide.cases.identity import birth_index, birth_year_index, field_context, name_index
from egide.cases.models import Case, Consent, Person, PersonNameIndex
from egide.cases.selectors import identity_of
from egide.cases.vocabulary import ConsentPurpose
from egide.core import crypto
from egide.core.audit import record_event
from egide.core.keys import open_data_key
from egide.organisations.models import Organisation
from egide.referrals import notices, policies
from egide.referrals.actions import (
    Clearance,
    ReferralRefusedError,
    check_case_open_to,
    check_recipient,
    check_services,
    clear_consent,
    fresh,
)
from egide.referrals.models import CaseTransfer
from egide.referrals.vocabulary import TransferStatus
from egide.support.models import CaseTask

REASON_FIELD = "transfer_reason"


def _reason_context(person: Person, transfer: CaseTransfer) -> bytes:
    return field_context(person.uid, f"{REASON_FIELD}:{transfer.uid}")


def seal_reason(person: Person, transfer: CaseTransfer, reason: str) -> bytes:
    """Encrypt the reason under the person's data key: it goes wherever the case goes."""
    plain = json.dumps(reason, ensure_ascii=False).encode()
    return crypto.encrypt(open_data_key(person.data_key), plain, context=_reason_context(person, transfer))


def reason_of(transfer: CaseTransfer) -> str:
    """Decrypt the reason; empty once the person's data key is destroyed."""
    if not transfer.reason:
        return ""
    person = transfer.case.person
    try:
        plain = crypto.decrypt(
            open_data_key(person.data_key), bytes(transfer.reason),
            context=_reason_context(person, transfer),
        )  # fmt: skip
    except crypto.DecryptionError:
        return ""
    return str(json.loads(plain))


def do_propose_transfer(
    case: Case,
    recipient: Organisation,
    *,
    reason: str,
    services: Sequence[str],
    acting_user: Any,
    override_reason: str = "",
) -> CaseTransfer:
    """Propose to hand the case over to `recipient`; the consent gate is the referrals' one."""
    case = fresh(case)
    if not policies.can_propose_transfer(acting_user, case):
        raise PermissionDenied
    check_case_open_to(acting_user, case)
    check_recipient(case, recipient)
    chosen = check_services(services)
    if not reason.strip():
        raise ReferralRefusedError("Indiquez le motif du transfert.", "reason")
    if Case.objects.filter(person_id=case.person_id).exclude(pk=case.pk).exists():
        raise ReferralRefusedError(
            "La personne a d'autres dossiers dans votre organisation : un transfert déplacerait la personne "
            "sans eux. Clôturez-les ou regroupez-les d'abord."
        )
    clearance = clear_consent(case, recipient, acting_user, override_reason)
    with transaction.atomic(durable=True):
        case = Case.objects.select_for_update().select_related("person__data_key").get(pk=case.pk)
        return propose_in_transaction(case, recipient, chosen, reason.strip(), clearance, acting_user=acting_user)


def propose_in_transaction(
    case: Case, recipient: Organisation, services: list[str], reason: str, clearance: Clearance, *, acting_user: Any
) -> CaseTransfer:
    """Write a checked proposal, its audit event and notifications inside the caller's transaction."""
    if CaseTransfer.objects.filter(case=case, status=TransferStatus.PENDING).exists():
        raise ReferralRefusedError(f"Un transfert du dossier {case.reference} attend déjà sa réponse.")
    transfer = CaseTransfer(
        case=case, sender_id=case.organisation_id, recipient=recipient, reference=case.reference,
        services=services, proposed_by=acting_user, consent=clearance.consent,
        consent_override_reason=clearance.override_reason,
        consent_overridden_by=acting_user if clearance.overridden else None,
    )  # fmt: skip
    transfer.reason = seal_reason(case.person, transfer, reason)
    transfer.save()
    record_event(
        "case.transfer_propose", actor=acting_user, organisation_id=case.organisation_id, target=case,
        reason=clearance.override_reason,
        extra={"transfer": transfer.pk, "reference": case.reference, "recipient": recipient.pk,
               "services": services, "consent": clearance.consent.pk if clearance.consent else None,
               "consent_override": clearance.overridden},
    )  # fmt: skip
    notices.transfer_proposed(transfer)
    if clearance.overridden:
        notices.transfer_consent_overridden(transfer, acting_user)
    return transfer


def do_answer_transfer(transfer: CaseTransfer, accepted: bool, reason: str, *, acting_user: Any) -> CaseTransfer:
    """Accept (the case moves) or reject (with a reason) a pending transfer."""
    if not policies.can_answer_transfer(acting_user, transfer):
        raise PermissionDenied
    reason = reason.strip()
    if not accepted and not reason:
        raise ReferralRefusedError("Indiquez le motif du refus du transfert.", "reason")
    with transaction.atomic(durable=True):
        transfer = CaseTransfer.objects.select_for_update().select_related("sender", "recipient").get(pk=transfer.pk)
        if not transfer.is_pending:
            raise ReferralRefusedError(
                f"Ce transfert n'attend plus de réponse : il est {transfer.get_status_display()}."
            )
        case = Case.objects.select_for_update().select_related("person__data_key").get(pk=transfer.case_id)
        if case.organisation_id != transfer.sender_id:
            raise ReferralRefusedError("Ce dossier n'appartient plus à l'organisation qui proposait le transfert.")
        transfer.status = TransferStatus.ACCEPTED if accepted else TransferStatus.REJECTED
        transfer.answered_at, transfer.answered_by, transfer.answer_reason = timezone.now(), acting_user, reason
        if accepted:
            transfer.new_reference = _move(case, transfer.recipient)
        transfer.save()
        _record_answer(transfer, acting_user)
        notices.transfer_answered(transfer)
    return transfer


def _record_answer(transfer: CaseTransfer, user: Any) -> None:
    """Write the answer in both organisations' trails."""
    extra = {"transfer": transfer.pk, "reference": transfer.reference, "new_reference": transfer.new_reference,
             "sender": transfer.sender_id, "recipient": transfer.recipient_id}  # fmt: skip
    action = "case.transfer_accept" if transfer.status == TransferStatus.ACCEPTED else "case.transfer_reject"
    for organisation_id in (transfer.recipient_id, transfer.sender_id):
        record_event(action, actor=user, organisation_id=organisation_id, target=transfer.case, extra=extra)


def _move(case: Case, recipient: Organisation) -> str:
    """Move the case and its person to `recipient`; return the case's new reference there."""
    recipient = Organisation.objects.select_for_update().get(pk=recipient.pk)  # numbering lock
    case.organisation = recipient
    case.reference = next_reference(recipient, timezone.localdate().year)
    case.team, case.assigned_to = None, None
    case.save(update_fields=["organisation", "reference", "team", "assigned_to", "updated_at"])
    _move_person(case.person, recipient)
    CaseTask.objects.filter(case=case, done_at__isnull=True).update(assigned_to=None, updated_at=timezone.now())
    return case.reference


def _move_person(person: Person, recipient: Organisation) -> None:
    """Re-key the person's blind indexes under the receiving organisation (blank once anonymised)."""
    person.organisation = recipient
    PersonNameIndex.objects.filter(person=person).delete()
    try:
        identity = identity_of(person)
    except crypto.DecryptionError:
        person.name_index = person.birth_index = person.birth_year_index = ""
    else:
        person.name_index = name_index(identity.family_name, identity.given_names, recipient.pk)
        person.birth_index = birth_index(identity.birth_date, recipient.pk)
        person.birth_year_index = birth_year_index(identity.birth_date, recipient.pk)
        PersonNameIndex.objects.bulk_create(name_index_rows(person, identity))
    person.save(update_fields=["organisation", "name_index", "birth_index", "birth_year_index", "updated_at"])


def cancel_on_consent_withdrawal(consent: Consent, acting_user: Any) -> None:
    """Cancel a pending transfer to the consent's recipient once no consent to share with it remains."""
    share = ConsentPurpose.SHARE_WITH_ORGANISATION
    if consent.purpose != share or consent.recipient_id is None:
        return
    if has_consent(consent.case, share, consent.recipient):
        return
    pending = CaseTransfer.objects.select_for_update().filter(
        case_id=consent.case_id, recipient_id=consent.recipient_id, status=TransferStatus.PENDING
    )
    for transfer in pending:
        transfer.status = TransferStatus.REVOKED
        transfer.save(update_fields=["status", "updated_at"])
        record_event(
            "case.transfer_revoke", actor=acting_user, organisation_id=transfer.sender_id, target=consent.case,
            extra={"transfer": transfer.pk, "reference": transfer.reference, "consent": consent.pk},
        )  # fmt: skip
