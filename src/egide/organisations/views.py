"""Directory and map pages. Being written by the map slice."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from egide.accounts.roles import Cap
from egide.core.access import AUTHENTICATED, PUBLIC, capability, route_policy


@route_policy(PUBLIC)
def map_page(request: HttpRequest) -> HttpResponse:
    return render(request, "egide/base.html")


@route_policy(PUBLIC)
def directory(request: HttpRequest) -> HttpResponse:
    return render(request, "egide/base.html")


@route_policy(PUBLIC)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "egide/base.html")


@route_policy(AUTHENTICATED)
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "egide/base.html")


@route_policy(capability(Cap.ORGANISATION_CREATE))
def create(request: HttpRequest) -> HttpResponse:
    return render(request, "egide/base.html")
