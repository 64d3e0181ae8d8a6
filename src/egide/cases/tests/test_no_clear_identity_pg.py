"""No identity value appears in clear in a PostgreSQL dump (`pg_dump`) of the database.

`test_cases.py` reads every stored value and the SQLite dump; this test does the same with
what an operator's backup of PostgreSQL contains. It commits for real (a transactional
test), since `pg_dump` reads from its own connection and never sees an open transaction.
"""

import logging
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from egide.accounts.roles import Role
from egide.cases.models import Case
from egide.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)

# A demo identity with values found nowhere else in the database (no commune, no fixture).
FORM = {"family_name": "Zamfirescu", "given_names": "Ileana-Cosmina", "birth_date": "1997-11-23", "sex": "female",
        "birth_place": "Târgoviște", "nationalities": ["ROU"], "phone": "+40 745 918 263",
        "address": "12 allée Quimbrelune, Saint-Oxygène", "document_kind": "passport",
        "document_number": "0591736482", "notes": "Accompagnée par sa cousine Zamfirescu Doina.",
        "exploitation_forms": ["SEXUAL"], "aliases": "Cosmina Z."}  # fmt: skip
SECRETS = ["zamfirescu", "ileana", "cosmina", "târgoviște", "targoviste", "745 918", "quimbrelune", "0591736482",
           "1997-11-23", "doina"]  # fmt: skip


def pg_dump_binary() -> str | None:
    """Return `pg_dump` from PATH, else the newest of Debian's /usr/lib/postgresql/*/bin."""
    found = shutil.which("pg_dump")
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_dump"), key=lambda p: int(p.parts[-3]))
    return str(candidates[-1]) if candidates else None


def dump_database() -> str:
    """Return the plain-SQL dump of the test database, read by `pg_dump` on its own connection."""
    binary = pg_dump_binary()
    if binary is None:
        pytest.fail("pg_dump is missing: install Debian's postgresql-client to run this test on PostgreSQL.")
    # The parameters psycopg connects with: DATABASE_URL may put the host in OPTIONS (`?host=/socket/dir`).
    params = connection.get_connection_params()
    names = {"dbname": "PGDATABASE", "user": "PGUSER", "host": "PGHOST", "port": "PGPORT", "password": "PGPASSWORD"}
    env = {**os.environ, **{var: str(params[key]) for key, var in names.items() if params.get(key)}}
    result = subprocess.run(  # noqa: S603  (a fixed binary and arguments; the parameters go through the environment)
        [binary, "--no-owner", "--no-privileges"], env=env, capture_output=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout.decode("utf-8", errors="replace")


@pytest.fixture
def postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (DATABASE_URL; see .ci/with-postgres): on SQLite, test_cases.py reads the dump")


def test_a_postgresql_dump_holds_no_identity_value_in_clear(
    postgresql: None, make_user: Callable[..., Any], login: Callable[..., Client], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caseworker = make_user(Role.CASEWORKER, OrganisationFactory(name="Association Phare-Témoin"))
    client = login(caseworker)
    response = client.post("/dossiers/nouveau/", FORM)
    case = Case.objects.get()
    assert response.status_code == 302
    page = client.get(f"/dossiers/{case.pk}/").content.decode()
    assert "ZAMFIRESCU Ileana-Cosmina" in page and "0591736482" in page
    assert case.reference in client.get("/dossiers/", {"name": "ileana cosmina zamfirescu"}).content.decode()

    dump = dump_database()
    # The dump holds the committed rows: the organisation, the case and its audit events.
    assert "Association Phare-Témoin" in dump and case.reference in dump and "case.read" in dump
    assert [s for s in SECRETS if s in dump.lower()] == []
    assert not [s for s in SECRETS if s in caplog.text.lower()]
