"""Pages of the directory: map, directory, organisation page, edit and create forms."""

import datetime
from collections.abc import Callable
from html import unescape
from typing import Any

import pytest
from django.test import Client

from egide.accounts.models import User
from egide.accounts.roles import Role
from egide.core.models import AuditEvent
from egide.organisations.forms import OrganisationForm
from egide.organisations.models import Organisation
from egide.organisations.tests.factories import OrganisationFactory, commune
from egide.organisations.vocabulary import AddressVisibility, ExploitationForm, Kind, Service

pytestmark = pytest.mark.django_db

SECRET_ADDRESS = "27 allée des Tilleuls"
MakeUser = Callable[..., User]
Login = Callable[[User], Client]


@pytest.fixture
def shelter() -> Organisation:
    return OrganisationFactory(
        name="Foyer Sainte-Hélène",
        kind=Kind.SHELTER,
        commune=commune("13055"),
        address=SECRET_ADDRESS,
        postcode="13004",
        latitude=43.3,
        longitude=5.4,
        address_visibility=AddressVisibility.DEPARTEMENT,
        services=[Service.EMERGENCY_SHELTER, Service.MINORS],
        exploitation_forms=[ExploitationForm.SEXUAL],
        languages=["ro"],
        phone="04 91 00 00 00",
        capacity_places=12,
        capacity_free_places=3,
    )


@pytest.fixture
def association() -> Organisation:
    return OrganisationFactory(
        name="Droits d'abord",
        kind=Kind.LEGAL_AID,
        address="3 rue de Rivoli",
        postcode="75001",
        services=[Service.LEGAL_SUPPORT],
        exploitation_forms=[ExploitationForm.LABOUR_DOMESTIC],
        languages=["en"],
    )


def names_in(response: Any) -> list[str]:
    assert response.status_code == 200
    return [row.organisation.name for row in response.context["rows"]]


def form_data(org: Organisation, **changes: Any) -> dict[str, Any]:
    """Return what the edit form would post unchanged, with `changes` applied."""
    form = OrganisationForm(instance=org)
    data: dict[str, Any] = {}
    for field in form:
        value = field.value()
        if value is None or value is False:
            continue
        data[field.html_name] = "on" if value is True else value
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# Map and directory ----------------------------------------------------------------------


def test_map_page_renders_filters_results_and_map(
    client: Client, shelter: Organisation, association: Organisation
) -> None:
    response = client.get("/carte/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="service"' in html and 'name="exploitation_form"' in html and 'name="departement"' in html
    assert '<option value="ro">Roumain</option>' in html
    assert "2 organisations trouvées" in html
    assert 'id="map"' in html and "leaflet/leaflet.js" in html
    assert names_in(response) == ["Droits d'abord", "Foyer Sainte-Hélène"]


def test_only_exact_public_locations_get_a_map_button(
    client: Client, shelter: Organisation, association: Organisation
) -> None:
    html = client.get("/carte/").content.decode()
    assert f'data-organisation-id="{association.pk}" hidden>Voir sur la carte' in html
    assert f'data-organisation-id="{shelter.pk}" hidden>Voir sur la carte' not in html
    assert "Département seulement (adresse confidentielle) : Bouches-du-Rhône (13)" in html


def test_map_sends_the_results_list_alone_to_its_script(client: Client, shelter: Organisation) -> None:
    response = client.get("/carte/?service=minors", headers={"X-Egide-Fragment": "results"})
    html = response.content.decode()
    assert 'data-count-text="1 organisation trouvée"' in html
    assert "<h1" not in html and "Foyer Sainte-Hélène" in html
    assert "X-Egide-Fragment" in response["Vary"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Droits d'abord", "Foyer Sainte-Hélène"]),
        ("service=legal_support", ["Droits d'abord"]),
        ("exploitation_form=SEXUAL", ["Foyer Sainte-Hélène"]),
        ("language=en", ["Droits d'abord"]),
        ("minors=1", ["Foyer Sainte-Hélène"]),
        ("departement=75", ["Droits d'abord"]),
        ("kind=shelter", ["Foyer Sainte-Hélène"]),
        ("service=legal_support&departement=13", []),
        ("service=not-a-service", ["Droits d'abord", "Foyer Sainte-Hélène"]),
    ],
)
def test_directory_filters_work_without_javascript(
    client: Client, shelter: Organisation, association: Organisation, query: str, expected: list[str]
) -> None:
    assert names_in(client.get(f"/organisations/?{query}")) == expected


