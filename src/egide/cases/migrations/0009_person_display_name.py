"""Store the name shown in lists apart from the identity, encrypted under the same data key.

Each live identity is decrypted once and its display name encrypted on its own, so that
the case list decrypts a few bytes per row instead of every identity field. Persons whose
key was destroyed keep an empty value: nothing of them can be read.
"""

from typing import Any

from django.db import migrations, models

from egide.cases.identity import decrypt_identity, encrypt_display_name
from egide.core.keys import open_data_key


def forwards(apps: Any, schema_editor: Any) -> None:
    person_model = apps.get_model("cases", "Person")
    live = (
        person_model.objects.select_related("data_key")
        .filter(data_key__destroyed_at__isnull=True)
        .order_by("pk")
    )
    for person in live.iterator():
        if not person.identity:
            continue
        key = open_data_key(person.data_key)
        identity = decrypt_identity(bytes(person.identity), key, person.uid)
        person.display_name = encrypt_display_name(identity, key, person.uid)
        person.save(update_fields=["display_name"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_break_glass_review")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="display_name",
            field=models.BinaryField(blank=True, default=b"", verbose_name="nom affiché (chiffré)"),
        ),
        # Backwards only drops the column: the identity still holds the name.
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
