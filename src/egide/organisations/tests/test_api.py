"""The directory API: filters, pagination, confidentiality, visibility, errors and tokens."""

import datetime
import gzip
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from egide.accounts.actions import do_create_api_token, do_revoke_api_token
from egide.accounts.models import User
from egide.accounts.roles import Role
from egide.core.api import PROBLEM_CONTENT_TYPE
from egide.organisations.actions import OrganisationData, do_update_organisation
from egide.organisations.models import Organisation
from egide.organisations.policies import LocationViewer
from egide.organisations.schemas import MarkerCollection, OrganisationDetail, OrganisationPage
from egide.organisations.selectors import LOCATION_FIELDS, locate, location_row
from egide.organisations.tests.factories import OrganisationFactory, commune
from egide.organisations.vocabulary import AddressVisibility, ExploitationForm, Kind, Service

pytestmark = pytest.mark.django_db

LIST = "/api/v1/organisations/"
MARKERS = "/api/v1/organisations/markers"
SECRET_ADDRESS = "14 impasse des Glycines"
SECRET_POSTCODE = "69003"
SECRET_LATITUDE = 45.7612345
SECRET_LONGITUDE = 4.8523456


Directory = dict[str, Organisation]


def detail_url(org: Organisation) -> str:
    return f"/api/v1/organisations/{org.pk}"


@pytest.fixture
def directory() -> Directory:
    """A small directory: public associations, a confidential and a hidden shelter, an unpublished one."""
    return {
        "stetienne": OrganisationFactory(
            name="Association Lumière",
            acronym="ASLU",
            commune=commune("42218"),
            latitude=45.4340,
            longitude=4.3900,
            services=[Service.SOCIAL_SUPPORT, Service.MINORS],
            exploitation_forms=[ExploitationForm.SEXUAL],
            languages=["ro", "fr"],
        ),
        "paris": OrganisationFactory(
            name="Droits d'abord",
            kind=Kind.LEGAL_AID,
            commune=commune("75056"),
            address="3 rue de Rivoli",
            services=[Service.LEGAL_SUPPORT],
            exploitation_forms=[ExploitationForm.LABOUR_DOMESTIC],
            languages=["en"],
            phone="01 23 45 67 89",
        ),
        "shelter": OrganisationFactory(
            name="Foyer Aurore",
            kind=Kind.SHELTER,
            commune=commune("69123"),
            address=SECRET_ADDRESS,
            postcode=SECRET_POSTCODE,
            latitude=SECRET_LATITUDE,
            longitude=SECRET_LONGITUDE,
            address_visibility=AddressVisibility.DEPARTEMENT,
            acse_partner=True,
            acse_reserved_places=3,
            services=[Service.EMERGENCY_SHELTER, Service.MINORS],
            exploitation_forms=[ExploitationForm.SEXUAL],
        ),
        "hidden": OrganisationFactory(
            name="Maison Ombre",
            kind=Kind.SHELTER,
            commune=commune("13055"),
            address="8 chemin Caché",
            address_visibility=AddressVisibility.HIDDEN,
            services=[Service.LONG_TERM_SHELTER],
        ),
        "unpublished": OrganisationFactory(
            name="Collectif en préparation",
            commune=commune("75056"),
            is_published=False,
            services=[Service.SOCIAL_SUPPORT],
        ),
    }


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


def test_anonymous_list_shows_published_organisations_by_name(client: Client, directory: Directory) -> None:
    body = client.get(LIST).json()
    assert body["count"] == 4
    assert (body["limit"], body["offset"]) == (50, 0)
    assert [i["name"] for i in body["items"]] == [
        "Association Lumière",
        "Droits d'abord",
        "Foyer Aurore",
        "Maison Ombre",
    ]


