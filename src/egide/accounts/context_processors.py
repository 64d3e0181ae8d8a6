"""What every page's header shows about the logged-in user."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from egide.accounts.notifications import unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    """Expose the number of unread notifications, counted only if a template shows it.

    Lazy: sections of a page are rendered with the request too, and must not each count.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
