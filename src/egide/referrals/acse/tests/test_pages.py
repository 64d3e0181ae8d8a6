"""The pages: the coordinator's board and proposals, the host's pages, the referrer's section, secrecy."""

import datetime
import html
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from egide.accounts.models import User
from egide.accounts.roles import Role
from egide.core.models import AuditEvent, AuditKind
from egide.organisations.tests.factories import OrganisationFactory
from egide.organisations.vocabulary import Kind
from egide.referrals.acse import matching, workflow
from egide.referrals.acse.models import Placement, PlacementRequest
from egide.referrals.acse.tests import helpers
from egide.referrals.acse.tests.helpers import TOULON, AcseWorld
from egide.referrals.acse.vocabulary import RequestState, Step

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
TODAY = datetime.date.today()
SECRETS = ("Rennes", "12 rue Cachée", "Villa du Port", "Toulon")


@pytest.fixture
def w(db: Any) -> AcseWorld:
    found = helpers.world()
    found.shelters["toulon"] = helpers.shelter(found.coordinator, found.host_org, "Villa du Port", TOULON)
    return found


def _propose(w: AcseWorld, request: PlacementRequest) -> Placement:
    return workflow.do_propose_placement(request, w.shelters["rennes"], TODAY - datetime.timedelta(days=2),
                                         acting_user=w.coordinator, refusals=matching.refusals)  # fmt: skip


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _request_post(place: str = "Marseille", **extra: str) -> dict[str, str]:
    data = {
        "requested_on": (TODAY - datetime.timedelta(days=3)).isoformat(), "gender": "woman",
        "adult_confirmed": "on", "min_distance_km": "200", "consent": "on",
        "consent_on": (TODAY - datetime.timedelta(days=3)).isoformat(), "languages": ["ro", "fr"],
        "lieux-TOTAL_FORMS": "5", "lieux-INITIAL_FORMS": "0", "lieux-MIN_NUM_FORMS": "5",
        "lieux-MAX_NUM_FORMS": "12", "lieux-0-kind": "exploitation", "lieux-0-scope": "commune", "lieux-0-place": place,
        "lieux-1-kind": "ties", "lieux-1-scope": "departement", "lieux-1-place": "Var",
    }  # fmt: skip
    return data | extra


