"""Submitting a year from the case files: consent filtering, encoding in the protection zone, no identity stored."""

import datetime
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from egide.accounts.roles import Role
from egide.cases import actions as case_actions
from egide.cases.consent import do_record_consent
from egide.cases.identity import Identity, PartialDate
from egide.cases.models import Case, CaseProfile
from egide.cases.vocabulary import ConsentPurpose
from egide.core.models import AuditEvent
from egide.observatory.actions import case_record_id, do_submit_year
from egide.observatory.derive import NO_CONSENT, age_group
from egide.observatory.keys import LinkageKeyMissing
from egide.observatory.models import Submission, SubmissionRecord
from egide.observatory.vocabulary import Channel, SubmissionState
from egide.support.models import SupportService

YEAR = datetime.date.today().year - 1
OPENED = datetime.date(YEAR, 3, 1)
STAT = ConsentPurpose.STATISTICAL_SUBMISSION


def _case(user: Any, family: str, given: str, birth: PartialDate, **kwargs: Any) -> Case:
    org = user.active_memberships()[0].organisation
    identity = Identity(family_name=family, given_names=given, birth_date=birth)
    return case_actions.do_open_case(
        org, identity, "female", ["SEXUAL"], acting_user=user, opened_on=OPENED, nationalities=["NGA"], **kwargs
    )


def _consent(case: Case, user: Any, given: bool = True) -> None:
    do_record_consent(case, STAT, given, "fr", False, acting_user=user, recorded_on=OPENED)


@pytest.fixture
def cases(supervisor: Any) -> dict[str, Case]:
    consenting = _case(supervisor, "Okonkwo", "Blessing", PartialDate(2001, 5, 17))
    _consent(consenting, supervisor)
    CaseProfile.objects.create(case=consenting, complaint_filed="yes", administrative_status="reflection_period")
    SupportService.objects.create(
        case=consenting, category="housing", status="in_progress", start_on=OPENED, recorded_by=supervisor
    )
    refused = _case(supervisor, "Adeyemi", "Joy", PartialDate(1995))
    _consent(refused, supervisor, given=False)
    silent = _case(supervisor, "Popescu", "Ana-Maria", PartialDate(1998, 4))
    return {"consenting": consenting, "refused": refused, "silent": silent}


def test_only_cases_with_the_statistical_consent_are_sent_with_their_codes(
    linkage_key: Any, supervisor: Any, holder: Any, cases: dict[str, Case]
) -> None:
    submission = do_submit_year(holder, YEAR, acting_user=supervisor)

    assert submission.channel == Channel.EGIDE
    assert submission.record_count == submission.linkable_count == 1
    assert submission.exclusions == {NO_CONSENT: 2}
    assert submission.key_fingerprint == linkage_key.fingerprint
    record = submission.records.get()
    assert record.record_id == case_record_id(cases["consenting"])
    assert len(bytes(record.clk)) == 128 and record.tokens
    assert record.variables["status"] == "supported"
    assert record.variables["support"] == ["housing"]
    assert record.variables["age_group"] == age_group(2001, YEAR)
    assert record.variables["nationality"] == "NGA"
    assert record.variables["region_of_origin"] == "africa_subsaharan"
    assert record.variables["complaint_filed"] == "yes"
    assert record.variables["administrative_status"] == "reflection_period"
    assert record.variables["forms"] == ["SEXUAL"]


def test_no_name_birth_date_or_case_reference_reaches_the_observatory_tables(
    linkage_key: Any, supervisor: Any, holder: Any, cases: dict[str, Case]
) -> None:
    submission = do_submit_year(holder, YEAR, acting_user=supervisor)

    rows = SubmissionRecord.objects.filter(submission=submission).values("record_id", "tokens", "variables")
    stored = json.dumps([*Submission.objects.filter(pk=submission.pk).values(), *rows], default=str).lower()
    clks = b"".join(bytes(r.clk) for r in SubmissionRecord.objects.all()).lower()
    for case in cases.values():
        assert case.reference.lower() not in stored
        assert str(case.person.uid) not in stored
    for secret in ("okonkwo", "blessing", "adeyemi", "popescu", "ana-maria", "2001-05-17", "17/05/2001"):
        assert secret not in stored
        assert secret.encode() not in clks
    # The audit trail names the cases read, never their values.
    read = AuditEvent.objects.get(action="observatory.submission_identities_read")
    assert read.extra["case_ids"] == [cases["consenting"].pk]
    assert "okonkwo" not in json.dumps(read.extra).lower()


def test_a_second_submission_of_the_year_supersedes_the_first_with_stable_pseudonyms(
    linkage_key: Any, supervisor: Any, holder: Any, cases: dict[str, Case]
) -> None:
    first = do_submit_year(holder, YEAR, acting_user=supervisor)
    _consent(cases["silent"], supervisor)
    second = do_submit_year(holder, YEAR, acting_user=supervisor)

    first.refresh_from_db()
    assert first.state == SubmissionState.SUPERSEDED and first.superseded_by == second
    assert list(Submission.objects.current().filter(organisation=holder)) == [second]
    assert second.record_count == 2
    assert set(first.records.values_list("record_id", flat=True)) < set(
        second.records.values_list("record_id", flat=True)
    )
    assert bytes(first.records.get().clk) == bytes(second.records.get(record_id=first.records.get().record_id).clk)


def test_without_a_linkage_key_nothing_is_read_or_written(supervisor: Any, holder: Any, cases: dict[str, Case]) -> None:
    events = AuditEvent.objects.count()
    with (
        override_settings(EGIDE_LINKAGE_KEY_FILE="/nonexistent/linkage.key"),
        pytest.raises(LinkageKeyMissing, match="Clé de rapprochement indisponible"),
    ):
        do_submit_year(holder, YEAR, acting_user=supervisor)
    assert not Submission.objects.exists()
    assert AuditEvent.objects.count() == events


def test_only_the_organisations_supervisor_submits(
    linkage_key: Any, make_user: Any, supervisor: Any, holder: Any, cases: dict[str, Case]
) -> None:
    for user in (make_user(Role.CASEWORKER, holder), make_user(Role.CASE_SUPERVISOR), make_user(Role.STATISTICIAN)):
        with pytest.raises(PermissionDenied):
            do_submit_year(holder, YEAR, acting_user=user)
    assert not Submission.objects.exists()


def test_the_submit_page_shows_counts_and_sends(
    linkage_key: Any, login: Any, supervisor: Any, holder: Any, cases: dict[str, Case]
) -> None:
    client = login(supervisor)
    page = client.get("/observatoire/transmettre/", {"organisation": holder.pk, "year": YEAR})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Transmettre 1 dossier" in text and NO_CONSENT in text
    assert "Okonkwo" not in text and cases["consenting"].reference not in text

    response = client.post("/observatoire/transmettre/", {"organisation": holder.pk, "year": YEAR})
    submission = Submission.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/observatoire/soumissions/{submission.pk}/"
    assert client.get(response["Location"]).status_code == 200
