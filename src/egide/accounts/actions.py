"""Writes to accounts. Each `do_*` runs in one transaction with its audit event."""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from egide.accounts.models import ApiToken, Membership, User, hash_token
from egide.core.audit import record_event
from egide.core.models import AuditKind


def do_record_login(user: User) -> None:
    with transaction.atomic():
        record_event("auth.login", actor=user, target=user, kind=AuditKind.AUTH)


def do_record_logout(user: User) -> None:
    with transaction.atomic():
        record_event("auth.logout", actor=user, target=user, kind=AuditKind.AUTH)


def do_create_user(*, email: str, full_name: str, password: str, acting_user: Any) -> User:
    with transaction.atomic(durable=True):
        user = User.objects.create_user(email, password, full_name=full_name)
        record_event("user.create", actor=acting_user, target=user)
    return user


def do_add_membership(user: User, organisation: Any, role: str, *, acting_user: Any) -> Membership:
    with transaction.atomic(durable=True):
        membership, _ = Membership.objects.update_or_create(
            user=user, organisation=organisation, role=role, defaults={"is_active": True}
        )
        record_event(
            "membership.add", actor=acting_user, organisation_id=organisation.pk, target=user, extra={"role": role}
        )
    return membership


def do_create_api_token(user: User, *, name: str, days: int) -> tuple[ApiToken, str]:
    """Create a token for `user`; return it with its value, which is never stored."""
    raw = ApiToken.generate()
    with transaction.atomic(durable=True):
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=raw[:12],
            token_hash=hash_token(raw),
            expires_at=timezone.now() + datetime.timedelta(days=days),
        )
        record_event("api_token.create", actor=user, target=token, extra={"days": days})
    return token, raw


def do_revoke_api_token(token: ApiToken, *, acting_user: User) -> None:
    with transaction.atomic(durable=True):
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        record_event("api_token.revoke", actor=acting_user, target=token)


def do_enrol_totp(user: User, key: str) -> TOTPDevice:
    """Replace the user's TOTP devices by a confirmed one with `key` (already checked)."""
    with transaction.atomic(durable=True):
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="Application d'authentification", key=key, confirmed=True)
        record_event("mfa.enrol", actor=user, target=user, kind=AuditKind.AUTH)
    return device
