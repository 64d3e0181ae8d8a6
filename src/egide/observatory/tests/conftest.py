"""Fixtures of the observatory's tests: the linkage key of the protection zone, holders and staff."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from egide.accounts.roles import Role
from egide.organisations.tests.factories import OrganisationFactory
from egide_analytics.linkage import LinkageKey

KEY = LinkageKey.from_bytes(b"observatory tests: the data holders' shared secret")


@pytest.fixture
def linkage_key(tmp_path: Path) -> Any:
    """Configure the protection zone's linkage key as a key file."""
    path = tmp_path / "linkage.key"
    path.write_text(KEY.to_text())
    with override_settings(EGIDE_LINKAGE_KEY_FILE=str(path), EGIDE_LINKAGE_KEY_FINGERPRINT=""):
        yield KEY


@pytest.fixture
def holder(db: Any) -> Any:
    return OrganisationFactory(name="Association Alpha")


@pytest.fixture
def supervisor(make_user: Callable[..., Any], holder: Any) -> Any:
    return make_user(Role.CASE_SUPERVISOR, holder)


@pytest.fixture
def statistician(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.STATISTICIAN, OrganisationFactory(name="Observatoire national"))
