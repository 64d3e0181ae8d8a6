"""A caseworker's journey in a real browser: screening, case, consent, reflection period, dashboard."""

import datetime
import re
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from egide.accounts.roles import Role
from egide.cases.models import Case, ConsentText
from egide.cases.vocabulary import ConsentPurpose
from egide.core.legal_delays import REFLECTION_PERIOD
from egide.identification import actions as identification_actions
from egide.identification.models import Indicator
from egide.organisations.models import Organisation
from egide.organisations.tests.factories import OrganisationFactory
from egide.support.deadlines import reflection_end
from tests.browser.conftest import OpenPage, tick

pytestmark = pytest.mark.browser

# Enough for the adult labour list to conclude « victime présumée » (see the screening tests).
PRESENT_INDICATORS = [
    "violence_on_victim", "confiscation_of_documents", "bad_living_conditions", "hazardous_work",
    "low_or_no_salary", "debt_bondage", "isolation_confinement_surveillance",
]  # fmt: skip
LABOUR_OTHER = "Exploitation par le travail — hors domestique"
CONSENT_TEXT = (
    "J'accepte que l'association conserve les informations me concernant pour m'accompagner. "
    "Je peux retirer mon accord à tout moment."
)


@pytest.fixture
def north(live_server: Any) -> Organisation:
    """An association with the shipped indicator lists and a consent text in force.

    The flush that ends each live-server test empties the tables the data migrations seeded.
    """
    identification_actions.load_shipped_lists()
    if not ConsentText.objects.filter(purpose=ConsentPurpose.CASE_MANAGEMENT, is_current=True).exists():
        ConsentText.objects.create(purpose=ConsentPurpose.CASE_MANAGEMENT, version=1, text=CONSENT_TEXT)
    return OrganisationFactory(name="Association du Nord")


def tab_until(page: Page, name: str, limit: int = 120) -> None:
    """Press Tab until the focused element's text is `name`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => (document.activeElement.textContent || '').trim()") == name:
            return
    raise AssertionError(f"« {name} » never received the focus after {limit} presses of Tab")


def menu(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Menu principal")


def screen_a_person(page: Page) -> str:
    """Screen an adult for labour exploitation from the caseworker's home; return the screening's URL."""
    page.get_by_role("link", name="Mon espace").click()
    page.get_by_role("link", name="Nouveau repérage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau repérage")
    tick(page.get_by_role("group", name="Profil de la personne").get_by_label("Adulte"))
    page.get_by_label("Forme d'exploitation suspectée").select_option(label=LABOUR_OTHER.lower())
    page.get_by_label("Lieu (facultatif)").fill("75056")
    page.get_by_label("Référence anonyme").fill("Personne rencontrée gare du Nord")
    page.get_by_role("button", name="Commencer le repérage").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("indicateurs")
    labels = set(Indicator.objects.filter(code__in=PRESENT_INDICATORS).values_list("label", flat=True))
    for label in sorted(labels):
        for group in page.get_by_role("group", name=label, exact=True).all():
            tick(group.get_by_label("Oui", exact=True))
    page.get_by_role("button", name="Enregistrer et calculer le résultat").click()
    expect(page.get_by_role("heading", name=re.compile("^Victime présumée de traite"))).to_be_visible()
    expect(page.get_by_text("En attente de confirmation par un·e responsable")).to_be_visible()
    return page.url


def confirm_screening(page: Page, screening_url: str) -> None:
    """Confirm the screening as the supervisor, finding it in the list of screenings."""
    menu(page).get_by_role("link", name="Repérages", exact=True).click()
    number = screening_url.rstrip("/").rsplit("/", 1)[1]
    page.get_by_role("link", name=f"Repérage n° {number}", exact=True).click()
    expect(page).to_have_url(screening_url)
    tick(page.get_by_label(re.compile("je confirme la conclusion")))
    page.get_by_role("button", name="Confirmer (contrôle à quatre yeux)").click()
    expect(page.get_by_text("Conclusion confirmée : la personne compte comme victime présumée.")).to_be_visible()


def open_case(page: Page) -> str:
    """Open a case with a typed identity; return the case's reference."""
    menu(page).get_by_role("link", name="Dossiers", exact=True).click()
    page.get_by_role("link", name="Ouvrir un dossier").click()
    page.get_by_label("Nom de famille").fill("Popescu")
    page.get_by_label("Prénom(s)").fill("Ioana")
    tick(page.get_by_role("group", name="Sexe").get_by_label("Femme"))
    page.get_by_label("Date de naissance").fill("1996-04")
    page.get_by_label("Nationalité(s)").select_option(label="Roumanie")
    tick(page.get_by_label(LABOUR_OTHER))
    page.get_by_role("button", name="Ouvrir le dossier").click()
    message = page.get_by_text(re.compile(r"Dossier \d{4}-\d{4} ouvert\."))
    expect(message).to_be_visible()
    reference = re.search(r"\d{4}-\d{4}", message.inner_text())
    assert reference is not None
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Dossier {reference.group()}")
    return reference.group()


