"""A finished linkage run built from coded persons, as the linkage job leaves it, for the report's tests."""

import random
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone

from egide.accounts.models import User
from egide.observatory.models import LinkageRun, RecordPerson, Submission, SubmissionRecord
from egide.observatory.vocabulary import Channel, RunState
from egide.organisations.tests.factories import OrganisationFactory
from egide_analytics.submission import SCHEMA_VERSION, clean_variables

Person = tuple[Mapping[str, Any], Sequence[str]]  # variables, holders that declared her


def make_run(year: int, persons: Sequence[Person], *, user: User) -> LinkageRun:
    """Create one submission per holder, one record per (person, holder) and a done run linking them."""
    holders = sorted({holder for _, seen_by in persons for holder in seen_by})
    submissions = {}
    for holder in holders:
        organisation = OrganisationFactory(name=holder)
        submissions[holder] = Submission.objects.create(
            organisation=organisation,
            year=year,
            channel=Channel.ENCODED_FILE,
            schema_version=SCHEMA_VERSION,
            submitted_by=user,
            record_count=sum(holder in seen_by for _, seen_by in persons),
        )
    now = timezone.now()
    run = LinkageRun.objects.create(state=RunState.DONE, years=[year], started_by=user, started_at=now, finished_at=now)
    run.submissions.set(submissions.values())
    for person, (variables, seen_by) in enumerate(persons, start=1):
        for holder in seen_by:
            record = SubmissionRecord.objects.create(
                submission=submissions[holder], record_id=f"r{person}-{holder}", variables=clean_variables(variables)
            )
            RecordPerson.objects.create(run=run, record=record, cluster=person, person=person)
    return run


def realistic_persons(count: int = 400, seed: int = 2024) -> list[Person]:
    """Persons with survey-like variables, seen by one to four of four associations (overlaps for the MSE)."""
    rng = random.Random(seed)
    persons: list[Person] = []
    for _ in range(count):
        sex = rng.choices(["female", "male", "other"], weights=[80, 19, 1])[0]
        forms = ["SEXUAL"] if rng.random() < 0.75 else rng.sample(["LABOUR_OTHER", "LABOUR_DOMESTIC", "BEGGING"], 1)
        variables = {
            "status": rng.choices(["supported", "identified"], weights=[65, 35])[0],
            "sex": sex,
            "age_group": rng.choices(["15-17", "18-24", "25-34", "35-44", "45-54"], weights=[10, 30, 35, 15, 10])[0],
            "minor_at_start": rng.choices(["yes", "no"], weights=[20, 80])[0],
            "minor_now": rng.choices(["yes", "no"], weights=[12, 88])[0],
            "nationality": rng.choices(["NGA", "ROU", "CHN", "FRA", "BRA"], weights=[40, 20, 15, 15, 10])[0],
            "forms": forms,
            "exploited_in_france": rng.choices(["in_france", "only_abroad"], weights=[85, 15])[0],
            "complaint_filed": rng.choices(["yes", "no", "unknown"], weights=[30, 50, 20])[0],
            "administrative_status": rng.choices(["residence_permit", "receipt", "irregular"], weights=[3, 3, 4])[0],
            "support": sorted(set(rng.sample(["housing", "health", "legal", "psychological"], 2))),
        }
        seen_by = [
            h
            for h, p in (("Association A", 0.6), ("Association B", 0.4), ("Association C", 0.3), ("Association D", 0.2))
            if rng.random() < p
        ] or ["Association A"]
        persons.append((variables, seen_by))
    return persons
