"""API of referrals (mounted at `/api/v1/referrals` by `egide.api`).

The list gives what the pages' lists give: references, organisations, services, urgency,
state and times, never a value shared nor a reason. The recipient answers through it.
"""

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router

from egide.accounts.roles import Cap
from egide.core.access import capability
from egide.core.api import Problem, api_policy
from egide.referrals import actions, policies, selectors
from egide.referrals.actions import ReferralRefusedError
from egide.referrals.models import Referral
from egide.referrals.schemas import AnswerIn, ReferralItem, ReferralPage, ReferralQuery

router = Router()


def _item(referral: Referral) -> dict[str, Any]:
    return {
        "id": referral.pk, "case_reference": referral.case.reference,
        "sender": {"id": referral.sender_id, "name": referral.sender.name},
        "recipient": {"id": referral.recipient_id, "name": referral.recipient.name},
        "services": sorted(s.code for s in referral.services.all()), "urgency": referral.urgency,
        "status": referral.status, "status_label": str(referral.get_status_display()),
        "sent_at": referral.sent_at, "due_at": referral.due_at, "overdue": referral.is_overdue,
        "answered_at": referral.answered_at, "elapsed_seconds": int(referral.elapsed.total_seconds()),
    }  # fmt: skip


@router.get(
    "/",
    response=ReferralPage,
    summary="Lister les orientations reçues ou envoyées",
    description="`box=received` : orientations adressées aux organisations où vous y répondez ; `box=sent` : "
    "orientations des dossiers que vous suivez. Ni motif ni donnée partagée.",
)
@api_policy(capability(Cap.REFERRAL_SEND, Cap.REFERRAL_ANSWER))
def list_referrals(request: HttpRequest, params: Query[ReferralQuery]) -> dict[str, Any]:
    filters = selectors.ListFilters(params.box, params.status or "", params.overdue)
    referrals = selectors.referrals_for(request.user, filters)
    page = list(referrals[params.offset : params.offset + params.limit])
    return {"count": referrals.count(), "limit": params.limit, "offset": params.offset,
            "items": [_item(r) for r in page]}  # fmt: skip


@router.post(
    "/{referral_id}/answer",
    response=ReferralItem,
    summary="Accepter ou refuser une orientation reçue",
    description="404 si l'orientation n'existe pas ou ne vous est pas adressée ; 409 si elle n'attend plus de "
    "réponse ; 422 sans réponse, ou pour un refus sans motif.",
)
@api_policy(capability(Cap.REFERRAL_ANSWER))
def answer_referral(request: HttpRequest, referral_id: int, payload: AnswerIn) -> dict[str, Any]:
    try:
        referral = selectors.access_referral(request.user, referral_id)
    except Http404:
        referral = None
    if referral is None or not policies.can_answer(request.user, referral):
        raise Problem(404, "Orientation introuvable", f"Aucune orientation n° {referral_id} ne vous est adressée.")
    if payload.accepted is None:
        raise Problem(422, "Paramètres invalides", "Indiquez « accepted » : true pour accepter, false pour refuser.")
    if not referral.is_pending:
        raise Problem(409, "Orientation déjà close", f"Elle est {referral.get_status_display()}.")
    try:
        referral = actions.do_answer_referral(referral, payload.accepted, payload.reason, acting_user=request.user)
    except ReferralRefusedError as refusal:
        raise Problem(422, "Réponse refusée", str(refusal)) from None
    return _item(referral)