def test_summary_carries_the_contract_fields(client: Client, directory: Directory) -> None:
    item = next(i for i in client.get(LIST).json()["items"] if i["name"] == "Association Lumière")
    org = directory["stetienne"]
    assert item == {
        "id": org.pk,
        "name": "Association Lumière",
        "acronym": "ASLU",
        "kind": "association",
        "kind_label": "association",
        "services": ["minors", "social_support"],
        "service_labels": ["accueil des mineurs", "accompagnement social"],
        "exploitation_forms": ["SEXUAL"],
        "languages": ["fr", "ro"],
        "departement": {"code": "42", "name": "Loire"},
        "location": {
            "exact": True,
            "address": "",
            "postcode": "",
            "commune": "Saint-Étienne",
            "latitude": 45.4340,
            "longitude": 4.3900,
        },
        "phone": "",
        "email": "",
        "website": "",
        "hotline": "",
        "detail_url": f"/organisations/{org.pk}/",
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("service=legal_support", ["Droits d'abord"]),
        ("exploitation_form=SEXUAL", ["Association Lumière", "Foyer Aurore"]),
        ("language=ro", ["Association Lumière"]),
        ("minors=true", ["Association Lumière", "Foyer Aurore"]),
        ("minors=false", ["Droits d'abord", "Maison Ombre"]),
        ("departement=75", ["Droits d'abord"]),
        ("departement=69", ["Foyer Aurore"]),
        ("kind=shelter", ["Foyer Aurore", "Maison Ombre"]),
        ("q=lumiere", ["Association Lumière"]),
        ("q=Etienne", ["Association Lumière"]),
        ("q=saint-étienne", ["Association Lumière"]),
        ("q=SAINT ETIENNE", ["Association Lumière"]),
        ("q=accompagnement juridique", ["Droits d'abord"]),
        ("q=aslu", ["Association Lumière"]),
        ("exploitation_form=SEXUAL&minors=true&kind=shelter", ["Foyer Aurore"]),
        ("service=minors&departement=42&language=ro&q=lumiere", ["Association Lumière"]),
        ("service=minors&departement=75", []),
    ],
)
def test_filters_alone_and_combined(client: Client, directory: Directory, query: str, expected: list[str]) -> None:
    assert names(client.get(f"{LIST}?{query}")) == expected


def test_bbox_keeps_organisations_inside_the_box(client: Client, directory: Directory) -> None:
    assert names(client.get(f"{LIST}?bbox=48.8,2.2,48.9,2.5")) == ["Droits d'abord"]
    assert names(client.get(f"{LIST}?bbox=45.0,4.0,46.0,5.0")) == ["Association Lumière"]
    assert names(client.get(f"{LIST}?bbox=45.0,4.0,46.0,5.0&service=legal_support")) == []


def test_pagination_counts_every_match_and_returns_the_page(client: Client, db: Any) -> None:
    for n in range(7):
        OrganisationFactory(name=f"Org {n}")
    body = client.get(f"{LIST}?limit=3&offset=2").json()
    assert body["count"] == 7
    assert (body["limit"], body["offset"]) == (3, 2)
    assert [i["name"] for i in body["items"]] == ["Org 2", "Org 3", "Org 4"]
    last = client.get(f"{LIST}?limit=3&offset=6").json()
    assert (last["count"], [i["name"] for i in last["items"]]) == (7, ["Org 6"])
    assert client.get(f"{LIST}?limit=3&offset=5").json()["count"] == 7
    assert client.get(f"{LIST}?limit=7").json()["count"] == 7
    assert client.get(f"{LIST}?limit=8&service=legal_support").json()["count"] == 0
    assert client.get(f"{LIST}?limit=3&offset=50").json() == {"count": 7, "limit": 3, "offset": 50, "items": []}


def _many(count: int) -> None:
    for n in range(count):
        OrganisationFactory(
            name=f"Org {n:03}",
            services=[Service.SOCIAL_SUPPORT, Service.MINORS],
            exploitation_forms=[ExploitationForm.SEXUAL],
            languages=["fr", "en"],
            address_visibility=AddressVisibility.DEPARTEMENT if n % 3 == 0 else AddressVisibility.PUBLIC,
        )


