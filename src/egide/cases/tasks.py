"""Background tasks of the case file (django-tasks)."""

import datetime
from typing import Any

from django.utils import timezone
from django_tasks import task

from egide.cases.minors import update_coming_of_age
from egide.cases.retention import anonymise_due_cases
from egide.core.jobs import run_steps_once

JOB_NAME = "cases.retention"
COMING_OF_AGE_JOB = "cases.coming_of_age"


@task()
def anonymise_cases(today: str | None = None) -> dict[str, Any] | None:
    """Anonymise the persons whose retention period ended, once per day; None if already done."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()

    def body() -> dict[str, Any]:
        report = anonymise_due_cases(day)
        return {"anonymised": report.anonymised, "cutoff": report.cutoff.isoformat()}

    # Each person is anonymised in a transaction of their own, and only once.
    return run_steps_once(JOB_NAME, day, body)


@task()
def record_coming_of_age(today: str | None = None) -> dict[str, Any] | None:
    """Turn to adult the minors who came of age, once per day; None if already done."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return run_steps_once(COMING_OF_AGE_JOB, day, lambda: {"adults": update_coming_of_age(day)})
