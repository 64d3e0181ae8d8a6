"""Write planned case files in bulk, row for row what the `do_*` actions would store.

Each part takes the batch (scenarios, their saved cases, the staff of each association)
and writes one kind of row; a part added later (profile, procedures) is one more function
in `PARTS`, reading its scenario and drawing from `random.Random(scenario.seed)`.
"""

import datetime
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from egide.accounts.models import Team, User
from egide.cases.actions import name_index_rows, seal_person  # what `do_open_case` writes: same rows
from egide.cases.consent import current_text
from egide.cases.demo import tables as t
from egide.cases.demo.planner import CaseScenario, ScreeningPlan
from egide.cases.demo.profiles import case_protection, count_protection, write_profiles
from egide.cases.models import (
    Case,
    CaseExploitationForm,
    Consent,
    ConsentText,
    Person,
    PersonNameIndex,
    PersonNationality,
    ScreeningLink,
    StatusDecision,
)
from egide.cases.vocabulary import CaseStatus, TraffickingStatus
from egide.core.keys import new_data_key
from egide.core.models import DataKey
from egide.identification.actions import compute_results
from egide.identification.models import Indicator, IndicatorList, Screening, ScreeningAnswer
from egide.identification.selectors import dimensions_of, labour_fallback_for, list_for
from egide.identification.vocabulary import Answer, ScreeningStatus
from egide.organisations.models import Organisation

WITHDRAWAL_REASON = "Retrait demandé par la personne (données de démonstration)."
# Events of the past happen at a plausible time of day, not at midnight.
WORKING_HOUR = datetime.time(11, 0)


@dataclass(frozen=True)
class Staff:
    """Who works on the files of one association: records, confirms, follows."""

    caseworker: User
    supervisor: User
    volunteer: User | None = None
    # The demo accounts' association only: the caseworker's team, then the other one.
    teams: tuple[Team, ...] = ()

    def assignee(self, role: str) -> User | None:
        if role == "volunteer" and self.volunteer is not None:
            return self.volunteer
        return self.caseworker if role else None


@dataclass
class Batch:
    scenarios: tuple[CaseScenario, ...]
    organisations: list[Organisation]
    staff: list[Staff]
    cases: list[Case] = field(default_factory=list)
    screenings: dict[int, Screening] = field(default_factory=dict)
    # What each part wrote, by organisation id, for the summary audit events.
    counts: dict[int, dict[str, int]] = field(default_factory=dict)
    today: datetime.date = field(default_factory=timezone.localdate)

    def count(self, organisation_id: int, name: str, n: int = 1) -> None:
        per_org = self.counts.setdefault(organisation_id, {})
        per_org[name] = per_org.get(name, 0) + n

    def rows(self) -> list[tuple[CaseScenario, Case, Staff]]:
        return [(s, c, self.staff[s.slot]) for s, c in zip(self.scenarios, self.cases, strict=True)]


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, WORKING_HOUR))


def write_cases(batch: Batch) -> None:
    """Write data keys, persons (identity sealed as `do_open_case` seals it), cases and forms."""
    keys, persons, cases = [], [], []
    for scenario in batch.scenarios:
        organisation, staff = batch.organisations[scenario.slot], batch.staff[scenario.slot]
        key, clear = new_data_key()
        person = Person(uid=uuid.uuid4(), organisation=organisation, sex=scenario.sex, created_by=staff.caseworker)
        seal_person(person, scenario.identity, "", clear)
        keys.append(key)
        persons.append(person)
    DataKey.objects.bulk_create(keys)
    for person, key in zip(persons, keys, strict=True):
        person.data_key = key
    Person.objects.bulk_create(persons)
    PersonNameIndex.objects.bulk_create(
        row for scenario, person in zip(batch.scenarios, persons, strict=True)
        for row in name_index_rows(person, scenario.identity)
    )  # fmt: skip
    PersonNationality.objects.bulk_create(
        PersonNationality(person=person, code=scenario.nationality)
        for scenario, person in zip(batch.scenarios, persons, strict=True)
    )
    for scenario, person in zip(batch.scenarios, persons, strict=True):
        staff = batch.staff[scenario.slot]
        closed = scenario.closed_on is not None
        cases.append(Case(
            organisation=person.organisation, person=person, reference=scenario.reference,
            status=CaseStatus.CLOSED if closed else CaseStatus.OPEN, opened_on=scenario.opened_on,
            closed_on=scenario.closed_on, created_by=staff.caseworker, **case_protection(scenario, staff),
        ))  # fmt: skip
        batch.count(person.organisation_id, "cases")
        batch.count(person.organisation_id, "closed", int(closed))
    batch.cases = Case.objects.bulk_create(cases)
    CaseExploitationForm.objects.bulk_create(
        CaseExploitationForm(case=case, code=code)
        for scenario, case, _ in batch.rows()
        for code in sorted(set(scenario.forms))
    )


