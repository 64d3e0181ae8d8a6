"""Fixtures shared by every test: users per role, organisations, an API client."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from egide.accounts.models import Membership, User
from egide.accounts.roles import Role
from egide.organisations.tests.factories import OrganisationFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    """Create a user holding `role` in `organisation` (a new association if none is given)."""
    counter = {"n": 0}

    def make(role: str | Role | None = None, organisation: Any = None, email: str | None = None) -> User:
        counter["n"] += 1
        user = User.objects.create_user(
            email or f"user{counter['n']}-{role or 'none'}@example.org", PASSWORD, full_name=f"Utilisateur {counter['n']}"
        )
        if role is not None:
            Membership.objects.create(user=user, organisation=organisation or OrganisationFactory(), role=str(role))
        return user

    return make


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    def do_login(user: User) -> Client:
        client.force_login(user)
        session = client.session
        from django.utils import timezone

        from egide.accounts.middleware import LOGIN_AT

        session[LOGIN_AT] = timezone.now().timestamp()
        session.save()
        return client

    return do_login
