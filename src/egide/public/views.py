"""Public pages: what Égide is, where to find help, accessibility and data protection."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from egide.core.access import PUBLIC, route_policy
from egide.organisations.models import Organisation


@route_policy(PUBLIC)
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    published = Organisation.objects.published()
    context = {
        "organisation_count": published.count(),
        "departement_count": published.values("departement").distinct().count(),
    }
    return render(request, "public/home.html", context)


@route_policy(PUBLIC)
@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "public/accessibility.html")


@route_policy(PUBLIC)
@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "public/privacy.html")
