"""Import and export pages of the directory.

An import takes two steps, the upload and its report then the user's choice
(`egide.core.uploads`); the file is validated again at confirmation.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from egide.accounts.roles import Cap
from egide.core import exchange as x
from egide.core.access import capability, route_policy
from egide.core.iso import language_choices
from egide.core.uploads import UploadStage, check_upload
from egide.organisations import exchange
from egide.organisations.forms import FilterForm
from egide.organisations.models import OrganisationLanguage

STAGE = UploadStage("organisation_import")
IMPORT_POLICY = capability(Cap.ORGANISATION_IMPORT)


class UploadForm(forms.Form):
    file = forms.FileField(label="Fichier à importer")

    def clean_file(self) -> UploadedFile[bytes]:
        return check_upload(self.cleaned_data["file"])


@route_policy(IMPORT_POLICY)
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """Receive the file, keep it for the next step, and show its report."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        STAGE.store(request, form.cleaned_data["file"])
        return redirect("organisations:import_report")
    context = {
        "form": form,
        "columns": exchange.COLUMNS,
        "max_mb": x.MAX_FILE_BYTES // 1024 // 1024,
        "max_rows": x.MAX_ROWS,
    }
    return render(request, "organisations/import.html", context)


@route_policy(IMPORT_POLICY)
@require_GET
def import_report(request: HttpRequest) -> HttpResponse:
    pending = STAGE.pending(request)
    if pending is None:
        messages.warning(request, "Aucun fichier en attente d'import : envoyez un fichier.")
        return redirect("organisations:import")
    report = exchange.validate_file(pending.path.read_bytes(), pending.filename)
    return render(request, "organisations/import_report.html", {"report": report, "token": pending.token})


@route_policy(IMPORT_POLICY)
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    """Import, import only the valid rows, or cancel; the file is validated again first."""
    confirmed = STAGE.confirmation(request)
    if confirmed is None:
        return redirect("organisations:import")
    pending, valid_rows_only = confirmed
    report = exchange.validate_file(pending.path.read_bytes(), pending.filename)
    try:
        result = exchange.do_import_organisations(report, acting_user=request.user, import_valid_rows=valid_rows_only)
    except exchange.ImportRefused as exc:
        messages.error(request, str(exc))
        return redirect("organisations:import_report")
    STAGE.discard(request)
    return render(request, "organisations/import_done.html", {"result": result, "filename": pending.filename})


def _filters(request: HttpRequest) -> Any:
    codes = OrganisationLanguage.objects.values_list("code", flat=True).distinct()
    return FilterForm(request.GET, languages=language_choices(codes)).filters()


@route_policy(capability(Cap.ORGANISATION_EXPORT))
@require_GET
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Download the organisations the user may see, with the directory's filters."""
    if fmt not in x.FORMATS:
        raise Http404("Format d'export inconnu.")
    result = exchange.export_organisations(request.user, _filters(request), fmt)
    response = HttpResponse(result.content, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    response["Cache-Control"] = "no-store"
    return response
