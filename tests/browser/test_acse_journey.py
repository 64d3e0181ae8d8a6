"""An Ac.Sé placement in a real browser: a caseworker refers, the coordinator places, the host agrees."""

import datetime
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from egide.cases.consent import do_record_consent
from egide.cases.models import Case, ConsentText
from egide.cases.vocabulary import ConsentPurpose
from egide.referrals.acse.models import PlacementRequest
from egide.referrals.acse.tests import helpers
from egide.referrals.acse.tests.helpers import AcseWorld
from egide.referrals.acse.vocabulary import RequestState
from tests.browser.conftest import OpenPage, tick

pytestmark = pytest.mark.browser
SHARE_TEXT = "J'accepte que l'association transmette les informations cochées à l'organisation nommée."


def refer_to_acse(page: Page, case: Case, coordination: str) -> None:
    """Refer the case to the Ac.Sé coordination from its page: the situation is shared, the identity is not."""
    page.goto(f"/dossiers/{case.pk}/")
    page.get_by_role("link", name="Orienter vers une autre organisation").click()
    tick(page.get_by_label(re.compile(f"^{re.escape(coordination)}")))
    tick(page.get_by_label("hébergement durable"))
    tick(page.get_by_label("urgente"))
    page.get_by_label("Motif").fill("Danger sur place : demande de mise à l'abri loin de la ville.")
    expect(page.get_by_label("Sexe", exact=True)).to_be_checked()
    expect(page.get_by_label("Nom de famille")).not_to_be_checked()
    page.get_by_role("button", name="Envoyer l'orientation").click()
    expect(page.get_by_text(re.compile(rf"Orientation n° \d+ envoyée à {re.escape(coordination)}\."))).to_be_visible()


def accept_and_open_request(page: Page) -> None:
    """Accept the referral received by the coordination and open the placement request from it."""
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Orientations").click()
    page.get_by_role("link", name=re.compile(r"^n°\s*\d+$")).first.click()
    expect(page.get_by_text("Sexe", exact=True)).to_be_visible()
    tick(page.get_by_label("accepter"))
    page.get_by_role("button", name="Enregistrer la réponse").click()
    page.get_by_role("link", name="Ouvrir la demande d'accueil sécurisant").click()


def test_a_caseworker_refers_to_acse_and_the_coordinator_places_her(
    live_server: Any, open_page: OpenPage, js_errors: list[str]
) -> None:
    # The flush that ends each live-server test empties the texts the data migrations seeded.
    if not ConsentText.objects.filter(purpose=ConsentPurpose.SHARE_WITH_ORGANISATION, is_current=True).exists():
        ConsentText.objects.create(purpose=ConsentPurpose.SHARE_WITH_ORGANISATION, version=1, text=SHARE_TEXT)
    w: AcseWorld = helpers.world()
    case = helpers.open_case(w.caseworker, w.sender)
    do_record_consent(
        case, ConsentPurpose.SHARE_WITH_ORGANISATION, True, "fr", False, w.coordination, acting_user=w.caseworker
    )
    refer_to_acse(open_page(w.caseworker, helpers.PASSWORD), case, w.coordination.name)
    today = datetime.date.today().isoformat()
    coordinator = open_page(w.coordinator, helpers.PASSWORD)
    accept_and_open_request(coordinator)
    tick(coordinator.get_by_role("group", name="Profil").get_by_label("Femme"))
    tick(coordinator.get_by_label("La personne est majeure"))
    coordinator.get_by_label("Nature du lieu à éviter n° 1").select_option("exploitation")
    coordinator.get_by_label("Commune ou département du lieu à éviter n° 1").fill("Marseille")
    tick(coordinator.get_by_label("La personne consent à l'accueil sécurisant"))
    coordinator.get_by_role("button", name="Enregistrer la demande").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(re.compile(r"Demande AS-\d{4}-0001"))
    expect(coordinator.get_by_text("Marseille (13)")).to_be_visible()
    coordinator.get_by_role("link", name="Voir les propositions").click()
    expect(coordinator.get_by_text("Proposition : Maison des Tilleuls")).to_be_visible()
    coordinator.get_by_role("button", name="Proposer à ce centre").first.click()
    expect(coordinator.get_by_text("proposée au centre « Maison des Tilleuls »")).to_be_visible()

    host = open_page(w.host, helpers.PASSWORD)
    host.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Ac.Sé").click()
    expect(host.get_by_text("Rennes (35)")).to_be_visible()
    host.get_by_role("link", name=re.compile(r"AS-\d{4}-0001-\d+")).click()
    expect(host.get_by_text("Marseille")).to_have_count(0)
    host.get_by_role("link", name="Donner l'accord de principe").click()
    host.get_by_role("button", name="Enregistrer").click()
    expect(host.get_by_text("Accord de principe enregistré.")).to_be_visible()

    coordinator.reload()
    coordinator.get_by_role("link", name="Planifier l'entretien de pré-admission").click()
    coordinator.get_by_label("Entretien de pré-admission (visio) le").fill(today)
    for who in ("Service orienteur", "Centre d'accueil", "Personne accueillie"):
        tick(coordinator.get_by_label(who))
    coordinator.get_by_role("button", name="Enregistrer").click()
    coordinator.get_by_role("link", name="Organiser le transfert").click()
    coordinator.get_by_label("Voyage le").fill(today)
    tick(coordinator.get_by_label("Voyage réservé aussi pour un·e accompagnant·e"))
    coordinator.get_by_role("button", name="Enregistrer").click()
    coordinator.get_by_role("link", name="Enregistrer l'arrivée").click()
    coordinator.get_by_role("button", name="Enregistrer").click()
    expect(coordinator.get_by_text("Arrivée enregistrée : l'accueil est en cours.")).to_be_visible()
    assert PlacementRequest.objects.get().state == RequestState.ACTIVE
    assert js_errors == []
