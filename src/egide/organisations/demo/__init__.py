"""Deterministic demo data: fictitious organisations all over France and one account per role.

Everything comes from one `random.Random(seed)` and one `today`: the same seed, the same
reference geography and the same `today` give the same organisations, byte for byte
(database keys and timestamps aside). `planner` decides, `tables` holds the word lists,
this module writes. Names are invented and end with "(démo)"; telephone numbers are in
the range that ARCEP reserves for fiction (01 99 00 xx xx); e-mail addresses and websites
are at example.org.
"""

import datetime
import os
from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from egide.accounts.models import Membership, User
from egide.accounts.roles import Role
from egide.core.audit import record_event
from egide.organisations.actions import apply_organisation_data
from egide.organisations.demo.planner import ACSE, ASSOCIATION, NATIONAL, OPERATOR, make_siret, plan_organisations
from egide.organisations.demo.tables import JITTER_KM
from egide.organisations.models import Organisation

__all__ = [
    "DEFAULT_PASSWORD",
    "DEMO_DOMAIN",
    "JITTER_KM",
    "PASSWORD_ENV",
    "DemoLogin",
    "DemoResult",
    "demo_password",
    "load_demo",
    "make_siret",
    "plan_organisations",
]

DEMO_DOMAIN = "demo.egide.fr"
PASSWORD_ENV = "EGIDE_DEMO_PASSWORD"  # noqa: S105  (the name of a variable, not a password)
DEFAULT_PASSWORD = "demo-egide-2014"  # noqa: S105  (the published password of the demo accounts)


class DemoLogin(NamedTuple):
    role: str
    email: str
    password: str
    organisation: str


@dataclass(frozen=True)
class DemoResult:
    """The logins of the demo accounts, one per role, and whether this call created them."""

    logins: list[DemoLogin]
    created: bool
    organisations: int


@dataclass(frozen=True)
class _Account:
    role: Role
    local_part: str
    full_name: str
    organisation: str

    @property
    def email(self) -> str:
        return f"{self.local_part}@{DEMO_DOMAIN}"


ACCOUNTS = (
    _Account(Role.CASEWORKER, "caseworker", "Camille Durand (démo)", ASSOCIATION),
    _Account(Role.VOLUNTEER, "volunteer", "Noa Girard (démo)", ASSOCIATION),
    _Account(Role.CASE_SUPERVISOR, "supervisor", "Sacha Bernard (démo)", ASSOCIATION),
    _Account(Role.ORG_ADMIN, "orgadmin", "Dominique Petit (démo)", ASSOCIATION),
    _Account(Role.ACSE_COORDINATOR, "acse", "Alex Moreau (démo)", ACSE),
    _Account(Role.NATIONAL_COORDINATOR, "coordination", "Claude Laurent (démo)", NATIONAL),
    _Account(Role.STATISTICIAN, "statistics", "Morgan Lefèvre (démo)", NATIONAL),
    _Account(Role.RAPPORTEUR, "rapporteur", "Maxime Garnier (démo)", NATIONAL),
    _Account(Role.PLATFORM_ADMIN, "platform", "Lou Fontaine (démo)", OPERATOR),
)


def demo_password() -> str:
    return os.environ.get(PASSWORD_ENV) or DEFAULT_PASSWORD


def _existing_logins(password: str) -> list[DemoLogin] | None:
    """Return the logins of an earlier load, or None when the demo accounts do not exist."""
    memberships = {
        (m.user.email, m.role): m.organisation.name
        for m in Membership.objects.filter(user__email__endswith=f"@{DEMO_DOMAIN}").select_related(
            "user", "organisation"
        )
    }
    if not memberships:
        return None
    return [
        DemoLogin(str(a.role.label), a.email, password, memberships.get((a.email, a.role.value), "")) for a in ACCOUNTS
    ]


def _create_accounts(organisations: dict[str, Organisation], password: str) -> list[DemoLogin]:
    # Hashing is slow on purpose; the accounts share one password, so hash it once.
    hashed = make_password(password)
    logins = []
    for account in ACCOUNTS:
        organisation = organisations[account.organisation]
        user = User.objects.create(email=account.email, full_name=account.full_name, password=hashed)
        record_event("user.create", actor=None, target=user)
        Membership.objects.create(user=user, organisation=organisation, role=account.role)
        record_event(
            "membership.add",
            actor=None,
            organisation_id=organisation.pk,
            target=user,
            extra={"role": account.role.value},
        )
        logins.append(DemoLogin(str(account.role.label), account.email, password, organisation.name))
    return logins


def load_demo(seed: int = 2014, organisations: int = 160, *, today: datetime.date | None = None) -> DemoResult:
    """Create the demo organisations and one account per role, unless an earlier load did.

    `organisations` counts every organisation created, the four that hold the accounts
    included. The accounts' password comes from EGIDE_DEMO_PASSWORD, else DEFAULT_PASSWORD.
    """
    password = demo_password()
    existing = _existing_logins(password)
    if existing is not None:
        return DemoResult(existing, created=False, organisations=0)
    plans = plan_organisations(seed, organisations, today or timezone.localdate())
    with transaction.atomic(durable=True):
        created: dict[str, Organisation] = {}
        for key, data in plans.items():
            created[key] = Organisation()
            apply_organisation_data(created[key], data)
        logins = _create_accounts(created, password)
        record_event("demo.load", actor=None, extra={"seed": seed, "organisations": len(created)})
    return DemoResult(logins, created=True, organisations=len(created))
