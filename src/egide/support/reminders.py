"""The daily reminders: which open tasks are owed a reminder today, raised once each."""

import datetime
from typing import Any

from egide.cases.vocabulary import CaseStatus
from egide.core.audit import record_event
from egide.support.deadlines import reminder_date
from egide.support.models import CaseTask, Reminder


def raise_reminders(today: datetime.date) -> dict[str, Any]:
    """Raise the reminders owed by `today` to open tasks of open cases; run inside a transaction.

    Renewal requests are tasks due two months before expiry, so they are reminded like any
    other task: a week before that date, on it, then every week until done.
    """
    horizon = today + datetime.timedelta(days=7)
    tasks = CaseTask.objects.filter(done_at__isnull=True, case__status=CaseStatus.OPEN, due_on__lte=horizon)
    raised = 0
    for task in tasks.only("pk", "due_on"):
        day = reminder_date(task.due_on, today)
        if day is not None:
            _, created = Reminder.objects.get_or_create(task=task, remind_on=day)
            raised += int(created)
    result = {"date": today.isoformat(), "reminders": raised}
    record_event("support.reminders_raise", actor=None, extra=result)
    return result