def test_list_runs_a_constant_number_of_queries(
    client: Client,
    db: Any,
    django_assert_max_num_queries: Any,
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    _many(60)
    with django_assert_max_num_queries(5):  # page, services, forms, languages, count
        assert len(client.get(f"{LIST}?limit=60").json()["items"]) == 60
    with django_assert_max_num_queries(4):  # the last page says how many there are: no count
        assert len(client.get(f"{LIST}?limit=500").json()["items"]) == 60
    login(make_user(Role.CASEWORKER))
    counts = []
    for limit in (1, 61):
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(f"{LIST}?limit={limit}&departement=75").json()["items"]) == limit
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_markers_run_a_constant_number_of_queries(
    client: Client,
    db: Any,
    django_assert_max_num_queries: Any,
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    _many(60)
    with django_assert_max_num_queries(4):  # the directory's version (2), the points, their services
        assert len(client.get(MARKERS).json()["features"]) == 40
    with django_assert_max_num_queries(2):  # the same public markers again: only the version is read
        assert len(client.get(MARKERS).json()["features"]) == 40
    login(make_user(Role.CASEWORKER))
    counts = []
    for query, expected in (("", 41), ("?service=minors", 40)):  # 41: the caseworker's own organisation too
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(f"{MARKERS}{query}").json()["features"]) == expected
        counts.append(len(queries))
    assert counts[0] == counts[1]


def _public_texts(client: Client, org: Organisation) -> list[str]:
    return [
        client.get(LIST).content.decode(),
        client.get(f"{LIST}?departement=69").content.decode(),
        client.get(detail_url(org)).content.decode(),
        client.get(MARKERS).content.decode(),
    ]


SECRETS = (
    SECRET_ADDRESS,
    SECRET_POSTCODE,
    "Lyon",
    str(SECRET_LATITUDE),
    str(SECRET_LONGITUDE),
    # As the markers would round them.
    str(round(SECRET_LATITUDE, 5)),
    str(round(SECRET_LONGITUDE, 5)),
)


def test_anonymous_never_sees_a_confidential_location(client: Client, directory: Directory) -> None:
    shelter = directory["shelter"]
    for text in _public_texts(client, shelter):
        for secret in SECRETS:
            assert secret not in text
    item = client.get(detail_url(shelter)).json()
    assert item["departement"] == {"code": "69", "name": "Rhône"}
    assert item["location"] == {
        "exact": False,
        "address": "",
        "postcode": "",
        "commune": "",
        "latitude": None,
        "longitude": None,
    }
    assert item["acse_reserved_places"] is None
    assert shelter.pk not in [f["id"] for f in client.get(MARKERS).json()["features"]]


def test_a_confidential_place_cannot_be_found_by_searching_for_it(client: Client, directory: Directory) -> None:
    assert names(client.get(f"{LIST}?q=lyon")) == []
    assert names(client.get(f"{LIST}?q=rhone")) == ["Foyer Aurore"]
    assert names(client.get(f"{LIST}?q=marseille")) == []
    assert names(client.get(f"{LIST}?q=bouches du rhone")) == []
    assert names(client.get(f"{LIST}?departement=13")) == []
    assert names(client.get(f"{LIST}?bbox=45.7,4.8,45.8,4.9")) == []


def test_an_organisation_without_public_location_shows_no_departement(client: Client, directory: Directory) -> None:
    item = client.get(detail_url(directory["hidden"])).json()
    assert (item["departement"], item["location"]) == (None, None)
    assert "Marseille" not in client.get(LIST).content.decode()


