"""Import and export pages of the directory.

An import takes two steps: the upload, checked and reported row by row, then the user's
choice (import, import only the valid rows, cancel). Between the two the file waits under
MEDIA_ROOT/imports with a random name known only to the uploader's session; it is deleted
once imported or cancelled, and validated again at confirmation.
"""

import re
import secrets
import time
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from egide.accounts.roles import Cap
from egide.core import exchange as x
from egide.core.access import capability, route_policy
from egide.core.iso import language_choices
from egide.organisations import exchange
from egide.organisations.forms import FilterForm
from egide.organisations.models import OrganisationLanguage

SESSION_KEY = "organisation_import"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
# A file left behind by an abandoned import is removed at the next upload.
_PENDING_MAX_AGE = 24 * 3600
IMPORT_POLICY = capability(Cap.ORGANISATION_IMPORT)


class UploadForm(forms.Form):
    file = forms.FileField(label="Fichier à importer")

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        if (upload.size or 0) > x.MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"Le fichier dépasse la taille maximale de {x.MAX_FILE_BYTES // 1024 // 1024} Mo."
            )
        try:
            x.file_format(upload.name or "", b"")
        except x.ExchangeError as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload


def _import_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _pending(request: HttpRequest) -> tuple[Path, str, str] | None:
    """Return the waiting file of this session (path, original name, token), if any."""
    info = request.session.get(SESSION_KEY)
    if not isinstance(info, dict) or info.get("user") != request.user.pk:
        return None
    token, fmt = str(info.get("token", "")), str(info.get("format", ""))
    if not _TOKEN.match(token) or fmt not in x.FORMATS:
        return None
    path = _import_dir() / f"{token}.{fmt}"
    return (path, str(info.get("filename", "")), token) if path.is_file() else None


def _discard(request: HttpRequest) -> None:
    pending = _pending(request)
    if pending is not None:
        pending[0].unlink(missing_ok=True)
    request.session.pop(SESSION_KEY, None)


def _remove_stale_files() -> None:
    limit = time.time() - _PENDING_MAX_AGE
    for path in _import_dir().glob("*.*"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _store(request: HttpRequest, upload: UploadedFile[bytes]) -> None:
    _discard(request)
    directory = _import_dir()
    directory.mkdir(parents=True, exist_ok=True)
    _remove_stale_files()
    token = secrets.token_urlsafe(32)
    fmt = x.file_format(upload.name or "", b"")
    with (directory / f"{token}.{fmt}").open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    request.session[SESSION_KEY] = {
        "user": request.user.pk,
        "token": token,
        "format": fmt,
        "filename": Path(upload.name or "import").name[:200],
    }


@route_policy(IMPORT_POLICY)
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """Receive the file, keep it for the next step, and show its report."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        _store(request, form.cleaned_data["file"])
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
    pending = _pending(request)
    if pending is None:
        messages.warning(request, "Aucun fichier en attente d'import : envoyez un fichier.")
        return redirect("organisations:import")
    path, filename, token = pending
    report = exchange.validate_file(path.read_bytes(), filename)
    return render(request, "organisations/import_report.html", {"report": report, "token": token})


@route_policy(IMPORT_POLICY)
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    """Import, import only the valid rows, or cancel; the file is validated again first."""
    pending = _pending(request)
    if pending is None or request.POST.get("token") != pending[2]:
        messages.warning(request, "Ce rapport n'est plus valide : envoyez le fichier à nouveau.")
        return redirect("organisations:import")
    choice = request.POST.get("choice")
    if choice not in {"import", "import_valid"}:
        _discard(request)
        messages.info(request, "Import annulé : rien n'a été modifié.")
        return redirect("organisations:import")
    path, filename, _ = pending
    report = exchange.validate_file(path.read_bytes(), filename)
    try:
        result = exchange.do_import_organisations(
            report, acting_user=request.user, import_valid_rows=choice == "import_valid"
        )
    except exchange.ImportRefused as exc:
        messages.error(request, str(exc))
        return redirect("organisations:import_report")
    _discard(request)
    return render(request, "organisations/import_done.html", {"result": result, "filename": filename})


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
