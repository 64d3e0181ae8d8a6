"""`manage.py import_organisations FILE`: check a CSV or XLSX file of organisations, then import it."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from egide.accounts.models import User
from egide.organisations.exchange import (
    ImportRefused,
    ImportReport,
    ImportResult,
    do_import_organisations,
    validate_file,
)


def describe_report(report: ImportReport) -> list[str]:
    """Return the report as lines of French text: a summary, then every problem."""
    lines = [
        f"{report.filename} : {report.total_rows} ligne(s), {report.valid_rows} valide(s), "
        f"{report.rejected_rows} en erreur, {len(report.errors)} problème(s)."
    ]
    lines.extend(str(error) for error in report.errors)
    return lines


def describe_result(result: ImportResult) -> str:
    return (
        f"Import terminé : {result.created} créée(s), {result.updated} mise(s) à jour, "
        f"{result.unchanged} inchangée(s), {result.rejected} ligne(s) rejetée(s)."
    )


class Command(BaseCommand):
    help = (
        "Vérifie chaque ligne d'un fichier CSV ou XLSX d'organisations, puis l'importe. "
        "Un fichier avec des erreurs n'importe rien, sauf avec --import-valid-rows. "
        "Code de sortie 1 si des erreurs ont empêché l'import."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="fichier .csv ou .xlsx")
        parser.add_argument(
            "--import-valid-rows", action="store_true", help="importer les lignes valides malgré les erreurs"
        )
        parser.add_argument("--dry-run", action="store_true", help="vérifier seulement, sans rien importer")
        parser.add_argument(
            "--as",
            dest="acting_as",
            metavar="EMAIL",
            help="compte au nom duquel importer (défaut : « egide import » dans l'audit)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        acting_user = self._acting_user(options["acting_as"])
        report = validate_file(path)
        for line in describe_report(report):
            self.stdout.write(line)
        if options["dry_run"]:
            if report.has_errors:
                raise CommandError("Vérification seulement : le fichier contient des erreurs.")
            self.stdout.write("Vérification seulement : aucune erreur, rien n'a été importé.")
            return
        try:
            result = do_import_organisations(
                report, acting_user=acting_user, import_valid_rows=options["import_valid_rows"]
            )
        except ImportRefused as exc:
            hint = "" if report.blocking else " (--import-valid-rows pour importer les lignes valides)"
            raise CommandError(f"{exc}{hint}") from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(describe_result(result))

    def _acting_user(self, email: str | None) -> User | None:
        if not email:
            return None
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"Aucun compte actif avec l'adresse {email}.")
        return user
