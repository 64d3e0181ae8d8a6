"""`egide keys status|new-master|rotate`: manage the master keys that wrap data keys."""

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egide.core import crypto
from egide.core.keys import rotate_data_keys
from egide.core.models import DataKey


class Command(BaseCommand):
    help = "Gère les clés maîtresses : état, nouvelle clé active, re-chiffrement des clés de données."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["status", "new-master", "rotate"])
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "new-master":
            if os.environ.get("EGIDE_MASTER_KEYS"):
                raise CommandError("Les clés viennent de l'environnement : ajoutez-y la nouvelle clé.")
            new_id = crypto.add_master_key(crypto.key_file_path())
            self.stdout.write(f"Nouvelle clé maîtresse active : {new_id}. Lancez « egide keys rotate ».")
        elif action == "rotate":
            report = rotate_data_keys(options["batch_size"])
            self.stdout.write(
                f"Clés de données re-chiffrées : {report.rewrapped} ; déjà à jour : {report.already_current} ; "
                f"détruites : {report.destroyed}."
            )
        ring = crypto.keyring()
        live = DataKey.objects.filter(destroyed_at__isnull=True)
        by_master = {kid: live.filter(master_key_id=kid).count() for kid in ring.master_keys}
        self.stdout.write(f"Clé maîtresse active : {ring.active_id}")
        for kid, count in by_master.items():
            self.stdout.write(f"  {kid} : {count} clé(s) de données")
