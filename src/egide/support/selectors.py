"""Reads of support data, scoped through the case selectors (whose visibility rules apply)."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from egide.cases import selectors as case_selectors
from egide.cases.identity import field_context
from egide.cases.models import Case
from egide.cases.vocabulary import CaseStatus
from egide.core import crypto
from egide.core.crypto import DecryptionError
from egide.core.keys import open_data_key
from egide.support.actions import NEEDS_FIELD
from egide.support.models import CaseTask, ExitPathway, Reminder, ResidenceProcedure, SupportPlan
from egide.support.vocabulary import ProcedureKind


def needs_of(plan: SupportPlan | None) -> str:
    """Decrypt the needs assessment; empty once the person's data key is destroyed."""
    if plan is None or not plan.needs:
        return ""
    person = plan.case.person
    try:
        key = open_data_key(person.data_key)
        return crypto.decrypt(key, bytes(plan.needs), context=field_context(person.uid, NEEDS_FIELD)).decode()
    except DecryptionError:
        return ""


def plan_of(case: Case) -> SupportPlan | None:
    return SupportPlan.objects.filter(case=case).select_related("case__person__data_key").first()


def pathway_of(case: Case) -> ExitPathway | None:
    return ExitPathway.objects.filter(case=case).select_related("association", "aps").first()


def procedures_of(case: Case) -> QuerySet[ResidenceProcedure]:
    return ResidenceProcedure.objects.filter(case=case).select_related("renews").order_by("-created_at", "-id")


def aps_choices(case: Case) -> list[tuple[int, str]]:
    procedures = procedures_of(case).filter(kind=ProcedureKind.PROVISIONAL_AUTHORISATION)
    return [(p.pk, f"APS n° {p.pk} — {p.get_state_display()}") for p in procedures]


def open_tasks(case: Case) -> QuerySet[CaseTask]:
    return CaseTask.objects.filter(case=case, done_at__isnull=True).order_by("due_on", "id")


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


@dataclass
class Dashboard:
    """What a caseworker needs each morning: their cases, tasks and deadlines."""

    today: datetime.date
    soon_until: datetime.date
    cases: list[tuple[Case, str]]
    overdue: list[CaseTask]
    soon: list[CaseTask]
    later: list[CaseTask]
    reminders: list[Reminder]


def my_tasks(user: Any) -> QuerySet[CaseTask]:
    """Open tasks of the cases `user` sees, assigned to them or on a case they follow."""
    visible = case_selectors.cases_for(user).filter(status=CaseStatus.OPEN)
    return (
        CaseTask.objects.filter(case__in=visible.values("pk"), done_at__isnull=True)
        .filter(Q(assigned_to=user) | Q(assigned_to__isnull=True, case__assigned_to=user))
        .select_related("case")
        .order_by("due_on", "id")
    )


def dashboard_for(user: Any, today: datetime.date) -> Dashboard:
    """Build the dashboard; deadlines « soon » run to the end of next week."""
    soon_until = week_start(today) + datetime.timedelta(days=13)
    tasks = list(my_tasks(user))
    cases = list(case_selectors.cases_for(user).filter(status=CaseStatus.OPEN, assigned_to=user)[:50])
    names = case_selectors.display_names(cases, user)
    case_selectors.record_list_read(user, cases)
    reminders = Reminder.objects.filter(
        task__in=[t.pk for t in tasks], remind_on__gte=today - datetime.timedelta(days=14)
    ).select_related("task__case")
    return Dashboard(
        today=today,
        soon_until=soon_until,
        cases=[(c, names[c.pk]) for c in cases],
        overdue=[t for t in tasks if t.due_on < today],
        soon=[t for t in tasks if today <= t.due_on <= soon_until],
        later=[t for t in tasks if t.due_on > soon_until],
        reminders=list(reminders[:30]),
    )
