"""Keep a case's tasks in step with the deadlines of one procedure or pathway.

Runs inside the caller's action (its transaction, its audit event): tasks are keyed on
(case, rule, origin), so syncing twice changes nothing, and a deadline that no longer
applies removes its task unless the task was already done.
"""

from collections.abc import Sequence

from egide.cases.models import Case
from egide.support.deadlines import Deadline
from egide.support.models import CaseTask


def sync_tasks(case: Case, origin: str, deadlines: Sequence[Deadline]) -> dict[str, int]:
    """Create, move or remove the tasks of `origin`; return how many of each."""
    existing = {t.rule_key: t for t in CaseTask.objects.select_for_update().filter(case=case, origin=origin)}
    counts = {"created": 0, "updated": 0, "removed": 0}
    wanted = {d.rule_key: d for d in deadlines}
    for key, deadline in wanted.items():
        task = existing.get(key)
        values = {"title": deadline.label, "due_on": deadline.due_on, "kind": deadline.kind,
                  "legal_source": deadline.source}  # fmt: skip
        if task is None:
            CaseTask.objects.create(case=case, rule_key=key, origin=origin, assigned_to=case.assigned_to, **values)
            counts["created"] += 1
        elif not task.is_done and any(getattr(task, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(task, name, value)
            task.save()
            counts["updated"] += 1
    for key, task in existing.items():
        if key not in wanted and not task.is_done:
            task.delete()
            counts["removed"] += 1
    return counts
