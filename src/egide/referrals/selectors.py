"""Reads of referrals and transfers, always scoped to the acting user.

Lists show references, organisations, services, urgency, state and times: never a value
shared nor a reason. Reading what a referral shares (or its reason) is an audited access.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from egide.accounts.roles import Cap
from egide.cases import policies as case_policies
from egide.cases.consent import has_consent
from egide.cases.models import Case, Consent
from egide.cases.vocabulary import ConsentPurpose
from egide.core import crypto
from egide.core.audit import record_access
from egide.organisations.models import Organisation
from egide.organisations.selectors import OrganisationFilters, search_organisations, visible_organisations
from egide.referrals import policies, sharing
from egide.referrals.models import CaseTransfer, Referral, ReferralStatus
from egide.referrals.vocabulary import Box

# Results of the directory search offered to pick a recipient.
MAX_CANDIDATES = 25
_RELATED = ("case", "sender", "recipient", "sent_by", "answered_by", "data_key")


def _with_related(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    return referrals.select_related(*_RELATED).prefetch_related("services").order_by("-sent_at", "-id")


def received_by(user: Any) -> QuerySet[Referral]:
    """Referrals addressed to the organisations where the user answers them."""
    return _with_related(
        Referral.objects.filter(recipient_id__in=case_policies.organisation_ids(user, Cap.REFERRAL_ANSWER))
    )


def sent_for(user: Any) -> QuerySet[Referral]:
    """Referrals of the cases within the user's scope (whoever sent them)."""
    cases = Case.objects.visible_to(user, Cap.CASE_VIEW).values("pk")
    return _with_related(Referral.objects.filter(case_id__in=cases))


@dataclass(frozen=True)
class ListFilters:
    box: str = Box.RECEIVED
    status: str = ""
    overdue: bool = False


def referrals_for(user: Any, filters: ListFilters) -> QuerySet[Referral]:
    referrals = received_by(user) if filters.box == Box.RECEIVED else sent_for(user)
    if filters.status in ReferralStatus.values:
        referrals = referrals.filter(status=filters.status)
    if filters.overdue:
        referrals = referrals.filter(status=ReferralStatus.PENDING, due_at__lt=timezone.now())
    return referrals


def access_referral(user: Any, referral_id: int) -> Referral:
    """Return the referral if either side may see it; the same 404 whether missing or forbidden."""
    referral = Referral.objects.select_related(*_RELATED, "case__person").filter(pk=referral_id).first()
    if referral is None or not policies.can_view(user, referral):
        raise Http404("Orientation introuvable")
    return referral


@dataclass(frozen=True)
class Shared:
    """What a referral shares, decrypted for display; `erased` once its key is destroyed."""

    reason: str
    values: list[tuple[str, str]]
    erased: bool


def read_shared(user: Any, referral: Referral) -> Shared:
    """Decrypt the reason and the shared values, and record the access (never the values)."""
    if referral.data_key is None:
        return Shared("", [], erased=False)  # written without the sending action: nothing was shared
    if referral.data_key.destroyed_at is not None:
        return Shared("", [], erased=True)
    try:
        reason = sharing.unseal(referral.data_key, "reason", bytes(referral.reason))
        values = sharing.unseal(referral.data_key, "shared", bytes(referral.shared_data))
    except crypto.DecryptionError:
        return Shared("", [], erased=True)
    side = referral.recipient_id if policies.can_answer(user, referral) else referral.sender_id
    record_access("referral.read_shared", actor=user, target=referral, organisation_id=side)
    labels = [(sharing.FIELDS[name].label, _text(values.get(name, ""))) for name in referral.shared_fields]
    return Shared(str(reason), labels, erased=False)


def _text(value: sharing.Value) -> str:
    return value if isinstance(value, str) else ", ".join(value)


def shared_field_labels(referral: Referral) -> list[str]:
    """The labels of the fields a referral shared (kept in clear, even once the values are erased)."""
    return [sharing.FIELDS[name].label for name in referral.shared_fields if name in sharing.FIELDS]


def referrals_of_case(case: Case) -> QuerySet[Referral]:
    return _with_related(Referral.objects.filter(case=case))


def transfers_for(user: Any) -> QuerySet[CaseTransfer]:
    """Transfers proposed by or to the organisations where the user manages transfers."""
    org_ids = case_policies.organisation_ids(user, Cap.CASE_TRANSFER)
    return (
        CaseTransfer.objects.filter(Q(sender_id__in=org_ids) | Q(recipient_id__in=org_ids))
        .select_related("sender", "recipient", "proposed_by", "answered_by")
        .order_by("-proposed_at", "-id")
    )


def transfers_of_case(case: Case) -> QuerySet[CaseTransfer]:
    return CaseTransfer.objects.filter(case=case).select_related("sender", "recipient").order_by("-proposed_at", "-id")


def access_transfer(user: Any, transfer_id: int) -> CaseTransfer:
    """Return the transfer if either side may see it; the same 404 whether missing or forbidden."""
    transfer = (
        CaseTransfer.objects.select_related(
            "sender", "recipient", "proposed_by", "answered_by", "case__person__data_key"
        )
        .filter(pk=transfer_id)
        .first()
    )
    if transfer is None or not policies.can_view_transfer(user, transfer):
        raise Http404("Transfert introuvable")
    return transfer


def consented_recipient_ids(case: Case) -> set[int]:
    """Organisations the person consents, today, to have their data shared with."""
    share = ConsentPurpose.SHARE_WITH_ORGANISATION
    ids = Consent.objects.filter(case=case, purpose=share).values_list("recipient_id", flat=True).distinct()
    organisations = Organisation.objects.in_bulk([i for i in ids if i is not None])
    return {pk for pk, organisation in organisations.items() if has_consent(case, share, organisation)}


def recipient_candidates(user: Any, case: Case, q: str, service: str, chosen: str = "") -> list[Organisation]:
    """Organisations to pick from: the search results, or those the person consents to; the chosen one kept."""
    others = visible_organisations(user).exclude(pk=case.organisation_id)
    if q.strip() or service:
        found = list(search_organisations(user, OrganisationFilters(q=q, service=service))
                     .exclude(pk=case.organisation_id)[:MAX_CANDIDATES])  # fmt: skip
    else:
        found = list(others.filter(pk__in=consented_recipient_ids(case)).order_by("name"))
    if chosen.isdigit() and all(o.pk != int(chosen) for o in found):
        found = [*others.filter(pk=int(chosen)), *found]
    return found


def pickable_recipients(user: Any, case: Case) -> QuerySet[Organisation]:
    """Every organisation the user may find in the directory, except the case's own."""
    return visible_organisations(user).exclude(pk=case.organisation_id)
