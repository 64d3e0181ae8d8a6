"""`egide manage anonymise_cases`: anonymise the persons whose retention period ended."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egide.cases.retention import anonymise_due_cases, retention_years


class Command(BaseCommand):
    help = "Anonymise les personnes dont tous les dossiers sont clos depuis plus que la durée de conservation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="date du jour à retenir (AAAA-MM-JJ), aujourd'hui par défaut")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"« {options['date']} » n'est pas une date AAAA-MM-JJ.") from None
        report = anonymise_due_cases(today)
        self.stdout.write(
            f"{report.anonymised} personne(s) anonymisée(s) (dossiers clos au plus tard le "
            f"{report.cutoff:%d/%m/%Y}, conservation {retention_years()} ans)."
        )
