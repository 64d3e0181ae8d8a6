"""Notifications: rows with the action, e-mails after commit, the page, the header's badge."""

from collections.abc import Callable
from typing import Any

import pytest
from conftest import log_in
from django.core import mail
from django.db import transaction
from django.test import Client

from egide.accounts.models import Notification, User
from egide.accounts.notifications import members_with, notify, unread_count
from egide.accounts.roles import Cap, Role
from egide.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(make_user: Callable[..., User]) -> User:
    return make_user(Role.CASEWORKER, email="intervenante@origine.example.org")


def test_notifications_page_badge_and_marking_read(
    worker: User, make_user: Callable[..., User], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify([worker, worker, None], "Dossier 2025-0001", "Corps", "/dossiers/")
        notify([worker], "Deuxième", "", "")
    assert [m.to for m in mail.outbox] == [["intervenante@origine.example.org"]] * 2
    assert mail.outbox[0].subject == "[Égide] Dossier 2025-0001" and "/dossiers/" in mail.outbox[0].body
    client = log_in(Client(), worker)
    page = client.get("/compte/notifications/").content.decode()
    assert "Dossier 2025-0001" in page and "Deuxième" in page
    assert '2<span class="fr-sr-only"> non lue(s)' in page  # the header's badge
    first = Notification.objects.get(title="Dossier 2025-0001")
    opened = client.post("/compte/notifications/", {"notification": first.pk, "next": "/dossiers/"})
    assert opened.status_code == 302 and opened["Location"] == "/dossiers/"
    assert unread_count(worker) == 1
    # Someone else's notification is not theirs to mark.
    other = make_user(Role.CASEWORKER)
    notify([other], "À quelqu'un d'autre", "", "")
    mine = log_in(Client(), worker)
    mine.post("/compte/notifications/", {"notification": Notification.objects.get(user=other).pk})
    assert unread_count(other) == 1
    client.post("/compte/notifications/", {"all": "1"})
    assert unread_count(worker) == 0
    assert "non lue(s)" not in client.get("/compte/notifications/").content.decode()
    assert "Dossier 2025-0001" not in log_in(Client(), other).get("/compte/notifications/").content.decode()


def test_a_notification_rolled_back_sends_no_mail(worker: User, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        notify([worker], "Jamais", "", "")
        raise RuntimeError
    assert mail.outbox == [] and not Notification.objects.exists()


def test_members_with_a_capability_are_the_active_members_of_that_organisation(
    make_user: Callable[..., User],
) -> None:
    org, elsewhere = OrganisationFactory(), OrganisationFactory()
    supervisor = make_user(Role.CASE_SUPERVISOR, org)
    make_user(Role.CASEWORKER, org)
    make_user(Role.CASE_SUPERVISOR, elsewhere)
    gone = make_user(Role.CASE_SUPERVISOR, org)
    gone.is_active = False
    gone.save()
    assert members_with(Cap.CASE_TRANSFER, org.pk) == [supervisor]
    assert members_with(Cap.CASE_TRANSFER, org.pk, exclude=[supervisor.pk]) == []
