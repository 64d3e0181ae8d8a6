"""Open many cases at once, writing exactly the rows that `actions.do_open_case` writes.

The per-case action takes a row lock and commits once per case: right for people, too slow
to build the 10 000 cases of a benchmark. This helper writes the same data keys, persons
(identity and notes encrypted under each person's own key, blind indexes), cases with
their « AAAA-NNNN » references, exploitation forms and one chained `case.open` audit event
per case, in a few bulk inserts inside one transaction. Run it alone: unlike the action, it
does not lock the organisation or the audit chain against concurrent writers.
"""

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from egide.cases import minors
from egide.cases.actions import name_index_rows, seal_person
from egide.cases.identity import Identity
from egide.cases.models import Case, CaseExploitationForm, Person, PersonNameIndex, PersonNationality
from egide.cases.vocabulary import MINOR_AGE_STATUSES
from egide.core.audit import GENESIS, compute_hash
from egide.core.keys import new_data_key
from egide.core.models import AuditEvent, AuditKind, DataKey
from egide.core.request_context import current_request_id
from egide.organisations.models import Organisation


@dataclass(frozen=True)
class PlannedCase:
    """One case to open: what the opening form collects, plus whom the case is assigned to."""

    identity: Identity
    sex: str
    forms: Sequence[str]
    opened_on: datetime.date
    notes: str = ""
    assigned_to: Any = None  # the acting user when None, as in `do_open_case`
    nationalities: Sequence[str] = ()


def _person(organisation: Organisation, plan: PlannedCase, key: DataKey, clear: bytes, actor: Any) -> Person:
    person = Person(organisation=organisation, data_key=key, sex=plan.sex, created_by=actor)
    seal_person(person, plan.identity, plan.notes, clear)
    return person


def _last_numbers(organisation: Organisation) -> dict[int, int]:
    """Return the highest case number used in each year by the organisation."""
    last: dict[int, int] = {}
    for reference in Case.objects.filter(organisation=organisation).values_list("reference", flat=True):
        year, _, number = reference.partition("-")
        if year.isdigit() and number.isdigit():
            last[int(year)] = max(last.get(int(year), 0), int(number))
    return last


def _open_events(cases: Sequence[Case], plans: Sequence[PlannedCase], actor: Any) -> list[AuditEvent]:
    """Build the `case.open` events of `record_event`, chained after the last stored event."""
    previous = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
    events = []
    for case, plan in zip(cases, plans, strict=True):
        forms = sorted(set(plan.forms))
        extra = {"reference": case.reference, "person": case.person.pk, "sex": plan.sex, "exploitation_forms": forms,
                 "age_status": case.age_status}  # fmt: skip
        event = AuditEvent(
            occurred_at=timezone.now(), kind=AuditKind.WRITE, action="case.open",
            actor_id=actor.pk, actor_label=actor.get_username(), organisation_id=case.organisation_id,
            request_id=current_request_id.get(), extra=json.loads(json.dumps(extra, sort_keys=True)),
            prev_hash=previous, target_type="cases.case", target_id=str(case.pk), target_label=case.audit_label(),
        )  # fmt: skip
        event.hash = previous = compute_hash(event)
        events.append(event)
    return events


def bulk_open_cases(
    organisation: Organisation, plans: Sequence[PlannedCase], *, acting_user: Any, batch_size: int = 1000
) -> list[Case]:
    """Open one case per plan in `organisation`, in one transaction; return the cases in plan order.

    Adults only: a minor's case opens sealed, which only `do_open_case` does.
    """
    ages = [minors.age_status_from_birth(p.identity.birth_date, p.opened_on) for p in plans]
    if any(age in MINOR_AGE_STATUSES for age in ages):
        raise ValueError("bulk_open_cases opens adults' cases only")
    with transaction.atomic(durable=True):
        last = _last_numbers(organisation)
        keys, persons, cases = [], [], []
        for plan, age in zip(plans, ages, strict=True):
            key, clear = new_data_key()
            keys.append(key)
            persons.append(_person(organisation, plan, key, clear, acting_user))
            last[plan.opened_on.year] = number = last.get(plan.opened_on.year, 0) + 1
            cases.append(Case(
                organisation=organisation, reference=f"{plan.opened_on.year}-{number:04d}", opened_on=plan.opened_on,
                assigned_to=plan.assigned_to or acting_user, created_by=acting_user, age_status=age,
            ))  # fmt: skip
        DataKey.objects.bulk_create(keys, batch_size=batch_size)
        for person, key in zip(persons, keys, strict=True):
            person.data_key = key  # bulk_create has just given the key its primary key
        Person.objects.bulk_create(persons, batch_size=batch_size)
        PersonNameIndex.objects.bulk_create(
            [
                row
                for person, plan in zip(persons, plans, strict=True)
                for row in name_index_rows(person, plan.identity)
            ],
            batch_size=batch_size,
        )
        PersonNationality.objects.bulk_create(
            [PersonNationality(person=person, code=code) for person, plan in zip(persons, plans, strict=True)
             for code in sorted(set(plan.nationalities))],
            batch_size=batch_size,
        )  # fmt: skip
        for case, person in zip(cases, persons, strict=True):
            case.person = person
        Case.objects.bulk_create(cases, batch_size=batch_size)
        CaseExploitationForm.objects.bulk_create(
            [CaseExploitationForm(case=case, code=code) for case, p in zip(cases, plans, strict=True)
             for code in sorted(set(p.forms))],
            batch_size=batch_size,
        )  # fmt: skip
        AuditEvent.objects.bulk_create(_open_events(cases, plans, acting_user), batch_size=batch_size)
    return cases
