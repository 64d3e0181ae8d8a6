"""The observatory's release pages, the public open-data page, the dashboard and the API."""

import csv
import io
import re
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.test import Client

from egide.accounts.models import User
from egide.accounts.roles import Role
from egide.observatory.models import LinkageRun
from egide.observatory.publication.actions import do_create_release, do_publish_release, do_withdraw_release
from egide.observatory.publication.models import Release
from egide.observatory.publication.tables import tables_from_json
from egide.observatory.publication.tests.factories import make_done_run
from egide.observatory.publication.vocabulary import ReleaseState
from egide_analytics.statistics.synthetic import synthetic_year

YEAR = 2025
RULES = {"threshold": 10, "rounding_base": 5}
SUPPRESSED = re.compile(r'<abbr title="secret statistique')


@pytest.fixture
def statistician(make_user: Callable[..., User]) -> User:
    return make_user(Role.STATISTICIAN)


@pytest.fixture
def run(statistician: User) -> LinkageRun:
    cache.clear()
    return make_done_run(YEAR, synthetic_year(persons=300, holders=5, seed=3), by=statistician)


@pytest.fixture
def published(run: LinkageRun, statistician: User) -> Release:
    return do_publish_release(do_create_release(YEAR, run, RULES, acting_user=statistician), acting_user=statistician)


def _suppressed(release: Release) -> int:
    return sum(t.suppressed_count for t in tables_from_json(release.tables))


def test_the_public_page_shows_published_and_withdrawn_releases_never_drafts(
    client: Client, run: LinkageRun, statistician: User, published: Release
) -> None:
    draft = do_create_release(YEAR, run, RULES, acting_user=statistician)
    page = client.get("/donnees-ouvertes/").content.decode()
    assert published.title in page and f"/donnees-ouvertes/{published.pk}/" in page
    assert f"/donnees-ouvertes/{draft.pk}/" not in page and "/donnees-ouvertes/rapports/" in page
    assert client.get(f"/donnees-ouvertes/{draft.pk}/").status_code == 404
    assert client.get(f"/donnees-ouvertes/{draft.pk}/fichiers/csv/").status_code == 404
    do_withdraw_release(published, "Erreur de codage.", acting_user=statistician)
    page = client.get("/donnees-ouvertes/").content.decode()
    assert "Publications retirées" in page and "Erreur de codage." in page
    assert client.get(f"/donnees-ouvertes/{published.pk}/fichiers/csv/").status_code == 404


def test_a_public_release_shows_every_suppressed_cell_as_s(client: Client, published: Release) -> None:
    page = client.get(f"/donnees-ouvertes/{published.pk}/").content.decode()
    assert len(SUPPRESSED.findall(page)) == _suppressed(published) > 0
    assert "Licence Ouverte 2.0" in page and "Note méthodologique" in page


