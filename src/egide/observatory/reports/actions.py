"""Writes of the annual report: request a generation, build it (the job), publish it."""

import datetime
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from egide.accounts.models import User
from egide.core.audit import record_event
from egide.observatory.publication.selectors import published_release
from egide.observatory.reports.models import AnnualReport
from egide.observatory.reports.vocabulary import ReportState

logger = logging.getLogger(__name__)
MAX_ERROR_LENGTH = 2000
# A build takes seconds; one still « generating » after this long lost its worker and may be restarted.
STALE_AFTER = datetime.timedelta(minutes=15)


class ReportError(ValueError):
    """The report cannot be requested or published; the message is French."""


def do_request_report(year: int, *, acting_user: User | None, enqueue: bool = True) -> AnnualReport:
    """Create a report of `year` waiting for its job.

    The report rests on the year's published release when there is one (its linkage run,
    so that the report's figures are the released tables, and it cites the release), else
    on the latest finished linkage run of the year. The job is enqueued once the
    transaction commits; `enqueue=False` leaves the build to the caller (the
    `annual_report` command builds at once).
    """
    from egide.observatory.reports.build import run_for_year

    release = published_release(year)
    run = release.run if release is not None else run_for_year(year)
    if run is None:
        raise ReportError(f"Aucun appariement terminé ne couvre l'année {year} : lancez d'abord un appariement.")
    release_id = release.pk if release is not None else None
    with transaction.atomic(durable=True):
        report = AnnualReport.objects.create(
            year=year, linkage_run=run, release_id=release_id, generated_by=acting_user
        )
        record_event(
            "observatory.report_requested",
            actor=acting_user,
            target=report,
            extra={"year": year, "run": run.pk, "release": release_id},
        )
    if enqueue:
        transaction.on_commit(lambda: _enqueue(report.pk))
    return report


def can_retry(report: AnnualReport, now: datetime.datetime | None = None) -> bool:
    """Tell whether the report's build may be started again: it failed, or its worker died."""
    if report.state == ReportState.FAILED:
        return True
    moment = now or timezone.now()
    return report.state == ReportState.GENERATING and report.updated_at < moment - STALE_AFTER


def do_retry_report(report: AnnualReport, *, acting_user: User | None, enqueue: bool = True) -> AnnualReport:
    """Start the build of a failed or abandoned report again, on the same run and release."""
    with transaction.atomic(durable=True):
        report = AnnualReport.objects.select_for_update().get(pk=report.pk)
        if not can_retry(report):
            raise ReportError(
                f"Le rapport n° {report.pk} ne peut pas être relancé ({report.get_state_display()}) : "
                f"seul un rapport en échec, ou en génération depuis plus de {STALE_AFTER.seconds // 60} minutes, "
                "peut l'être."
            )
        previous = report.state
        report.state, report.error = ReportState.GENERATING, ""
        report.save(update_fields=["state", "error", "updated_at"])  # updated_at restarts the stale clock
        record_event(
            "observatory.report_retried",
            actor=acting_user,
            target=report,
            extra={"year": report.year, "previous_state": previous},
        )
    if enqueue:
        transaction.on_commit(lambda: _enqueue(report.pk))
    return report


def _enqueue(report_id: int) -> None:
    from egide.observatory.reports.tasks import build_annual_report

    build_annual_report.enqueue(report_id)


def generate_report(report_id: int) -> AnnualReport:
    """Build the figures, HTML and PDF of a waiting report; record a failure rather than raise."""
    from egide.observatory.reports.build import build_report_files

    report = AnnualReport.objects.select_related("linkage_run", "generated_by").get(pk=report_id)
    if report.state != ReportState.GENERATING:
        return report
    try:
        files = build_report_files(report)
    except Exception as error:
        logger.exception("Annual report %s failed", report_id)
        return _record_failure(report, error)
    with transaction.atomic(durable=True):
        AnnualReport.objects.filter(pk=report.pk).update(
            state=ReportState.READY,
            figures=files.figures,
            html=files.html,
            html_sha256=files.html_sha256,
            pdf=files.pdf,
            pdf_sha256=files.pdf_sha256,
            generated_at=files.generated_at,
            error="",
        )
        report.refresh_from_db()
        record_event(
            "observatory.report_generated",
            actor=report.generated_by,
            target=report,
            extra={"year": report.year, "html_sha256": files.html_sha256, "pdf_sha256": files.pdf_sha256},
        )
    return report


def _record_failure(report: AnnualReport, error: Exception) -> AnnualReport:
    message = f"{type(error).__name__} : {error}"[:MAX_ERROR_LENGTH]
    with transaction.atomic(durable=True):
        AnnualReport.objects.filter(pk=report.pk).update(state=ReportState.FAILED, error=message)
        report.refresh_from_db()
        record_event("observatory.report_failed", actor=report.generated_by, target=report, extra={"year": report.year})
    return report


def do_publish_report(report: AnnualReport, *, acting_user: User | None) -> AnnualReport:
    """Publish a ready report on the open-data page; the report it replaces for the year goes back to ready."""
    with transaction.atomic(durable=True):
        report = AnnualReport.objects.select_for_update().get(pk=report.pk)
        if report.state != ReportState.READY:
            raise ReportError(f"Le rapport n° {report.pk} n'est pas prêt à être publié ({report.get_state_display()}).")
        replaced: list[Any] = list(
            AnnualReport.objects.select_for_update()
            .filter(year=report.year, state=ReportState.PUBLISHED)
            .values_list("pk", flat=True)
        )
        AnnualReport.objects.filter(pk__in=replaced).update(state=ReportState.READY)
        report.state = ReportState.PUBLISHED
        report.published_by = acting_user
        report.published_at = timezone.now()
        report.save(update_fields=["state", "published_by", "published_at", "updated_at"])
        record_event(
            "observatory.report_published",
            actor=acting_user,
            target=report,
            extra={"year": report.year, "replaced": replaced, "pdf_sha256": report.pdf_sha256},
        )
    return report
