"""Demo referrals: every state around the demo accounts' association, their notifications, loaded once."""

import pytest

from egide.accounts.models import Notification, User
from egide.accounts.notifications import unread_count
from egide.cases.demo import load_demo_cases
from egide.cases.tests.test_demo import SEED, TODAY
from egide.core.audit import verify_chain
from egide.core.models import AuditEvent, DataKey
from egide.organisations.demo import DEMO_DOMAIN, load_demo
from egide.referrals import selectors
from egide.referrals.demo import LOAD_ACTION, DemoReferralsError, load_demo_referrals
from egide.referrals.models import CaseTransfer, Referral, ReferralStatus
from egide.referrals.vocabulary import TransferStatus


@pytest.fixture
def loaded(db: None) -> None:
    load_demo(organisations=60, today=TODAY)
    load_demo_cases(SEED, 300, 20, today=TODAY)
    result = load_demo_referrals()
    assert result.created and (result.referrals, result.transfers) == (5, 1)


def _demo(name: str) -> User:
    return User.objects.get(email=f"{name}@{DEMO_DOMAIN}")


def test_referrals_need_the_demo_victims(db: None) -> None:
    with pytest.raises(DemoReferralsError, match="victimes de démonstration"):
        load_demo_referrals()
    assert not Referral.objects.exists()


def test_every_state_is_there_for_the_demo_accounts(loaded: None) -> None:
    caseworker, supervisor = _demo("caseworker"), _demo("supervisor")
    home = caseworker.active_memberships()[0].organisation
    sent = list(selectors.sent_for(caseworker))
    assert sorted(r.status for r in sent) == sorted(["pending", "accepted", "declined", "revoked"])
    assert [r.is_overdue for r in sent if r.is_pending] == [True]
    for referral in sent:
        if referral.status in (ReferralStatus.DECLINED, ReferralStatus.REVOKED):
            assert DataKey.objects.get(pk=referral.data_key_id).destroyed_at is not None
    received = list(selectors.received_by(caseworker))
    assert [(r.status, r.is_overdue, r.recipient) for r in received] == [("pending", False, home)]
    assert not selectors.read_shared(caseworker, received[0]).erased
    transfer = CaseTransfer.objects.get()
    assert transfer.recipient == home and transfer.status == TransferStatus.PENDING
    assert selectors.access_transfer(supervisor, transfer.pk) == transfer
    # Unread notifications wait for both demo accounts.
    assert unread_count(caseworker) >= 3 and unread_count(supervisor) >= 2
    titles = set(Notification.objects.filter(user=supervisor).values_list("title", flat=True))
    assert any(t.startswith("Proposition de transfert") for t in titles)


def test_loading_twice_writes_nothing_more_and_the_trail_verifies(loaded: None) -> None:
    counts = (Referral.objects.count(), Notification.objects.count(), AuditEvent.objects.count())
    assert not load_demo_referrals().created
    assert (Referral.objects.count(), Notification.objects.count(), AuditEvent.objects.count()) == counts
    assert AuditEvent.objects.filter(action=LOAD_ACTION).count() == 1
    assert verify_chain().ok