def test_the_public_downloads_the_csv_and_its_checksum(client: Client, published: Release) -> None:
    response = client.get(f"/donnees-ouvertes/{published.pk}/fichiers/csv/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert sum(1 for r in rows if r["valeur"] == "") == _suppressed(published)
    assert response["Digest"] == "sha-256=" + published.files.get(kind="csv").sha256
    assert client.get(f"/donnees-ouvertes/{published.pk}/methodologie/").status_code == 200


def test_the_statistician_creates_a_draft_from_the_list_page(
    login: Callable[[User], Client], run: LinkageRun, statistician: User
) -> None:
    client = login(statistician)
    assert "Calculer les tableaux protégés" in client.get("/observatoire/publications/").content.decode()
    response = client.post(
        "/observatoire/publications/nouvelle/", {"year": YEAR, "run": run.pk, "threshold": 10, "rounding_base": 5}
    )
    release = Release.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/observatoire/publications/{release.pk}/"
    response = client.post("/observatoire/publications/nouvelle/", {"year": 2019, "run": run.pk, "threshold": 10,
                                                                     "rounding_base": 5})  # fmt: skip
    assert response.status_code == 422 and "ne couvre pas 2019" in response.content.decode()
    client.post(f"/observatoire/publications/{release.pk}/publier/")
    assert Release.objects.get().state == ReleaseState.PUBLISHED
    client.post(f"/observatoire/publications/{release.pk}/retirer/", {"reason": ""})
    assert Release.objects.get().state == ReleaseState.PUBLISHED


def test_the_rapporteur_reads_drafts_but_cannot_create_or_publish(
    login: Callable[[User], Client], make_user: Callable[..., User], run: LinkageRun, statistician: User
) -> None:
    draft = do_create_release(YEAR, run, RULES, acting_user=statistician)
    client = login(make_user(Role.RAPPORTEUR))
    page = client.get("/observatoire/publications/").content.decode()
    assert draft.title in page and "Calculer les tableaux protégés" not in page
    assert client.get(f"/observatoire/publications/{draft.pk}/").status_code == 200
    assert client.get(f"/observatoire/publications/{draft.pk}/fichiers/xlsx/").status_code == 200
    assert client.post(f"/observatoire/publications/{draft.pk}/publier/").status_code == 403


def test_the_dashboard_shows_the_latest_run_protected_when_no_release_exists(
    login: Callable[[User], Client], make_user: Callable[..., User], run: LinkageRun
) -> None:
    page = login(make_user(Role.NATIONAL_COORDINATOR)).get("/observatoire/tableau-de-bord/").content.decode()
    assert f"appariement n° {run.pk}" in page and "Chiffres clés 2025" in page
    assert SUPPRESSED.search(page) and ">300<" in page


def test_the_dashboard_shows_the_release_figures_only(
    login: Callable[[User], Client], make_user: Callable[..., User], published: Release
) -> None:
    page = login(make_user(Role.RAPPORTEUR)).get("/observatoire/tableau-de-bord/").content.decode()
    assert published.title in page
    assert len(SUPPRESSED.findall(page)) == _suppressed(published)


def test_the_observatory_roles_land_on_the_dashboard_after_login(client: Client, statistician: User) -> None:
    from conftest import PASSWORD

    response = client.post("/compte/connexion/", {"username": statistician.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/observatoire/tableau-de-bord/"


def test_the_api_lists_published_releases_and_their_tables(
    client: Client, run: LinkageRun, statistician: User, published: Release
) -> None:
    draft = do_create_release(YEAR, run, RULES, acting_user=statistician)
    listed = client.get("/api/v1/observatory/releases").json()
    assert [r["id"] for r in listed] == [published.pk]
    detail = client.get(f"/api/v1/observatory/releases/{published.pk}").json()
    assert len(detail["tables"]) == len(published.tables) and detail["files"][0]["url"].startswith("/donnees")
    assert sum(c["value"] is None for t in detail["tables"] for c in t["cells"]) == _suppressed(published)
    assert client.get(f"/api/v1/observatory/releases/{draft.pk}").status_code == 404


def test_the_api_creates_a_draft_for_the_statistician_only(
    login: Callable[[User], Client], make_user: Callable[..., User], run: LinkageRun, statistician: User
) -> None:
    body = {"year": YEAR, "run_id": run.pk}
    assert Client().post("/api/v1/observatory/releases", body, content_type="application/json").status_code == 401
    rapporteur = login(make_user(Role.RAPPORTEUR))
    assert rapporteur.post("/api/v1/observatory/releases", body, content_type="application/json").status_code == 403
    client = login(statistician)
    response = client.post("/api/v1/observatory/releases", body, content_type="application/json")
    assert response.status_code == 201 and response.json()["state"] == "draft"
    response = client.post("/api/v1/observatory/releases", {**body, "year": 2019}, content_type="application/json")
    assert response.status_code == 422 and "ne couvre pas" in response.json()["detail"]


def test_the_menu_has_one_observatory_entry_leading_to_the_dashboard_or_the_home(
    login: Callable[[User], Client], make_user: Callable[..., User], statistician: User
) -> None:
    nav = re.compile(r'<a class="fr-nav__link" href="([^"]+)"[^>]*>Observatoire</a>')
    page = login(statistician).get("/observatoire/tableau-de-bord/").content.decode()
    assert nav.findall(page) == ["/observatoire/tableau-de-bord/"] and ">Tableau de bord</a>" not in page
    assert "Accueil de l'observatoire" in page
    supervisor = login(make_user(Role.CASE_SUPERVISOR)).get("/observatoire/").content.decode()
    assert nav.findall(supervisor) == ["/observatoire/"]
