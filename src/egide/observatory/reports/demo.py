"""Demo annual report: generated and published for the last full year the demo linkage run covers.

Runs after the demo linkage run (`egide.observatory`'s demo). The report is generated as the
demo statistician would, through the real actions (audit events included), then published
on the public page `donnees-ouvertes/rapports/`. Loading twice writes nothing more.
"""

import time
from dataclasses import dataclass

from django.utils import timezone

from egide.accounts.models import User
from egide.observatory.reports.actions import do_publish_report, do_request_report, generate_report
from egide.observatory.reports.models import AnnualReport
from egide.observatory.reports.selectors import years_with_runs
from egide.observatory.reports.vocabulary import ReportState
from egide.organisations.demo import DEMO_DOMAIN

STATISTICIAN = f"statistics@{DEMO_DOMAIN}"


class DemoReportError(Exception):
    """The demo report could not be generated; the message is French."""


@dataclass(frozen=True)
class DemoReportResult:
    created: bool
    year: int | None = None
    report_id: int | None = None
    pdf_bytes: int = 0
    seconds: float = 0.0
    note: str = ""


def demo_year() -> int | None:
    """Return the last full year (before the current one) that a finished linkage run covers."""
    years = [year for year in years_with_runs() if year < timezone.localdate().year]
    return max(years, default=None)


def load_demo_report() -> DemoReportResult:
    """Generate and publish the demo's annual report, unless it is already published."""
    year = demo_year()
    if year is None:
        return DemoReportResult(False, note="Aucun appariement terminé d'une année révolue : pas de rapport.")
    if AnnualReport.objects.published().filter(year=year).exists():
        return DemoReportResult(False, year, note="Déjà publié : rien à faire.")
    started = time.monotonic()
    statistician = User.objects.filter(email=STATISTICIAN).first()
    report = generate_report(do_request_report(year, acting_user=statistician, enqueue=False).pk)
    if report.state != ReportState.READY:
        raise DemoReportError(f"Le rapport de démonstration {year} n'a pas pu être généré : {report.error}")
    report = do_publish_report(report, acting_user=statistician)
    return DemoReportResult(True, year, report.pk, len(report.pdf), time.monotonic() - started)
