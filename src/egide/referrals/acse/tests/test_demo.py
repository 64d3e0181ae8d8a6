"""Demo Ac.Sé: a full board, and proposals that respect every hard constraint on a demo-sized network."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from egide.accounts.models import User
from egide.cases.demo import load_demo_cases
from egide.cases.tests.test_demo import SEED, TODAY
from egide.core.audit import verify_chain
from egide.core.models import AuditEvent, Commune, Departement
from egide.organisations.demo import DEMO_DOMAIN, load_demo
from egide.referrals.acse import matching
from egide.referrals.acse.demo import LOAD_ACTION, DemoAcseError, load_demo_acse
from egide.referrals.acse.models import Placement, PlacementRequest, Shelter
from egide.referrals.acse.vocabulary import RequestState
from egide_analytics.placement import haversine_km

Login = Callable[[User], Client]


@pytest.fixture
def loaded(db: None) -> None:
    load_demo(organisations=60, today=TODAY)
    load_demo_cases(SEED, 300, 20, today=TODAY)
    # A fixed day: the board must not depend on the day the suite runs.
    result = load_demo_acse(today=TODAY)
    assert result.created and result.shelters > 0 and result.requests == 40


def _demo(local_part: str) -> User:
    return User.objects.get(email=f"{local_part}@{DEMO_DOMAIN}")


def test_acse_needs_the_demo_victims(db: None) -> None:
    with pytest.raises(DemoAcseError, match="victimes de démonstration"):
        load_demo_acse()
    assert not PlacementRequest.objects.exists()


def test_the_demo_fills_the_board_in_every_state_and_loads_once(loaded: None, login: Login) -> None:
    states = set(PlacementRequest.objects.values_list("state", flat=True))
    assert {"pending", "proposed", "agreed", "interview", "transfer", "active", "ended", "withdrawn"} <= states
    caseworker_org = _demo("caseworker").memberships.get().organisation_id
    pending = PlacementRequest.objects.filter(state=RequestState.PENDING)
    assert pending.count() >= 2 and pending.filter(referral__sender_id=caseworker_org).exists()
    supervisor_org = _demo("supervisor").memberships.get().organisation_id
    assert Shelter.objects.filter(organisation_id=supervisor_org).exists()
    before = AuditEvent.objects.count()
    assert not load_demo_acse().created and AuditEvent.objects.count() == before
    assert AuditEvent.objects.filter(action=LOAD_ACTION).count() == 1
    assert verify_chain().ok
    board = login(_demo("acse")).get(reverse("acse:board")).content.decode()
    assert "ouvrir une demande" in board and board.count("acse/demandes/") >= 40
    assert "Ac.Sé" in login(_demo("supervisor")).get(reverse("acse:host_home")).content.decode()
    assert Placement.objects.filter(step="ended").exists()


def _violations(proposal: matching.RequestProposal, choice: matching.Choice) -> list[str]:
    """Check one proposed shelter against every hard constraint, without the engine."""
    request, shelter = proposal.request.request, choice.shelter
    found = []
    assert shelter.place is not None
    here = shelter.place.points[0]
    if shelter.free_places <= 0:
        found.append("no place")
    if (request.gender == "woman" and not shelter.shelter.accepts_women) or (
        request.gender == "man" and not shelter.shelter.accepts_men
    ):
        found.append("profile")
    if request.with_children and not shelter.shelter.accepts_children:
        found.append("children")
    if request.needs_wheelchair and not shelter.shelter.wheelchair_accessible:
        found.append("wheelchair")
    for avoid in proposal.request.avoid:
        if avoid.is_departement:
            departement = Departement.objects.get(pk=avoid.code)
            points = matching._vertices(departement.geometry)
            if shelter.place.departement == avoid.code:
                found.append("inside the département to avoid")
            region = departement.region_id
            dep = avoid.code
        else:
            commune = Commune.objects.select_related("departement").get(pk=avoid.code)
            points = ((commune.latitude, commune.longitude),)  # type: ignore[assignment]
            region, dep = commune.departement.region_id, commune.departement_id
        if min(haversine_km(here, p) for p in points) < request.min_distance_km:
            found.append(f"closer than {request.min_distance_km} km to {avoid.code}")
        if request.avoid_same_departement and shelter.place.departement == dep:
            found.append("same département")
        if request.avoid_same_region and shelter.place.region == region:
            found.append("same région")
    return found


def test_proposals_never_break_a_hard_constraint_and_explain_every_exclusion(loaded: None, login: Login) -> None:
    response = login(_demo("acse")).get(reverse("acse:proposals"))
    assert response.status_code == 200
    described: list[matching.RequestProposal] = response.context["described"]
    assert len(described) >= 2
    active = Shelter.objects.filter(is_active=True).count()
    for proposal in described:
        choices = ([proposal.proposed] if proposal.proposed else []) + list(proposal.alternatives)
        for choice in choices:
            assert _violations(proposal, choice) == [], (proposal.request.request.reference, choice.shelter.shelter)
        for excluded in proposal.excluded:
            assert excluded.reasons and all(reason for reason in excluded.reasons)
        listed = {c.shelter.shelter.pk for c in choices} | {e.shelter.shelter.pk for e in proposal.excluded}
        assert len(listed) == len(choices) + len(proposal.excluded) <= active
    page = response.content.decode()
    assert "minimum 200 km" in page or "même département que" in page


def test_a_demo_request_can_be_carried_to_an_active_placement(loaded: None, login: Any) -> None:
    client = login(_demo("acse"))
    described = client.get(reverse("acse:proposals")).context["described"]
    placeable = next(d for d in described if d.proposed or d.alternatives)
    choice = placeable.proposed or placeable.alternatives[0]
    request = placeable.request.request
    response = client.post(reverse("acse:request_propose", args=[request.pk]),
                           {"shelter": choice.shelter.shelter.pk, "on": date.today().isoformat()})  # fmt: skip
    assert response.status_code == 302
    placement = Placement.objects.get(request=request, step="proposed")
    today = date.today().isoformat()
    for name, data in [
        ("acse:placement_agree", {"on": today}),
        ("acse:placement_interview", {"on": today, "participants": ["person", "host", "referrer"]}),
        ("acse:placement_transfer", {"travel_on": today}),
        ("acse:placement_arrival", {"on": today}),
    ]:
        assert client.post(reverse(name, args=[placement.pk]), data).status_code == 302
    assert PlacementRequest.objects.get(pk=request.pk).state == RequestState.ACTIVE
