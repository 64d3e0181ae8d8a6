"""API kernel: per-operation policies and RFC 9457 problem details.

The API is mounted as a whole, so each operation declares its policy with `api_policy`,
which also enforces CSRF for unsafe methods called with a browser session.
"""

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from ninja import NinjaAPI

from egide.core.access import POLICY_ATTRIBUTE, RoutePolicy

F = TypeVar("F", bound=Callable[..., Any])
PROBLEM_CONTENT_TYPE = "application/problem+json"


class Problem(Exception):  # noqa: N818  (an RFC 9457 "problem", not an error of the code)
    """An error answered as problem details (RFC 9457)."""

    def __init__(self, status: int, title: str, detail: str = "", **extensions: Any) -> None:
        super().__init__(detail or title)
        self.status, self.title, self.detail, self.extensions = status, title, detail, extensions


def problem_response(request: HttpRequest, status: int, title: str, detail: str = "", **ext: Any) -> HttpResponse:
    body = {"type": "about:blank", "title": title, "status": status, "instance": request.path, **ext}
    if detail:
        body["detail"] = detail
    return JsonResponse(
        body, status=status, content_type=PROBLEM_CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )


def _csrf_failure(request: HttpRequest) -> HttpResponse | None:
    if request.method in ("GET", "HEAD", "OPTIONS") or getattr(request, "egide_token_auth", False):
        return None
    check = CsrfViewMiddleware(lambda r: HttpResponse())
    check.process_request(request)
    return check.process_view(request, lambda r: HttpResponse(), (), {})


def api_policy(policy: RoutePolicy) -> Callable[[F], F]:
    """Declare and enforce an API operation's route policy."""

    def decorate(operation: F) -> F:
        @functools.wraps(operation)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not policy.allows(request):
                if not request.user.is_authenticated:
                    raise Problem(401, "Authentification requise", "Connectez-vous ou fournissez un jeton d'API.")
                raise Problem(403, "Accès refusé", "Votre rôle ne permet pas cette opération.")
            if _csrf_failure(request) is not None:
                raise Problem(403, "Jeton CSRF manquant ou invalide")
            return operation(request, *args, **kwargs)

        setattr(guarded, POLICY_ATTRIBUTE, policy)
        return guarded  # type: ignore[return-value]

    return decorate


def api_operations(api: NinjaAPI) -> list[tuple[str, str, Callable[..., Any]]]:
    """List (method, path, function) for every operation of the API."""
    found = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    found.append((method, f"{prefix}{path}", operation.view_func))
    return found


def require_declared_policies(api: NinjaAPI) -> None:
    """Refuse to start an API with an operation that declares no policy."""
    missing = [f"{m} {p}" for m, p, func in api_operations(api) if not hasattr(func, POLICY_ATTRIBUTE)]
    if missing:
        raise ImproperlyConfigured("API operations without a declared policy: " + ", ".join(missing))
