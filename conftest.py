"""Fixtures shared by every test: users per role, organisations, an API client."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from egide.accounts.middleware import LOGIN_AT
from egide.accounts.models import Membership, User
from egide.accounts.roles import Role
from egide.core.audit_schema import install_append_only_triggers, remove_append_only_triggers
from egide.organisations.tests.factories import OrganisationFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _audit_table_can_be_emptied_after_transactional_tests(request: pytest.FixtureRequest) -> Iterator[None]:
    """Let Django empty the append-only audit table between transactional tests.

    Transactional tests (live server, raw SQL) end with a flush that deletes every row;
    the triggers are lifted for that flush only and are in place while the test runs.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = "live_server" in request.fixturenames or bool(marker and marker.kwargs.get("transaction"))
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")
    install_append_only_triggers(connection)
    yield
    remove_append_only_triggers(connection)


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    """Create a user holding `role` in `organisation` (a new association if none is given)."""
    counter = {"n": 0}

    def make(role: str | Role | None = None, organisation: Any = None, email: str | None = None) -> User:
        counter["n"] += 1
        user = User.objects.create_user(
            email or f"user{counter['n']}-{role or 'none'}@example.org",
            PASSWORD,
            full_name=f"Utilisateur {counter['n']}",
        )
        if role is not None:
            Membership.objects.create(user=user, organisation=organisation or OrganisationFactory(), role=str(role))
        return user

    return make


def log_in(client: Client, user: User) -> Client:
    """Log `user` in as the login page would, session start time included."""
    client.force_login(user)
    session = client.session
    session[LOGIN_AT] = timezone.now().timestamp()
    session.save()
    return client


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    return lambda user: log_in(client, user)
