"""The Ac.Sé API: statistics for ACSE_STATISTICS holders, availability for the shelter's hosts."""

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from egide.accounts.models import User
from egide.accounts.roles import Role
from egide.organisations.tests.factories import OrganisationFactory
from egide.organisations.vocabulary import Kind
from egide.referrals.acse.models import Shelter
from egide.referrals.acse.tests import helpers
from egide.referrals.acse.tests.helpers import AcseWorld

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]


@pytest.fixture
def w(db: Any) -> AcseWorld:
    return helpers.world()


def _post(client: Client, shelter_id: int, body: dict[str, Any]) -> Any:
    return client.post(f"/api/v1/acse/shelters/{shelter_id}/availability", json.dumps(body),
                       content_type="application/json")  # fmt: skip


def test_statistics_answer_aggregates_to_statistics_holders_only(w: AcseWorld, login: Login) -> None:
    helpers.open_request(w)
    year = (datetime.date.today() - datetime.timedelta(days=10)).year
    national = helpers.user("national@example.org", Role.NATIONAL_COORDINATOR,
                            OrganisationFactory(kind=Kind.NATIONAL_BODY))  # fmt: skip
    body = login(national).get(f"/api/v1/acse/statistics?year={year}").json()
    assert body["years"][0]["year"] == year and body["years"][0]["requests"] == 1
    assert body["partners_year"] == year and body["partners"] == []
    assert login(national).get("/api/v1/acse/statistics?year=1990").status_code == 404
    assert login(w.host).get("/api/v1/acse/statistics").status_code == 403
    assert Client().get("/api/v1/acse/statistics").status_code == 401


def test_a_host_updates_its_availability_and_no_one_else_can(w: AcseWorld, login: Login) -> None:
    shelter = w.shelters["rennes"]
    response = _post(login(w.host), shelter.pk, {"free_places": 2})
    assert response.status_code == 200 and response.json()["free_places"] == 2
    assert "Rennes" not in response.content.decode()
    assert _post(login(w.host), shelter.pk, {"free_places": 3}).json()["detail"].startswith("Les places libres")
    other = helpers.user("autre@example.org", Role.CASE_SUPERVISOR, helpers.partner("Autre foyer"))
    assert _post(login(other), shelter.pk, {"free_places": 0}).status_code == 404
    assert _post(login(w.caseworker), shelter.pk, {"free_places": 0}).status_code == 404
    assert _post(login(w.host), 999999, {"free_places": 0}).status_code == 404
    assert _post(login(w.host), shelter.pk, {"free_places": "beaucoup"}).status_code == 422
    assert _post(Client(), shelter.pk, {"free_places": 0}).status_code == 401
    assert Shelter.objects.get(pk=shelter.pk).free_places == 2
