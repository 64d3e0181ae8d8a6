"""Search of persons by name (full name or alias) and by date of birth (year alone allowed), blind indexes only."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from egide.accounts.roles import Role
from egide.cases import actions, selectors
from egide.cases.identity import Identity, PartialDate
from egide.cases.models import Case, PersonNameIndex
from egide.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

ANA = Identity(family_name="Popescu", given_names="Ana-Maria", aliases=("Ana Lupu", "Mimi"),
               birth_date=PartialDate(1998, 4, 12))  # fmt: skip


@pytest.fixture
def caseworker(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.CASEWORKER, OrganisationFactory())


def _open(user: Any, identity: Identity) -> Case:
    org = user.active_memberships()[0].organisation
    return actions.do_open_case(org, identity, "female", [], acting_user=user)


def test_a_name_finds_the_person_by_any_alias_as_well_as_the_full_name(caseworker: Any) -> None:
    case = _open(caseworker, ANA)
    _open(caseworker, Identity(family_name="Lupu", given_names="Ioana"))
    for name in ("popescu ana maria", "LUPU Ana", "mimi"):
        assert list(selectors.search_cases(caseworker, name=name)) == [case], name
    assert list(selectors.search_cases(caseworker, name="Lupu")) == []  # exact names only
    assert PersonNameIndex.objects.filter(person=case.person).count() == 3


def test_aliases_are_reindexed_when_the_identity_changes(caseworker: Any) -> None:
    case = _open(caseworker, ANA)
    actions.do_update_identity(case, Identity(family_name="Popescu", given_names="Ana-Maria", aliases=("Ana P",)),
                               acting_user=caseworker)  # fmt: skip
    assert list(selectors.search_cases(caseworker, name="ana p")) == [case]
    assert list(selectors.search_cases(caseworker, name="mimi")) == []


def test_a_year_alone_finds_every_date_of_that_year_and_a_month_matches_as_entered(caseworker: Any) -> None:
    full, year_only = _open(caseworker, ANA), _open(caseworker, Identity(family_name="X", birth_date=PartialDate(1998)))
    _open(caseworker, Identity(family_name="Y", birth_date=PartialDate(1999, 4, 12)))
    assert set(selectors.search_cases(caseworker, birth=PartialDate(1998))) == {full, year_only}
    assert list(selectors.search_cases(caseworker, birth=PartialDate(1998, 4, 12))) == [full]
    assert list(selectors.search_cases(caseworker, birth=PartialDate(1998, 4))) == []
    assert list(selectors.search_cases(caseworker, name="mimi", birth=PartialDate(1998))) == [full]
    assert list(selectors.search_cases(caseworker, name="mimi", birth=PartialDate(1999))) == []


def test_year_and_alias_indexes_do_not_link_organisations(caseworker: Any, make_user: Any) -> None:
    mine = _open(caseworker, ANA)
    theirs = _open(make_user(Role.CASEWORKER, OrganisationFactory()), ANA)
    assert mine.person.birth_year_index != theirs.person.birth_year_index
    tokens = set(PersonNameIndex.objects.filter(person=mine.person).values_list("token", flat=True))
    assert not tokens & set(PersonNameIndex.objects.filter(person=theirs.person).values_list("token", flat=True))
    assert list(selectors.search_cases(caseworker, name="mimi", birth=PartialDate(1998))) == [mine]


def test_search_page_accepts_an_alias_and_a_year(caseworker: Any, login: Callable[..., Client]) -> None:
    case = _open(caseworker, ANA)
    page = login(caseworker).get("/dossiers/", {"name": "Ana Lupu", "birth": "1998"}).content.decode()
    assert case.reference in page and "POPESCU Ana-Maria" in page
