"""Test data: a finished linkage run holding given records, as the observatory would after a run."""

from collections.abc import Sequence

from django.utils import timezone

from egide.accounts.models import User
from egide.observatory.models import LinkageRun, RecordPerson, Submission, SubmissionRecord
from egide.observatory.vocabulary import Channel, RunState
from egide.organisations.models import Organisation
from egide.organisations.tests.factories import OrganisationFactory
from egide_analytics.statistics.records import StatRecord


def make_done_run(year: int, records: Sequence[StatRecord], *, by: User) -> LinkageRun:
    """Store the records as submissions of their holders and a finished run giving each its person."""
    organisations: dict[str, Organisation] = {}
    submissions: dict[str, Submission] = {}
    for holder in sorted({r.holder for r in records}):
        organisations[holder] = Organisation.objects.filter(name=holder).first() or OrganisationFactory(name=holder)
        submissions[holder] = Submission.objects.create(
            organisation=organisations[holder],
            year=year,
            channel=Channel.ENCODED_FILE,
            schema_version="1.0",
            submitted_by=by,
            record_count=sum(1 for r in records if r.holder == holder),
        )
    now = timezone.now()
    run = LinkageRun.objects.create(
        years=[year],
        state=RunState.DONE,
        started_by=by,
        started_at=now,
        finished_at=now,
        record_count=len(records),
        person_count=len({r.person for r in records}),
    )
    rows = SubmissionRecord.objects.bulk_create(
        SubmissionRecord(submission=submissions[r.holder], record_id=f"r{i}", variables=dict(r.variables))
        for i, r in enumerate(records)
    )
    RecordPerson.objects.bulk_create(
        RecordPerson(run=run, record=row, cluster=r.person, person=r.person)
        for row, r in zip(rows, records, strict=True)
    )
    return run
