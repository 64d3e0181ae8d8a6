"""Background jobs of referrals (django-tasks)."""

import datetime
from typing import Any

from django.utils import timezone
from django_tasks import task

from egide.core.jobs import run_once
from egide.referrals.actions import notify_overdue

JOB_NAME = "referrals.overdue"


@task()
def notify_overdue_referrals(day: str | None = None) -> dict[str, Any] | None:
    """Tell both sides of the referrals gone overdue, once a day; None if already done for `day`.

    Each referral is notified once in its life (`overdue_notified_at`), whatever the day.
    """
    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    return run_once(JOB_NAME, today, lambda: notify_overdue(timezone.now()))
