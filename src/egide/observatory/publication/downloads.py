"""Serve a release file as an attachment, with its checksum in a header."""

from django.http import HttpResponse

from egide.observatory.publication.models import ReleaseFile
from egide.observatory.publication.vocabulary import CONTENT_TYPES, FileKind


def file_response(release_file: ReleaseFile) -> HttpResponse:
    response = HttpResponse(bytes(release_file.content), content_type=CONTENT_TYPES[FileKind(release_file.kind)])
    response["Content-Disposition"] = f'attachment; filename="{release_file.name}"'
    response["Digest"] = f"sha-256={release_file.sha256}"
    response["X-Content-Type-Options"] = "nosniff"
    return response
