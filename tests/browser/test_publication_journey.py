"""The statistician links a year's submissions and publishes a release; an anonymous visitor downloads it."""

import datetime
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from playwright.sync_api import Page, expect

from egide.accounts.models import User
from egide.accounts.roles import Role
from egide.observatory.actions import do_receive_submission
from egide.observatory.incoming import from_json
from egide.observatory.publication.models import Release
from egide.organisations.tests.factories import OrganisationFactory
from egide_analytics.linkage import EncodedFile, Encoder, EncodingParameters, LinkageKey, PersonIdentity
from tests.browser.conftest import OpenPage

pytestmark = pytest.mark.browser

YEAR = datetime.date.today().year - 1
KEY = LinkageKey.from_bytes(b"publication journey: the data holders' shared secret")
FAMILY = ("Okafor", "Popescu", "Nguyen", "Diallo", "Kowalski", "Traoré", "Ionescu", "Chen", "Bah", "Silva")
GIVEN = ("Ana", "Chinedu", "Lan", "Aminata", "Piotr", "Mariama", "Elena", "Wei", "Fatou", "Joana", "Grace", "Ioana")


def _people(count: int, rng: random.Random) -> list[PersonIdentity]:
    names = [(f, g) for f in FAMILY for g in GIVEN]
    rng.shuffle(names)
    return [
        PersonIdentity(family, given, f"{rng.randint(1970, 2006)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                       rng.choice(("female", "female", "male")), "NGA")
        for family, given in names[:count]
    ]  # fmt: skip


def _submit(holder: str, people: list[PersonIdentity], statistician: User) -> None:
    parameters = EncodingParameters()
    encoded = EncodedFile(
        parameters=parameters.to_dict(), key_fingerprint=KEY.fingerprint, holder=holder, year=YEAR,
        record_ids=[f"{holder[:3]}{i}" for i in range(len(people))],
        encodings=Encoder(KEY, parameters).encode(people),
        variables=[{"status": "supported", "sex": p.sex, "forms": ["SEXUAL"], "nationality": "NGA"} for p in people],
    )  # fmt: skip
    organisation = OrganisationFactory(name=holder)
    do_receive_submission(organisation, from_json(encoded.to_submission_json()), acting_user=statistician)


@pytest.fixture
def statistician(live_server: Any, make_user: Any, tmp_path: Path) -> Iterator[User]:
    """The statistician, and three associations' submissions of the year: a fifth of their persons shared."""
    key_file = tmp_path / "linkage.key"
    key_file.write_text(KEY.to_text())
    with override_settings(EGIDE_LINKAGE_KEY_FILE=str(key_file), EGIDE_LINKAGE_KEY_FINGERPRINT=""):
        user = make_user(Role.STATISTICIAN, OrganisationFactory(name="Observatoire national"))
        people = _people(110, random.Random(5))
        _submit("Association Alpha", people[:50], user)
        _submit("Association Beta", people[40:85], user)
        _submit("Association Gamma", people[80:110], user)
        yield user


def test_the_statistician_publishes_a_release_that_the_public_downloads(
    open_page: OpenPage, page: Page, statistician: User
) -> None:
    staff = open_page(statistician)
    expect(staff).to_have_url("/observatoire/tableau-de-bord/")
    staff.goto("/observatoire/appariements/")
    # The test settings run the linkage job at once, inside the request: numba compiles on the first run.
    staff.get_by_role("button", name="Lancer un appariement").click(timeout=180_000)
    expect(staff.get_by_text("terminée").first).to_be_visible()

    staff.goto("/observatoire/publications/")
    staff.get_by_label("Année des données").fill(str(YEAR))
    # Disclosure control and its linear-programming check take a few seconds on a loaded machine.
    staff.get_by_role("button", name="Calculer les tableaux protégés").click(timeout=120_000)
    expect(staff.get_by_role("heading", level=1)).to_have_text(f"Victimes de la traite en {YEAR}")
    expect(staff.get_by_text("brouillon").first).to_be_visible()
    staff.get_by_role("button", name="Publier sur la page des données ouvertes").click()
    expect(staff.get_by_text("Publication en ligne sur la page des données ouvertes.")).to_be_visible()
    release = Release.objects.get()
    assert release.is_published

    page.goto("/")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Données ouvertes").click()
    page.get_by_role("link", name=f"Victimes de la traite en {YEAR}").first.click()
    expect(page.get_by_role("table").first).to_be_visible()
    expect(page.locator("abbr[title^='secret statistique']").first).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV (un fichier long de tous les tableaux)").click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert content.startswith("tableau;titre;unite;") and "persons.sex" in content
    assert download.value.suggested_filename == f"egide-observatoire-{YEAR}-{release.pk}.csv"
