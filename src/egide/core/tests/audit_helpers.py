"""Helpers for tests of the audit chain: append events, tamper with them as a DBA could."""

from typing import Any

from django.db import connection, transaction

from egide.core.audit import record_event
from egide.core.audit_schema import install_append_only_triggers, remove_append_only_triggers


def append_events(n: int, prefix: str = "test.event") -> None:
    for i in range(n):
        with transaction.atomic():
            record_event(f"{prefix}{i}", actor=None, extra={"i": i})


def tamper(sql: str, params: list[Any]) -> None:
    """Change the table behind the application's back, as a database administrator could."""
    remove_append_only_triggers(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        install_append_only_triggers(connection)