@pytest.mark.parametrize("who", ["national_coordinator", "member"])
def test_coordinator_and_members_see_the_confidential_location(
    client: Client,
    directory: Directory,
    make_user: Callable[..., User],
    login: Callable[[User], Client],
    who: str,
) -> None:
    shelter = directory["shelter"]
    if who == "national_coordinator":
        user = make_user(Role.NATIONAL_COORDINATOR)
    else:
        user = make_user(Role.CASEWORKER, shelter)
    login(user)
    item = client.get(detail_url(shelter)).json()
    assert item["location"] == {
        "exact": True,
        "address": SECRET_ADDRESS,
        "postcode": SECRET_POSTCODE,
        "commune": "Lyon",
        "latitude": SECRET_LATITUDE,
        "longitude": SECRET_LONGITUDE,
    }
    assert item["acse_reserved_places"] == 3
    listed = next(i for i in client.get(f"{LIST}?departement=69").json()["items"] if i["id"] == shelter.pk)
    assert listed["location"]["address"] == SECRET_ADDRESS
    marker = next(f for f in client.get(MARKERS).json()["features"] if f["id"] == shelter.pk)
    assert marker["geometry"]["coordinates"] == [round(SECRET_LONGITUDE, 5), round(SECRET_LATITUDE, 5)]