@pytest.mark.parametrize("q", ["helene", "HÉLÈNE", "sainte helene", "foyer"])
def test_directory_search_ignores_accents_and_case(
    client: Client, shelter: Organisation, association: Organisation, q: str
) -> None:
    assert names_in(client.get("/organisations/", {"q": q})) == ["Foyer Sainte-Hélène"]


def test_directory_paginates_and_keeps_the_filters(client: Client) -> None:
    for n in range(52):
        OrganisationFactory(name=f"Relais {n:02d}", services=[Service.DAY_RECEPTION])
    first = client.get("/organisations/?service=day_reception")
    assert len(first.context["rows"]) == 50
    assert "52 organisations trouvées" in first.content.decode()
    assert "?service=day_reception&amp;page=2" in first.content.decode()
    second = client.get("/organisations/?service=day_reception&page=2")
    assert names_in(second) == ["Relais 50", "Relais 51"]


def test_a_hidden_shelter_is_not_found_by_its_departement(client: Client, make_user: MakeUser, login: Login) -> None:
    hidden = OrganisationFactory(name="Maison Ombre", address_visibility=AddressVisibility.HIDDEN)
    assert names_in(client.get("/organisations/?departement=75")) == []
    assert "Localisation non communiquée" in client.get("/organisations/").content.decode()
    login(make_user(Role.CASEWORKER, hidden))
    assert names_in(client.get("/organisations/?departement=75")) == ["Maison Ombre"]


def test_directory_users_also_see_unpublished_organisations(client: Client, make_user: MakeUser, login: Login) -> None:
    OrganisationFactory(name="Collectif en préparation", is_published=False)
    assert names_in(client.get("/organisations/?q=collectif")) == []
    login(make_user(Role.CASEWORKER))
    response = client.get("/organisations/?q=collectif")
    assert names_in(response) == ["Collectif en préparation"]
    assert "Non publiée" in response.content.decode()


def test_directory_links_follow_the_policies(client: Client, make_user: MakeUser, login: Login) -> None:
    actions = ["Importer", "Exporter CSV", "Exporter XLSX", "Ajouter une organisation"]
    html = client.get("/organisations/").content.decode()
    assert not any(label in html for label in actions)
    login(make_user(Role.ORG_ADMIN))
    html = client.get("/organisations/").content.decode()
    assert not any(label in html for label in actions)
    login(make_user(Role.NATIONAL_COORDINATOR))
    html = client.get("/organisations/").content.decode()
    assert all(label in html for label in actions)


# Organisation page ----------------------------------------------------------------------


def test_a_confidential_address_is_hidden_from_the_public(client: Client, shelter: Organisation) -> None:
    html = client.get(f"/organisations/{shelter.pk}/").content.decode()
    assert SECRET_ADDRESS not in html and "13004" not in html and "<svg" not in html
    assert "Adresse confidentielle — département : Bouches-du-Rhône (13)" in html
    assert "Hébergement d&#x27;urgence" in html
    assert "Roumain" in html and "mis à jour le" in html


def test_the_national_coordinator_sees_the_confidential_address(
    client: Client, shelter: Organisation, make_user: MakeUser, login: Login
) -> None:
    login(make_user(Role.NATIONAL_COORDINATOR))
    html = client.get(f"/organisations/{shelter.pk}/").content.decode()
    assert SECRET_ADDRESS in html and "13004 Marseille" in html and "<svg" in html
    assert "Ne la communiquez pas" in html
    assert f'href="/organisations/{shelter.pk}/modifier/"' in html


