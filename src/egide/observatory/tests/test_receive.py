"""Receiving encoded files and JSON documents: the expected key, the schema, who may upload for whom."""

import datetime
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from egide.accounts.roles import Role
from egide.observatory.actions import do_receive_submission, do_withdraw_submission
from egide.observatory.incoming import SubmissionRefused, from_json, read_encoded_upload
from egide.observatory.models import Submission
from egide.observatory.tests.builders import PEOPLE, encoded_file, file_bytes, upload
from egide.observatory.vocabulary import Channel, SubmissionState
from egide.organisations.tests.factories import OrganisationFactory
from egide_analytics.linkage import LinkageKey

YEAR = datetime.date.today().year - 1


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_an_encoded_file_is_received_for_the_chosen_holder(
    linkage_key: Any, statistician: Any, holder: Any, suffix: str
) -> None:
    data = file_bytes(encoded_file(linkage_key, PEOPLE, YEAR), suffix)
    incoming = read_encoded_upload(data, f"holder{suffix}", year=YEAR, channel=Channel.ENCODED_FILE)
    submission = do_receive_submission(holder, incoming, acting_user=statistician)

    assert submission.organisation == holder and submission.record_count == submission.linkable_count == len(PEOPLE)
    assert len(submission.file_sha256) == 64
    assert submission.records.get(record_id="r1").variables["sex"] == "female"


def test_a_file_encoded_with_another_key_is_refused_in_french(linkage_key: Any, statistician: Any, holder: Any) -> None:
    other = LinkageKey.from_bytes(b"a key that is not the data holders' common key!")
    incoming = read_encoded_upload(
        file_bytes(encoded_file(other, PEOPLE, YEAR)), "f.csv", year=YEAR, channel=Channel.ENCODED_FILE
    )
    with pytest.raises(SubmissionRefused, match="autre clé de rapprochement"):
        do_receive_submission(holder, incoming, acting_user=statistician)
    assert not Submission.objects.exists()


def test_the_year_of_the_file_must_be_the_year_chosen(linkage_key: Any) -> None:
    data = file_bytes(encoded_file(linkage_key, PEOPLE, YEAR))
    with pytest.raises(SubmissionRefused, match=f"porte sur l'année {YEAR}"):
        read_encoded_upload(data, "f.csv", year=YEAR - 1, channel=Channel.ENCODED_FILE)


def test_a_json_document_is_validated_against_the_schema_with_every_error_listed(linkage_key: Any) -> None:
    document = encoded_file(linkage_key, PEOPLE, YEAR).to_submission_json()
    assert len(from_json(document).records) == len(PEOPLE)

    document["records"][0]["variables"]["sex"] = "femme"
    document["records"][2]["record_id"] = ""
    del document["holder"]
    with pytest.raises(SubmissionRefused) as refused:
        from_json(document)
    errors = " | ".join(refused.value.errors)
    assert "'holder' is a required property" in errors
    assert "records/0/variables/sex" in errors and "records/2/record_id" in errors


def test_a_supervisor_uploads_for_their_own_organisation_only(
    linkage_key: Any, make_user: Any, supervisor: Any, holder: Any
) -> None:
    incoming = from_json(encoded_file(linkage_key, PEOPLE, YEAR).to_submission_json())
    assert do_receive_submission(holder, incoming, acting_user=supervisor).organisation == holder
    with pytest.raises(PermissionDenied):
        do_receive_submission(OrganisationFactory(), incoming, acting_user=supervisor)
    for role in (Role.CASEWORKER, Role.NATIONAL_COORDINATOR, Role.RAPPORTEUR):
        with pytest.raises(PermissionDenied):
            do_receive_submission(holder, incoming, acting_user=make_user(role, holder))


def test_withdrawing_a_submission_takes_it_out_of_the_current_ones(
    linkage_key: Any, statistician: Any, holder: Any
) -> None:
    incoming = from_json(encoded_file(linkage_key, PEOPLE, YEAR).to_submission_json())
    submission = do_receive_submission(holder, incoming, acting_user=statistician)
    do_withdraw_submission(submission, acting_user=statistician, reason="envoyée par erreur")
    submission.refresh_from_db()
    assert submission.state == SubmissionState.WITHDRAWN and not Submission.objects.current().exists()


def test_the_upload_page_receives_a_file_and_reports_a_refusal(
    linkage_key: Any, login: Any, statistician: Any, holder: Any
) -> None:
    client = login(statistician)
    assert client.get("/observatoire/deposer/").status_code == 200
    data = file_bytes(encoded_file(linkage_key, PEOPLE, YEAR))
    response = client.post(
        "/observatoire/deposer/", {"organisation": holder.pk, "year": YEAR, "file": upload(data, "alpha.csv")}
    )
    assert response.status_code == 302
    assert Submission.objects.get().channel == Channel.ENCODED_FILE

    bad = json.dumps({"schema_version": "1.0"}).encode()
    page = client.post(
        "/observatoire/deposer/", {"organisation": holder.pk, "year": YEAR, "file": upload(bad, "x.json")}
    )
    assert page.status_code == 200
    assert "ne respecte pas le schéma" in page.content.decode()
    assert Submission.objects.count() == 1
