"""Route policies: every view and API operation declares who may call it; none means no one.

A policy answers for the route as a whole (is this user allowed to call it at all?).
Object-level rules live in each app's `policies.py`, and views fetch objects through
`access_*` selectors that answer "not found" alike for missing and forbidden objects.

Users carry their capabilities (`user.has_capability(name)`), granted by roles in the
accounts app; the kernel knows nothing about roles.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.http import HttpRequest

F = TypeVar("F", bound=Callable[..., Any])
POLICY_ATTRIBUTE = "egide_policy"
# The kernel's own capability; the accounts app grants it to roles.
AUDIT_VIEW = "audit.view"


@dataclass(frozen=True)
class RoutePolicy:
    """Who may call a route. `capabilities`: any one of them suffices."""

    name: str
    login_required: bool
    capabilities: tuple[str, ...] = ()

    def allows(self, request: HttpRequest) -> bool:
        if not self.login_required:
            return True
        user = request.user
        if not user.is_authenticated:
            return False
        if not self.capabilities:
            return True
        return any(user.has_capability(c) for c in self.capabilities)


PUBLIC = RoutePolicy("public", login_required=False)
AUTHENTICATED = RoutePolicy("authenticated", login_required=True)


def capability(*names: str) -> RoutePolicy:
    """Allow authenticated users who hold at least one of these capabilities."""
    return RoutePolicy("capability:" + "|".join(names), login_required=True, capabilities=names)


def route_policy(policy: RoutePolicy) -> Callable[[F], F]:
    """Declare the policy of a view function, class-based view or API operation."""

    def decorate(view: F) -> F:
        setattr(view, POLICY_ATTRIBUTE, policy)
        return view

    return decorate


def policy_of(view: Any) -> RoutePolicy | None:
    """Return the declared policy of a resolved view, looking through `as_view()`."""
    for candidate in (view, getattr(view, "view_class", None), getattr(view, "cls", None)):
        if candidate is not None and hasattr(candidate, POLICY_ATTRIBUTE):
            policy: RoutePolicy = getattr(candidate, POLICY_ATTRIBUTE)
            return policy
    return None
