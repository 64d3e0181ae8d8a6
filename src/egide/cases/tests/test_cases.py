"""Case files: encryption at rest, blind-index search, access control, audit of every read, keys."""

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from egide.accounts.roles import Role
from egide.cases import actions, selectors
from egide.cases.identity import Identity, PartialDate, decrypt_identity
from egide.cases.models import Case, Person
from egide.core import crypto
from egide.core.keys import destroy_data_key, open_data_key
from egide.core.models import AuditEvent, AuditKind, DataKey
from egide.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

POPESCU = Identity(family_name="Popescu", given_names="Ana-Maria", birth_date=PartialDate(1998, 4),
                   phone="+40 712 345 678")  # fmt: skip
FORM = {"family_name": "Popescu", "given_names": "Ana-Maria", "birth_date": "1998-04", "sex": "female",
        "birth_place": "Craiova", "nationalities": ["ROU"], "phone": "+40 712 345 678",
        "address": "3 rue Xylofantasque, Popescu-Ville", "document_kind": "passport", "document_number": "056123789",
        "notes": "Rencontrée avec sa sœur Popescu Ioana.", "exploitation_forms": ["SEXUAL"],
        "aliases": "Ana P."}  # fmt: skip


@pytest.fixture
def org() -> Any:
    return OrganisationFactory(name="Association du Nord")


@pytest.fixture
def caseworker(org: Any, make_user: Callable[..., Any]) -> Any:
    return make_user(Role.CASEWORKER, org)


def _open(user: Any, identity: Identity = POPESCU) -> Case:
    org = user.active_memberships()[0].organisation
    return actions.do_open_case(org, identity, "female", ["SEXUAL"], acting_user=user)


