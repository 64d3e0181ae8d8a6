"""Session lifetime, two-factor enforcement and API-token authentication."""

import datetime
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

LOGIN_AT = "egide_login_at"


class SessionLifetimeMiddleware:
    """End a session 10 hours after login whatever the activity (idle expiry is the cookie's)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token_auth = getattr(request, "egide_token_auth", False)
        if request.user.is_authenticated and hasattr(request, "session") and not token_auth:
            started = request.session.get(LOGIN_AT)
            max_age: datetime.timedelta = settings.EGIDE_SESSION_MAX_AGE
            if started is None or timezone.now().timestamp() - started > max_age.total_seconds():
                logout(request)
                messages.warning(request, "Votre session a expiré. Reconnectez-vous.")
                return HttpResponseRedirect(reverse(settings.LOGIN_URL) + "?next=" + request.path)
        return self.get_response(request)


MFA_EXEMPT_URL_NAMES = {"login", "logout", "mfa_setup", "mfa_verify"}


class MfaRequiredMiddleware:
    """When two-factor is required, a session that has not passed TOTP reaches only MFA pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: object, args: object, kwargs: object
    ) -> HttpResponse | None:
        if not settings.EGIDE_REQUIRE_MFA or not request.user.is_authenticated:
            return None
        # django-otp's middleware adds is_verified() to the user; the stubs cannot know it.
        verified = getattr(request.user, "is_verified", lambda: False)()
        if getattr(request, "egide_token_auth", False) or verified:
            return None
        match = request.resolver_match
        if match and match.namespace == "accounts" and match.url_name in MFA_EXEMPT_URL_NAMES:
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        from django_otp import devices_for_user

        has_device = any(True for _ in devices_for_user(request.user, confirmed=True))
        target = "accounts:mfa_verify" if has_device else "accounts:mfa_setup"
        return HttpResponseRedirect(reverse(target) + "?next=" + request.get_full_path())


class ApiTokenMiddleware:
    """Authenticate `/api/` calls that carry `Authorization: Bearer egd_…`.

    A bad, expired or revoked token is refused outright rather than treated as anonymous,
    so that a script never silently sees the public view.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        if request.path.startswith("/api/") and header.startswith("Bearer "):
            from egide.accounts.models import ApiToken, hash_token
            from egide.core.api import problem_response

            raw = header.removeprefix("Bearer ").strip()
            token = ApiToken.objects.select_related("user").filter(token_hash=hash_token(raw)).first()
            if token is None or not token.is_usable or not token.user.is_active:
                return problem_response(request, 401, "Jeton d'API invalide, expiré ou révoqué")
            request.user = token.user
            request.egide_token_auth = True  # type: ignore[attr-defined]
            now = timezone.now()
            if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=5):
                type(token).objects.filter(pk=token.pk).update(last_used_at=now)
        return self.get_response(request)
