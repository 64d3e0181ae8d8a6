"""The steps of a placement, each an action with its date and its audit event.

proposed → agreed (the host's agreement in principle; a refusal sends the request back to
the pending ones) → interview (pre-admission video interview) → transfer (travel booked) →
active (arrival) → ended (with the re-orientation). A placement not yet arrived may be
cancelled, the request then waits again or closes. Dates follow the steps: no interview
before the agreement, no arrival before the travel, nothing recorded as done in the future.
"""

import datetime
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from egide.core.audit import record_event
from egide.organisations.models import Organisation
from egide.organisations.vocabulary import Kind
from egide.referrals.acse import policies
from egide.referrals.acse.models import Placement, PlacementRequest, Shelter
from egide.referrals.acse.rules import AcseRefusedError, not_before, not_future, require, today
from egide.referrals.acse.vocabulary import HOLDING_STEPS, EndReason, Participant, RequestState, Step


def do_propose_placement(
    request: PlacementRequest,
    shelter: Shelter,
    on: datetime.date,
    *,
    acting_user: Any,
    refusals: Callable[[PlacementRequest, Shelter, datetime.date], list[str]],
) -> Placement:
    """Propose the request to a shelter, after checking every hard constraint again.

    `refusals` is the engine's check (`matching.refusals`): a shelter chosen by hand among
    the alternatives, or one that filled up since the page was shown, is refused here.
    """
    require(policies.can_coordinate(acting_user, request))
    if request.state != RequestState.PENDING:
        raise AcseRefusedError("La demande n'attend pas de place : elle est déjà proposée ou close.")
    if not shelter.is_active:
        raise AcseRefusedError(f"Le centre « {shelter.label} » n'est plus actif.", "shelter")
    not_future(on, "on", "La date de la proposition")
    not_before(on, request.requested_on, "on", "La proposition ne peut précéder la demande")
    with transaction.atomic(durable=True):
        request = PlacementRequest.objects.select_for_update().get(pk=request.pk)
        shelter = Shelter.objects.select_for_update().get(pk=shelter.pk)
        if request.state != RequestState.PENDING:
            raise AcseRefusedError("La demande n'attend pas de place : elle est déjà proposée ou close.")
        reasons = refusals(request, shelter, today())
        if reasons:
            raise AcseRefusedError(f"Le centre « {shelter.label} » ne convient pas : {' ; '.join(reasons)}.", "shelter")
        placement = Placement.objects.create(request=request, shelter=shelter, proposed_on=on, proposed_by=acting_user)
        _set_request_state(request, RequestState.PROPOSED)
        _record("acse.placement_propose", placement, acting_user)
    return placement


def _set_request_state(request: PlacementRequest, state: str) -> None:
    request.state = state
    request.save(update_fields=["state", "updated_at"])


def _record(action: str, placement: Placement, actor: Any, **extra: Any) -> None:
    request = placement.request
    record_event(action, actor=actor, organisation_id=request.coordination_id, target=placement,
                 extra={"reference": request.reference, "shelter": placement.shelter_id, "step": placement.step,
                        **extra})  # fmt: skip


def _locked(placement: Placement, steps: Collection[str], message: str) -> Placement:
    """Re-read the placement under lock and check that it is at one of `steps`."""
    locked = Placement.objects.select_for_update().select_related("request", "shelter").get(pk=placement.pk)
    if locked.step not in steps:
        raise AcseRefusedError(f"{message} (étape actuelle : {locked.get_step_display()}).")
    return locked


def _last_answer(placement: Placement) -> datetime.date:
    """The latest date already passed of a placement not yet arrived (interviews and travels may be ahead)."""
    return max(d for d in (placement.proposed_on, placement.decided_on) if d is not None)