def test_a_hidden_location_shows_nothing(client: Client) -> None:
    hidden = OrganisationFactory(address="8 chemin Caché", address_visibility=AddressVisibility.HIDDEN)
    html = client.get(f"/organisations/{hidden.pk}/").content.decode()
    assert "8 chemin Caché" not in html and "localisation non communiquée" in html
    assert "Département :" not in html


def test_an_expired_exit_pathway_approval_is_marked(client: Client) -> None:
    approved = datetime.date.today() - datetime.timedelta(days=5 * 365)
    org = OrganisationFactory(exit_pathway_approved_on=approved)
    html = client.get(f"/organisations/{org.pk}/").content.decode()
    assert f"Accordé le {approved.day}" in html and "expiré" in html
    assert org.exit_pathway_approval_expires_on is not None
    assert str(org.exit_pathway_approval_expires_on.year) in html


def test_an_unpublished_organisation_is_not_found_by_the_public(client: Client) -> None:
    org = OrganisationFactory(is_published=False)
    assert client.get(f"/organisations/{org.pk}/").status_code == 404
    assert client.get("/organisations/999999/").status_code == 404


# Edit and create ------------------------------------------------------------------------


def test_the_organisation_admin_edits_their_organisation(
    client: Client, shelter: Organisation, make_user: MakeUser, login: Login
) -> None:
    login(make_user(Role.ORG_ADMIN, shelter))
    assert client.get(f"/organisations/{shelter.pk}/modifier/").status_code == 200
    data = form_data(shelter, phone="04 91 11 22 33", services=[Service.EMERGENCY_SHELTER])
    response = client.post(f"/organisations/{shelter.pk}/modifier/", data, follow=True)
    assert response.redirect_chain == [(f"/organisations/{shelter.pk}/", 302)]
    assert "Fiche mise à jour" in response.content.decode()
    shelter.refresh_from_db()
    assert shelter.phone == "04 91 11 22 33" and shelter.service_codes() == [Service.EMERGENCY_SHELTER]
    assert shelter.address == SECRET_ADDRESS and shelter.languages.get().code == "ro"
    event = AuditEvent.objects.get(action="organisation.update")
    assert event.organisation_id == shelter.pk
    assert event.extra["fields"] == ["phone", "services"]


@pytest.mark.parametrize("role", [Role.ORG_ADMIN, Role.CASEWORKER, Role.CASE_SUPERVISOR, Role.ACSE_COORDINATOR])
def test_others_get_not_found_and_change_nothing(
    client: Client, shelter: Organisation, make_user: MakeUser, login: Login, role: Role
) -> None:
    # An administrator of another organisation; the other roles belong to the shelter itself.
    login(make_user(role) if role == Role.ORG_ADMIN else make_user(role, shelter))
    url = f"/organisations/{shelter.pk}/modifier/"
    assert client.get(url).status_code == 404
    assert client.post(url, form_data(shelter, phone="00 00 00 00 00")).status_code == 404
    shelter.refresh_from_db()
    assert shelter.phone == "04 91 00 00 00"
    assert not AuditEvent.objects.filter(action="organisation.update").exists()


def test_anonymous_users_are_sent_to_the_login_page(client: Client, shelter: Organisation) -> None:
    response = client.get(f"/organisations/{shelter.pk}/modifier/")
    assert response.status_code == 302 and response["Location"].startswith("/compte/connexion/")


