"""What the case list and the case page cost: SQL queries and decryptions that do not grow with the page.

Also checks the bulk helper of the benchmark against the real action, so that the benchmark
measures the rows that production writes.
"""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from egide.accounts.roles import Role
from egide.cases import actions, selectors, views
from egide.cases.identity import Identity, PartialDate
from egide.cases.models import Case
from egide.cases.tests.bulk import PlannedCase, bulk_open_cases
from egide.core.audit import verify_chain
from egide.core.models import AuditEvent
from egide.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org() -> Any:
    return OrganisationFactory(name="Association du Sud")


@pytest.fixture
def supervisor(org: Any, make_user: Callable[..., Any]) -> Any:
    return make_user(Role.CASE_SUPERVISOR, org)


def _plan(i: int, assigned_to: Any = None) -> PlannedCase:
    identity = Identity(family_name=f"Nom{i}", given_names="Prénom", birth_date=PartialDate(1980 + i % 20))
    forms = ["SEXUAL", "LABOUR_OTHER"] if i % 2 else ["SEXUAL"]
    opened_on = datetime.date(2023 + i % 2, 1 + i % 12, 1)
    return PlannedCase(
        identity, "female", forms, opened_on, notes=f"Note {i}", assigned_to=assigned_to, nationalities=("NGA",)
    )


def _plans(count: int, assigned_to: Any = None) -> list[PlannedCase]:
    return [_plan(i, assigned_to) for i in range(count)]


def test_bulk_opening_writes_what_the_action_writes(org: Any, supervisor: Any) -> None:
    year = datetime.date.today().year
    by_action = actions.do_open_case(org, Identity(family_name="Okafor"), "female", ["SEXUAL"], acting_user=supervisor)
    plans = [*_plans(3), PlannedCase(Identity(family_name="Eze"), "male", ["BEGGING"], datetime.date(year, 2, 1))]
    bulk = bulk_open_cases(org, plans, acting_user=supervisor)
    assert [c.reference for c in bulk] == ["2023-0001", "2024-0001", "2023-0002", f"{year}-0002"]
    assert by_action.reference == f"{year}-0001"
    for case, plan in zip(bulk, plans, strict=True):
        person = Case.objects.select_related("person__data_key").get(pk=case.pk).person
        assert selectors.identity_of(person) == plan.identity and person.sex == plan.sex
        assert case.assigned_to == case.created_by == supervisor
    assert selectors.notes_of(Case.objects.get(pk=bulk[1].pk).person) == "Note 1"
    assert list(selectors.search_cases(supervisor, name="Prénom NOM2")) == [bulk[2]]
    assert list(selectors.search_cases(supervisor, name="eze")) == [bulk[3]]
    assert list(selectors.search_cases(supervisor, birth=PartialDate(1981))) == [bulk[1]]
    assert sorted(bulk[1].exploitation_forms.values_list("code", flat=True)) == ["LABOUR_OTHER", "SEXUAL"]
    opened = AuditEvent.objects.filter(action="case.open").order_by("id")
    action_event, bulk_event = opened[0], opened[2]
    assert set(action_event.extra) == set(bulk_event.extra)
    assert bulk_event.target_id == str(bulk[1].pk) and bulk_event.target_label == f"Dossier {bulk[1].reference}"
    assert verify_chain().ok and opened.count() == 5


def _queries_and_unwraps(client: Client, url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """Return the SQL queries and data-key unwraps of one GET, which must answer 200."""
    unwraps = []
    real_open = selectors.open_data_key
    monkeypatch.setattr(selectors, "open_data_key", lambda key: unwraps.append(key.pk) or real_open(key))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    monkeypatch.setattr(selectors, "open_data_key", real_open)
    assert response.status_code == 200
    return len(queries), len(unwraps)


@pytest.mark.parametrize("page_size", [5, 40])
def test_the_case_list_costs_the_same_queries_whatever_the_page_size(
    org: Any, supervisor: Any, login: Callable[..., Client], monkeypatch: pytest.MonkeyPatch, page_size: int
) -> None:
    bulk_open_cases(org, _plans(page_size + 1), acting_user=supervisor)
    client = login(supervisor)
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    small = _queries_and_unwraps(client, "/dossiers/", monkeypatch)
    monkeypatch.setattr(views, "PAGE_SIZE", page_size)
    queries, unwraps = _queries_and_unwraps(client, "/dossiers/", monkeypatch)
    assert queries == small[0]
    assert unwraps == page_size  # one key per name shown, none for the rows of other pages
    assert _queries_and_unwraps(client, "/dossiers/?name=nom3+prenom", monkeypatch) == (queries, 1)


def test_the_case_page_opens_the_data_key_once_and_does_not_grow_with_its_content(
    org: Any, supervisor: Any, login: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    one_form, two_forms = bulk_open_cases(org, _plans(2), acting_user=supervisor)
    client = login(supervisor)
    first = _queries_and_unwraps(client, f"/dossiers/{one_form.pk}/", monkeypatch)
    second = _queries_and_unwraps(client, f"/dossiers/{two_forms.pk}/", monkeypatch)
    assert first == second
    assert first[1] == 1  # identity and notes share the person's key: unwrapped once
