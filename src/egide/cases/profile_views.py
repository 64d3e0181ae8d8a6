"""Pages of the case profile and its events, the consent texts, and the HTCDS exchange."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from egide.accounts.roles import Cap
from egide.cases import policies, profile, selectors
from egide.cases.htcds import export as htcds_export
from egide.cases.htcds import importing as htcds_import
from egide.cases.htcds import mapping
from egide.cases.models import Case, CaseEvent, ConsentText
from egide.cases.profile_forms import DeleteEventForm, EventForm, ProfileForm
from egide.cases.vocabulary import ConsentPurpose
from egide.core import exchange as x
from egide.core.access import capability, route_policy
from egide.core.uploads import PendingUpload, UploadStage, check_upload
from egide.organisations.models import Organisation


def _editable_case(request: HttpRequest, case_id: int) -> Case:
    case = selectors.access_case(request.user, case_id)
    if not policies.can_edit(request.user, case):
        raise Http404("Dossier introuvable")
    return case


def _render_profile(request: HttpRequest, case_id: int, form: ProfileForm, event_form: EventForm) -> HttpResponse:
    # Showing the profile is a read of the case like any other.
    case = selectors.read_case(request.user, case_id)
    return render(request, "cases/profile_form.html", {
        "case": case, "form": form, "event_form": event_form, "profile": profile.profile_display(case),
    })  # fmt: skip


@route_policy(capability(Cap.CASE_CREATE))
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _editable_case(request, case_id)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            changed = profile.do_update_profile(case, form.profile(), acting_user=request.user)
            messages.success(request, "Profil enregistré." if changed else "Profil inchangé.")
            return redirect("cases:case_detail", case_id=case.pk)
    else:
        form = ProfileForm(initial=ProfileForm.initial_for(profile.profile_data_of(case)))
    return _render_profile(request, case_id, form, EventForm())


@route_policy(capability(Cap.CASE_CREATE))
@require_POST
def event_add(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _editable_case(request, case_id)
    event_form = EventForm(request.POST)
    if event_form.is_valid():
        try:
            profile.do_add_event(case, event_form.event(), acting_user=request.user)
        except profile.ProfileError as error:
            for name, message in error.errors.items():
                event_form.add_error(name, message)
        else:
            messages.success(request, "Étape ajoutée.")
            return redirect("cases:profile_edit", case_id=case.pk)
    form = ProfileForm(initial=ProfileForm.initial_for(profile.profile_data_of(case)))
    return _render_profile(request, case_id, form, event_form)


@route_policy(capability(Cap.CASE_CREATE))
@require_POST
def event_delete(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _editable_case(request, case_id)
    form = DeleteEventForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez l'étape à supprimer.")
        return redirect("cases:profile_edit", case_id=case.pk)
    event = CaseEvent.objects.filter(case=case, pk=form.cleaned_data["event"]).first()
    if event is None:
        raise Http404("Étape introuvable")
    profile.do_delete_event(event, acting_user=request.user)
    messages.success(request, "Étape supprimée.")
    return redirect("cases:profile_edit", case_id=case.pk)


@route_policy(capability(Cap.CASE_VIEW))
@require_GET
def consent_texts(request: HttpRequest) -> HttpResponse:
    """Every version of the consent texts, by purpose, the one in force marked."""
    texts = list(ConsentText.objects.order_by("purpose", "-version"))
    purposes = [(label, [t for t in texts if t.purpose == code]) for code, label in ConsentPurpose.choices]
    return render(request, "cases/consent_texts.html", {"purposes": purposes})


# HTCDS exchange ---------------------------------------------------------------------------

EXCHANGE_POLICY = capability(Cap.CASE_HTCDS_EXCHANGE)
STAGE = UploadStage("htcds_import")


@route_policy(EXCHANGE_POLICY)
@require_GET
def htcds_export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    """Download the cases of the user's organisations in the HTCDS v2.0 layout."""
    if fmt not in x.FORMATS:
        raise Http404("Format d'export inconnu.")
    result = htcds_export.export_htcds(request.user, fmt)
    response = HttpResponse(result.content, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    response["Cache-Control"] = "no-store"
    return response


class HtcdsUploadForm(forms.Form):
    file = forms.FileField(label="Fichier HTCDS à importer")
    organisation = forms.TypedChoiceField(label="Organisation", coerce=int,
                                          widget=forms.Select(attrs={"class": "fr-select"}))  # fmt: skip

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = organisations
        if len(organisations) == 1:
            field.initial = organisations[0][0]
            field.widget = forms.HiddenInput()

    def clean_file(self) -> UploadedFile[bytes]:
        return check_upload(self.cleaned_data["file"])


def _organisations(request: HttpRequest) -> list[tuple[int, str]]:
    allowed = set(htcds_export.exchange_organisations(request.user))
    allowed &= set(policies.organisation_ids(request.user, Cap.CASE_CREATE))
    return list(Organisation.objects.filter(pk__in=allowed).order_by("name").values_list("pk", "name"))


def _pending(request: HttpRequest) -> tuple[PendingUpload, Organisation] | None:
    """Return the waiting file and its organisation, while the user may still import there."""
    pending = STAGE.pending(request)
    org_id = pending.extra.get("organisation") if pending else None
    if pending is None or org_id not in dict(_organisations(request)):
        return None
    return pending, Organisation.objects.get(pk=org_id)


@route_policy(EXCHANGE_POLICY)
@require_http_methods(["GET", "POST"])
def htcds_import_upload(request: HttpRequest) -> HttpResponse:
    """Receive the file, keep it for the next step, and show its report."""
    choices = _organisations(request)
    if not choices:
        raise Http404("Aucune organisation où importer.")
    form = HtcdsUploadForm(request.POST or None, request.FILES or None, organisations=choices)
    if request.method == "POST" and form.is_valid():
        STAGE.store(request, form.cleaned_data["file"], organisation=form.cleaned_data["organisation"])
        return redirect("cases:htcds_import_report")
    return render(request, "cases/htcds_import.html", {
        "form": form, "columns": mapping.CASE_COLUMNS, "max_mb": x.MAX_FILE_BYTES // 1024 // 1024,
    })  # fmt: skip


@route_policy(EXCHANGE_POLICY)
@require_GET
def htcds_import_report(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        messages.warning(request, "Aucun fichier en attente d'import : envoyez un fichier.")
        return redirect("cases:htcds_import")
    upload, organisation = pending
    report = htcds_import.validate_htcds(upload.path.read_bytes(), upload.filename, organisation)
    return render(request, "cases/htcds_import_report.html", {
        "report": report, "token": upload.token, "organisation": organisation,
    })  # fmt: skip


@route_policy(EXCHANGE_POLICY)
@require_POST
def htcds_import_confirm(request: HttpRequest) -> HttpResponse:
    """Import, import only the valid rows, or cancel; the file is validated again first."""
    confirmed = STAGE.confirmation(request)
    pending = _pending(request) if confirmed else None
    if confirmed is None or pending is None:
        return redirect("cases:htcds_import")
    upload, organisation = pending
    report = htcds_import.validate_htcds(upload.path.read_bytes(), upload.filename, organisation)
    try:
        result = htcds_import.do_import_htcds(report, acting_user=request.user, import_valid_rows=confirmed[1])
    except htcds_import.ImportRefused as exc:
        messages.error(request, str(exc))
        return redirect("cases:htcds_import_report")
    STAGE.discard(request)
    return render(request, "cases/htcds_import_done.html", {"result": result, "filename": upload.filename})
