"""Report pages: the statistician generates and publishes, the observatory reads, the public sees what is published."""

import html
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from egide.accounts.models import User
from egide.accounts.roles import Role
from egide.observatory.reports.models import AnnualReport
from egide.observatory.reports.tests.runs import make_run, realistic_persons
from egide.observatory.reports.vocabulary import ReportState

YEAR = 2024


@pytest.fixture
def statistician(make_user: Any) -> User:
    user: User = make_user(Role.STATISTICIAN)
    return user


def _report(year: int, state: str, html: str) -> AnnualReport:
    return AnnualReport.objects.create(year=year, state=state, html=html, pdf=b"%PDF-1.7 " + html.encode())


def test_the_public_sees_published_reports_only(client: Client, db: Any) -> None:
    _report(2023, ReportState.PUBLISHED, "<p>Rapport 2023 publié</p>")
    _report(2024, ReportState.READY, "<p>Rapport 2024 non publié</p>")
    page = client.get("/donnees-ouvertes/rapports/")
    assert page.status_code == 200
    assert "Rapport annuel 2023" in page.content.decode() and "2024" not in page.content.decode()
    assert client.get("/donnees-ouvertes/rapports/2023/").content == b"<p>Rapport 2023 publi\xc3\xa9</p>"
    pdf = client.get("/donnees-ouvertes/rapports/2023/rapport.pdf?telecharger")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"] == 'attachment; filename="rapport-annuel-traite-2023.pdf"'
    assert client.get("/donnees-ouvertes/rapports/2024/").status_code == 404
    assert client.get("/donnees-ouvertes/rapports/2024/rapport.pdf").status_code == 404


def test_the_statistician_generates_then_publishes(
    statistician: User, login: Callable[[User], Client], django_capture_on_commit_callbacks: Any
) -> None:
    make_run(YEAR, realistic_persons(150), user=statistician)
    client = login(statistician)
    page = client.get("/observatoire/rapports/").content.decode()
    assert "Générer le rapport" in page and '<option value="2024">' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/observatoire/rapports/generer/", {"year": "2024"})
    assert response.status_code == 302
    report = AnnualReport.objects.get()
    assert report.state == ReportState.READY
    assert "La population cachée" in client.get(f"/observatoire/rapports/{report.pk}/").content.decode()
    assert client.get(f"/observatoire/rapports/{report.pk}/rapport.pdf").content.startswith(b"%PDF")
    client.post(f"/observatoire/rapports/{report.pk}/publier/", {})  # no confirmation: nothing published
    assert AnnualReport.objects.published().count() == 0
    client.post(f"/observatoire/rapports/{report.pk}/publier/", {"confirm": "1"})
    assert list(AnnualReport.objects.published()) == [report]
    public = Client().get("/donnees-ouvertes/rapports/2024/")
    assert public.status_code == 200 and "Rapport annuel" in public.content.decode()


def test_a_year_without_a_run_is_refused_in_french(statistician: User, login: Callable[[User], Client]) -> None:
    response = login(statistician).post("/observatoire/rapports/generer/", {"year": "2019"}, follow=True)
    assert "Aucun appariement terminé ne couvre l'année 2019" in html.unescape(response.content.decode())
    assert not AnnualReport.objects.exists()


def test_the_rapporteur_reads_but_cannot_generate_or_publish(make_user: Any, login: Callable[[User], Client]) -> None:
    ready = _report(YEAR, ReportState.READY, "<p>Rapport prêt</p>")
    client = login(make_user(Role.RAPPORTEUR))
    page = client.get("/observatoire/rapports/").content.decode()
    assert "Rapport prêt" not in page and "Générer le rapport" not in page and "Publier" not in page
    assert client.get(f"/observatoire/rapports/{ready.pk}/").status_code == 200
    assert client.post(f"/observatoire/rapports/{ready.pk}/publier/", {"confirm": "1"}).status_code == 403
    assert client.post("/observatoire/rapports/generer/", {"year": "2024"}).status_code == 403
    ready.refresh_from_db()
    assert ready.state == ReportState.READY


def test_a_report_still_generating_is_not_found(statistician: User, login: Callable[[User], Client]) -> None:
    waiting = _report(YEAR, ReportState.GENERATING, "")
    assert login(statistician).get(f"/observatoire/rapports/{waiting.pk}/").status_code == 404
