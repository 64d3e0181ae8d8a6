"""Reads of the observatory: submissions, runs, and the records handed to the statistics.

The observatory holds no identity, so its reads are not access-audited; they are still
scoped by capability in the views and the API.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from egide_analytics.statistics import DeclaredCount, StatRecord

from egide.observatory.models import LinkageRun, RecordPerson, ReviewPair, Submission
from egide.observatory.vocabulary import Channel, Decision, RunState, SubmissionState


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


def _aggregate_cells(submission: Submission) -> Iterator[tuple[dict[str, str | list[str]], int]]:
    for table in ("by_form", "by_region"):
        for cell in submission.aggregates.get(table, []):
            variables = {k: v for k, v in cell.items() if k != "count"}
            yield variables, int(cell["count"])


def declared_counts(year: int) -> list[DeclaredCount]:
    """Return the counts of the current aggregate-only submissions of `year` (survey without records).

    Each cell of the survey's aggregate part gives one DeclaredCount: the holder, the codes
    of the cell (`status`, `forms`, `sex`, `minor_now` or `region_of_origin`) and the count.
    """
    submissions = (
        Submission.objects.current()
        .filter(year=year, record_count=0)
        .select_related("organisation")
        .order_by("organisation__name", "id")
    )
    return [
        DeclaredCount(holder=submission.organisation.name, variables=variables, count=count)
        for submission in submissions
        if submission.aggregates
        for variables, count in _aggregate_cells(submission)
    ]


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
