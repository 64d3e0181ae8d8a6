"""`egide manage annual_report YEAR`: generate (and optionally publish) the annual report, for cron."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egide.observatory.reports.actions import ReportError, do_publish_report, do_request_report, generate_report
from egide.observatory.reports.vocabulary import ReportState


class Command(BaseCommand):
    help = "Génère le rapport annuel d'une année à partir du dernier appariement terminé (HTML et PDF)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int, help="année du rapport")
        parser.add_argument("--publish", action="store_true", help="publier le rapport une fois généré")

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"]
        try:
            report = do_request_report(year, acting_user=None, enqueue=False)
        except ReportError as error:
            raise CommandError(str(error)) from error
        report = generate_report(report.pk)
        if report.state == ReportState.FAILED:
            raise CommandError(f"La génération du rapport {year} a échoué : {report.error}")
        if options["publish"]:
            report = do_publish_report(report, acting_user=None)
        self.stdout.write(
            f"Rapport {year} n° {report.pk} : {report.get_state_display()} "
            f"(PDF {len(report.pdf)} octets, SHA-256 {report.pdf_sha256})."
        )
