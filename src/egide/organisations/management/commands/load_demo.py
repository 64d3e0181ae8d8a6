"""`manage.py load_demo`: load the demo organisations and accounts, then print the logins."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from egide.organisations.demo import DemoLogin, load_demo


def format_logins(logins: list[DemoLogin]) -> str:
    """Return the logins as an aligned text table, one row per role."""
    rows = [DemoLogin("Rôle", "E-mail", "Mot de passe", "Organisation"), *logins]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Charge les organisations et les comptes de démonstration (une connexion par rôle)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--seed", type=int, default=2014, help="graine du générateur (défaut : 2014)")
        parser.add_argument(
            "--organisations", type=int, default=160, help="nombre d'organisations à créer (défaut : 160)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["organisations"] < 4:
            raise CommandError("Il faut au moins 4 organisations (celles qui portent les comptes).")
        result = load_demo(seed=options["seed"], organisations=options["organisations"])
        if result.created:
            self.stdout.write(f"{result.organisations} organisations de démonstration créées.")
        else:
            self.stdout.write("Les données de démonstration étaient déjà chargées.")
        self.stdout.write(format_logins(result.logins))
