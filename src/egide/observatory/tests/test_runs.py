"""Linkage runs: the job links within and across submissions and years; review decisions merge persons."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from egide.accounts.roles import Role
from egide.observatory.actions import RunRefused, do_decide_pair, do_receive_submission, do_start_run
from egide.observatory.incoming import Incoming, IncomingRecord, from_json
from egide.observatory.models import LinkageRun, RecordPerson, ReviewPair
from egide.observatory.selectors import declared_counts, latest_run, stat_records
from egide.observatory.tests.builders import PEOPLE, encoded_file
from egide.observatory.vocabulary import Channel, Decision, RunState
from egide.organisations.tests.factories import OrganisationFactory
from egide_analytics.linkage import PersonIdentity

YEAR = datetime.date.today().year - 1
# The same persons as another holder wrote them: accents, order of given names, partial date.
SEEN_AGAIN = (
    PersonIdentity("OKAFOR", "Chinedu", "1987-02-11", "male", "NGA"),
    PersonIdentity("Popescu", "Ana-Maria", "1998-04-03", "female", "ROU"),
    PersonIdentity("Mbappé", "Kevin", "2001-01-01", "male", "CMR"),
)


def _run(capture: Any, user: Any, **thresholds: float) -> LinkageRun:
    """Start a run and execute its job as the worker would, once the transaction commits."""
    with capture(execute=True):
        run = do_start_run(acting_user=user, **thresholds)
    run.refresh_from_db()
    return run


def _receive(org: Any, user: Any, key: Any, people: Any, year: int, prefix: str) -> Any:
    incoming = from_json(encoded_file(key, people, year, prefix).to_submission_json())
    return do_receive_submission(org, incoming, acting_user=user)


@pytest.fixture
def two_holders(linkage_key: Any, statistician: Any, holder: Any) -> Any:
    beta = OrganisationFactory(name="Association Beta")
    _receive(holder, statistician, linkage_key, PEOPLE, YEAR, "a")
    _receive(beta, statistician, linkage_key, SEEN_AGAIN, YEAR, "b")
    # Typed by hand without encoding: counts as a person of its own.
    hand = Incoming(year=YEAR, channel=Channel.SURVEY, records=[IncomingRecord("h1", {"status": "identified"})])
    do_receive_submission(OrganisationFactory(name="Association Gamma"), hand, acting_user=statistician)
    return beta


def test_the_job_counts_distinct_persons_across_holders(
    django_capture_on_commit_callbacks: Any, statistician: Any, two_holders: Any
) -> None:
    run = _run(django_capture_on_commit_callbacks, statistician)

    assert run.state == RunState.DONE, run.error
    assert run.record_count == len(PEOPLE) + len(SEEN_AGAIN) + 1
    assert run.person_count == run.record_count - 2
    assert run.year_counts[str(YEAR)] == {"records": 9, "persons": 7, "duplication_rate": round(2 / 9, 4)}
    records = stat_records(run, YEAR)
    persons = {r.holder: r.person for r in records}
    assert len(records) == 9 and len({r.person for r in records}) == 7
    assert {r.holder for r in records} == {"Association Alpha", "Association Beta", "Association Gamma"}
    assert persons["Association Gamma"] not in [r.person for r in records if r.holder != "Association Gamma"]
    assert latest_run(YEAR) == run and stat_records(run, YEAR - 1) == []


def test_same_person_decisions_merge_and_can_be_undone(
    django_capture_on_commit_callbacks: Any, linkage_key: Any, statistician: Any, two_holders: Any
) -> None:
    misspelt = (PersonIdentity("Nguyenn", "Thi-Lane", "2003-09-30", "female", "VNM"),)
    _receive(OrganisationFactory(name="Association Delta"), statistician, linkage_key, misspelt, YEAR, "d")
    run = _run(django_capture_on_commit_callbacks, statistician, match_threshold=0.99, review_threshold=0.5)
    assert run.state == RunState.DONE and run.review_count > 0
    pair = ReviewPair.objects.filter(run=run).order_by("-score").first()
    assert pair is not None
    before = run.person_count

    do_decide_pair(pair, Decision.SAME, acting_user=statistician)
    run.refresh_from_db()
    people = dict(RecordPerson.objects.filter(run=run).values_list("record_id", "person"))
    assert people[pair.record_a_id] == people[pair.record_b_id]
    assert run.person_count == before - 1

    do_decide_pair(pair, Decision.DIFFERENT, acting_user=statistician)
    run.refresh_from_db()
    assert run.person_count == before


def test_linking_and_deciding_need_the_linkage_capability(make_user: Any, two_holders: Any) -> None:
    for role in (Role.NATIONAL_COORDINATOR, Role.RAPPORTEUR, Role.CASE_SUPERVISOR):
        with pytest.raises(PermissionDenied):
            do_start_run(acting_user=make_user(role))
    assert not LinkageRun.objects.exists()


def test_a_run_without_encoded_submissions_is_refused(statistician: Any) -> None:
    with pytest.raises(RunRefused, match="rien à rapprocher"):
        do_start_run(acting_user=statistician)


def test_declared_counts_come_from_aggregate_only_submissions(statistician: Any, holder: Any) -> None:
    aggregates = {
        "by_form": [
            {"status": "supported", "forms": ["SEXUAL"], "sex": "female", "minor_now": "no", "count": 12},
            {"status": "supported", "forms": ["BEGGING"], "sex": "female", "minor_now": "yes", "count": 3},
        ],
        "by_region": [{"status": "supported", "region_of_origin": "africa_subsaharan", "count": 15}],
    }
    incoming = Incoming(year=YEAR, channel=Channel.SURVEY, records=[], aggregates=aggregates)
    do_receive_submission(holder, incoming, acting_user=statistician)
    counts = {(c.variable, c.code): c.count for c in declared_counts(YEAR)}
    assert counts[("status", "supported")] == 15
    assert counts[("forms", "SEXUAL")] == 12 and counts[("minor_now", "yes")] == 3
    assert counts[("region_of_origin", "africa_subsaharan")] == 15


def test_run_pages(
    django_capture_on_commit_callbacks: Any, linkage_key: Any, login: Any, statistician: Any, two_holders: Any
) -> None:
    misspelt = (PersonIdentity("Nguyenn", "Thi-Lane", "2003-09-30", "female", "VNM"),)
    _receive(OrganisationFactory(name="Association Delta"), statistician, linkage_key, misspelt, YEAR, "d")
    client = login(statistician)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/observatoire/appariements/", {"match_threshold": "0.99", "review_threshold": "0.5"})
    run = LinkageRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/observatoire/appariements/{run.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "Personnes distinctes" in detail and str(YEAR) in detail
    review = client.get(f"/observatoire/appariements/{run.pk}/doublons/")
    assert review.status_code == 200
    text = review.content.decode()
    assert "Okafor" not in text and "OKAFOR" not in text and "Similarité" in text
    pair = ReviewPair.objects.filter(run=run).first()
    assert pair is not None
    decided = client.post(f"/observatoire/appariements/{run.pk}/doublons/{pair.pk}/", {"decision": "same"})
    assert decided.status_code == 302
    pair.refresh_from_db()
    assert pair.decision == Decision.SAME and pair.decided_by == statistician
