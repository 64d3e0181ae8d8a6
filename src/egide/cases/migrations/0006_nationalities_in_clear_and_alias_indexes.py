"""Move nationalities out of the encrypted identity; index aliases and years of birth.

Nationalities become a clear category counted in statistics. Each live identity is
decrypted with its data key, re-encrypted without them, and its name tokens (full name
and aliases) and year-of-birth index are written. Persons whose key was destroyed stay as
they are: nothing of them can be read.
"""

import json
from typing import Any

from django.db import migrations

from egide.cases.identity import (
    Identity,
    birth_year_index,
    encrypt_identity,
    field_context,
    name_indexes,
)
from egide.core import crypto
from egide.core.keys import open_data_key


def _live_persons(apps: Any) -> Any:
    person = apps.get_model("cases", "Person")
    return person.objects.select_related("data_key").filter(data_key__destroyed_at__isnull=True).order_by("pk")


def forwards(apps: Any, schema_editor: Any) -> None:
    nationality = apps.get_model("cases", "PersonNationality")
    name_index = apps.get_model("cases", "PersonNameIndex")
    for person in _live_persons(apps).iterator():
        key = open_data_key(person.data_key)
        plain = crypto.decrypt(key, bytes(person.identity), context=field_context(person.uid, "identity"))
        data = json.loads(plain)
        codes = sorted(set(data.pop("nationalities", None) or ()))
        nationality.objects.bulk_create(nationality(person=person, code=c) for c in codes)
        identity = Identity.from_dict(data)
        person.identity = encrypt_identity(identity, key, person.uid)
        person.birth_year_index = birth_year_index(identity.birth_date, person.organisation_id)
        person.save(update_fields=["identity", "birth_year_index"])
        tokens = sorted(name_indexes(identity, person.organisation_id))
        name_index.objects.bulk_create(name_index(person=person, token=t) for t in tokens)


def backwards(apps: Any, schema_editor: Any) -> None:
    nationality = apps.get_model("cases", "PersonNationality")
    for person in _live_persons(apps).iterator():
        key = open_data_key(person.data_key)
        context = field_context(person.uid, "identity")
        data = json.loads(crypto.decrypt(key, bytes(person.identity), context=context))
        data["nationalities"] = list(
            nationality.objects.filter(person=person).order_by("code").values_list("code", flat=True)
        )
        plain = json.dumps(data, ensure_ascii=False, sort_keys=True).encode()
        person.identity = crypto.encrypt(key, plain, context=context)
        person.save(update_fields=["identity"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_case_profile_events_and_name_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
