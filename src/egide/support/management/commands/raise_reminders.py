"""`egide manage raise_reminders`: the daily reminders, for deployments driven by cron."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from egide.support.tasks import raise_daily_reminders


class Command(BaseCommand):
    help = "Lève les rappels du jour (une seule fois par date, quel que soit le nombre d'appels)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="date AAAA-MM-JJ (défaut : aujourd'hui)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = datetime.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"Date invalide : {options['date']} (attendu AAAA-MM-JJ).") from None
        result = raise_daily_reminders.call(day.isoformat())
        if result is None:
            self.stdout.write(f"Rappels du {day:%d/%m/%Y} déjà levés : rien à faire.")
        else:
            self.stdout.write(f"Rappels du {day:%d/%m/%Y} : {result['reminders']} rappel(s) levé(s).")