def _raw_database() -> Iterator[bytes]:
    """Yield every value of every table as stored, then the SQLite dump, bypassing the ORM."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            # Table names come from the database itself, quoted: no outside input.
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    yield bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        for line in connection.connection.iterdump():
            yield line.encode()


def test_no_identity_value_is_stored_or_logged_in_clear(
    caseworker: Any, login: Callable[..., Client], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = login(caseworker)
    response = client.post("/dossiers/nouveau/", FORM)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/dossiers/{case.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "POPESCU Ana-Maria" in page and "04/1998" in page and "Roumanie" in page and "056123789" in page
    client.get("/dossiers/?name=popescu+ana+maria")

    secrets_ = [
        b"popescu",
        b"ana-maria",
        b"ana maria",
        b"craiova",
        b"712 345",
        b"056123789",
        b"xylofantasque",
        b"1998-04",
    ]
    leaks = {s for value in _raw_database() for s in secrets_ if s in value.lower()}
    assert leaks == set()
    audit = json.dumps(list(AuditEvent.objects.values()), default=str, ensure_ascii=False).lower()
    assert not [s for s in secrets_ if s.decode() in audit]
    assert "popescu" not in caplog.text.lower()
    assert [e.action for e in AuditEvent.objects.order_by("id")] == ["case.open", "case.read", "case.list"]


def test_blind_index_finds_a_person_whatever_the_order_case_and_accents(caseworker: Any, make_user: Any) -> None:
    case = _open(caseworker)
    _open(caseworker, Identity(family_name="Popescu", given_names="Ioana", birth_date=PartialDate(2001)))
    for name in ("popescu ana maria", "Ana Maria POPESCU", "ANA-MARIA Popéscu"):
        assert list(selectors.search_cases(caseworker, name=name)) == [case]
    assert list(selectors.search_cases(caseworker, birth=PartialDate(1998, 4))) == [case]
    assert list(selectors.search_cases(caseworker, name="Ana Maria Popescu", birth=PartialDate(1998, 4))) == [case]
    assert list(selectors.search_cases(caseworker, name="Ana Maria Popescu", birth=PartialDate(1998, 5))) == []
    assert list(selectors.search_cases(caseworker, name="Popescu")) == []  # exact match only
    stranger = make_user(Role.CASEWORKER, OrganisationFactory())
    assert list(selectors.search_cases(stranger, name="popescu ana maria")) == []
    assert list(selectors.search_cases(stranger, birth=PartialDate(1998, 4))) == []


def test_the_same_name_has_unrelated_tokens_in_two_organisations(caseworker: Any, make_user: Any) -> None:
    mine = _open(caseworker)
    theirs = _open(make_user(Role.CASEWORKER, OrganisationFactory()))
    assert mine.person.name_index != theirs.person.name_index
    assert mine.person.birth_index != theirs.person.birth_index


def test_search_page_finds_by_name_and_birth_and_writes_one_access_event(
    caseworker: Any, login: Callable[..., Client]
) -> None:
    case = _open(caseworker)
    client = login(caseworker)
    page = client.get("/dossiers/", {"name": "Ana Maria POPESCU", "birth": "1998-04"}).content.decode()
    assert case.reference in page and "POPESCU Ana-Maria" in page
    assert "Aucun dossier ne correspond" in client.get("/dossiers/", {"name": "Ana Popescu"}).content.decode()
    bad = client.get("/dossiers/", {"birth": "04/1998"}).content.decode()
    assert "AAAA, AAAA-MM ou AAAA-MM-JJ" in bad
    events = AuditEvent.objects.filter(kind=AuditKind.ACCESS, action="case.list")
    assert [e.extra for e in events] == [{"cases": [case.pk]}]


def test_every_read_of_the_detail_is_an_access_event(caseworker: Any, login: Callable[..., Client]) -> None:
    case = _open(caseworker)
    client = login(caseworker)
    for _ in range(3):
        assert client.get(f"/dossiers/{case.pk}/").status_code == 200
    reads = AuditEvent.objects.filter(kind=AuditKind.ACCESS, action="case.read", target_id=str(case.pk))
    assert reads.count() == 3 and {e.actor_id for e in reads} == {caseworker.pk}


@pytest.mark.parametrize(
    ("role", "own", "status"),
    [
        (Role.CASE_SUPERVISOR, True, 200),
        (Role.CASEWORKER, False, 404),
        (Role.CASE_SUPERVISOR, False, 404),
        (Role.ORG_ADMIN, True, 403),
        (Role.NATIONAL_COORDINATOR, False, 403),
        (Role.STATISTICIAN, False, 403),
        (Role.ACSE_COORDINATOR, False, 403),
        (Role.PLATFORM_ADMIN, False, 403),
    ],
)
def test_a_case_is_visible_to_its_organisation_only(
    caseworker: Any, org: Any, make_user: Any, login: Callable[..., Client], role: Role, own: bool, status: int
) -> None:
    case = _open(caseworker)
    user = make_user(role, org if own else OrganisationFactory())
    client = login(user)
    assert client.get(f"/dossiers/{case.pk}/").status_code == status
    assert client.get(f"/dossiers/{case.pk + 1000}/").status_code in {403, 404}
    if status != 200:
        listed = client.get("/dossiers/")
        assert listed.status_code == 403 or case.reference not in listed.content.decode()


def test_references_are_numbered_per_organisation_and_year(caseworker: Any, make_user: Any) -> None:
    first, second = _open(caseworker), _open(caseworker)
    other = _open(make_user(Role.CASEWORKER, OrganisationFactory()))
    year = first.opened_on.year
    assert (first.reference, second.reference, other.reference) == (f"{year}-0001", f"{year}-0002", f"{year}-0001")


def test_opening_form_reports_errors_in_french_and_writes_nothing(
    caseworker: Any, login: Callable[..., Client]
) -> None:
    client = login(caseworker)
    bad = FORM | {"family_name": "", "given_names": "", "birth_date": "1998-13", "document_kind": ""}
    page = client.post("/dossiers/nouveau/", bad).content.decode()
    assert "Indiquez au moins le nom de famille ou le prénom" in page
    assert "Mois 13 invalide" in page
    assert "Indiquez le type de la pièce d&#x27;identité" in page
    future = client.post("/dossiers/nouveau/", FORM | {"birth_date": "2099-01"}).content.decode()
    assert "ne peut pas être dans le futur" in future
    assert not Case.objects.exists() and not Person.objects.exists() and not DataKey.objects.exists()
    assert not AuditEvent.objects.filter(kind=AuditKind.WRITE).exists()


def test_identity_edit_reencrypts_reindexes_and_audits_field_names_only(
    caseworker: Any, login: Callable[..., Client]
) -> None:
    case = _open(caseworker)
    client = login(caseworker)
    assert 'value="Popescu"' in client.get(f"/dossiers/{case.pk}/identite/").content.decode()
    response = client.post(f"/dossiers/{case.pk}/identite/", FORM | {"family_name": "Ionescu", "notes": "Suivi."})
    assert response.status_code == 302
    person = Person.objects.get(pk=case.person_id)
    assert selectors.identity_of(person).family_name == "Ionescu" and selectors.notes_of(person) == "Suivi."
    assert list(selectors.search_cases(caseworker, name="ana maria ionescu")) == [case]
    assert list(selectors.search_cases(caseworker, name="ana maria popescu")) == []
    event = AuditEvent.objects.get(action="person.identity_update")
    assert "family_name" in event.extra["fields"] and "notes" in event.extra["fields"]
    assert "ionescu" not in json.dumps(event.extra).lower()


def test_closing_needs_the_confirmation_and_happens_once(caseworker: Any, login: Callable[..., Client]) -> None:
    case = _open(caseworker)
    client = login(caseworker)
    client.post(f"/dossiers/{case.pk}/cloture/", {})
    assert Case.objects.get(pk=case.pk).is_open
    client.post(f"/dossiers/{case.pk}/cloture/", {"confirmation": "on"})
    closed = Case.objects.get(pk=case.pk)
    assert not closed.is_open and closed.closed_on is not None
    with pytest.raises(actions.CaseRefusedError):
        actions.do_close_case(closed, acting_user=caseworker)
    assert AuditEvent.objects.filter(action="case.close").count() == 1


@pytest.fixture
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "keys.json"
    monkeypatch.setenv("EGIDE_KEY_FILE", str(path))
    monkeypatch.delenv("EGIDE_MASTER_KEYS", raising=False)
    crypto.keyring.cache_clear()
    yield path
    crypto.keyring.cache_clear()


def test_identity_still_decrypts_after_master_key_rotation(key_file: Path, caseworker: Any) -> None:
    case = _open(caseworker)
    call_command("keys", "new-master")
    call_command("keys", "rotate")
    person = Person.objects.select_related("data_key").get(pk=case.person_id)
    assert person.data_key.master_key_id == "mk2"
    assert selectors.identity_of(person) == POPESCU


def test_destroying_the_data_key_makes_the_identity_unreadable(caseworker: Any, login: Callable[..., Client]) -> None:
    case = _open(caseworker)
    token, key = bytes(case.person.identity), open_data_key(case.person.data_key)
    destroy_data_key(case.person.data_key)
    person = Person.objects.select_related("data_key").get(pk=case.person_id)
    with pytest.raises(crypto.DecryptionError):
        selectors.identity_of(person)
    assert decrypt_identity(token, key, person.uid) == POPESCU  # only the destroyed key could open it
    page = login(caseworker).get(f"/dossiers/{case.pk}/").content.decode()
    assert "effacée définitivement" in page and "Popescu" not in page
