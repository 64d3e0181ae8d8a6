"""What Ac.Sé erases when a person withdraws her consent to share with the coordination, or is anonymised.

The places to avoid and the note on needs are sealed under the request's own key: destroying
that key erases them for good. A request not yet carried to the arrival is closed with it; a
person already housed stays housed, since the host's bond with her does not rest on the
coordination's data.
"""

from typing import Any

from django.utils import timezone

from egide.cases.consent import has_consent
from egide.cases.models import Consent, Person
from egide.cases.vocabulary import ConsentPurpose
from egide.core.audit import record_event
from egide.core.keys import destroy_data_key
from egide.referrals.acse.models import Placement, PlacementRequest
from egide.referrals.acse.vocabulary import HOLDING_STEPS, RequestState, Step

BEFORE_ARRIVAL = (
    RequestState.PENDING, RequestState.PROPOSED, RequestState.AGREED, RequestState.INTERVIEW, RequestState.TRANSFER,
)  # fmt: skip
CONSENT_WITHDRAWN = "La personne a retiré son consentement au partage avec la coordination Ac.Sé."
ANONYMISED = "Données de la personne anonymisées au terme de leur conservation."


def erase_on_consent_withdrawal(consent: Consent, acting_user: Any) -> None:
    """Erase the requests of the case at the consent's recipient, unless another consent remains."""
    share = ConsentPurpose.SHARE_WITH_ORGANISATION
    if consent.purpose != share or consent.recipient_id is None:
        return
    if has_consent(consent.case, share, consent.recipient):
        return
    requests = PlacementRequest.objects.filter(referral__case_id=consent.case_id, coordination_id=consent.recipient_id)
    for request in requests.select_for_update().select_related("data_key").order_by("pk"):
        _erase(request, acting_user, CONSENT_WITHDRAWN, "consent_withdrawn")


def erase_on_anonymisation(person: Person) -> None:
    requests = PlacementRequest.objects.filter(referral__case__person=person)
    for request in requests.select_for_update().select_related("data_key").order_by("pk"):
        _erase(request, None, ANONYMISED, "anonymised")


def _erase(request: PlacementRequest, actor: Any, reason: str, why: str) -> None:
    closed = request.state in BEFORE_ARRIVAL
    today = timezone.localdate()
    if closed:
        Placement.objects.filter(request=request, step__in=HOLDING_STEPS).update(
            step=Step.CANCELLED, cancelled_on=today, cancel_reason=reason
        )
        request.state, request.closed_on, request.close_reason = RequestState.WITHDRAWN, today, reason
    if request.data_key.destroyed_at is None:
        destroy_data_key(request.data_key)
    request.places, request.needs_note = b"", b""
    request.save()
    record_event(
        "acse.request_erase", actor=actor, organisation_id=request.coordination_id, target=request,
        extra={"reference": request.reference, "why": why, "closed": closed},
    )  # fmt: skip
