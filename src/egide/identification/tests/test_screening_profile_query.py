"""The new-screening page takes its initial profile from the link that leads to it."""

from collections.abc import Callable
from typing import Any

import pytest

from egide.accounts.roles import Role
from egide.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _is_checked(page: str, value: str) -> bool:
    start = page.index(f'name="profile" value="{value}"')
    return "checked" in page[start : page.index(">", start)]


@pytest.mark.parametrize(("query", "checked"), [("?profile=child", ["child"]), ("?profile=adult", ["adult"]),
                                                ("?profile=martian", []), ("", [])])  # fmt: skip
def test_the_profile_of_the_link_is_preselected_when_it_is_a_known_one(
    query: str, checked: list[str], make_user: Callable[..., Any], login: Callable[..., Any]
) -> None:
    client = login(make_user(Role.CASEWORKER, OrganisationFactory()))
    page = client.get(f"/reperages/nouveau/{query}").content.decode()
    assert [value for value in ("adult", "child") if _is_checked(page, value)] == checked
