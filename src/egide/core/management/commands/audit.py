"""`manage.py audit verify|anchor`: prove that the audit trail has not been changed nor cut short."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from egide.core.audit import ChainReport, verify_chain
from egide.core.audit_anchors import AnchorFileError, append_anchor, default_anchor_file, read_anchors, verify_anchors


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
        verify = operations.add_parser(
            "verify",
            help="Recalcule chaque empreinte et chaque lien, et confronte la piste aux ancres si un fichier "
            "est donné ; code de sortie 1 si la chaîne ou une ancre est rompue.",
        )
        verify.add_argument("--anchors", metavar="FICHIER", help="fichier d'ancres (une ligne JSON par ancre)")
        anchor = operations.add_parser(
            "anchor",
            help="Ajoute une ancre (nombre d'événements, dernier événement, son empreinte, heure UTC) au fichier "
            "d'ancres et l'affiche.",
        )
        anchor.add_argument("--output", metavar="FICHIER", help="fichier d'ancres (défaut : var/audit/anchors.jsonl)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["operation"] == "anchor":
            self._anchor(options.get("output"))
        else:
            self._verify(options.get("anchors"))

    def _anchor(self, output: str | None) -> None:
        path = Path(output) if output else default_anchor_file()
        try:
            anchor = append_anchor(path)
        except OSError as error:
            raise CommandError(f"Impossible d'écrire l'ancre dans {path} : {error.strerror}") from error
        # The line alone on stdout, so that cron can mail it or pass it to syslog as it is.
        self.stdout.write(anchor.to_line())

    def _verify(self, anchors_file: str | None) -> None:
        report = verify_chain()
        if not report.ok:
            self.stderr.write(describe(report))
            raise SystemExit(1)
        self.stdout.write(describe(report))
        if anchors_file is None:
            return
        try:
            anchors = read_anchors(Path(anchors_file))
        except AnchorFileError as error:
            raise CommandError(str(error)) from error
        broken = verify_anchors(anchors)
        if broken is not None:
            self.stderr.write(broken.describe())
            raise SystemExit(1)
        noun = "ancre vérifiée" if len(anchors) == 1 else "ancres vérifiées"
        self.stdout.write(f"Ancres respectées : {len(anchors)} {noun}.")
