"""Pages of the observatory's submissions: send from the case files, upload, survey, list, detail."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from egide.accounts.roles import Cap
from egide.core.access import capability, route_policy
from egide.core.uploads import UploadStage
from egide.observatory import actions, policies, selectors, survey
from egide.observatory.forms import EncodedUploadForm, HolderYearForm, SubmissionFilterForm, SurveyUploadForm
from egide.observatory.incoming import SubmissionRefused, read_encoded_upload, sha256
from egide.observatory.keys import LinkageKeyMissing
from egide.observatory.models import Submission
from egide.observatory.vocabulary import Channel
from egide.organisations.models import Organisation
from egide_analytics.submission import VARIABLES

ANY_ROLE = capability(
    Cap.OBSERVATORY_SUBMIT, Cap.OBSERVATORY_SUBMISSIONS_MANAGE, Cap.OBSERVATORY_LINK, Cap.OBSERVATORY_VIEW
)
SUBMIT = capability(Cap.OBSERVATORY_SUBMIT)
UPLOAD = capability(Cap.OBSERVATORY_SUBMIT, Cap.OBSERVATORY_SUBMISSIONS_MANAGE)
SURVEY_STAGE = UploadStage("observatory_survey")


def _upload_holders(user: Any) -> QuerySet[Organisation]:
    """Holders the user may upload for: any organisation for the statistician, else their own."""
    if policies.can_manage(user):
        return Organisation.objects.order_by("name")
    return Organisation.objects.filter(pk__in=policies.submitting_organisation_ids(user)).order_by("name")


@route_policy(ANY_ROLE)
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(request, "observatory/home.html", {
        "can_submit": bool(policies.submitting_organisation_ids(user)),
        "can_upload": policies.can_manage(user) or bool(policies.submitting_organisation_ids(user)),
        "can_link": policies.can_link(user),
        "can_view_all": policies.can_view_all(user),
    })  # fmt: skip


@route_policy(SUBMIT)
@require_http_methods(["GET", "POST"])
def submit_year(request: HttpRequest) -> HttpResponse:
    """Choose the year, see what would be sent (counts only), and send it."""
    holders = Organisation.objects.filter(pk__in=policies.submitting_organisation_ids(request.user)).order_by("name")
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = HolderYearForm(data, organisations=holders, initial={"organisation": holders.first()})
    selection = None
    if form.is_valid():
        organisation, year = form.cleaned_data["organisation"], form.cleaned_data["year"]
        if request.method == "POST":
            try:
                submission = actions.do_submit_year(organisation, year, acting_user=request.user)
            except (SubmissionRefused, LinkageKeyMissing) as error:
                messages.error(request, str(error))
            else:
                messages.success(request, f"Soumission {year} transmise : {submission.record_count} personne(s).")
                return redirect("observatory:submission_detail", submission_id=submission.pk)
        selection = actions.select_cases(organisation, year)
    return render(request, "observatory/submit.html", {"form": form, "selection": selection})


@route_policy(ANY_ROLE)
@require_safe
def submission_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    holders = Organisation.objects.order_by("name") if policies.can_view_all(user) else _upload_holders(user)
    form = SubmissionFilterForm(request.GET or None, organisations=holders)
    filters = selectors.SubmissionFilters()
    if form.is_valid():
        org = form.cleaned_data["organisation"]
        filters = selectors.SubmissionFilters(
            year=form.cleaned_data["year"],
            organisation_id=org.pk if org else None,
            channel=Channel(form.cleaned_data["channel"]) if form.cleaned_data["channel"] else None,
            include_inactive=form.cleaned_data["inactive"],
        )
    submissions = selectors.search_submissions(filters)
    if not policies.can_view_all(user):
        submissions = submissions.filter(organisation_id__in=policies.submitting_organisation_ids(user))
    page = Paginator(submissions, 50).get_page(request.GET.get("page"))
    return render(request, "observatory/submission_list.html", {"form": form, "page": page})


def _submission_for(request: HttpRequest, pk: int) -> Submission:
    submission = get_object_or_404(Submission.objects.select_related("organisation", "submitted_by"), pk=pk)
    if not policies.can_view_submission(request.user, submission):
        raise Http404("Soumission introuvable.")
    return submission


def _variable_summary(submission: Submission) -> list[dict[str, Any]]:
    """Count each code of each variable over the submission's records (codes only, no record)."""
    counts: dict[str, dict[str, int]] = {v.name: {} for v in VARIABLES}
    for variables in submission.records.values_list("variables", flat=True):
        for name, value in variables.items():
            for code in value if isinstance(value, list) else [value]:
                counts.setdefault(name, {})[code] = counts.get(name, {}).get(code, 0) + 1
    return [
        {"title": v.title, "rows": sorted(((v.label(c), n) for c, n in counts[v.name].items()), key=lambda r: -r[1])}
        for v in VARIABLES
        if counts.get(v.name)
    ]


