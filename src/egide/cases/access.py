"""Which cases a user may reach at all: the one rule of scope, used by every read of a case.

A case is reachable only by members of its own organisation holding the capability asked
for (usually `Cap.CASE_VIEW`), and within that organisation by scope:

- `Cap.CASE_SCOPE_ORGANISATION`: every case of the organisation;
- `Cap.CASE_SCOPE_TEAM`: the cases of the user's team(s) there, plus those assigned to them;
- neither (a volunteer): only the cases assigned to them.

No other role, national or technical, ever reaches a case. Sealed cases are a further rule
on top of this one (see `sealing.py`): scope says who may know that the case exists.
"""

from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import Q

from egide.accounts.roles import Cap
from egide.accounts.teams import team_ids_of


class ScopedCase(Protocol):
    organisation_id: int
    team_id: int | None
    assigned_to_id: int | None


@dataclass(frozen=True)
class Scope:
    """What one user reaches in one organisation."""

    organisation_id: int
    whole_organisation: bool
    team_ids: frozenset[int]

    def q(self, user_id: int) -> Q:
        mine = Q(organisation_id=self.organisation_id)
        if self.whole_organisation:
            return mine
        return mine & (Q(assigned_to_id=user_id) | Q(team_id__in=sorted(self.team_ids)))

    def covers(self, case: ScopedCase, user_id: int) -> bool:
        if case.organisation_id != self.organisation_id:
            return False
        return (
            self.whole_organisation
            or case.assigned_to_id == user_id
            or (case.team_id is not None and case.team_id in self.team_ids)
        )


def scope_in(user: Any, organisation_id: int, capability: str = Cap.CASE_VIEW) -> Scope | None:
    """Return the user's scope in that organisation, or None when they hold no `capability` there."""
    if not user.is_authenticated or not user.has_capability_in(capability, organisation_id):
        return None
    whole = user.has_capability_in(Cap.CASE_SCOPE_ORGANISATION, organisation_id)
    teams = (
        team_ids_of(user, organisation_id) if user.has_capability_in(Cap.CASE_SCOPE_TEAM, organisation_id) else set()
    )
    return Scope(organisation_id, whole, frozenset(teams))


def scopes_of(user: Any, capability: str = Cap.CASE_VIEW) -> list[Scope]:
    if not user.is_authenticated:
        return []
    scopes = (scope_in(user, org_id, capability) for org_id in sorted(user.organisation_ids()))
    return [s for s in scopes if s is not None]


def scope_filter(user: Any, capability: str = Cap.CASE_VIEW) -> Q:
    """Return the filter of the cases within the user's scope; matches nothing without one."""
    match = Q(pk__in=[])
    for scope in scopes_of(user, capability):
        match |= scope.q(user.pk)
    return match


def in_scope(user: Any, case: ScopedCase, capability: str = Cap.CASE_VIEW) -> bool:
    scope = scope_in(user, case.organisation_id, capability) if user.is_authenticated else None
    return scope is not None and scope.covers(case, user.pk)
