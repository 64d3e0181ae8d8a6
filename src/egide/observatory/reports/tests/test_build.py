"""The report job: protected figures only, every section, HTML and a WeasyPrint PDF, publication."""

import re
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from egide.accounts.models import User
from egide.accounts.roles import Role
from egide.core.models import AuditEvent
from egide.observatory.publication.actions import do_create_release, do_publish_release
from egide.observatory.reports.actions import (
    STALE_AFTER,
    ReportError,
    can_retry,
    do_publish_report,
    do_request_report,
    do_retry_report,
    generate_report,
)
from egide.observatory.reports.build import statistics_for
from egide.observatory.reports.figures import table_values
from egide.observatory.reports.models import AnnualReport
from egide.observatory.reports.render import sha256
from egide.observatory.reports.tests.runs import make_run, realistic_persons
from egide.observatory.reports.vocabulary import ReportState

YEAR = 2024
SECTIONS = (
    "L'essentiel",
    "Profil des victimes",
    "Formes d'exploitation",
    "Accompagnement",
    "L'activité des associations",
    "L'effet du dédoublonnage",
    "La population cachée",
    "Méthodologie",
)


@pytest.fixture
def statistician(make_user: Any) -> User:
    user: User = make_user(Role.STATISTICIAN)
    return user


def _generate(year: int, user: User) -> AnnualReport:
    report = do_request_report(year, acting_user=user, enqueue=False)
    return generate_report(report.pk)


def test_the_job_writes_html_and_pdf_with_every_section(
    statistician: User, django_capture_on_commit_callbacks: Any
) -> None:
    make_run(YEAR, realistic_persons(), user=statistician)
    with django_capture_on_commit_callbacks(execute=True):
        requested = do_request_report(YEAR, acting_user=statistician)  # the job runs on commit (immediate backend)
    report = AnnualReport.objects.get(pk=requested.pk)
    assert report.state == ReportState.READY, report.error
    for title in SECTIONS:
        assert title in report.html
    assert "Observatoire national de la traite des êtres humains" in report.html
    assert bytes(report.pdf).startswith(b"%PDF")
    assert report.pdf_sha256 == sha256(bytes(report.pdf)) and report.html_sha256 == sha256(report.html.encode())
    assert report.figures["population"]["status"] == "estimated"
    assert "Tableau 1" in report.html and "Figure 1" in report.html and "<svg" in report.html
    actions = list(AuditEvent.objects.filter(target_id=str(report.pk)).values_list("action", flat=True))
    assert actions == ["observatory.report_requested", "observatory.report_generated"]


def test_every_published_count_is_protected(statistician: User) -> None:
    run = make_run(YEAR, realistic_persons(), user=statistician)
    report = _generate(YEAR, statistician)
    rules = statistics_for(run, YEAR).rules
    values = [value for _, _, value in table_values(report.figures) if value is not None]
    assert values and all(value % rules.rounding_base == 0 for value in values)
    population = report.figures["population"]
    assert all(population[k] % rules.rounding_base == 0 for k in ("estimate", "low", "high", "known"))


def _cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)]


def test_small_true_counts_never_appear_as_table_cells(statistician: User) -> None:
    persons = realistic_persons(300)
    # Small groups: 3 boys under 15, 7 persons exploited in forced begging and 4 in organ removal.
    persons += [({**persons[i][0], "sex": "male", "age_group": "0-14"}, ["Association A"]) for i in range(3)]
    persons += [({**persons[i][0], "forms": ["BEGGING"]}, ["Association B"]) for i in range(7)]
    persons += [({**persons[i][0], "forms": ["ORGANS"]}, ["Association C"]) for i in range(4)]
    run = make_run(YEAR, persons, user=statistician)
    report = _generate(YEAR, statistician)
    true_small = set()
    for variable in ("age_group", "forms", "sex"):
        counts: Counter[str] = Counter()
        for variables, _ in persons:
            value = variables.get(variable, "unknown")
            counts.update(value if isinstance(value, list) else [value])
        true_small |= {n for n in counts.values() if 0 < n < 10}
    assert true_small >= {3, 4}
    cells = _cells(report.html)
    assert cells and "s" in cells
    shown = {int(c.replace("\xa0", "")) for c in cells if c.replace("\xa0", "").isdigit()}
    assert not shown & true_small
    assert all(n % 5 == 0 for n in shown)
    assert statistics_for(run, YEAR).table("persons.age_group").row_margin[0].value is None


def test_sparse_lists_give_an_honest_statement_not_a_number(statistician: User) -> None:
    persons = [(variables, ["Association A"]) for variables, _ in realistic_persons(120)]
    make_run(YEAR, persons, user=statistician)
    report = _generate(YEAR, statistician)
    assert report.state == ReportState.READY
    assert report.figures["population"]["status"] != "estimated"
    assert "Aucune estimation n'est publiée pour 2024" in report.html


def test_no_report_without_a_finished_linkage_run(statistician: User) -> None:
    with pytest.raises(ReportError, match="Aucun appariement terminé ne couvre l'année 2023"):
        do_request_report(2023, acting_user=statistician)
    assert not AnnualReport.objects.exists()


