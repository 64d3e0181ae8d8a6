"""The public open-data page: published releases, their tables, files and methodology."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from egide.core.access import PUBLIC, route_policy
from egide.observatory.publication import selectors
from egide.observatory.publication.actions import info_of
from egide.observatory.publication.downloads import file_response
from egide.observatory.publication.tables import tables_from_json
from egide.observatory.publication.views import release_context
from egide.observatory.publication.writers import methodology_context

# The annual reports page of `egide.observatory.reports`, linked by path: that app may be absent.
REPORTS_PATH = "/donnees-ouvertes/rapports/"


@route_policy(PUBLIC)
@require_safe
def open_data(request: HttpRequest) -> HttpResponse:
    releases = list(selectors.public_releases())
    published = [r for r in releases if r.is_published]
    withdrawn = [r for r in releases if not r.is_published]
    return render(
        request,
        "publication/open_data.html",
        {"published": published, "withdrawn": withdrawn, "reports_path": REPORTS_PATH},
    )


@route_policy(PUBLIC)
@require_safe
def open_data_release(request: HttpRequest, release_id: int) -> HttpResponse:
    release = selectors.access_public_release(release_id)
    return render(request, "publication/open_data_release.html", release_context(release) | {"public": True})


@route_policy(PUBLIC)
@require_safe
def open_data_methodology(request: HttpRequest, release_id: int) -> HttpResponse:
    release = selectors.access_public_release(release_id)
    context = methodology_context(info_of(release), tables_from_json(release.tables)) | {"release": release}
    return render(request, "publication/methodology.html", context)


@route_policy(PUBLIC)
@require_safe
def open_data_file(request: HttpRequest, release_id: int, kind: str) -> HttpResponse:
    release = selectors.access_public_release(release_id)
    return file_response(selectors.release_file(release, kind, public=True))
