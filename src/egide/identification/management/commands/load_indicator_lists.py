"""Load the shipped ILO/EC indicator lists, as new versions only when they changed."""

from typing import Any

from django.core.management.base import BaseCommand

from egide.identification.actions import load_shipped_lists


class Command(BaseCommand):
    help = "Charge les listes d'indicateurs livrées (OIT/CE) ; ne crée une version que si le contenu a changé."

    def handle(self, *args: Any, **options: Any) -> None:
        loaded, skipped = load_shipped_lists()
        for note in skipped:
            self.stdout.write(f"Ignorée : {note}")
        if loaded:
            for lst in loaded:
                status = lst.get_status_display()
                self.stdout.write(self.style.SUCCESS(f"Chargée : {lst.code} v{lst.version} ({status})"))
        else:
            self.stdout.write("Aucun changement : les listes en vigueur sont à jour.")