def test_the_national_coordinator_edits_any_organisation_and_moves_it(
    client: Client, association: Organisation, make_user: MakeUser, login: Login
) -> None:
    login(make_user(Role.NATIONAL_COORDINATOR))
    data = form_data(association, commune="Lyon (69123)", address="1 place Bellecour", postcode="69002")
    response = client.post(f"/organisations/{association.pk}/modifier/", data)
    assert response.status_code == 302
    association.refresh_from_db()
    assert (association.commune_id, association.departement_id) == ("69123", "69")
    assert association.latitude is not None and round(association.latitude) == 46
    event = AuditEvent.objects.get(action="organisation.update")
    assert SECRET_ADDRESS not in str(event.extra) and "1 place Bellecour" not in str(event.extra)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"siret": "73282932000075"}, "siret", "Numéro SIRET invalide (clé de contrôle)."),
        ({"siret": "1234"}, "siret", "Numéro SIRET invalide : 14 chiffres attendus."),
        (
            {"capacity_places": "4", "capacity_free_places": "9"},
            "capacity_free_places",
            "Le nombre de places libres (9) ne peut pas dépasser le nombre de places (4).",
        ),
        ({"commune": "Saint-Martin"}, "commune", "Plusieurs communes portent ce nom"),
        ({"commune": "99999"}, "commune", "Aucune commune n'a le code INSEE « 99999 »."),
        ({"name": ""}, "name", "Ce champ est obligatoire."),
    ],
)
def test_bad_input_gets_a_french_error_and_saves_nothing(
    client: Client,
    shelter: Organisation,
    make_user: MakeUser,
    login: Login,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    login(make_user(Role.ORG_ADMIN, shelter))
    before = Organisation.objects.filter(pk=shelter.pk).values().get()
    response = client.post(f"/organisations/{shelter.pk}/modifier/", form_data(shelter, phone="01 02", **changes))
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert message in html
    assert f'href="#id_{field}"' in html and 'id="error-summary"' in html
    assert Organisation.objects.filter(pk=shelter.pk).values().get() == before
    assert not AuditEvent.objects.filter(action="organisation.update").exists()


def test_a_valid_siret_is_stored_without_spaces(
    client: Client, shelter: Organisation, make_user: MakeUser, login: Login
) -> None:
    login(make_user(Role.ORG_ADMIN, shelter))
    client.post(f"/organisations/{shelter.pk}/modifier/", form_data(shelter, siret="732 829 320 00074"))
    shelter.refresh_from_db()
    assert shelter.siret == "73282932000074"


def test_the_national_coordinator_creates_an_organisation(client: Client, make_user: MakeUser, login: Login) -> None:
    login(make_user(Role.NATIONAL_COORDINATOR))
    assert client.get("/organisations/nouvelle/").status_code == 200
    response = client.post(
        "/organisations/nouvelle/",
        {
            "name": "Accueil Nord",
            "kind": Kind.ASSOCIATION,
            "commune": "59350",
            "address_visibility": "public",
            "services": [Service.SOCIAL_SUPPORT, Service.INTERPRETING],
            "languages": ["ar", "en"],
            "acse_reserved_places": "0",
            "is_published": "on",
        },
    )
    org = Organisation.objects.get(name="Accueil Nord")
    assert response.status_code == 302 and response["Location"] == f"/organisations/{org.pk}/"
    assert (org.departement_id, org.commune_id) == ("59", "59350")
    assert org.service_codes() == [Service.INTERPRETING, Service.SOCIAL_SUPPORT]
    assert org.language_codes() == ["ar", "en"]
    assert AuditEvent.objects.filter(action="organisation.create", organisation_id=org.pk).exists()


def test_an_organisation_needs_a_commune_or_a_departement(client: Client, make_user: MakeUser, login: Login) -> None:
    login(make_user(Role.NATIONAL_COORDINATOR))
    response = client.post(
        "/organisations/nouvelle/",
        {"name": "Sans lieu", "kind": Kind.OTHER, "address_visibility": "hidden", "acse_reserved_places": "0"},
    )
    assert "Indiquez la commune ou, à défaut, le département." in response.content.decode()
    assert not Organisation.objects.filter(name="Sans lieu").exists()


def test_only_organisation_creators_reach_the_create_page(client: Client, make_user: MakeUser, login: Login) -> None:
    login(make_user(Role.ORG_ADMIN))
    assert client.get("/organisations/nouvelle/").status_code == 403
    assert client.post("/organisations/nouvelle/", {"name": "Intrus", "kind": Kind.OTHER}).status_code == 403
    assert not Organisation.objects.filter(name="Intrus").exists()