def test_a_caseworker_of_another_organisation_does_not_see_the_confidential_location(
    client: Client, directory: Directory, make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    login(make_user(Role.CASEWORKER))
    for text in _public_texts(client, directory["shelter"]):
        for secret in SECRETS:
            assert secret not in text


def test_unpublished_organisation_is_for_logged_in_directory_users_only(
    client: Client, directory: Directory, make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    unpublished = directory["unpublished"]
    assert "Collectif en préparation" not in names(client.get(LIST))
    response = client.get(detail_url(unpublished))
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    login(make_user(Role.CASEWORKER))
    assert "Collectif en préparation" in names(client.get(LIST))
    assert client.get(detail_url(unpublished)).json()["name"] == "Collectif en préparation"


def test_detail_carries_the_contract_fields(client: Client, directory: Directory) -> None:
    org = directory["stetienne"]
    Organisation.objects.filter(pk=org.pk).update(
        exit_pathway_approved_on=datetime.date.today() - datetime.timedelta(days=30),
        description="Accueil et accompagnement.",
        capacity_places=10,
        capacity_free_places=2,
    )
    item = client.get(detail_url(org)).json()
    assert item["description"] == "Accueil et accompagnement."
    assert item["exit_pathway_approved"] is True
    assert item["exit_pathway_approval_expires_on"] is not None
    assert (item["capacity_places"], item["capacity_free_places"]) == (10, 2)
    assert item["language_labels"] == ["français", "roumain"]
    assert item["acse_reserved_places"] == 0
    assert {"opening_hours", "national_collective_member", "acse_partner", "capacity_updated_at"} <= set(item)


def test_missing_organisation_is_a_404_problem(client: Client, db: Any) -> None:
    response = client.get("/api/v1/organisations/999999")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert response.json()["title"] == "Organisation introuvable"


@pytest.mark.parametrize(
    ("query", "field", "french"),
    [
        ("limit=501", "query.limit", "inférieure ou égale à 500"),
        ("limit=0", "query.limit", "supérieure ou égale à 1"),
        ("offset=-1", "query.offset", "supérieure ou égale à 0"),
        ("limit=beaucoup", "query.limit", "Nombre entier attendu"),
        ("service=massage", "query.service", "Valeur inconnue"),
        ("kind=club", "query.kind", "Valeur inconnue"),
        ("exploitation_form=sexual", "query.exploitation_form", "Valeur inconnue"),
        ("minors=peut-etre", "query.minors", "Valeur booléenne attendue"),
        ("bbox=1,2,3", "query.bbox", "sud,ouest,nord,est"),
        ("bbox=49,2,48,3", "query.bbox", "Emprise invalide"),
        ("language=zz", "query.language", "Code de langue ISO 639 inconnu"),
        ("departement=20", "query.departement", "Code de département inconnu"),
    ],
)
def test_bad_parameters_get_a_422_problem_in_french(
    client: Client, db: Any, query: str, field: str, french: str
) -> None:
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    body = response.json()
    assert body["title"] == "Paramètres invalides"
    assert any(e["champ"] == field and french in e["message"] for e in body["errors"]), body


def test_markers_are_geojson_points_of_exact_public_positions(client: Client, directory: Directory) -> None:
    OrganisationFactory(name="Sans position", commune=None, latitude=None, longitude=None)
    body = client.get(MARKERS).json()
    assert body["type"] == "FeatureCollection"
    paris = directory["paris"]
    assert [f["properties"]["name"] for f in body["features"]] == ["Association Lumière", "Droits d'abord"]
    assert body["features"][1] == {
        "type": "Feature",
        "id": paris.pk,
        "geometry": {"type": "Point", "coordinates": [round(paris.longitude, 5), round(paris.latitude, 5)]},
        "properties": {
            "id": paris.pk,
            "name": "Droits d'abord",
            "kind_label": "aide juridique, accès au droit",
            "services": ["legal_support"],
        },
    }
    assert [f["properties"]["name"] for f in client.get(f"{MARKERS}?service=minors").json()["features"]] == [
        "Association Lumière"
    ]
    assert client.get(f"{MARKERS}?language=xx").status_code == 422


def test_api_token_authenticates_and_a_revoked_one_is_refused(
    client: Client, directory: Directory, make_user: Callable[..., User]
) -> None:
    user = make_user(Role.NATIONAL_COORDINATOR)
    token, raw = do_create_api_token(user, name="script", days=30)
    headers = {"Authorization": f"Bearer {raw}"}
    body = client.get(f"{LIST}?departement=69", headers=headers).json()
    assert body["items"][0]["location"]["address"] == SECRET_ADDRESS
    assert "Collectif en préparation" in names(client.get(LIST, headers=headers))
    do_revoke_api_token(token, acting_user=user)
    refused = client.get(LIST, headers=headers)
    assert refused.status_code == 401
    assert refused["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert client.get(LIST, headers={"Authorization": "Bearer egd_faux"}).status_code == 401


def test_openapi_documents_every_directory_operation(client: Client, db: Any) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    operations = {"/api/v1/organisations/", "/api/v1/organisations/markers", "/api/v1/organisations/{organisation_id}"}
    assert operations <= set(paths)
    parameters = {p["name"] for p in paths["/api/v1/organisations/"]["get"]["parameters"]}
    assert parameters == {
        "q",
        "service",
        "exploitation_form",
        "language",
        "minors",
        "departement",
        "kind",
        "bbox",
        "limit",
        "offset",
    }


# --- Documentation, caching, compression ---------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "national_coordinator"])
def test_responses_are_exactly_what_the_openapi_schemas_document(
    client: Client,
    directory: Directory,
    make_user: Callable[..., User],
    login: Callable[[User], Client],
    who: str,
) -> None:
    # The list and the markers skip django-ninja's response validation: validate them here, and
    # require a round trip through the schema to give the same JSON (no undocumented key).
    if who != "anonymous":
        login(make_user(Role.NATIONAL_COORDINATOR))
    page = client.get(f"{LIST}?limit=500").json()
    # The coordinator also sees the unpublished organisation and their own.
    assert len(page["items"]) == (6 if who != "anonymous" else 4)
    assert OrganisationPage.model_validate(page).model_dump(mode="json") == page
    collection = client.get(MARKERS).json()
    assert collection["features"]
    assert MarkerCollection.model_validate(collection).model_dump(mode="json") == collection
    detail = client.get(detail_url(directory["shelter"])).json()
    assert OrganisationDetail.model_validate(detail).model_dump(mode="json").keys() == detail.keys()


def test_public_markers_can_be_revalidated_until_the_directory_changes(
    client: Client, directory: Directory, make_user: Callable[..., User]
) -> None:
    first = client.get(f"{MARKERS}?service=legal_support")
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert first["Cache-Control"] == "public, max-age=60"
    assert {"Accept-Encoding", "Authorization"} <= {v.strip() for v in first["Vary"].split(",")}
    for validator in ({"If-None-Match": etag}, {"If-Modified-Since": last_modified}):
        assert client.get(f"{MARKERS}?service=legal_support", headers=validator).status_code == 304
    assert client.get(f"{MARKERS}?service=minors")["ETag"] != etag

    # Changing a code list alone dates the organisation, so the public sees the change at once.
    paris = directory["paris"]
    before = Organisation.objects.get(pk=paris.pk).updated_at
    do_update_organisation(
        paris,
        OrganisationData({}, services=[Service.LEGAL_SUPPORT, Service.INTERPRETING]),
        acting_user=make_user(Role.NATIONAL_COORDINATOR),
    )
    assert Organisation.objects.get(pk=paris.pk).updated_at > before
    changed = client.get(f"{MARKERS}?service=legal_support", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert changed.json()["features"][0]["properties"]["services"] == ["interpreting", "legal_support"]


def test_what_a_logged_in_caller_gets_is_never_stored(
    client: Client, directory: Directory, make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    assert client.get(LIST)["Cache-Control"] == "public, max-age=60"
    login(make_user(Role.CASEWORKER, directory["shelter"]))
    for url in (LIST, MARKERS, detail_url(directory["shelter"])):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        assert not response.has_header("ETag")
        assert SECRET_ADDRESS in response.content.decode() or url == MARKERS


@pytest.mark.parametrize(
    ("url", "who"), [(MARKERS, "anonymous"), (MARKERS, "member"), ("/api/v1/geo/departements", "anonymous")]
)
def test_big_geojson_is_gzipped_for_clients_that_accept_it(
    client: Client,
    directory: Directory,
    make_user: Callable[..., User],
    login: Callable[[User], Client],
    url: str,
    who: str,
) -> None:
    if who == "member":
        login(make_user(Role.CASEWORKER, directory["shelter"]))
    accept = {"Accept-Encoding": "gzip, deflate, br"}
    plain = client.get(url)
    packed = client.get(url, headers=accept)
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(packed.content)) == plain.json()
    if url == MARKERS and who == "anonymous":
        # Another representation, hence a weak ETag, which still revalidates.
        assert packed["ETag"] == f"W/{plain['ETag']}"
        assert client.get(url, headers={**accept, "If-None-Match": packed["ETag"]}).status_code == 304


VIEWERS = {
    "anonymous": LocationViewer(),
    "member of the shelter": None,  # filled in with the shelter's id
    "member elsewhere": LocationViewer(False, frozenset({-1})),
    "coordination": LocationViewer(sees_every_location=True),
}


@pytest.mark.parametrize("who", list(VIEWERS))
def test_location_rule_is_the_same_on_rows_in_sql_and_on_instances(
    directory: Directory, make_user: Callable[..., User], who: str
) -> None:
    shelter = directory["shelter"]
    viewer = VIEWERS[who] or LocationViewer(False, frozenset({shelter.pk}))
    organisations = Organisation.objects.all()
    exact = {o.pk for o in organisations if viewer.sees_exact(o.pk, o.address_visibility)}
    placed = {o.pk for o in organisations if o.pk in exact or o.address_visibility == AddressVisibility.DEPARTEMENT}
    for condition, expected in ((viewer.exact_condition(), exact), (viewer.placed_condition(), placed)):
        found = (
            set(organisations.filter(condition).values_list("pk", flat=True))
            if condition
            else set(organisations.values_list("pk", flat=True))
        )
        assert found == expected
    rows = Organisation.objects.values(*LOCATION_FIELDS)
    located = {row["id"]: locate(viewer, row) for row in rows}
    assert {pk for pk, where in located.items() if where is not None} == placed
    assert {pk for pk, where in located.items() if where is not None and where.exact} == exact
    for org in Organisation.objects.select_related("departement", "commune"):
        assert locate(viewer, location_row(org)) == located[org.pk]
