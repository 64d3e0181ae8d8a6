"""In-app notifications, each also sent by e-mail through Django's mail backend.

`notify` is called inside the action that causes it: the rows commit with the action, and
the e-mails leave only once it committed (`transaction.on_commit`), so a refused action
alerts no one. Titles and bodies name case references and organisations, never a person.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from egide.accounts.models import Membership, Notification, User
from egide.accounts.roles import ROLE_SPECS
from egide.core.audit import record_event

SUBJECT_PREFIX = "[Égide] "


def members_with(capability: str, organisation_id: int, *, exclude: Iterable[int] = ()) -> list[User]:
    """Return the active members who hold `capability` in that organisation, by e-mail."""
    roles = [role.value for role, spec in ROLE_SPECS.items() if capability in spec.capabilities]
    members = Membership.objects.filter(
        organisation_id=organisation_id, organisation__is_active=True, role__in=roles, is_active=True,
        user__is_active=True,
    ).exclude(user_id__in=list(exclude))  # fmt: skip
    return list(User.objects.filter(pk__in=members.values("user_id")).order_by("email"))


def notify(users: Iterable[User | None], title: str, body: str, url: str = "") -> list[Notification]:
    """Write one notification per distinct user; after commit, send each of them an e-mail."""
    recipients = {user.pk: user for user in users if user is not None and user.is_active}
    rows = Notification.objects.bulk_create(
        Notification(user=user, title=title[:200], body=body, url=url[:300]) for user in recipients.values()
    )
    addresses = sorted(user.email for user in recipients.values())
    if addresses:
        transaction.on_commit(lambda: _send(addresses, title, body, url))
    return rows


def _send(addresses: list[str], title: str, body: str, url: str) -> None:
    text = f"{body}\n\nDans Égide : {url}\n" if url else f"{body}\n"
    for address in addresses:
        # One message each: no recipient learns who else was told.
        send_mail(SUBJECT_PREFIX + title, text, settings.DEFAULT_FROM_EMAIL, [address])


def notifications_of(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def do_mark_read(user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications read (those of `notification_ids`, or all); return how many."""
    with transaction.atomic(durable=True):
        unread = Notification.objects.filter(user=user, read_at__isnull=True)
        if notification_ids is not None:
            unread = unread.filter(pk__in=list(notification_ids))
        count = unread.update(read_at=timezone.now())
        if count:
            record_event("notification.read", actor=user, target=user, extra={"count": count})
    return count
