"""Import and export pages. Being written by the exchange slice."""

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden

from egide.accounts.roles import Cap
from egide.core.access import capability, route_policy


@route_policy(capability(Cap.ORGANISATION_IMPORT))
def import_upload(request: HttpRequest) -> HttpResponse:
    return HttpResponseForbidden()


@route_policy(capability(Cap.ORGANISATION_EXPORT))
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    return HttpResponseForbidden()
