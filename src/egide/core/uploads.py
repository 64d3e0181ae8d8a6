"""Uploaded files waiting between their validation report and the user's choice.

An import takes two steps: the upload, checked and reported row by row, then the choice
(import, import only the valid rows, cancel). Between the two the file waits under
MEDIA_ROOT/imports with a random name known only to the uploader's session; it is deleted
once imported or cancelled, and a file left behind is removed at a later upload.
"""

import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest

from egide.core import exchange as x

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
_MAX_AGE = 24 * 3600


def check_upload(upload: UploadedFile[bytes]) -> UploadedFile[bytes]:
    """Refuse, in French, a file too large or of a format the exchange does not read."""
    if (upload.size or 0) > x.MAX_FILE_BYTES:
        raise forms.ValidationError(f"Le fichier dépasse la taille maximale de {x.MAX_FILE_BYTES // 1024 // 1024} Mo.")
    try:
        x.file_format(upload.name or "", b"")
    except x.ExchangeError as exc:
        raise forms.ValidationError(str(exc)) from None
    return upload


@dataclass(frozen=True)
class PendingUpload:
    path: Path
    filename: str
    token: str
    extra: dict[str, Any]


class UploadStage:
    """The waiting file of one kind of import, one per session."""

    def __init__(self, session_key: str) -> None:
        self.session_key = session_key

    @staticmethod
    def directory() -> Path:
        return Path(settings.MEDIA_ROOT) / "imports"

    def pending(self, request: HttpRequest) -> PendingUpload | None:
        """Return this session's waiting file, if it is still there and belongs to this user."""
        info = request.session.get(self.session_key)
        if not isinstance(info, dict) or info.get("user") != request.user.pk:
            return None
        token, fmt = str(info.get("token", "")), str(info.get("format", ""))
        if not _TOKEN.match(token) or fmt not in x.FORMATS:
            return None
        path = self.directory() / f"{token}.{fmt}"
        if not path.is_file():
            return None
        return PendingUpload(path, str(info.get("filename", "")), token, dict(info.get("extra", {})))

    def discard(self, request: HttpRequest) -> None:
        pending = self.pending(request)
        if pending is not None:
            pending.path.unlink(missing_ok=True)
        request.session.pop(self.session_key, None)

    def store(self, request: HttpRequest, upload: UploadedFile[bytes], **extra: Any) -> None:
        """Keep the file for the confirmation step; `extra` (JSON values) comes back with it."""
        self.discard(request)
        directory = self.directory()
        directory.mkdir(parents=True, exist_ok=True)
        limit = time.time() - _MAX_AGE
        for stale in directory.glob("*.*"):
            if stale.stat().st_mtime < limit:
                stale.unlink(missing_ok=True)
        token, fmt = secrets.token_urlsafe(32), x.file_format(upload.name or "", b"")
        with (directory / f"{token}.{fmt}").open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        request.session[self.session_key] = {
            "user": request.user.pk, "token": token, "format": fmt, "extra": extra,
            "filename": Path(upload.name or "import").name[:200],
        }  # fmt: skip

    def confirmation(self, request: HttpRequest) -> tuple[PendingUpload, bool] | None:
        """Return the waiting file and whether only its valid rows are wanted.

        None, with a message to the user, when the report is stale or the import cancelled.
        """
        pending = self.pending(request)
        if pending is None or request.POST.get("token") != pending.token:
            messages.warning(request, "Ce rapport n'est plus valide : envoyez le fichier à nouveau.")
            return None
        choice = request.POST.get("choice")
        if choice not in {"import", "import_valid"}:
            self.discard(request)
            messages.info(request, "Import annulé : rien n'a été modifié.")
            return None
        return pending, choice == "import_valid"
