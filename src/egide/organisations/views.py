"""Pages of the directory: the public map, the directory, an organisation's page and its form."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_safe

from egide.accounts.roles import Cap
from egide.core.access import AUTHENTICATED, PUBLIC, capability, route_policy
from egide.core.iso import language_choices, language_name
from egide.organisations import actions, policies, selectors
from egide.organisations.forms import FilterForm, OrganisationForm
from egide.organisations.models import Organisation, OrganisationLanguage
from egide.organisations.static_map import departement_map
from egide.organisations.vocabulary import ExploitationForm, Service

PAGE_SIZE = 50
# Sent by the map's script to get the results list alone.
FRAGMENT_HEADER = "X-Egide-Fragment"


@dataclass(frozen=True)
class ResultRow:
    """An organisation as the results list shows it to this viewer."""

    organisation: Organisation
    location: selectors.Location | None
    services: list[str]

    @property
    def on_map(self) -> bool:
        loc = self.location
        return bool(loc and loc.exact and loc.latitude is not None and loc.longitude is not None)


def count_text(count: int) -> str:
    """Say how many organisations were found, in French.

    >>> count_text(0), count_text(1), count_text(23)
    ('Aucune organisation trouvée', '1 organisation trouvée', '23 organisations trouvées')
    """
    if count == 0:
        return "Aucune organisation trouvée"
    plural = "s" if count > 1 else ""
    return f"{count} organisation{plural} trouvée{plural}"


def _filter_form(request: HttpRequest) -> FilterForm:
    visible = selectors.visible_organisations(request.user)
    codes = OrganisationLanguage.objects.filter(organisation__in=visible).values_list("code", flat=True).distinct()
    return FilterForm(request.GET, languages=language_choices(codes))


def _results(request: HttpRequest, form: FilterForm) -> dict[str, Any]:
    """Search with the form's filters and return one page of results and its context."""
    organisations = selectors.search_organisations(request.user, form.filters())
    page: Page[Organisation] = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        ResultRow(org, selectors.location_for(request.user, org), [str(Service(c).label) for c in org.service_codes()])
        for org in page.object_list
    ]
    return {
        "form": form,
        "page": page,
        "rows": rows,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "query": form.query_string(),
        "count_text": count_text(page.paginator.count),
    }


def _search_page(request: HttpRequest, template: str, extra: dict[str, Any]) -> HttpResponse:
    context = _results(request, _filter_form(request)) | extra
    if request.headers.get(FRAGMENT_HEADER) == "results":
        response = render(request, "organisations/_results.html", context)
    else:
        response = render(request, template, context)
    patch_vary_headers(response, [FRAGMENT_HEADER])
    return response


@route_policy(PUBLIC)
@require_safe
def map_page(request: HttpRequest) -> HttpResponse:
    labels = {"services": dict(Service.choices)}
    return _search_page(request, "organisations/map.html", {"with_map": True, "labels": labels})


@route_policy(PUBLIC)
@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    user = request.user
    return _search_page(
        request,
        "organisations/directory.html",
        {
            "can_import": policies.can_import(user),
            "can_export": policies.can_export(user),
            "can_create": policies.can_create(user),
        },
    )


@route_policy(PUBLIC)
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.access_organisation(request.user, pk)
    location = selectors.location_for(request.user, org)
    static_map = None
    if location and location.exact and location.latitude is not None and location.longitude is not None:
        static_map = departement_map(org.departement.geometry, location.latitude, location.longitude)
    context = {
        "org": org,
        "location": location,
        "static_map": static_map,
        "services": [Service(c).label for c in org.service_codes()],
        "exploitation_forms": [ExploitationForm(c).label for c in org.exploitation_form_codes()],
        "languages": sorted(language_name(c) for c in org.language_codes()),
        "approval_expires_on": org.exit_pathway_approval_expires_on,
        "approval_valid": org.exit_pathway_approved(),
        "can_edit": policies.can_edit(request.user, org),
    }
    return render(request, "organisations/detail.html", context)


def _data(form: OrganisationForm) -> actions.OrganisationData:
    return actions.OrganisationData(
        fields=form.organisation_fields(),
        services=form.cleaned_data["services"],
        exploitation_forms=form.cleaned_data["exploitation_forms"],
        languages=form.cleaned_data["languages"],
    )


def _render_form(request: HttpRequest, form: OrganisationForm, org: Organisation | None) -> HttpResponse:
    return render(request, "organisations/form.html", {"form": form, "org": org})


@route_policy(AUTHENTICATED)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit an organisation; whether this user may edit this one is the object policy's call."""
    org = selectors.access_organisation_for_edit(request.user, pk)
    form = OrganisationForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        changed = actions.do_update_organisation(org, _data(form), acting_user=request.user)
        if changed:
            messages.success(request, "Fiche mise à jour")
        else:
            messages.info(request, "Aucune modification : la fiche est inchangée.")
        return redirect("organisations:detail", pk=org.pk)
    return _render_form(request, form, org)


@route_policy(capability(Cap.ORGANISATION_CREATE))
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        org = actions.do_create_organisation(_data(form), acting_user=request.user)
        messages.success(request, "Organisation créée")
        return redirect("organisations:detail", pk=org.pk)
    return _render_form(request, form, None)