def _advance(placement: Placement, step: str, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(placement, name, value)
    placement.step = step
    placement.save()
    _set_request_state(placement.request, step)


def do_record_agreement(placement: Placement, on: datetime.date, *, acting_user: Any) -> Placement:
    """Record the shelter's agreement in principle."""
    require(policies.can_answer(acting_user, placement))
    not_future(on, "on", "La date de l'accord")
    with transaction.atomic(durable=True):
        placement = _locked(placement, {Step.PROPOSED}, "Seule une proposition peut recevoir un accord")
        not_before(on, placement.proposed_on, "on", "L'accord ne peut précéder la proposition")
        _advance(placement, Step.AGREED, {"decided_on": on, "decided_by": acting_user})
        _record("acse.placement_agree", placement, acting_user)
    return placement


def do_record_refusal(placement: Placement, on: datetime.date, reason: str, *, acting_user: Any) -> Placement:
    """Record the shelter's refusal, with its reason; the request waits for another place."""
    require(policies.can_answer(acting_user, placement))
    if not reason.strip():
        raise AcseRefusedError("Indiquez le motif du refus.", "reason")
    not_future(on, "on", "La date du refus")
    with transaction.atomic(durable=True):
        steps = {Step.PROPOSED, Step.AGREED, Step.INTERVIEW}
        placement = _locked(placement, steps, "Le centre ne peut plus refuser à cette étape")
        not_before(on, _last_answer(placement), "on", "Le refus ne peut précéder la proposition ou l'accord")
        placement.step, placement.decided_on, placement.decided_by = Step.REFUSED, on, acting_user
        placement.refusal_reason = reason.strip()
        placement.save()
        _set_request_state(placement.request, RequestState.PENDING)
        _record("acse.placement_refuse", placement, acting_user)
    return placement


def do_schedule_interview(
    placement: Placement, on: datetime.date, participants: Sequence[str], *, acting_user: Any
) -> Placement:
    """Schedule (or move) the pre-admission video interview."""
    require(policies.can_coordinate(acting_user, placement.request))
    chosen = [p for p in Participant.values if p in set(participants)]
    if len(chosen) != len(set(participants)):
        raise AcseRefusedError("Participant inconnu.", "participants")
    if not {Participant.PERSON, Participant.HOST} <= set(chosen):
        raise AcseRefusedError("L'entretien réunit au moins la personne et le centre d'accueil.", "participants")
    with transaction.atomic(durable=True):
        placement = _locked(placement, {Step.AGREED, Step.INTERVIEW}, "L'entretien suit l'accord de principe")
        not_before(on, placement.decided_on, "on", "L'entretien ne peut précéder l'accord de principe")
        _advance(placement, Step.INTERVIEW, {"interview_on": on, "interview_participants": chosen})
        _record("acse.placement_interview", placement, acting_user, participants=chosen)
    return placement


def do_book_transfer(placement: Placement, travel_on: datetime.date, companion: bool, *, acting_user: Any) -> Placement:
    """Record the travel booked for the person (and a companion, if any)."""
    require(policies.can_coordinate(acting_user, placement.request))
    with transaction.atomic(durable=True):
        placement = _locked(placement, {Step.INTERVIEW, Step.TRANSFER}, "Le transfert suit l'entretien")
        not_before(travel_on, placement.interview_on, "travel_on", "Le voyage ne peut précéder l'entretien")
        _advance(placement, Step.TRANSFER, {"travel_on": travel_on, "companion_travel": companion})
        _record("acse.placement_transfer", placement, acting_user, companion=companion)
    return placement


def do_record_arrival(placement: Placement, on: datetime.date, *, acting_user: Any) -> Placement:
    """Record the person's arrival: the placement is active and takes one of the free places."""
    require(policies.can_coordinate(acting_user, placement.request))
    not_future(on, "on", "La date d'arrivée")
    with transaction.atomic(durable=True):
        placement = _locked(placement, {Step.TRANSFER}, "L'arrivée suit le transfert")
        not_before(on, placement.travel_on, "on", "L'arrivée ne peut précéder le voyage")
        _advance(placement, Step.ACTIVE, {"arrival_on": on})
        shelter = Shelter.objects.select_for_update().get(pk=placement.shelter_id)
        # The place promised until now is taken: the declared free places drop by one.
        shelter.free_places = max(0, shelter.free_places - 1)
        shelter.save(update_fields=["free_places", "updated_at"])
        _record("acse.placement_arrival", placement, acting_user)
    return placement


@dataclass(frozen=True)
class EndData:
    ended_on: datetime.date
    reason: str
    reorientation_kind: str = ""
    reorientation_organisation_id: int | None = None


def _check_end(data: EndData) -> None:
    if data.reason not in EndReason.values:
        raise AcseRefusedError("Choisissez le motif de la fin de l'accueil.", "reason")
    if data.reorientation_kind and data.reorientation_kind not in Kind.values:
        raise AcseRefusedError("Type d'organisation de réorientation inconnu.", "reorientation_kind")
    organisation_id = data.reorientation_organisation_id
    if organisation_id is not None and not Organisation.objects.filter(pk=organisation_id).exists():
        raise AcseRefusedError("Organisation de réorientation inconnue.", "reorientation_organisation")
    not_future(data.ended_on, "ended_on", "La date de fin")


def do_end_placement(placement: Placement, data: EndData, *, acting_user: Any) -> Placement:
    """End an active placement with its reason and re-orientation; the place is free again."""
    require(policies.can_coordinate(acting_user, placement.request))
    _check_end(data)
    with transaction.atomic(durable=True):
        placement = _locked(placement, {Step.ACTIVE}, "Seul un accueil en cours peut prendre fin")
        not_before(data.ended_on, placement.arrival_on, "ended_on", "La fin ne peut précéder l'arrivée")
        kind = data.reorientation_kind
        if not kind and data.reorientation_organisation_id is not None:
            kind = Organisation.objects.get(pk=data.reorientation_organisation_id).kind
        _advance(placement, Step.ENDED, {
            "ended_on": data.ended_on, "end_reason": data.reason, "reorientation_kind": kind,
            "reorientation_organisation_id": data.reorientation_organisation_id,
        })  # fmt: skip
        shelter = Shelter.objects.select_for_update().get(pk=placement.shelter_id)
        shelter.free_places = min(shelter.reserved_places, shelter.free_places + 1)
        shelter.save(update_fields=["free_places", "updated_at"])
        _record("acse.placement_end", placement, acting_user, reason=data.reason, reorientation=kind)
    return placement


def do_cancel_placement(
    placement: Placement, on: datetime.date, reason: str, *, acting_user: Any, close_request: bool = False
) -> Placement:
    """Cancel a placement before the arrival; the request waits again, or closes with it."""
    require(policies.can_coordinate(acting_user, placement.request))
    if not reason.strip():
        raise AcseRefusedError("Indiquez le motif de l'annulation.", "reason")
    not_future(on, "on", "La date d'annulation")
    with transaction.atomic(durable=True):
        placement = _locked(placement, HOLDING_STEPS, "Seul un accueil pas encore commencé peut être annulé")
        not_before(on, _last_answer(placement), "on", "L'annulation ne peut précéder la proposition ou l'accord")
        placement.step, placement.cancelled_on, placement.cancel_reason = Step.CANCELLED, on, reason.strip()
        placement.save()
        request = placement.request
        if close_request:
            request.state, request.closed_on, request.close_reason = RequestState.WITHDRAWN, on, reason.strip()
            request.save(update_fields=["state", "closed_on", "close_reason", "updated_at"])
        else:
            _set_request_state(request, RequestState.PENDING)
        _record("acse.placement_cancel", placement, acting_user, request_closed=close_request)
    return placement
