"""Observatory API: list and send submissions (JSON schema 1.0), start and read linkage runs."""

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field, ValidationError

from egide.accounts.roles import Cap
from egide.core.access import capability
from egide.core.api import Problem, api_policy
from egide.observatory import actions, policies, selectors
from egide.observatory.incoming import SubmissionRefused, from_json, sha256
from egide.observatory.keys import LinkageKeyMissing
from egide.observatory.models import DEFAULT_MATCH_THRESHOLD, DEFAULT_REVIEW_THRESHOLD, LinkageRun, Submission
from egide.observatory.vocabulary import Channel
from egide.organisations.models import Organisation
from egide_analytics.submission import json_schema

router = Router()

READ = capability(
    Cap.OBSERVATORY_SUBMIT, Cap.OBSERVATORY_SUBMISSIONS_MANAGE, Cap.OBSERVATORY_LINK, Cap.OBSERVATORY_VIEW
)
UPLOAD = capability(Cap.OBSERVATORY_SUBMIT, Cap.OBSERVATORY_SUBMISSIONS_MANAGE)
RUNS = capability(Cap.OBSERVATORY_LINK, Cap.OBSERVATORY_VIEW, Cap.OBSERVATORY_SUBMISSIONS_MANAGE)


class SubmissionOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    year: int
    channel: str
    state: str
    schema_version: str
    key_fingerprint: str
    record_count: int
    linkable_count: int
    submitted_at: str


class RunIn(Schema):
    match_threshold: float = Field(DEFAULT_MATCH_THRESHOLD, gt=0, le=1, description="Seuil d'appariement (Dice).")
    review_threshold: float = Field(DEFAULT_REVIEW_THRESHOLD, gt=0, le=1, description="Seuil des doublons possibles.")


class RunOut(Schema):
    id: int
    state: str
    error: str
    years: list[int]
    match_threshold: float
    review_threshold: float
    record_count: int
    person_count: int
    duplicate_count: int
    review_count: int
    candidate_pairs: int
    year_counts: dict[str, dict[str, float]]


def _submission_out(s: Submission) -> SubmissionOut:
    return SubmissionOut(
        id=s.pk, organisation_id=s.organisation_id, organisation=s.organisation.name, year=s.year,
        channel=s.channel, state=s.state, schema_version=s.schema_version, key_fingerprint=s.key_fingerprint,
        record_count=s.record_count, linkable_count=s.linkable_count, submitted_at=s.submitted_at.isoformat(),
    )  # fmt: skip


def _run_out(run: LinkageRun) -> RunOut:
    return RunOut(
        id=run.pk, state=run.state, error=run.error, years=list(run.years), match_threshold=run.match_threshold,
        review_threshold=run.review_threshold, record_count=run.record_count, person_count=run.person_count,
        duplicate_count=run.duplicate_count, review_count=run.review_count, candidate_pairs=run.candidate_pairs,
        year_counts=run.year_counts,
    )  # fmt: skip


@router.get("/submissions", response=list[SubmissionOut], summary="Soumissions en vigueur (ou toutes)")
@api_policy(READ)
def list_submissions(
    request: HttpRequest,
    year: int | None = None,
    organisation: int | None = None,
    channel: Channel | None = None,
    include_inactive: bool = False,
) -> list[SubmissionOut]:
    filters = selectors.SubmissionFilters(year, organisation, channel, include_inactive)
    submissions = selectors.search_submissions(filters)
    if not policies.can_view_all(request.user):
        submissions = submissions.filter(organisation_id__in=policies.submitting_organisation_ids(request.user))
    return [_submission_out(s) for s in submissions[:1000]]


# The body is read after the policy, so that a caller without the right learns nothing from its validation.
_SUBMISSION_BODY = {"required": True, "content": {"application/json": {"schema": json_schema()}}}


def _document(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body or b"")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Problem(400, "Document illisible", f"Le corps de la requête n'est pas du JSON : {error}.") from error


@router.post("/submissions", response={201: SubmissionOut},
             summary="Envoyer la soumission d'un détenteur (schéma de soumission 1.0)",
             openapi_extra={"requestBody": _SUBMISSION_BODY})  # fmt: skip
@api_policy(UPLOAD)
def create_submission(request: HttpRequest, organisation: int | None = None) -> Status[SubmissionOut]:
    if organisation is None:
        raise Problem(422, "Paramètres invalides", "Indiquez l'organisation détentrice : ?organisation=<id>.")
    holder = Organisation.objects.filter(pk=organisation).first()
    if holder is None or not policies.can_upload_for(request.user, holder.pk):
        raise Problem(404, "Détenteur introuvable", "Vous ne pouvez pas envoyer de soumission pour cette organisation.")
    document = _document(request)
    try:
        incoming = from_json(document, channel=Channel.API, file_sha256=sha256(request.body))
        submission = actions.do_receive_submission(holder, incoming, acting_user=request.user)
    except SubmissionRefused as refusal:
        errors = [{"message": e} for e in refusal.errors]
        raise Problem(422, "Soumission refusée", refusal.message, errors=errors) from refusal
    except LinkageKeyMissing as error:
        raise Problem(503, "Clé de rapprochement indisponible", str(error)) from error
    return Status(201, _submission_out(submission))


def _run_input(request: HttpRequest) -> RunIn:
    try:
        return RunIn.model_validate_json(request.body or b"{}")
    except ValidationError as error:
        errors = [{"champ": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in error.errors()]
        raise Problem(422, "Paramètres invalides", "Seuils entre 0 et 1.", errors=errors) from error


_RUN_BODY = {"content": {"application/json": {"schema": RunIn.model_json_schema()}}}


@router.post("/runs", response={202: RunOut}, summary="Lancer un appariement de toutes les soumissions en vigueur",
             openapi_extra={"requestBody": _RUN_BODY})  # fmt: skip
@api_policy(capability(Cap.OBSERVATORY_LINK))
def start_run(request: HttpRequest) -> Status[RunOut]:
    payload = _run_input(request)
    try:
        run = actions.do_start_run(acting_user=request.user, **payload.model_dump())
    except PermissionDenied as error:
        raise Problem(403, "Accès refusé") from error
    except actions.RunRefused as refusal:
        raise Problem(422, "Appariement refusé", str(refusal)) from refusal
    run.refresh_from_db()
    return Status(202, _run_out(run))


@router.get("/runs/{run_id}", response=RunOut, summary="État et comptes d'un appariement")
@api_policy(RUNS)
def get_run(request: HttpRequest, run_id: int) -> RunOut:
    run = LinkageRun.objects.filter(pk=run_id).first()
    if run is None:
        raise Problem(404, "Appariement introuvable")
    return _run_out(run)
