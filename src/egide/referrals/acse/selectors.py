"""Reads of Ac.Sé, always scoped to the acting user; every read of a secret is audited.

Objects are fetched through `access_*` helpers that raise Http404 alike for a missing row
and a forbidden one. Reading a shelter's location or a request's places to avoid writes
an access event (ids only, never the values).
"""

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from egide.cases.models import Case
from egide.core.audit import record_event
from egide.core.models import AuditKind, Commune
from egide.referrals.acse import policies
from egide.referrals.acse.actions import OPEN_REFERRAL_STATUSES
from egide.referrals.acse.models import Placement, PlacementRequest, Shelter
from egide.referrals.acse.sealed import AvoidPlace, ShelterLocation, open_location, open_note, open_places
from egide.referrals.acse.vocabulary import LIVE_STEPS, RequestState, Step
from egide.referrals.models import Referral

# --- Shelters -------------------------------------------------------------------------------------


def shelters_for(user: Any) -> QuerySet[Shelter]:
    """Every shelter for the coordinator; the shelters of their own organisations for a host."""
    shelters = Shelter.objects.select_related("organisation", "data_key", "availability_updated_by")
    if policies.is_coordinator(user):
        return shelters.all()
    return shelters.filter(organisation_id__in=policies.host_organisation_ids(user))


def access_shelter(user: Any, shelter_id: int) -> Shelter:
    shelter = shelters_for(user).filter(pk=shelter_id).first()
    if shelter is None:
        raise Http404("Centre introuvable")
    return shelter


def record_location_reads(user: Any, shelters: Sequence[Shelter], reason: str = "") -> None:
    """Write one access event for the locations read on one page (shelter ids only)."""
    if not shelters:
        return
    with transaction.atomic():
        if len(shelters) == 1:
            shelter = shelters[0]
            record_event("acse.shelter_location_read", actor=user, organisation_id=shelter.organisation_id,
                         target=shelter, reason=reason, kind=AuditKind.ACCESS)  # fmt: skip
            return
        record_event("acse.shelter_locations_read", actor=user, reason=reason, kind=AuditKind.ACCESS,
                     extra={"shelters": sorted(s.pk for s in shelters)})  # fmt: skip


def locations_of(user: Any, shelters: Sequence[Shelter], reason: str = "") -> dict[int, ShelterLocation]:
    """Decrypt the locations the user may see, and audit the read."""
    allowed = [s for s in shelters if policies.can_see_location(user, s)]
    record_location_reads(user, allowed, reason)
    return {s.pk: open_location(s.data_key, s.uid, bytes(s.location)) for s in allowed}


def commune_names(codes: Sequence[str]) -> dict[str, str]:
    rows = Commune.objects.filter(pk__in=set(codes)).values_list("code", "name", "departement_id")
    return {code: f"{name} ({departement})" for code, name, departement in rows}


# --- Requests (coordinator) -----------------------------------------------------------------------


def requests_for(user: Any) -> QuerySet[PlacementRequest]:
    """The requests of the coordinations the user coordinates."""
    return (
        PlacementRequest.objects.filter(coordination_id__in=policies.coordination_ids(user))
        .select_related("referral__sender", "referral__case", "data_key")
        .prefetch_related(Prefetch("placements", queryset=Placement.objects.select_related("shelter__organisation")))
    )


def access_request(user: Any, request_id: int) -> PlacementRequest:
    request = requests_for(user).filter(pk=request_id).first()
    if request is None:
        raise Http404("Demande introuvable")
    return request


def places_of(user: Any, request: PlacementRequest) -> tuple[AvoidPlace, ...]:
    """Decrypt the places to avoid of a request, for its coordinator only, and audit the read."""
    if not policies.can_coordinate(user, request):
        raise Http404("Demande introuvable")
    with transaction.atomic():
        record_event(
            "acse.request_places_read",
            actor=user,
            organisation_id=request.coordination_id,
            target=request,
            kind=AuditKind.ACCESS,
        )
    if not request.places:
        return ()  # erased (see erasure.py)
    return open_places(request.data_key, request.uid, bytes(request.places))


