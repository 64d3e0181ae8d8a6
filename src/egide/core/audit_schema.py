"""Database triggers that make the audit table append-only, per database vendor."""

from typing import Any

INSTALL = {
    "sqlite": [
        "CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent "
        "BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;",
        "CREATE TRIGGER IF NOT EXISTS core_auditevent_no_delete BEFORE DELETE ON core_auditevent "
        "BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'audit trail is append-only'; END; $$ LANGUAGE plpgsql;",
        "DROP TRIGGER IF EXISTS core_auditevent_no_change ON core_auditevent;",
        "CREATE TRIGGER core_auditevent_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON core_auditevent "
        "FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_append_only();",
    ],
}
REMOVE = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS core_auditevent_no_update;",
        "DROP TRIGGER IF EXISTS core_auditevent_no_delete;",
    ],
    "postgresql": ["DROP TRIGGER IF EXISTS core_auditevent_no_change ON core_auditevent;"],
}


def _run(connection: Any, statements: dict[str, list[str]]) -> None:
    with connection.cursor() as cursor:
        for statement in statements.get(connection.vendor, []):
            cursor.execute(statement)


def install_append_only_triggers(connection: Any) -> None:
    _run(connection, INSTALL)


def remove_append_only_triggers(connection: Any) -> None:
    """Only for tests that empty the database between cases, and for tamper tests."""
    _run(connection, REMOVE)