def attach_screening(page: Page, reference: str) -> None:
    """Attach the confirmed screening; the page then proposes the presumed-victim decision."""
    page.get_by_label("Rattacher un repérage anonyme de l'organisation").select_option(index=0)
    page.get_by_role("button", name="Rattacher").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Dossier {reference} : décision sur le statut")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("Décision enregistrée.")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^Repérage n° \d+$"))).to_be_visible()


def record_consent(page: Page) -> None:
    """Record the case-management consent given in Romanian with an interpreter."""
    page.get_by_role("link", name="Recueillir : suivi du dossier par l'association").click()
    text = ConsentText.objects.get(purpose=ConsentPurpose.CASE_MANAGEMENT, is_current=True).text
    expect(page.get_by_text(text)).to_be_visible()
    tick(page.get_by_label("Elle accepte"))
    page.get_by_label("Langue dans laquelle le texte a été présenté").select_option(label="Roumain")
    tick(page.get_by_label("Avec l'aide d'un·e interprète"))
    page.get_by_label("Nom de l'interprète").fill("Mihaela Ionescu")
    page.get_by_role("button", name="Enregistrer la réponse").click()
    expect(page.get_by_text("Consentement enregistré.")).to_be_visible()
    row = page.get_by_role("table", name="Consentements").get_by_role("row").nth(1)
    expect(row).to_contain_text("Suivi du dossier par l'association")
    expect(row).to_contain_text("Roumain")
    expect(row).to_contain_text("oui (Mihaela Ionescu)")
    expect(row).to_contain_text("donné")


def record_reflection_period(page: Page, receipt_on: datetime.date) -> None:
    """Record the receipt that starts the reflection period."""
    page.get_by_role("link", name=re.compile("^Enregistrer une démarche")).click()
    page.get_by_label("Démarche").select_option(label="délai de réflexion (R425-2)")
    page.get_by_label("État").select_option(label="récépissé remis")
    page.get_by_label("Récépissé remis le").fill(receipt_on.isoformat())
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Démarche enregistrée ; ses échéances sont dans les tâches du dossier.")).to_be_visible()


def test_a_caseworker_screens_opens_a_case_records_consent_and_sees_the_reflection_deadline(
    open_page: OpenPage, north: Organisation, make_user: Any, js_errors: list[str]
) -> None:
    caseworker = make_user(Role.CASEWORKER, north, email="camille@nord.example.org")
    supervisor = make_user(Role.CASE_SUPERVISOR, north, email="dominique@nord.example.org")
    page = open_page(caseworker)
    screening_url = screen_a_person(page)
    confirm_screening(open_page(supervisor), screening_url)

    page.reload()
    expect(page.get_by_text(re.compile("^Confirmé par une seconde personne le"))).to_be_visible()
    reference = open_case(page)
    attach_screening(page, reference)
    record_consent(page)
    receipt_on = datetime.date.today() - datetime.timedelta(days=3)
    record_reflection_period(page, receipt_on)
    due_on = reflection_end(receipt_on)
    assert due_on == receipt_on + datetime.timedelta(days=30)

    page.get_by_role("link", name="Tableau de bord").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    task = page.get_by_role("row").filter(has_text="Fin du délai de réflexion")
    expect(task).to_have_count(1)
    expect(task).to_contain_text(due_on.strftime("%d/%m/%Y"))
    expect(task).to_contain_text(reference)
    expect(task).to_contain_text(REFLECTION_PERIOD.source)

    # From the dashboard back to the case with the keyboard only.
    tab_until(page, reference)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Dossier {reference}")
    case = Case.objects.get(reference=reference)
    assert case.assigned_to == caseworker and case.organisation == north
    assert js_errors == []


def test_a_volunteer_and_another_organisation_do_not_reach_the_case(
    open_page: OpenPage, north: Organisation, make_user: Any, js_errors: list[str]
) -> None:
    caseworker = make_user(Role.CASEWORKER, north, email="camille@nord.example.org")
    page = open_page(caseworker)
    reference = open_case(page)
    case_url = page.url

    for outsider in (
        make_user(Role.VOLUNTEER, north, email="benevole@nord.example.org"),
        make_user(Role.CASEWORKER, OrganisationFactory(name="Relais du Sud"), email="sacha@sud.example.org"),
    ):
        other = open_page(outsider)
        other.get_by_role("link", name="Tableau de bord").click()
        other.goto("/dossiers/")
        expect(other.get_by_role("heading", level=1)).to_have_text("Dossiers")
        expect(other.get_by_text("Aucun dossier pour l'instant.")).to_be_visible()
        expect(other.get_by_text(reference)).to_have_count(0)
        response = other.goto(case_url)
        assert response is not None and response.status == 404
        expect(other.get_by_role("heading", level=1)).to_have_text("Page introuvable")
        expect(other.get_by_text("Popescu")).to_have_count(0)
    assert js_errors == []
