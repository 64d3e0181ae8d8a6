"""Login, logout, the personal space, two-factor enrolment and API tokens."""

import io
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from egide.accounts import actions
from egide.accounts.forms import ApiTokenForm, EmailAuthenticationForm, TotpForm
from egide.accounts.middleware import LOGIN_AT
from egide.accounts.models import ApiToken, User
from egide.accounts.roles import ROLE_SPECS, Cap, Role
from egide.core.access import AUTHENTICATED, PUBLIC, capability, route_policy


def acting_user(request: HttpRequest) -> User:
    """Return the logged-in user of a view whose route policy requires a login."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionError("This view requires a logged-in user.")
    return user


@route_policy(PUBLIC)
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        self.request.session[LOGIN_AT] = timezone.now().timestamp()
        actions.do_record_login(acting_user(self.request))
        return response

    def get_default_redirect_url(self) -> str:
        """Send those who follow cases or the observatory to their dashboard, everyone else to their personal space."""
        if acting_user(self.request).has_capability(Cap.CASE_VIEW):
            return reverse("support:dashboard")
        if acting_user(self.request).has_capability(Cap.OBSERVATORY_VIEW):
            return reverse("publication:dashboard")
        return super().get_default_redirect_url()


@route_policy(PUBLIC)
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        actions.do_record_logout(acting_user(request))
    return auth_views.LogoutView.as_view(next_page="public:home")(request)


@route_policy(AUTHENTICATED)
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The personal space: memberships, what each role allows, and where to go next."""
    user = acting_user(request)
    memberships = user.active_memberships()
    roles = [{"membership": m, "zone": ROLE_SPECS[Role(m.role)].zone.label} for m in memberships]
    return render(request, "accounts/home.html", {"roles": roles, "caps": user.capabilities(), "Cap": Cap})


def _safe_next(request: HttpRequest, default: str = "accounts:home") -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    from django.urls import reverse

    return reverse(default)


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


PENDING_TOTP_KEY = "egide_pending_totp_key"


def _pending_device(request: HttpRequest) -> TOTPDevice:
    """Return an unsaved device whose secret waits in the session until a first code proves it."""
    key = request.session.get(PENDING_TOTP_KEY)
    if not key:
        key = random_hex(20)
        request.session[PENDING_TOTP_KEY] = key
    return TOTPDevice(user=request.user, key=key, name="Application d'authentification")


def _code_matches(device: TOTPDevice, token: str) -> bool:
    checker = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return bool(checker.verify(int(token), tolerance=device.tolerance))


@route_policy(AUTHENTICATED)
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP application: show the QR code, confirm with a first code."""
    device = _pending_device(request)
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _code_matches(device, form.cleaned_data["token"]):
            confirmed = actions.do_enrol_totp(acting_user(request), device.key)
            del request.session[PENDING_TOTP_KEY]
            otp_login(request, confirmed)
            messages.success(request, "La double authentification est activée.")
            return HttpResponseRedirect(_safe_next(request))
        form.add_error("token", "Code incorrect. Vérifiez l'heure de votre téléphone et réessayez.")
    context: dict[str, Any] = {
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        "secret": device.key,
        "next": request.GET.get("next", ""),
    }
    return render(request, "accounts/mfa_setup.html", context)


@route_policy(AUTHENTICATED)
def mfa_verify(request: HttpRequest) -> HttpResponse:
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return HttpResponseRedirect(_safe_next(request))
        form.add_error("token", "Code incorrect.")
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": request.GET.get("next", "")})


@route_policy(capability(Cap.API_TOKENS))
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_value = None
    if request.method == "POST" and form.is_valid():
        _, new_value = actions.do_create_api_token(
            acting_user(request), name=form.cleaned_data["name"], days=form.cleaned_data["days"]
        )
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=acting_user(request)).order_by("-created_at")
    return render(request, "accounts/api_tokens.html", {"form": form, "tokens": tokens, "new_value": new_value})


@route_policy(capability(Cap.API_TOKENS))
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user, revoked_at__isnull=True)
    actions.do_revoke_api_token(token, acting_user=acting_user(request))
    messages.success(request, "Le jeton est révoqué.")
    return redirect("accounts:api_tokens")
