"""The public map, its accessible list and the organisation form, in a real browser."""

import re
from typing import Any

import pytest
from conftest import PASSWORD
from playwright.sync_api import Page, expect

from egide.accounts.models import User
from egide.accounts.roles import Role
from egide.organisations.models import Organisation
from egide.organisations.tests.factories import OrganisationFactory, commune
from egide.organisations.vocabulary import AddressVisibility, Kind, Service

pytestmark = pytest.mark.browser


@pytest.fixture
def organisations(live_server: Any) -> dict[str, Organisation]:
    """Organisations in four départements; one shelter keeps its address confidential."""
    return {
        "paris": OrganisationFactory(
            name="Droits d'abord", kind=Kind.LEGAL_AID, services=[Service.LEGAL_SUPPORT], phone="01 23 45 67 89"
        ),
        "lyon": OrganisationFactory(
            name="Association Lumière",
            commune=commune("69123"),
            latitude=45.76,
            longitude=4.84,
            services=[Service.SOCIAL_SUPPORT, Service.MINORS],
        ),
        "lille": OrganisationFactory(
            name="Relais du Nord",
            commune=commune("59350"),
            latitude=50.63,
            longitude=3.06,
            services=[Service.DAY_RECEPTION, Service.MINORS],
        ),
        "marseille": OrganisationFactory(
            name="Foyer Aurore",
            kind=Kind.SHELTER,
            commune=commune("13055"),
            latitude=43.3,
            longitude=5.37,
            address="14 impasse des Glycines",
            address_visibility=AddressVisibility.DEPARTEMENT,
            services=[Service.EMERGENCY_SHELTER],
        ),
    }


def result_names(page: Page) -> list[str]:
    return page.locator("#results .egide-result h3 a").all_inner_texts()


def own_script_errors(errors: list[str]) -> list[str]:
    return [e for e in errors if "/static/organisations/" in e or "leaflet" in e]


def test_the_map_draws_departements_and_markers_and_follows_the_filters(
    page: Page, organisations: dict[str, Organisation], js_errors: list[str]
) -> None:
    page.goto("/carte/")
    expect(page.locator("#results-count")).to_have_text("4 organisations trouvées")
    expect(page.locator(".egide-legend")).to_contain_text("Services pour 100 000 habitants")
    assert page.locator("#map path.leaflet-interactive").count() > 90
    expect(page.locator("#map .egide-pin, #map .egide-cluster").first).to_be_visible()
    # Three exact public positions; the confidential shelter has no marker.
    assert page.locator("#map .egide-pin").count() + page.locator("#map .egide-cluster").count() >= 1
    assert page.locator("#map .egide-pin[aria-label='Foyer Aurore']").count() == 0

    page.get_by_label("Service proposé").select_option(Service.MINORS.value)
    expect(page.locator("#results-count")).to_have_text("2 organisations trouvées")
    assert result_names(page) == ["Association Lumière", "Relais du Nord"]
    expect(page).to_have_url(re.compile(r"/carte/\?service=minors$"))
    expect(page.locator("#map .egide-pin")).to_have_count(2)
    assert own_script_errors(js_errors) == []


def tab_until(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches `selector`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never received the focus after {limit} presses of Tab")


def test_the_list_replaces_the_map_with_the_keyboard_only(page: Page, organisations: dict[str, Organisation]) -> None:
    page.goto("/carte/")
    expect(page.locator("#map .egide-pin, #map .egide-cluster").first).to_be_visible()
    tab_until(page, "#id_q")
    page.keyboard.type("lumiere")
    page.keyboard.press("Enter")
    expect(page.locator("#results-count")).to_have_text("1 organisation trouvée")
    assert result_names(page) == ["Association Lumière"]

    tab_until(page, ".egide-locate")
    expect(page.locator(":focus")).to_have_accessible_name("Voir sur la carte : Association Lumière")
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup")
    expect(popup).to_be_visible()
    expect(popup).to_contain_text("Association Lumière")
    expect(popup.get_by_role("link", name="Association Lumière")).to_be_focused()
    expect(page.locator(".egide-result--active")).to_contain_text("Association Lumière")

    page.keyboard.press("Escape")
    expect(popup).to_have_count(0)
    expect(page.locator(".egide-locate")).to_be_focused()


def test_an_organisation_admin_updates_the_phone_number(
    page: Page, organisations: dict[str, Organisation], make_user: Any
) -> None:
    lyon = organisations["lyon"]
    admin: User = make_user(Role.ORG_ADMIN, lyon, email="admin@lumiere.example.org")
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(admin.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()

    page.goto(f"/organisations/{lyon.pk}/")
    page.get_by_role("link", name="Modifier").click()
    page.get_by_label("Téléphone").fill("04 78 00 11 22")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Fiche mise à jour")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/organisations/{lyon.pk}/$"))
    expect(page.get_by_role("link", name="04 78 00 11 22")).to_be_visible()
    lyon.refresh_from_db()
    assert lyon.phone == "04 78 00 11 22"
