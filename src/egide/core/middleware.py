"""Kernel middleware: request ids and deny-by-default route policies."""

import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden

from egide.core.access import policy_of
from egide.core.request_context import current_request_id

logger = logging.getLogger(__name__)
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Every API operation is checked at start-up for a declared policy (egide.core.api).
API_NAMESPACE = "api"


class RequestIdMiddleware:
    """Give every request an id (or keep a well-formed one from the proxy) for the audit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-Id", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-Id"] = request_id
        return response


class RoutePolicyMiddleware:
    """Refuse every route that did not declare a policy, and apply the declared one.

    The API is mounted as a whole; each of its operations declares and checks its own
    policy, and the API refuses to start if one does not (see `egide.core.api`).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is not None and match.namespace == API_NAMESPACE:
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        policy = policy_of(view_func)
        if policy is None:
            logger.error("Route without a declared policy refused: %s", request.path)
            return HttpResponseForbidden("Accès refusé.")
        if policy.allows(request):
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return HttpResponseForbidden(render_forbidden(request))


def render_forbidden(request: HttpRequest) -> str:
    from django.template.loader import render_to_string

    return render_to_string("egide/403.html", request=request)
