"""`manage.py audit verify`: prove that the audit trail has not been changed."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from egide.core.audit import ChainReport, verify_chain


def describe(report: ChainReport) -> str:
    """Say in French whether the chain holds, and where it first breaks."""
    if report.first_break is not None:
        return f"Chaîne rompue à l'événement #{report.first_break.event_id} : {report.first_break.reason}"
    noun = "événement vérifié" if report.checked == 1 else "événements vérifiés"
    return f"Chaîne d'audit intègre : {report.checked} {noun}."


class Command(BaseCommand):
    help = "Opérations sur la piste d'audit chaînée."

    def add_arguments(self, parser: ArgumentParser) -> None:
        operations = parser.add_subparsers(dest="operation", required=True, metavar="OPÉRATION")
        operations.add_parser(
            "verify",
            help="Recalcule chaque empreinte et chaque lien ; code de sortie 1 si la chaîne est rompue.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # `verify` is the only operation so far; the parser refuses any other.
        report = verify_chain()
        if report.ok:
            self.stdout.write(describe(report))
            return
        self.stderr.write(describe(report))
        raise SystemExit(1)
