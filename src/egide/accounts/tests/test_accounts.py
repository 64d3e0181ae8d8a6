import datetime
from collections.abc import Callable
from typing import Any

import pytest
from conftest import PASSWORD
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from egide.accounts.actions import do_create_api_token, do_revoke_api_token
from egide.accounts.middleware import LOGIN_AT
from egide.accounts.models import ApiToken, User
from egide.accounts.roles import ROLE_SPECS, Cap, Role
from egide.core.audit import verify_chain
from egide.core.models import AuditEvent

LOGIN = "/compte/connexion/"


def _post_login(client: Client, email: str, password: str) -> Any:
    return client.post(LOGIN, {"username": email, "password": password})


@pytest.mark.django_db
def test_user_logs_in_by_email_case_insensitively(client: Client, make_user: Callable[..., User]) -> None:
    make_user(Role.CASEWORKER, email="marie@example.org")
    response = _post_login(client, "Marie@Example.org", PASSWORD)
    # Those who follow cases land on their dashboard.
    assert response.status_code == 302 and response["Location"] == reverse("support:dashboard")
    assert AuditEvent.objects.filter(action="auth.login").count() == 1
    assert verify_chain().ok


@pytest.mark.django_db
def test_wrong_password_gets_one_message_for_both_fields(client: Client, make_user: Callable[..., User]) -> None:
    make_user(Role.CASEWORKER, email="marie@example.org")
    response = _post_login(client, "marie@example.org", "wrong password here")
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()


