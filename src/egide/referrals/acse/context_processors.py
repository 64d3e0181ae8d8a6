from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from egide.referrals.acse import policies, selectors


def acse_menu(request: HttpRequest) -> dict[str, Any]:
    """Say whether the menu shows « Ac.Sé »: to coordinators, and to hosts that have shelters.

    Lazy: the query runs only on pages whose menu is drawn for a signed-in user.
    """
    user = request.user
    return {"acse_menu": SimpleLazyObject(lambda: _menu(user))}


def _menu(user: Any) -> str:
    if not user.is_authenticated:
        return ""
    if policies.is_coordinator(user):
        return "coordination"
    return "host" if selectors.has_shelters(user) else ""
