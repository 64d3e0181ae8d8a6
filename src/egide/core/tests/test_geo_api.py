"""The reference-geography API: départements GeoJSON with counts, départements list, communes search."""

from typing import Any

import pytest
from django.test import Client

from egide.core.api import PROBLEM_CONTENT_TYPE
from egide.core.models import Departement
from egide.organisations.tests.factories import OrganisationFactory, commune
from egide.organisations.vocabulary import AddressVisibility, Service

pytestmark = pytest.mark.django_db

DEPARTEMENTS = "/api/v1/geo/departements"
COMMUNES = "/api/v1/geo/communes"


def _feature(body: dict[str, Any], code: str) -> dict[str, Any]:
    return next(f for f in body["features"] if f["id"] == code)


@pytest.fixture
def loire() -> None:
    """In the Loire: two published organisations offering 3 services, plus some that must not count."""
    saint_etienne = commune("42218")
    OrganisationFactory(commune=saint_etienne, services=[Service.SOCIAL_SUPPORT, Service.MINORS])
    OrganisationFactory(commune=saint_etienne, services=[Service.SOCIAL_SUPPORT])
    OrganisationFactory(commune=saint_etienne, is_published=False, services=[Service.SOCIAL_SUPPORT])
    OrganisationFactory(commune=saint_etienne, is_active=False, services=[Service.SOCIAL_SUPPORT])
    OrganisationFactory(
        commune=saint_etienne, address_visibility=AddressVisibility.HIDDEN, services=[Service.SOCIAL_SUPPORT]
    )
    OrganisationFactory(commune=saint_etienne, address_visibility=AddressVisibility.DEPARTEMENT)


def test_departements_geojson_has_101_features_with_boundaries(client: Client, db: Any) -> None:
    response = client.get(DEPARTEMENTS)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 101
    ain = _feature(body, "01")
    assert ain["type"] == "Feature"
    assert ain["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert ain["geometry"] == Departement.objects.get(code="01").geometry
    assert ain["properties"] == {
        "code": "01",
        "nom": "Ain",
        "region": "Auvergne-Rhône-Alpes",
        "population": Departement.objects.get(code="01").population,
        "organisations": 0,
        "services": 0,
        "services_per_100k": 0.0,
    }


def test_departements_count_published_organisations_and_services_per_100k(client: Client, loire: None) -> None:
    population = Departement.objects.get(code="42").population
    loire_feature = _feature(client.get(DEPARTEMENTS).json(), "42")["properties"]
    assert loire_feature["organisations"] == 3
    assert loire_feature["services"] == 3
    assert loire_feature["services_per_100k"] == round(3 * 100_000 / population, 2)
    assert loire_feature["services_per_100k"] > 0
    minors = _feature(client.get(f"{DEPARTEMENTS}?service=minors").json(), "42")["properties"]
    assert (minors["organisations"], minors["services"]) == (3, 1)
    assert minors["services_per_100k"] == round(100_000 / population, 2)


def test_departements_reject_an_unknown_service_in_french(client: Client, db: Any) -> None:
    response = client.get(f"{DEPARTEMENTS}?service=massage")
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert "Service inconnu" in response.json()["errors"][0]["message"]


def test_departements_run_two_queries(client: Client, loire: None, django_assert_max_num_queries: Any) -> None:
    client.get(DEPARTEMENTS)  # fills the process cache of boundaries
    with django_assert_max_num_queries(2):
        assert len(client.get(DEPARTEMENTS).json()["features"]) == 101


def test_departement_list_is_small_and_ordered_by_code(client: Client, db: Any) -> None:
    response = client.get("/api/v1/geo/departements/list")
    assert response["Cache-Control"] == "public, max-age=300"
    body = response.json()
    assert len(body) == 101
    assert body[0] == {"code": "01", "name": "Ain", "region": "Auvergne-Rhône-Alpes"}
    assert {"code": "2A", "name": "Corse-du-Sud", "region": "Corse"} in body
    assert body[-1]["code"] == "976"


@pytest.mark.parametrize("typed", ["st etienne", "Saint-É", "saint-é", "ST-ETIENNE", "saint etie"])
def test_communes_match_the_beginning_of_the_name_without_accents(client: Client, db: Any, typed: str) -> None:
    body = client.get(COMMUNES, {"q": typed}).json()
    assert body[0] == {
        "code": "42218",
        "name": "Saint-Étienne",
        "departement": {"code": "42", "name": "Loire"},
        "postcodes": ["42000", "42100", "42230"],
        "latitude": body[0]["latitude"],
        "longitude": body[0]["longitude"],
    }
    assert all(c["name"].startswith("Saint-") for c in body)
    assert len(body) == 10


def test_communes_are_ordered_by_population_and_limited(client: Client, db: Any) -> None:
    body = client.get(COMMUNES, {"q": "saint", "limit": 3}).json()
    assert len(body) == 3
    # Saint-Denis of La Réunion, then of Seine-Saint-Denis.
    assert [c["name"] for c in body] == ["Saint-Étienne", "Saint-Denis", "Saint-Denis"]
    assert len(client.get(COMMUNES, {"q": "saint"}).json()) == 10
    assert client.get(COMMUNES, {"q": "st"}).json()[0]["name"] == "Strasbourg"


def test_communes_match_a_postcode_prefix(client: Client, db: Any) -> None:
    body = client.get(COMMUNES, {"q": "750"}).json()
    assert body[0]["name"] == "Paris"
    assert "75011" in body[0]["postcodes"]
    body = client.get(COMMUNES, {"q": "42100"}).json()
    assert [c["name"] for c in body] == ["Saint-Étienne"]


@pytest.mark.parametrize(
    ("params", "french"),
    [
        ({"q": "a"}, "Au moins 2 caractère"),
        ({"q": "--"}, "Saisissez au moins deux lettres ou chiffres"),
        ({}, "Paramètre obligatoire"),
        ({"q": "paris", "limit": 51}, "inférieure ou égale à 50"),
    ],
)
def test_communes_reject_bad_parameters_in_french(client: Client, db: Any, params: dict[str, Any], french: str) -> None:
    response = client.get(COMMUNES, params)
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert any(french in e["message"] for e in response.json()["errors"]), response.json()
