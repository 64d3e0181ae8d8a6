"""The case page and the case list stay fast: query budgets on a full demo case, one name decrypted per row.

The budgets sit a little above what the pages cost when they were measured (case page 33–34
queries, list 15, session, audit event and context processors included): a section that
starts reading the case again, or a list that queries per row, fails here.
"""

import datetime
import importlib
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from egide.accounts.models import User
from egide.accounts.roles import Role
from egide.cases import actions, retention, selectors, views
from egide.cases.demo import load_demo_cases
from egide.cases.identity import Identity, PartialDate, decrypt_display_name
from egide.cases.models import BreakGlass, Case, Person
from egide.cases.tests.bulk import PlannedCase, bulk_open_cases
from egide.cases.tests.helpers import open_case
from egide.cases.tests.test_demo import SEED, TODAY
from egide.core import crypto
from egide.core.keys import open_data_key
from egide.organisations.demo import DEMO_DOMAIN, load_demo
from egide.organisations.tests.factories import OrganisationFactory
from egide.referrals.acse.demo import load_demo_acse
from egide.referrals.acse.models import PlacementRequest
from egide.referrals.demo import load_demo_referrals
from egide.support.demo import load_demo_support

pytestmark = pytest.mark.django_db
CASE_PAGE_BUDGET = 36
CASE_LIST_BUDGET = 17


@pytest.fixture
def demo() -> None:
    """The small demo with every section filled: support, referrals, transfers, Ac.Sé."""
    load_demo(organisations=60, today=TODAY)
    load_demo_cases(SEED, 300, 20, today=TODAY)
    load_demo_support(today=TODAY)
    load_demo_referrals(now=datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC))
    load_demo_acse(today=TODAY)


def _demo_user(local_part: str) -> User:
    return User.objects.get(email=f"{local_part}@{DEMO_DOMAIN}")


def test_the_case_page_of_a_full_demo_case_stays_within_its_query_budget(
    demo: None, login: Callable[[User], Client], django_assert_max_num_queries: Any
) -> None:
    supervisor = _demo_user("supervisor")
    org = supervisor.memberships.get().organisation_id
    requested = PlacementRequest.objects.filter(referral__case__organisation_id=org).order_by("pk")
    case = Case.objects.get(pk=requested.values_list("referral__case_id", flat=True)[0])
    assert case.consents.exists() and case.status_decisions.exists() and case.tasks.exists()
    client = login(supervisor)
    with django_assert_max_num_queries(CASE_PAGE_BUDGET):
        response = client.get(f"/dossiers/{case.pk}/")
    page = response.content.decode()
    assert response.status_code == 200 and "Ac.Sé" in page and "Orientations" in page


def test_the_demo_case_list_stays_within_its_query_budget(
    demo: None, login: Callable[[User], Client], django_assert_max_num_queries: Any
) -> None:
    supervisor = _demo_user("supervisor")
    org = supervisor.memberships.get().organisation_id
    assert Case.objects.filter(organisation_id=org, sealed=True).exclude(assigned_to=supervisor).count() >= 2
    client = login(supervisor)
    with django_assert_max_num_queries(CASE_LIST_BUDGET):
        response = client.get("/dossiers/")
    assert response.status_code == 200 and response.content.decode().count("/dossiers/") >= 30


@pytest.fixture
def org() -> Any:
    return OrganisationFactory(name="Association du Nord")


def _plan(i: int, assigned_to: Any) -> PlannedCase:
    identity = Identity(
        family_name=f"Nom{i}", given_names="Ana", birth_date=PartialDate(1990), phone="0600000000", address=f"{i} rue"
    )
    return PlannedCase(identity, "female", ["SEXUAL"], datetime.date(2024, 1 + i % 12, 1), assigned_to=assigned_to)


def _plans(count: int, assigned_to: Any) -> list[PlannedCase]:
    return [_plan(i, assigned_to) for i in range(count)]