@pytest.mark.django_db
def test_five_failures_lock_the_account_even_with_the_right_password(
    client: Client, make_user: Callable[..., User]
) -> None:
    make_user(Role.CASEWORKER, email="marie@example.org")
    for _ in range(5):
        _post_login(client, "marie@example.org", "wrong password here")
    response = _post_login(client, "marie@example.org", PASSWORD)
    assert response.status_code == 429
    assert "bloqué" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_ends_after_fifteen_minutes(client: Client, make_user: Callable[..., User]) -> None:
    make_user(Role.CASEWORKER, email="marie@example.org")
    for _ in range(5):
        _post_login(client, "marie@example.org", "wrong password here")
    from axes.models import AccessAttempt

    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert _post_login(client, "marie@example.org", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_four_failures_do_not_lock(client: Client, make_user: Callable[..., User]) -> None:
    make_user(Role.CASEWORKER, email="marie@example.org")
    for _ in range(4):
        _post_login(client, "marie@example.org", "wrong password here")
    assert _post_login(client, "marie@example.org", PASSWORD).status_code == 302


def test_password_policy_is_length_without_composition_rules() -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    validate_password("tous les chats sont gris")  # long, lower-case, no digit: accepted
    with pytest.raises(ValidationError):
        validate_password("Court1!")


@pytest.mark.django_db
def test_session_ends_after_ten_hours_whatever_the_activity(
    login: Callable[[User], Client], make_user: Callable[..., User]
) -> None:
    client = login(make_user(Role.CASEWORKER))
    session = client.session
    session[LOGIN_AT] = (timezone.now() - datetime.timedelta(hours=10, minutes=1)).timestamp()
    session.save()
    response = client.get("/compte/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert client.get("/compte/").status_code == 302


def test_idle_sessions_expire_after_fifteen_minutes() -> None:
    from django.conf import settings

    assert settings.SESSION_COOKIE_AGE == 15 * 60 and settings.SESSION_SAVE_EVERY_REQUEST


@pytest.mark.django_db
@override_settings(EGIDE_REQUIRE_MFA=True)
def test_mfa_required_sends_a_new_user_to_enrolment(client: Client, make_user: Callable[..., User]) -> None:
    make_user(Role.CASEWORKER, email="marie@example.org")
    _post_login(client, "marie@example.org", PASSWORD)
    response = client.get("/organisations/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:mfa_setup"))


@pytest.mark.django_db
@override_settings(EGIDE_REQUIRE_MFA=True)
def test_mfa_enrolment_with_a_valid_code_opens_the_session(client: Client, make_user: Callable[..., User]) -> None:
    user = make_user(Role.CASEWORKER, email="marie@example.org")
    _post_login(client, "marie@example.org", PASSWORD)
    client.get(reverse("accounts:mfa_setup"))
    assert not TOTPDevice.objects.filter(user=user).exists()
    device = TOTPDevice(key=client.session["egide_pending_totp_key"])
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    response = client.post(reverse("accounts:mfa_setup"), {"token": code})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get("/compte/").status_code == 200


@pytest.mark.django_db
@override_settings(EGIDE_REQUIRE_MFA=True)
def test_wrong_code_does_not_confirm_enrolment(client: Client, make_user: Callable[..., User]) -> None:
    user = make_user(Role.CASEWORKER, email="marie@example.org")
    _post_login(client, "marie@example.org", PASSWORD)
    client.get(reverse("accounts:mfa_setup"))
    response = client.post(reverse("accounts:mfa_setup"), {"token": "000000"})
    assert response.status_code == 200 and "Code incorrect" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()


@pytest.mark.django_db
@override_settings(EGIDE_REQUIRE_MFA=True)
def test_enrolled_user_must_give_a_code_at_each_login(client: Client, make_user: Callable[..., User]) -> None:
    user = make_user(Role.CASEWORKER, email="marie@example.org")
    TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    _post_login(client, "marie@example.org", PASSWORD)
    response = client.get("/compte/")
    assert response["Location"].startswith(reverse("accounts:mfa_verify"))


def test_production_settings_require_mfa() -> None:
    source = (pytest.importorskip("pathlib").Path(__file__).parents[4] / "config/settings/production.py").read_text()
    assert "EGIDE_REQUIRE_MFA = True" in source


@pytest.mark.django_db
def test_api_token_is_stored_hashed_and_authenticates(client: Client, make_user: Callable[..., User]) -> None:
    user = make_user(Role.CASEWORKER)
    token, raw = do_create_api_token(user, name="script", days=30)
    assert raw not in token.token_hash and not ApiToken.objects.filter(token_hash=raw).exists()
    response = client.get("/api/v1/organisations/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    do_revoke_api_token(token, acting_user=user)
    response = client.get("/api/v1/organisations/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_expired_token_is_refused(client: Client, make_user: Callable[..., User]) -> None:
    token, raw = do_create_api_token(make_user(Role.CASEWORKER), name="script", days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/api/v1/organisations/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


@pytest.mark.django_db
def test_token_page_shows_the_value_once(login: Callable[[User], Client], make_user: Callable[..., User]) -> None:
    client = login(make_user(Role.CASEWORKER))
    response = client.post(reverse("accounts:api_tokens"), {"name": "export", "days": 30})
    token = ApiToken.objects.get()
    assert token.prefix in response.content.decode()
    again = client.get(reverse("accounts:api_tokens")).content.decode()
    assert 'id="new-token"' not in again


@pytest.mark.django_db
def test_user_cannot_revoke_someone_elses_token(
    login: Callable[[User], Client], make_user: Callable[..., User]
) -> None:
    owner = make_user(Role.CASEWORKER)
    token, _ = do_create_api_token(owner, name="script", days=30)
    client = login(make_user(Role.CASEWORKER))
    assert client.post(reverse("accounts:api_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_every_role_has_a_spec_and_platform_admin_reads_no_victim_data() -> None:
    assert set(ROLE_SPECS) == set(Role)
    assert not ROLE_SPECS[Role.PLATFORM_ADMIN].reads_victim_data
    assert not ROLE_SPECS[Role.RAPPORTEUR].reads_victim_data


@pytest.mark.django_db
def test_capabilities_come_from_active_memberships_only(make_user: Callable[..., User]) -> None:
    user = make_user(Role.NATIONAL_COORDINATOR)
    assert user.has_capability(Cap.ORGANISATION_EDIT_ANY)
    user.memberships.update(is_active=False)
    user = User.objects.get(pk=user.pk)
    assert not user.has_capability(Cap.ORGANISATION_EDIT_ANY)


@pytest.mark.django_db
def test_logout_is_a_post_and_is_audited(login: Callable[[User], Client], make_user: Callable[..., User]) -> None:
    client = login(make_user(Role.CASEWORKER))
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert AuditEvent.objects.filter(action="auth.logout").exists()
