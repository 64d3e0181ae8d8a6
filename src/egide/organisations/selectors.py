"""Reads of the directory, always scoped to the acting user."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from egide.core.text import fold
from egide.accounts.roles import Cap
from egide.organisations import policies
from egide.organisations.models import (
    Organisation,
    OrganisationExploitationForm,
    OrganisationLanguage,
    OrganisationService,
)
from egide.organisations.vocabulary import AddressVisibility, Service


@dataclass(frozen=True)
class OrganisationFilters:
    """The directory's filters; every one is optional."""

    q: str = ""
    service: str = ""
    exploitation_form: str = ""
    language: str = ""
    minors: bool | None = None
    departement: str = ""
    kind: str = ""
    # (south, west, north, east) in degrees.
    bbox: tuple[float, float, float, float] | None = None


def _with_relations(qs: QuerySet[Organisation]) -> QuerySet[Organisation]:
    return qs.select_related("departement", "commune").prefetch_related(
        Prefetch("services", queryset=OrganisationService.objects.only("organisation_id", "code")),
        Prefetch("exploitation_forms", queryset=OrganisationExploitationForm.objects.only("organisation_id", "code")),
        Prefetch("languages", queryset=OrganisationLanguage.objects.only("organisation_id", "code")),
    )


def _has(model: type[Any], code: str) -> Exists:
    return Exists(model.objects.filter(organisation=OuterRef("pk"), code=code))


def apply_filters(qs: QuerySet[Organisation], f: OrganisationFilters) -> QuerySet[Organisation]:
    """Filter with EXISTS sub-queries, so that rows are never duplicated by the joins."""
    for word in fold(f.q).split():
        qs = qs.filter(search_text__contains=word)
    if f.service:
        qs = qs.filter(_has(OrganisationService, f.service))
    if f.exploitation_form:
        qs = qs.filter(_has(OrganisationExploitationForm, f.exploitation_form))
    if f.language:
        qs = qs.filter(_has(OrganisationLanguage, f.language))
    if f.minors is True:
        qs = qs.filter(_has(OrganisationService, Service.MINORS))
    elif f.minors is False:
        qs = qs.exclude(_has(OrganisationService, Service.MINORS))
    if f.departement:
        qs = qs.filter(departement_id=f.departement)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.bbox:
        south, west, north, east = f.bbox
        # Only exact public positions are filtered by the box; confidential ones have none.
        qs = qs.filter(
            address_visibility=AddressVisibility.PUBLIC,
            latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east,
        )
    return qs


def visible_organisations(user: Any) -> QuerySet[Organisation]:
    """Published organisations for everyone; unpublished ones too for directory users."""
    qs = Organisation.objects.filter(is_active=True)
    if not (user.is_authenticated and user.has_capability(Cap.DIRECTORY_VIEW)):
        qs = qs.filter(Q(is_published=True))
    return qs


def search_organisations(user: Any, filters: OrganisationFilters) -> QuerySet[Organisation]:
    return _with_relations(apply_filters(visible_organisations(user), filters)).order_by("name", "pk")


def access_organisation(user: Any, organisation_id: int) -> Organisation:
    """Return an organisation the user may see, or 404 alike for missing and hidden ones."""
    try:
        return _with_relations(visible_organisations(user)).get(pk=organisation_id)
    except Organisation.DoesNotExist:
        raise Http404("Organisation introuvable.") from None


def access_organisation_for_edit(user: Any, organisation_id: int) -> Organisation:
    """Return an organisation the user may edit, or 404 alike for missing and forbidden ones."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None or not policies.can_edit(user, organisation):
        raise Http404("Organisation introuvable.")
    return organisation


@dataclass(frozen=True)
class Location:
    """Where an organisation may be shown to a given viewer."""

    exact: bool
    address: str
    postcode: str
    commune: str
    departement_code: str
    departement_name: str
    latitude: float | None
    longitude: float | None


def location_for(user: Any, organisation: Organisation) -> Location | None:
    """Return the location this viewer may see: exact, département only, or none."""
    dep = organisation.departement
    if policies.can_view_confidential_location(user, organisation):
        return Location(
            True, organisation.address, organisation.postcode,
            organisation.commune.name if organisation.commune else "",
            dep.code, dep.name, organisation.latitude, organisation.longitude,
        )
    if organisation.address_visibility == AddressVisibility.DEPARTEMENT:
        return Location(False, "", "", "", dep.code, dep.name, None, None)
    return None
