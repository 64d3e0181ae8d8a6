"""Shelters, requests and every step of a placement: what is written, what is refused, and in French."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from egide.accounts.roles import Role
from egide.core.models import AuditEvent
from egide.organisations.tests.factories import OrganisationFactory
from egide.referrals.acse import matching, workflow
from egide.referrals.acse.actions import do_open_request, do_update_availability, do_withdraw_request
from egide.referrals.acse.models import Placement, PlacementRequest, Shelter
from egide.referrals.acse.rules import AcseRefusedError
from egide.referrals.acse.sealed import AvoidPlace, open_location, open_places
from egide.referrals.acse.tests import helpers
from egide.referrals.acse.tests.helpers import MARSEILLE, RENNES, TOULON, AcseWorld
from egide.referrals.acse.vocabulary import RequestState, Step

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


@pytest.fixture
def w(db: Any) -> AcseWorld:
    return helpers.world()


def _snapshot() -> tuple[int, int, int, list[tuple[str, str]]]:
    return (
        AuditEvent.objects.count(), Placement.objects.count(), PlacementRequest.objects.count(),
        list(PlacementRequest.objects.order_by("pk").values_list("reference", "state")),
    )  # fmt: skip


def _propose(w: AcseWorld, request: PlacementRequest, shelter: Shelter, on: datetime.date | None = None) -> Placement:
    return workflow.do_propose_placement(request, shelter, on or days_ago(9), acting_user=w.coordinator,
                                         refusals=matching.refusals)  # fmt: skip


def test_a_shelter_location_is_stored_only_encrypted(w: AcseWorld) -> None:
    shelter = w.shelters["rennes"]
    raw = bytes(Shelter.objects.get(pk=shelter.pk).location)
    assert b"35238" not in raw and b"Cach" not in raw
    row = Shelter.objects.filter(pk=shelter.pk).values().get()
    assert not any("35238" in str(v) or "Rennes" in str(v) for v in row.values())
    assert open_location(shelter.data_key, shelter.uid, raw).commune_code == RENNES


def test_places_to_avoid_are_stored_only_encrypted(w: AcseWorld) -> None:
    request = helpers.open_request(w)
    row = PlacementRequest.objects.filter(pk=request.pk).values().get()
    assert not any(MARSEILLE in str(v) or "Marseille" in str(v) for v in row.values())
    assert open_places(request.data_key, request.uid, bytes(request.places))[0].code == MARSEILLE
    assert request.reference == f"AS-{days_ago(10).year}-0001"


def test_a_minor_case_is_refused_in_french_and_nothing_is_written(w: AcseWorld) -> None:
    case = helpers.open_case(w.caseworker, w.sender, age_status="minor")
    referral = helpers.refer(case, w.sender, w.coordination, w.caseworker)
    before = _snapshot()
    with pytest.raises(AcseRefusedError, match="n'accueille que des personnes majeures"):
        do_open_request(referral, helpers.request_data(), acting_user=w.coordinator)
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"adult_confirmed": False}, "Confirmez que la personne est majeure"),
        ({"consent_on": None}, "consentement de la personne"),
        ({"places": ()}, "au moins un lieu à éviter"),
        ({"places": (AvoidPlace("exploitation", "commune", "99999"),)}, "Lieu à éviter n° 1 : commune inconnu"),
        ({"requested_on": TODAY + datetime.timedelta(days=1)}, "ne peut pas être dans le futur"),
        ({"min_distance_km": 5000}, "La distance minimale va de 0 à 1 000 km"),
        ({"languages": ("xx",)}, "Langue"),
    ],
)
def test_a_bad_request_is_refused_with_a_french_message(w: AcseWorld, fields: dict[str, Any], message: str) -> None:
    referral = helpers.refer(helpers.open_case(w.caseworker, w.sender), w.sender, w.coordination, w.caseworker)
    before = _snapshot()
    with pytest.raises(AcseRefusedError, match=message):
        do_open_request(referral, helpers.request_data(**fields), acting_user=w.coordinator)
    assert _snapshot() == before


def test_only_a_coordinator_of_the_receiving_coordination_opens_a_request(w: AcseWorld) -> None:
    referral = helpers.refer(helpers.open_case(w.caseworker, w.sender), w.sender, w.coordination, w.caseworker)
    # The same role, given in an association, grants nothing.
    misplaced = helpers.user("faux@example.org", Role.ACSE_COORDINATOR, OrganisationFactory())
    for someone in (misplaced, w.caseworker, w.host):
        with pytest.raises(PermissionDenied):
            do_open_request(referral, helpers.request_data(), acting_user=someone)
    assert not PlacementRequest.objects.exists()


def test_the_whole_workflow_from_request_to_the_end_of_the_placement(w: AcseWorld) -> None:
    request = helpers.open_request(w)
    shelter = w.shelters["rennes"]
    placement = _propose(w, request, shelter)
    assert PlacementRequest.objects.get(pk=request.pk).state == RequestState.PROPOSED
    placement = workflow.do_record_agreement(placement, days_ago(8), acting_user=w.host)
    placement = workflow.do_schedule_interview(placement, days_ago(6), ["person", "host", "referrer", "interpreter"],
                                               acting_user=w.coordinator)  # fmt: skip
    placement = workflow.do_book_transfer(placement, days_ago(3), True, acting_user=w.coordinator)
    placement = workflow.do_record_arrival(placement, days_ago(2), acting_user=w.coordinator)
    assert Shelter.objects.get(pk=shelter.pk).free_places == 0  # the place is taken
    assert PlacementRequest.objects.get(pk=request.pk).state == RequestState.ACTIVE
    end = workflow.EndData(TODAY, "danger_ended", reorientation_organisation_id=w.sender.pk)
    placement = workflow.do_end_placement(placement, end, acting_user=w.coordinator)
    placement.refresh_from_db()
    assert placement.step == Step.ENDED and placement.reorientation_kind == "association" and placement.companion_travel
    assert PlacementRequest.objects.get(pk=request.pk).state == RequestState.ENDED
    assert Shelter.objects.get(pk=shelter.pk).free_places == 1  # free again
    events = AuditEvent.objects.filter(target_type="acse.placement").order_by("id")
    actions = list(events.values_list("action", flat=True))
    assert actions == ["acse.placement_propose", "acse.placement_agree", "acse.placement_interview",
                       "acse.placement_transfer", "acse.placement_arrival", "acse.placement_end"]  # fmt: skip


def test_steps_out_of_order_or_with_impossible_dates_are_refused_and_write_nothing(w: AcseWorld) -> None:
    request = helpers.open_request(w)
    placement = _propose(w, request, w.shelters["rennes"], days_ago(9))
    attempts = [
        (lambda: workflow.do_schedule_interview(placement, days_ago(5), ["person", "host"], acting_user=w.coordinator),
         "L'entretien suit l'accord de principe"),
        (lambda: workflow.do_record_arrival(placement, days_ago(1), acting_user=w.coordinator), "L'arrivée suit"),
        (lambda: workflow.do_record_agreement(placement, days_ago(12), acting_user=w.host),
         "L'accord ne peut précéder la proposition"),
        (lambda: workflow.do_record_agreement(placement, TODAY + datetime.timedelta(days=2), acting_user=w.host),
         "ne peut pas être dans le futur"),
        (lambda: workflow.do_record_refusal(placement, days_ago(1), " ", acting_user=w.host), "motif du refus"),
    ]  # fmt: skip
    for attempt, message in attempts:
        before = _snapshot()
        with pytest.raises(AcseRefusedError, match=message):
            attempt()
        assert _snapshot() == before
    workflow.do_record_agreement(placement, days_ago(8), acting_user=w.host)
    for attempt, message in [
        (lambda: workflow.do_record_agreement(placement, days_ago(7), acting_user=w.host), "Seule une proposition"),
        (lambda: workflow.do_schedule_interview(placement, days_ago(9), ["person", "host"], acting_user=w.coordinator),
         "L'entretien ne peut précéder l'accord"),
        (lambda: workflow.do_schedule_interview(placement, days_ago(7), ["referrer"], acting_user=w.coordinator),
         "au moins la personne et le centre"),
    ]:  # fmt: skip
        before = _snapshot()
        with pytest.raises(AcseRefusedError, match=message):
            attempt()
        assert _snapshot() == before
    workflow.do_schedule_interview(placement, days_ago(6), ["person", "host"], acting_user=w.coordinator)
    with pytest.raises(AcseRefusedError, match="Le voyage ne peut précéder l'entretien"):
        workflow.do_book_transfer(placement, days_ago(7), False, acting_user=w.coordinator)
    workflow.do_book_transfer(placement, days_ago(3), False, acting_user=w.coordinator)
    with pytest.raises(AcseRefusedError, match="L'arrivée ne peut précéder le voyage"):
        workflow.do_record_arrival(placement, days_ago(4), acting_user=w.coordinator)


def test_a_host_cannot_schedule_and_a_stranger_cannot_answer(w: AcseWorld) -> None:
    placement = _propose(w, helpers.open_request(w), w.shelters["rennes"])
    other_host = helpers.user("autre-hote@example.org", Role.CASEWORKER, helpers.partner("Autre foyer"))
    with pytest.raises(PermissionDenied):
        workflow.do_record_agreement(placement, days_ago(1), acting_user=other_host)
    with pytest.raises(PermissionDenied):
        workflow.do_record_agreement(placement, days_ago(1), acting_user=w.caseworker)
    workflow.do_record_agreement(placement, days_ago(1), acting_user=w.host)
    with pytest.raises(PermissionDenied):
        workflow.do_schedule_interview(placement, TODAY, ["person", "host"], acting_user=w.host)


def test_a_refusal_sends_the_request_back_and_another_shelter_can_be_proposed(w: AcseWorld) -> None:
    request = helpers.open_request(w)
    placement = _propose(w, request, w.shelters["rennes"])
    workflow.do_record_refusal(placement, days_ago(5), "Pas de place adaptée", acting_user=w.host)
    assert PlacementRequest.objects.get(pk=request.pk).state == RequestState.PENDING
    brest = helpers.shelter(w.coordinator, w.host_org, "Les Embruns", helpers.BREST)
    second = _propose(w, PlacementRequest.objects.get(pk=request.pk), brest, days_ago(4))
    assert second.step == Step.PROPOSED and request.placements.count() == 2


def test_cancelling_may_close_the_request(w: AcseWorld) -> None:
    request = helpers.open_request(w)
    placement = _propose(w, request, w.shelters["rennes"])
    with pytest.raises(AcseRefusedError, match="motif de l'annulation"):
        workflow.do_cancel_placement(placement, TODAY, "", acting_user=w.coordinator)
    workflow.do_cancel_placement(placement, TODAY, "La personne renonce", acting_user=w.coordinator, close_request=True)
    request.refresh_from_db()
    assert (request.state, request.closed_on) == (RequestState.WITHDRAWN, TODAY)
    with pytest.raises(AcseRefusedError, match="Seule une demande en attente"):
        do_withdraw_request(request, TODAY, "encore", acting_user=w.coordinator)


def test_a_shelter_too_close_to_a_place_to_avoid_is_never_accepted_by_hand(w: AcseWorld) -> None:
    toulon = helpers.shelter(w.coordinator, w.host_org, "Villa du Port", TOULON)
    request = helpers.open_request(w)
    before = _snapshot()
    with pytest.raises(AcseRefusedError, match=r"à \d+ km de Marseille \(13\) \(lieu d'exploitation\), minimum 200 km"):
        _propose(w, request, toulon)
    assert _snapshot() == before


def test_a_full_shelter_or_one_that_refuses_the_profile_is_refused(w: AcseWorld) -> None:
    request = helpers.open_request(w, helpers.request_data(with_children=True))
    do_update_availability(w.shelters["rennes"], 0, acting_user=w.host)
    with pytest.raises(AcseRefusedError) as refused:
        _propose(w, request, Shelter.objects.get(pk=w.shelters["rennes"].pk))
    assert "aucune place disponible" in str(refused.value)
    assert "n'accueille pas les personnes avec enfants" in str(refused.value)
    assert not Placement.objects.exists()


def test_availability_stays_within_the_reserved_places(w: AcseWorld) -> None:
    with pytest.raises(AcseRefusedError, match="de 0 à 2"):
        do_update_availability(w.shelters["rennes"], 3, acting_user=w.host)
    with pytest.raises(PermissionDenied):
        do_update_availability(w.shelters["rennes"], 1, acting_user=w.caseworker)


def test_the_audit_trail_never_holds_a_location_or_a_place_to_avoid(w: AcseWorld) -> None:
    request = helpers.open_request(w)
    placement = _propose(w, request, w.shelters["rennes"])
    workflow.do_record_refusal(placement, TODAY, "Motif libre", acting_user=w.host)
    trail = repr(list(AuditEvent.objects.values_list("target_label", "reason", "extra")))
    for secret in (RENNES, "Rennes", "rue Cachée", MARSEILLE, "Marseille", "Motif libre"):
        assert secret not in trail
