"""Refuse UPDATE and DELETE on the audit trail in the database itself."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from egide.core.audit_schema import install_append_only_triggers, remove_append_only_triggers


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    install_append_only_triggers(schema_editor.connection)


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    remove_append_only_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