def test_the_coordinator_opens_a_request_from_a_referral_on_the_board(w: AcseWorld, login: Login) -> None:
    case = helpers.open_case(w.caseworker, w.sender)
    referral = helpers.refer(case, w.sender, w.coordination, w.caseworker)
    client = login(w.coordinator)
    board = client.get(reverse("acse:board")).content.decode()
    assert "ouvrir une demande" in board and reverse("acse:request_create", args=[referral.pk]) in board
    url = reverse("acse:request_create", args=[referral.pk])
    refused = client.post(url, _request_post(consent=""))
    assert "Le consentement de la personne est obligatoire" in text(refused)
    ambiguous = client.post(url, _request_post(place="Saint-Denis"))
    assert "Plusieurs communes s'appellent « Saint-Denis »" in text(ambiguous)
    assert not PlacementRequest.objects.exists()
    response = client.post(url, _request_post())
    request = PlacementRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("acse:request_detail", args=[request.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "Marseille (13)" in detail and "Var (83)" in detail and "tout le département" in detail
    assert AuditEvent.objects.filter(action="acse.request_places_read", kind=AuditKind.ACCESS).exists()


def test_a_minor_case_cannot_become_a_request(w: AcseWorld, login: Login) -> None:
    referral = helpers.refer(helpers.open_case(w.caseworker, w.sender, age_status="minor"), w.sender, w.coordination,
                             w.caseworker)  # fmt: skip
    page = login(w.coordinator).post(reverse("acse:request_create", args=[referral.pk]), _request_post())
    assert "Ac.Sé n'accueille que des personnes majeures" in text(page)
    assert not PlacementRequest.objects.exists()


def test_the_proposals_page_proposes_and_explains_every_exclusion(w: AcseWorld, login: Login) -> None:
    request = helpers.open_request(w)
    client = login(w.coordinator)
    page = text(client.get(reverse("acse:proposals")))
    assert "Proposition : Maison des Tilleuls" in page
    assert "Villa du Port" in page and "km de Marseille (13) (lieu d'exploitation), minimum 200 km" in page
    assert "même département que" not in page
    response = client.post(reverse("acse:request_propose", args=[request.pk]),
                           {"shelter": w.shelters["toulon"].pk, "on": TODAY.isoformat()})  # fmt: skip
    assert response.status_code == 302 and not Placement.objects.exists()
    response = client.post(reverse("acse:request_propose", args=[request.pk]),
                           {"shelter": w.shelters["rennes"].pk, "on": TODAY.isoformat()})  # fmt: skip
    assert response["Location"] == reverse("acse:request_detail", args=[request.pk])
    assert PlacementRequest.objects.get(pk=request.pk).state == RequestState.PROPOSED


def test_the_coordinator_carries_a_placement_through_every_step_in_pages(w: AcseWorld, login: Login) -> None:
    request = helpers.open_request(w)
    placement = _propose(w, request)
    host = login(w.host)
    assert host.post(reverse("acse:placement_agree", args=[placement.pk]), {"on": TODAY.isoformat()}).status_code == 302
    coordinator = login(w.coordinator)
    steps = [
        ("acse:placement_interview", {"on": TODAY.isoformat(), "participants": ["person", "host", "referrer"]}),
        ("acse:placement_transfer", {"travel_on": TODAY.isoformat(), "companion": "on"}),
        ("acse:placement_arrival", {"on": TODAY.isoformat()}),
        ("acse:placement_end", {"ended_on": TODAY.isoformat(), "reason": "danger_ended",
                                "reorientation_kind": "association"}),
    ]  # fmt: skip
    for name, data in steps:
        response = coordinator.post(reverse(name, args=[placement.pk]), data)
        assert response.status_code == 302, response.content.decode()[:3000]
    placement.refresh_from_db()
    assert placement.step == Step.ENDED and placement.companion_travel
    board = coordinator.get(reverse("acse:board") + "?etat=ended").content.decode()
    assert request.reference in board


def test_a_host_sees_only_its_placements_and_never_identity_nor_places(w: AcseWorld, login: Login) -> None:
    request = helpers.open_request(w)
    placement = _propose(w, request)
    other_org = helpers.partner("Foyer lointain")
    other_host = helpers.user("lointain@example.org", Role.CASEWORKER, other_org)
    helpers.shelter(w.coordinator, other_org, "Le Phare", helpers.BREST)
    page = login(w.host).get(reverse("acse:host_placement", args=[placement.pk])).content.decode()
    assert placement.reference in page and "Association orienteuse (test)" in page and "Roumain" not in page
    unreferenced = page.replace(placement.reference, "")
    for secret in ("Marseille", "Orientée", request.referral.case.reference):
        assert secret not in unreferenced
    client = login(other_host)
    assert client.get(reverse("acse:host_placement", args=[placement.pk])).status_code == 404
    agree = reverse("acse:placement_agree", args=[placement.pk])
    assert client.post(agree, {"on": TODAY.isoformat()}).status_code == 404
    home = client.get(reverse("acse:host_home")).content.decode()
    assert "Le Phare" in home and "Brest" in home and placement.reference not in home
    assert client.get(reverse("acse:shelter_detail", args=[w.shelters["rennes"].pk])).status_code == 404


def test_the_referrer_follows_the_request_on_the_case_page_without_the_location(w: AcseWorld, login: Login) -> None:
    request = helpers.open_request(w)
    placement = _propose(w, request)
    client = login(w.caseworker)
    case_url = reverse("cases:case_detail", args=[request.referral.case_id])
    page = client.get(case_url).content.decode()
    assert "Ac.Sé — accueil sécurisant" in page and "proposée à un centre" in page
    assert "Foyer partenaire (test)" not in page  # not before the agreement
    workflow.do_record_agreement(placement, TODAY, acting_user=w.host)
    page = client.get(case_url).content.decode()
    assert "accueil par Foyer partenaire (test)" in page
    assert not any(secret in page for secret in SECRETS)


def test_nobody_but_the_coordinator_and_the_host_ever_sees_a_shelter_location(w: AcseWorld, login: Login) -> None:
    request = helpers.open_request(w)
    placement = _propose(w, request)
    workflow.do_record_agreement(placement, TODAY, acting_user=w.host)
    national = helpers.user("national@example.org", Role.NATIONAL_COORDINATOR,
                            OrganisationFactory(name="Mission nationale", kind=Kind.NATIONAL_BODY))  # fmt: skip
    misplaced = helpers.user("faux-coordinateur@example.org", Role.ACSE_COORDINATOR, OrganisationFactory())
    shelter_id = w.shelters["rennes"].pk
    urls = [reverse(name) for name in ("acse:board", "acse:proposals", "acse:shelter_list", "acse:host_home",
                                        "acse:statistics", "acse:statistics_csv")]  # fmt: skip
    urls += [reverse("acse:shelter_detail", args=[shelter_id]), reverse("acse:host_availability", args=[shelter_id]),
             reverse("acse:host_placement", args=[placement.pk]), reverse("acse:request_detail", args=[request.pk]),
             reverse("cases:case_detail", args=[request.referral.case_id]), "/api/v1/acse/statistics",
             reverse("organisations:detail", args=[w.host_org.pk])]  # fmt: skip
    seen: dict[str, bool] = {}
    for who in (w.coordinator, w.host, w.caseworker, national, misplaced):
        client = login(who)
        pages = "".join(client.get(url).content.decode() for url in urls)
        seen[who.email] = "Rennes" in pages and "12 rue Cachée" in pages
    assert seen == {w.coordinator.email: True, w.host.email: True, w.caseworker.email: False,
                    national.email: False, misplaced.email: False}  # fmt: skip
    anonymous = Client()
    assert not any("Rennes" in anonymous.get(url).content.decode() for url in urls)
    trail = repr(list(AuditEvent.objects.values_list("target_label", "reason", "extra")))
    assert "Rennes" not in trail and "35238" not in trail and "Cachée" not in trail


def test_the_coordinator_manages_shelters_and_the_host_its_availability(w: AcseWorld, login: Login) -> None:
    client = login(w.coordinator)
    response = client.post(reverse("acse:shelter_create"), {
        "organisation": w.host_org.pk, "label": "Le Grand Chêne", "commune": "Strasbourg", "address": "3 place X",
        "reserved_places": "2", "free_places": "3", "accepts_women": "on",
    })  # fmt: skip
    assert "Les places libres ne peuvent dépasser les places réservées" in response.content.decode()
    not_partner = OrganisationFactory(name="Non partenaire")
    response = client.post(reverse("acse:shelter_create"), {
        "organisation": not_partner.pk, "label": "X", "commune": "67482", "reserved_places": "1", "free_places": "0",
        "accepts_women": "on",
    })  # fmt: skip
    assert response.status_code == 200  # not even offered
    response = client.post(reverse("acse:shelter_create"), {
        "organisation": w.host_org.pk, "label": "Le Grand Chêne", "commune": "Strasbourg", "address": "3 place X",
        "reserved_places": "2", "free_places": "1", "accepts_women": "on", "accepts_men": "on", "is_active": "on",
        "languages": ["de"],
    })  # fmt: skip
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Strasbourg (67)" in page and "3 place X" in page and "Allemand" in page
    shelter_id = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    host = login(w.host)
    response = host.post(reverse("acse:host_availability", args=[shelter_id]), {"free_places": "0"})
    assert response.status_code == 302
    assert host.get(reverse("acse:shelter_edit", args=[shelter_id])).status_code == 403


def test_statistics_count_by_year_and_export_csv(w: AcseWorld, login: Login) -> None:
    request = helpers.open_request(w)
    placement = _propose(w, request)
    workflow.do_record_agreement(placement, TODAY, acting_user=w.host)
    workflow.do_schedule_interview(placement, TODAY, ["person", "host"], acting_user=w.coordinator)
    workflow.do_book_transfer(placement, TODAY, False, acting_user=w.coordinator)
    workflow.do_record_arrival(placement, TODAY, acting_user=w.coordinator)
    client = login(w.coordinator)
    page = client.get(reverse("acse:statistics")).content.decode()
    assert "Foyer partenaire (test)" in page and "Rennes" not in page
    csv = client.get(reverse("acse:statistics_csv")).content.decode()
    waited = (TODAY - request.requested_on).days
    assert f"{TODAY.year};1;1;0;{waited};{waited}" in csv
    assert f"{TODAY.year};Foyer partenaire (test);1;1" in csv
    assert login(w.host).get(reverse("acse:statistics")).status_code == 403
