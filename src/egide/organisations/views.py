from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from egide.core.access import PUBLIC, route_policy


@route_policy(PUBLIC)
def map_page(request: HttpRequest) -> HttpResponse:
    return render(request, "egide/base.html")


@route_policy(PUBLIC)
def directory(request: HttpRequest) -> HttpResponse:
    return render(request, "egide/base.html")
