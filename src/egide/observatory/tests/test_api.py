"""The observatory API: submissions sent as JSON documents, runs started and read."""

import datetime
import json
from typing import Any

from egide.accounts.roles import Role
from egide.observatory.models import LinkageRun, Submission
from egide.observatory.tests.builders import PEOPLE, encoded_file
from egide.organisations.tests.factories import OrganisationFactory

YEAR = datetime.date.today().year - 1
URL = "/api/v1/observatory"


def _post(client: Any, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_supervisor_sends_a_json_submission_for_their_organisation(
    linkage_key: Any, login: Any, supervisor: Any, holder: Any
) -> None:
    client = login(supervisor)
    document = encoded_file(linkage_key, PEOPLE, YEAR).to_submission_json()
    response = _post(client, f"{URL}/submissions?organisation={holder.pk}", document)
    assert response.status_code == 201, response.content
    assert response.json()["record_count"] == len(PEOPLE) and response.json()["channel"] == "api"

    other = OrganisationFactory()
    assert _post(client, f"{URL}/submissions?organisation={other.pk}", document).status_code == 404
    listed = client.get(f"{URL}/submissions").json()
    assert [s["organisation_id"] for s in listed] == [holder.pk]


def test_a_bad_document_is_refused_with_every_problem(
    linkage_key: Any, login: Any, statistician: Any, holder: Any
) -> None:
    document = encoded_file(linkage_key, PEOPLE, YEAR).to_submission_json()
    document["records"][1]["variables"]["status"] = "perdue"
    response = _post(login(statistician), f"{URL}/submissions?organisation={holder.pk}", document)
    assert response.status_code == 422
    body = response.json()
    assert body["title"] == "Soumission refusée" and "records/1/variables/status" in body["errors"][0]["message"]
    assert not Submission.objects.exists()


def test_the_statistician_starts_a_run_and_reads_it(
    django_capture_on_commit_callbacks: Any, linkage_key: Any, login: Any, statistician: Any, holder: Any
) -> None:
    client = login(statistician)
    document = encoded_file(linkage_key, PEOPLE, YEAR).to_submission_json()
    assert _post(client, f"{URL}/submissions?organisation={holder.pk}", document).status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, f"{URL}/runs", {"match_threshold": 0.8})
    assert response.status_code == 202
    run = LinkageRun.objects.get()
    body = client.get(f"{URL}/runs/{run.pk}").json()
    assert body["state"] == "done" and body["person_count"] == len(PEOPLE)
    assert _post(client, f"{URL}/runs", {"match_threshold": 3}).status_code == 422


def test_readers_read_runs_but_do_not_start_them(make_user: Any, login: Any) -> None:
    client = login(make_user(Role.RAPPORTEUR))
    assert _post(client, f"{URL}/runs", {}).status_code == 403
    assert client.get(f"{URL}/runs/999").status_code == 404