def needs_note_of(request: PlacementRequest) -> str:
    """The note on needs, which the coordinator and the host may read (it names no place)."""
    if not request.needs_note:
        return ""
    return open_note(request.data_key, request.uid, bytes(request.needs_note))


def pending_requests(user: Any) -> list[PlacementRequest]:
    return list(requests_for(user).filter(state=RequestState.PENDING).order_by("requested_on", "pk"))


def referrals_awaiting(user: Any) -> QuerySet[Referral]:
    """Referrals received by the user's coordinations that have no request yet."""
    return (
        Referral.objects.filter(
            recipient_id__in=policies.coordination_ids(user), status__in=OPEN_REFERRAL_STATUSES,
            acse_request__isnull=True,
        )
        .select_related("sender", "case")
        .order_by("created_at", "pk")
    )  # fmt: skip


def access_referral(user: Any, referral_id: int) -> Referral:
    referral = (
        Referral.objects.filter(pk=referral_id, recipient_id__in=policies.coordination_ids(user))
        .select_related("sender", "case", "recipient")
        .first()
    )
    if referral is None:
        raise Http404("Orientation introuvable")
    return referral


def board(user: Any, *, state: str = "", year: int | None = None) -> QuerySet[PlacementRequest]:
    requests = requests_for(user)
    if state:
        requests = requests.filter(state=state)
    if year:
        requests = requests.filter(requested_on__year=year)
    return requests.order_by("-requested_on", "-pk")


def current_placement(request: PlacementRequest) -> Placement | None:
    """The live placement of a request, or its last one."""
    placements = list(request.placements.all())
    live = [p for p in placements if p.step in LIVE_STEPS or p.step == Step.ENDED]
    found = live or placements
    return found[0] if found else None


# --- Placements (host and coordinator) -----------------------------------------------------------


def placements_for_host(user: Any) -> QuerySet[Placement]:
    """The placements proposed to the shelters of the user's organisations, and only those."""
    return (
        Placement.objects.filter(shelter__organisation_id__in=policies.host_organisation_ids(user))
        .select_related("shelter", "request__referral__sender")
        .order_by("-proposed_on", "-pk")
    )


def access_placement(user: Any, placement_id: int) -> Placement:
    """A placement its host or its coordinator may follow."""
    placement = (
        Placement.objects.filter(pk=placement_id)
        .select_related("shelter__organisation", "request__referral__sender", "request__referral__case")
        .first()
    )
    if placement is None or not policies.can_view_as_host(user, placement):
        raise Http404("Accueil introuvable")
    return placement


def access_placement_to_coordinate(user: Any, placement_id: int) -> Placement:
    placement = access_placement(user, placement_id)
    if not policies.can_coordinate(user, placement.request):
        raise Http404("Accueil introuvable")
    return placement


# --- The referrer's view of the case --------------------------------------------------------------


def requests_of_case(case: Case) -> list[PlacementRequest]:
    requests = list(
        PlacementRequest.objects.filter(referral__case=case)
        .select_related("referral__recipient")
        .prefetch_related(Prefetch("placements", queryset=Placement.objects.select_related("shelter__organisation")))
        .order_by("-requested_on", "-pk")
    )
    for request in requests:
        # The case is already loaded: the scope check on `referral.case` must not read it again.
        request.referral.case = case
    return requests


def host_organisation_name(request: PlacementRequest) -> str:
    """The host's name, once it agreed in principle; never the shelter or where it is."""
    placement = current_placement(request)
    agreed = {Step.AGREED, Step.INTERVIEW, Step.TRANSFER, Step.ACTIVE, Step.ENDED}
    if placement is None or placement.step not in agreed:
        return ""
    return placement.shelter.organisation.name


def has_shelters(user: Any) -> bool:
    ids = policies.host_organisation_ids(user)
    return bool(ids) and Shelter.objects.filter(organisation_id__in=ids).exists()
