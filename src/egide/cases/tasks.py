"""Background tasks of the case file (django-tasks)."""

import datetime

from django_tasks import task

from egide.cases.retention import anonymise_due_cases


@task()
def anonymise_cases(today: str | None = None) -> int:
    """Anonymise the persons whose retention period ended; return how many. `today`: ISO date."""
    day = datetime.date.fromisoformat(today) if today else None
    return anonymise_due_cases(day).anonymised