class _Screener:
    """Find the list of each screening and answer it, caching lists and their indicators."""

    def __init__(self) -> None:
        self.lists: dict[tuple[str, str], IndicatorList | None] = {}
        self.indicators: dict[int, list[Indicator]] = {}

    def list_for(self, plan: ScreeningPlan) -> IndicatorList | None:
        key = (plan.profile, plan.exploitation_form)
        if key not in self.lists:
            self.lists[key] = list_for(*key) or labour_fallback_for(*key)
        return self.lists[key]

    def answers(self, indicator_list: IndicatorList, plan: ScreeningPlan) -> dict[int, str]:
        if indicator_list.pk not in self.indicators:
            dimensions = dimensions_of(indicator_list)
            self.indicators[indicator_list.pk] = [i for d in dimensions for i in d.indicators.all()]
        rng = random.Random(plan.seed)  # noqa: S311  (reproducible demo data, not secrets)
        yes = t.YES_WITH_SIGNS if plan.shows_signs else t.YES_WITHOUT_SIGNS
        answers: dict[int, str] = {}
        for indicator in self.indicators[indicator_list.pk]:
            draw = rng.random()
            answers[indicator.pk] = (
                Answer.YES if draw < yes else Answer.UNKNOWN if draw < yes + t.UNKNOWN_ANSWER else Answer.NO
            )
        return answers


def write_screenings(batch: Batch) -> None:
    """Write the completed (and, when presumed, confirmed) screenings, their answers and links."""
    screener = _Screener()
    made: list[tuple[Screening, dict[int, str], Case, Staff]] = []
    for scenario, case, staff in batch.rows():
        plan = scenario.screening
        indicator_list = screener.list_for(plan) if plan else None
        if plan is None or indicator_list is None:
            continue
        answers = screener.answers(indicator_list, plan)
        results, conclusion = compute_results(
            indicator_list, {pk: a == Answer.YES for pk, a in answers.items()}, Answer.YES
        )
        screening = Screening(
            organisation_id=case.organisation_id, created_by=staff.caseworker, indicator_list=indicator_list,
            profile=plan.profile, exploitation_form=plan.exploitation_form, screened_on=plan.screened_on,
            reference=plan.reference, act_established=Answer.YES, status=ScreeningStatus.COMPLETED,
            dimension_results=results, conclusion=conclusion, completed_at=at(plan.screened_on),
        )  # fmt: skip
        if screening.is_presumed_victim:
            screening.status, screening.confirmed_by = ScreeningStatus.CONFIRMED, staff.supervisor
            screening.confirmed_at = at(plan.screened_on + datetime.timedelta(days=1))
        made.append((screening, answers, case, staff))
        batch.count(case.organisation_id, "screenings")
    Screening.objects.bulk_create(s for s, *_ in made)
    ScreeningAnswer.objects.bulk_create(
        ScreeningAnswer(screening=s, indicator_id=pk, answer=answer)
        for s, answers, *_ in made
        for pk, answer in answers.items()
    )
    ScreeningLink.objects.bulk_create(
        ScreeningLink(case=c, screening=s, attached_by=staff.caseworker) for s, _, c, staff in made
    )
    batch.screenings = {c.pk: s for s, _, c, _ in made}


def write_decisions(batch: Batch) -> None:
    """Write each file's status history; a presumed conclusion cites the screening that led to it."""
    decisions = []
    for scenario, case, staff in batch.rows():
        screening = batch.screenings.get(case.pk)
        for plan in scenario.decisions:
            reference = plan.document_reference
            if (
                not reference
                and plan.status == TraffickingStatus.PRESUMED
                and screening
                and screening.is_presumed_victim
            ):
                reference = f"Repérage n° {screening.pk}"
            confirmed = plan.confirmed_on is not None
            decisions.append(StatusDecision(
                case=case, status=plan.status, authority=plan.authority, decided_on=plan.decided_on,
                document_reference=reference, recorded_by=staff.caseworker,
                confirmed_by=staff.supervisor if confirmed else None,
                confirmed_at=at(plan.confirmed_on) if plan.confirmed_on else None,
            ))  # fmt: skip
        batch.count(case.organisation_id, "status_decisions", len(scenario.decisions))
    StatusDecision.objects.bulk_create(decisions)


def write_consents(batch: Batch) -> None:
    """Write consents against the text in force, as `do_record_consent` and `do_withdraw_consent` do."""
    texts: dict[str, ConsentText] = {}
    consents = []
    for scenario, case, staff in batch.rows():
        for plan in scenario.consents:
            if plan.purpose not in texts:
                texts[plan.purpose] = current_text(plan.purpose)
            withdrawn = plan.withdrawn_on is not None
            consents.append(Consent(
                case=case, text=texts[plan.purpose], purpose=plan.purpose, given=plan.given,
                language=plan.language, interpreter=plan.interpreter, recorded_on=plan.recorded_on,
                recorded_by=staff.caseworker, withdrawn_on=plan.withdrawn_on,
                withdrawn_by=staff.caseworker if withdrawn else None,
                withdrawal_reason=WITHDRAWAL_REASON if withdrawn else "",
            ))  # fmt: skip
        batch.count(case.organisation_id, "consents", len(scenario.consents))
    Consent.objects.bulk_create(consents)


# In this order: decisions cite screenings. Add profile, procedures… here.
PARTS: tuple[Callable[[Batch], None], ...] = (
    write_cases,
    write_screenings,
    write_decisions,
    write_consents,
    write_profiles,
    count_protection,
)