@route_policy(ANY_ROLE)
@require_safe
def submission_detail(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = _submission_for(request, submission_id)
    return render(request, "observatory/submission_detail.html", {
        "submission": submission,
        "summary": _variable_summary(submission),
        "can_withdraw": policies.can_withdraw(request.user, submission),
    })  # fmt: skip


@route_policy(UPLOAD)
@require_POST
def submission_withdraw(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = _submission_for(request, submission_id)
    reason = request.POST.get("reason", "").strip()[:500]
    if not reason:
        messages.error(request, "Indiquez le motif du retrait : rien n'a été modifié.")
        return redirect("observatory:submission_detail", submission_id=submission.pk)
    try:
        actions.do_withdraw_submission(submission, acting_user=request.user, reason=reason)
    except SubmissionRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Soumission retirée : elle ne comptera plus dans les prochains appariements.")
    return redirect("observatory:submission_detail", submission_id=submission.pk)


@route_policy(UPLOAD)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """Receive an `egide encode` file or a JSON submission for a holder."""
    form = EncodedUploadForm(request.POST or None, request.FILES or None, organisations=_upload_holders(request.user))
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        organisation, year = form.cleaned_data["organisation"], form.cleaned_data["year"]
        channel = Channel.API if upload_file.name.lower().endswith(".json") else Channel.ENCODED_FILE
        try:
            incoming = read_encoded_upload(upload_file.read(), upload_file.name, year=year, channel=channel)
            submission = actions.do_receive_submission(organisation, incoming, acting_user=request.user)
        except (SubmissionRefused, LinkageKeyMissing) as error:
            messages.error(request, str(error))
            errors = list(getattr(error, "errors", []))
        else:
            messages.success(request, f"Fichier reçu : {submission.record_count} enregistrement(s).")
            return redirect("observatory:submission_detail", submission_id=submission.pk)
    return render(request, "observatory/upload.html", {"form": form, "errors": errors})


@route_policy(UPLOAD)
@require_safe
def survey_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        survey.survey_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="egide-enquete-traite.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


@route_policy(UPLOAD)
@require_http_methods(["GET", "POST"])
def survey_upload(request: HttpRequest) -> HttpResponse:
    form = SurveyUploadForm(request.POST or None, request.FILES or None, organisations=_upload_holders(request.user))
    if request.method == "POST" and form.is_valid():
        SURVEY_STAGE.store(
            request, form.cleaned_data["file"], organisation=form.cleaned_data["organisation"].pk,
            year=form.cleaned_data["year"], fingerprint=form.cleaned_data["fingerprint"].strip().lower(),
        )  # fmt: skip
        return redirect("observatory:survey_report")
    return render(request, "observatory/survey_upload.html", {"form": form})


def _pending_survey(request: HttpRequest) -> tuple[Any, survey.SurveyReport, Organisation] | None:
    pending = SURVEY_STAGE.pending(request)
    if pending is None:
        return None
    organisation = _upload_holders(request.user).filter(pk=int(pending.extra.get("organisation") or 0)).first()
    if organisation is None:
        return None
    report = survey.read_survey(pending.path.read_bytes(), fingerprint=str(pending.extra.get("fingerprint", "")))
    return pending, report, organisation


@route_policy(UPLOAD)
@require_safe
def survey_report(request: HttpRequest) -> HttpResponse:
    found = _pending_survey(request)
    if found is None:
        messages.warning(request, "Aucun tableur en attente : envoyez le fichier.")
        return redirect("observatory:survey_upload")
    pending, report, organisation = found
    return render(request, "observatory/survey_report.html", {
        "report": report, "token": pending.token, "organisation": organisation,
        "year": pending.extra.get("year"), "filename": pending.filename,
    })  # fmt: skip


@route_policy(UPLOAD)
@require_POST
def survey_confirm(request: HttpRequest) -> HttpResponse:
    """Import, import the valid rows only, or cancel; the file is validated again first."""
    confirmed = SURVEY_STAGE.confirmation(request)
    found = _pending_survey(request) if confirmed is not None else None
    if confirmed is None or found is None:
        return redirect("observatory:survey_upload")
    pending, report, organisation = found
    valid_only = confirmed[1]
    if report.blocking or (report.has_errors and not valid_only):
        messages.error(request, "Le tableur contient des erreurs : rien n'a été importé.")
        return redirect("observatory:survey_report")
    data = pending.path.read_bytes()
    try:
        incoming = report.incoming(int(pending.extra["year"]), file_sha256=sha256(data))
        submission = actions.do_receive_submission(organisation, incoming, acting_user=request.user)
    except (SubmissionRefused, LinkageKeyMissing) as error:
        messages.error(request, str(error))
        return redirect("observatory:survey_report")
    SURVEY_STAGE.discard(request)
    messages.success(request, f"Tableur importé : {submission.record_count} personne(s) et les agrégats.")
    return redirect("observatory:submission_detail", submission_id=submission.pk)