def _list_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/dossiers/").status_code == 200
    return len(queries)


def test_sealed_rows_cost_one_query_whatever_their_number(
    org: Any, make_user: Callable[..., Any], login: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    supervisor, caseworker = make_user(Role.CASE_SUPERVISOR, org), make_user(Role.CASEWORKER, org)
    cases = bulk_open_cases(org, _plans(12, caseworker), acting_user=supervisor)
    monkeypatch.setattr(views, "PAGE_SIZE", 12)
    client = login(supervisor)
    Case.objects.filter(pk=cases[0].pk).update(sealed=True, seal_reason="danger")
    one_sealed = _list_queries(client)
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(sealed=True, seal_reason="danger")
    BreakGlass.objects.create(
        case=cases[3], user=supervisor, reason="Urgence", expires_at=timezone.now() + datetime.timedelta(minutes=30)
    )
    assert _list_queries(client) == one_sealed
    page = client.get("/dossiers/").content.decode()
    # Opened by the glass: the name shows; the eleven others stay protected.
    assert "NOM3 Ana" in page and page.count("Dossier protégé") == 11


def test_the_list_decrypts_one_short_value_per_row_and_never_an_identity(
    org: Any, make_user: Callable[..., Any], login: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    supervisor = make_user(Role.CASE_SUPERVISOR, org)
    bulk_open_cases(org, _plans(40, None), acting_user=supervisor)
    monkeypatch.setattr(views, "PAGE_SIZE", 30)
    contexts: list[bytes] = []
    real_decrypt = crypto.decrypt

    def counting_decrypt(data_key: bytes, token: bytes, *, context: bytes) -> bytes:
        contexts.append(context)
        return real_decrypt(data_key, token, context=context)

    monkeypatch.setattr(crypto, "decrypt", counting_decrypt)
    response = login(supervisor).get("/dossiers/")
    assert response.status_code == 200 and "NOM39 Ana" in response.content.decode()
    assert len(contexts) == 30  # the shown page only, one value per row
    assert all(c.endswith(b":display_name") for c in contexts)


def test_every_identity_write_keeps_the_display_name_and_anonymisation_blanks_it(
    org: Any, make_user: Callable[..., Any]
) -> None:
    supervisor = make_user(Role.CASE_SUPERVISOR, org)
    case = open_case(supervisor, Identity(family_name="Okafor", given_names="Joy"), opened_on=datetime.date(2020, 1, 1))
    assert selectors.display_name_of(Person.objects.select_related("data_key").get(pk=case.person_id)) == "OKAFOR Joy"
    actions.do_update_identity(case, Identity(family_name="Eze", given_names="Joy"), acting_user=supervisor)
    person = Person.objects.select_related("data_key").get(pk=case.person_id)
    assert selectors.display_name_of(person) == "EZE Joy" == selectors.identity_of(person).display_name()
    actions.do_close_case(case, acting_user=supervisor, closed_on=datetime.date(2020, 6, 1))
    assert retention.anonymise_due_cases(datetime.date(2031, 6, 1)).anonymised == 1
    person.refresh_from_db()
    assert bytes(person.display_name) == b""
    with pytest.raises(crypto.DecryptionError):
        selectors.display_name_of(person)


def test_the_migration_fills_the_display_name_of_live_persons(org: Any, make_user: Callable[..., Any]) -> None:
    migration = importlib.import_module("egide.cases.migrations.0009_person_display_name")
    supervisor = make_user(Role.CASE_SUPERVISOR, org)
    case = open_case(supervisor, Identity(family_name="Popescu", given_names="Ana-Maria"))
    Person.objects.update(display_name=b"")
    migration.forwards(django_apps, None)
    person = Person.objects.select_related("data_key").get(pk=case.person_id)
    key = open_data_key(person.data_key)
    assert decrypt_display_name(bytes(person.display_name), key, person.uid) == "POPESCU Ana-Maria"
