"""Public pages: what Égide is, where to find help, accessibility and data protection."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from egide.core.access import PUBLIC, route_policy
from egide.organisations.models import Organisation


@route_policy(PUBLIC)
def home(request: HttpRequest) -> HttpResponse:
    published = Organisation.objects.published()
    context = {
        "organisation_count": published.count(),
        "departement_count": published.values("departement").distinct().count(),
    }
    return render(request, "public/home.html", context)


@route_policy(PUBLIC)
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "public/accessibility.html")


@route_policy(PUBLIC)
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "public/privacy.html")
