"""Reads of the observatory: submissions, runs, and the records handed to the statistics.

The observatory holds no identity, so its reads are not access-audited; they are still
scoped by capability in the views and the API.
"""

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from egide.observatory.models import LinkageRun, RecordPerson, ReviewPair, Submission
from egide.observatory.vocabulary import Channel, Decision, RunState, SubmissionState
from egide_analytics.statistics import DeclaredCount, StatRecord


def stat_records(run: LinkageRun, year: int) -> list[StatRecord]:
    """Return the records of `year` in `run`, each with its person after review decisions.

    `holder` is the data holder's name, `person` the run's person id (pairs still pending
    review count as two persons), `variables` the record's codes.
    """
    rows = (
        RecordPerson.objects.filter(run=run, record__submission__year=year)
        .select_related("record__submission__organisation")
        .order_by("record_id")
    )
    return [
        StatRecord(
            holder=row.record.submission.organisation.name,
            person=row.person,
            variables=dict(row.record.variables),
        )
        for row in rows
    ]


def _declared(holder: str, aggregates: dict[str, Any]) -> list[DeclaredCount]:
    """Turn the survey's aggregate cells into one-way counts per status (see `survey.py`).

    Each person is counted under one (main) form in the table by form × sex × age, so its
    rows add up to the holder's total; the table by region gives the regions.
    """
    sums: Counter[tuple[str, str, str]] = Counter()
    for cell in aggregates.get("by_form", []):
        status, count = cell["status"], int(cell["count"])
        sums[(status, "status", status)] += count
        for form in cell.get("forms", []):
            sums[(status, "forms", form)] += count
        sums[(status, "sex", cell["sex"])] += count
        sums[(status, "minor_now", cell["minor_now"])] += count
    for cell in aggregates.get("by_region", []):
        sums[(cell["status"], "region_of_origin", cell["region_of_origin"])] += int(cell["count"])
    return [
        DeclaredCount(holder=holder, status=status, variable=variable, code=code, count=count)
        for (status, variable, code), count in sorted(sums.items())
        if count
    ]


def declared_counts(year: int) -> list[DeclaredCount]:
    """Return the counts of the current aggregate-only submissions of `year` (survey without records)."""
    submissions = (
        Submission.objects.current()
        .filter(year=year, record_count=0)
        .select_related("organisation")
        .order_by("organisation__name", "id")
    )
    return [count for s in submissions if s.aggregates for count in _declared(s.organisation.name, s.aggregates)]


def completed_runs_for(year: int) -> list[LinkageRun]:
    """Return the finished runs covering `year`, latest first."""
    # Runs are few; JSON list containment is not portable to SQLite.
    runs = LinkageRun.objects.filter(state=RunState.DONE).order_by("-finished_at", "-id")
    return [run for run in runs if year in run.years]


def latest_run(year: int) -> LinkageRun | None:
    """Return the latest finished run covering `year`, or None."""
    runs = completed_runs_for(year)
    return runs[0] if runs else None


@dataclass(frozen=True)
class SubmissionFilters:
    year: int | None = None
    organisation_id: int | None = None
    channel: Channel | None = None
    include_inactive: bool = False


def search_submissions(filters: SubmissionFilters) -> QuerySet[Submission]:
    """Return submissions matching the filters; current ones only unless asked."""
    qs = Submission.objects.select_related("organisation", "submitted_by")
    if not filters.include_inactive:
        qs = qs.filter(state=SubmissionState.RECEIVED)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.organisation_id is not None:
        qs = qs.filter(organisation_id=filters.organisation_id)
    if filters.channel is not None:
        qs = qs.filter(channel=filters.channel)
    return qs


def pending_review_pairs(run: LinkageRun) -> QuerySet[ReviewPair]:
    """Return the run's possible duplicates not yet decided, highest similarity first."""
    return run.review_pairs.filter(decision=Decision.PENDING).select_related(
        "record_a__submission__organisation", "record_b__submission__organisation"
    )