def test_publishing_replaces_the_year_s_published_report(statistician: User) -> None:
    make_run(YEAR, realistic_persons(150), user=statistician)
    first = do_publish_report(_generate(YEAR, statistician), acting_user=statistician)
    second = do_publish_report(_generate(YEAR, statistician), acting_user=statistician)
    first.refresh_from_db()
    assert (first.state, second.state) == (ReportState.READY, ReportState.PUBLISHED)
    assert list(AnnualReport.objects.published()) == [second]
    event = AuditEvent.objects.filter(action="observatory.report_published").last()
    assert event is not None and event.extra["replaced"] == [first.pk]
    with pytest.raises(ReportError, match="n'est pas prêt"):
        do_publish_report(second, acting_user=statistician)


def test_a_failed_build_is_recorded_on_the_report(statistician: User) -> None:
    make_run(YEAR, [({"status": "supported", "sex": "female"}, ["Association A"])], user=statistician)
    report = do_request_report(YEAR, acting_user=statistician, enqueue=False)
    AnnualReport.objects.filter(pk=report.pk).update(linkage_run=None)  # the run was taken away meanwhile
    report = generate_report(report.pk)
    assert report.state == ReportState.FAILED and "n'attend pas de génération" in report.error
    assert report.html == "" and bytes(report.pdf) == b""


def test_history_shows_earlier_published_years(statistician: User) -> None:
    make_run(YEAR - 1, realistic_persons(150, seed=1), user=statistician)
    do_publish_report(_generate(YEAR - 1, statistician), acting_user=statistician)
    make_run(YEAR, realistic_persons(150, seed=2), user=statistician)
    report = _generate(YEAR, statistician)
    assert [h["year"] for h in report.figures["history"]] == [YEAR - 1]
    assert "Évolution du nombre de victimes" in report.html


def test_the_command_generates_and_publishes(statistician: User, capsys: Any) -> None:
    with pytest.raises(CommandError, match="Aucun appariement"):
        call_command("annual_report", str(YEAR))
    make_run(YEAR, realistic_persons(150), user=statistician)
    call_command("annual_report", str(YEAR), "--publish")
    assert "publié" in capsys.readouterr().out
    report = AnnualReport.objects.get()
    assert report.state == ReportState.PUBLISHED and report.generated_by is None


def test_the_report_rests_on_the_year_s_published_release_and_cites_it(statistician: User) -> None:
    older = make_run(YEAR, realistic_persons(150, seed=3), user=statistician)
    release = do_publish_release(do_create_release(YEAR, older, {}, acting_user=statistician), acting_user=statistician)
    make_run(YEAR, realistic_persons(150, seed=4), user=statistician)  # a later run, not released
    report = _generate(YEAR, statistician)
    assert (report.linkage_run_id, report.release_id) == (older.pk, release.pk)
    assert f"diffusées dans la publication de données n° {release.pk}" in report.html
    # The same protected figures: each row of the report's sex table is the release's row margin.
    sex = next(t for t in release.tables if t["name"] == "persons.sex")
    released = {row: value for row, _, column, _, value, _ in sex["cells"] if column in ("", "total")}
    reported = {code: value for name, code, value in table_values(report.figures) if name == "sex" and code != "total"}
    assert reported and all(released.get(code) == value for code, value in reported.items()), (released, reported)
    event = AuditEvent.objects.get(action="observatory.report_requested", target_id=str(report.pk))
    assert event.extra["release"] == release.pk


def test_a_failed_or_abandoned_build_can_be_restarted_and_nothing_else(statistician: User) -> None:
    make_run(YEAR, realistic_persons(150), user=statistician)
    report = do_request_report(YEAR, acting_user=statistician, enqueue=False)
    with pytest.raises(ReportError, match="ne peut pas être relancé"):
        do_retry_report(report, acting_user=statistician)  # its worker may still be at work
    AnnualReport.objects.filter(pk=report.pk).update(updated_at=timezone.now() - STALE_AFTER * 2)  # worker died
    report.refresh_from_db()
    assert can_retry(report)
    report = do_retry_report(report, acting_user=statistician, enqueue=False)
    assert report.state == ReportState.GENERATING and not can_retry(report)
    assert generate_report(report.pk).state == ReportState.READY
    with pytest.raises(ReportError, match="prêt, non publié"):
        do_retry_report(report, acting_user=statistician)
    events = AuditEvent.objects.filter(action="observatory.report_retried", target_id=str(report.pk))
    assert [e.extra["previous_state"] for e in events] == ["generating"]


def test_the_list_offers_the_restart_of_a_failed_report(
    statistician: User, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_run(YEAR, realistic_persons(150), user=statistician)
    report = do_request_report(YEAR, acting_user=statistician, enqueue=False)
    AnnualReport.objects.filter(pk=report.pk).update(state=ReportState.FAILED, error="OSError : disque plein")
    client = login(statistician)
    page = client.get(reverse("observatory_reports:list")).content.decode()
    assert "Relancer la génération" in page and "disque plein" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("observatory_reports:retry", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.READY  # the immediate task backend built it on commit
