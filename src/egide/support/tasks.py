"""Background jobs of the support app (django-tasks)."""

import datetime
from typing import Any

from django.utils import timezone
from django_tasks import task

from egide.core.jobs import run_once
from egide.support.reminders import raise_reminders

JOB_NAME = "support.reminders"


@task()
def raise_daily_reminders(day: str | None = None) -> dict[str, Any] | None:
    """Raise the reminders of `day` (ISO date, default today) once; None if already done."""
    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    return run_once(JOB_NAME, today, lambda: raise_reminders(today))
