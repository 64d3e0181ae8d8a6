"""Refuse UPDATE and DELETE on the audit trail in the database itself."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SQLITE = [
    "CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;",
    "CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;",
]
POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit trail is append-only'; END; $$ LANGUAGE plpgsql;",
    "CREATE TRIGGER core_auditevent_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON core_auditevent "
    "FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_append_only();",
]
DROP = {
    "sqlite": ["DROP TRIGGER core_auditevent_no_update;", "DROP TRIGGER core_auditevent_no_delete;"],
    "postgresql": [
        "DROP TRIGGER core_auditevent_no_change ON core_auditevent;",
        "DROP FUNCTION core_auditevent_append_only();",
    ],
}


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(vendor, []):
        schema_editor.execute(statement)


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for statement in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
