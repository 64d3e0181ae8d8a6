"""Reads of the directory, always scoped to the acting user."""

import datetime
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from egide.accounts.roles import Cap
from egide.core.text import fold
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
    # A département's boundary is large and never shown with an organisation.
    return (
        qs.select_related("departement", "commune")
        .defer("departement__geometry")
        .prefetch_related(
            Prefetch("services", queryset=OrganisationService.objects.only("organisation_id", "code")),
            Prefetch(
                "exploitation_forms", queryset=OrganisationExploitationForm.objects.only("organisation_id", "code")
            ),
            Prefetch("languages", queryset=OrganisationLanguage.objects.only("organisation_id", "code")),
        )
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
            latitude__gte=south,
            latitude__lte=north,
            longitude__gte=west,
            longitude__lte=east,
        )
    return qs


def visible_organisations(user: Any) -> QuerySet[Organisation]:
    """Published organisations for everyone; unpublished ones too for directory users."""
    qs = Organisation.objects.filter(is_active=True)
    if not (user.is_authenticated and user.has_capability(Cap.DIRECTORY_VIEW)):
        qs = qs.filter(Q(is_published=True))
    return qs


def search_organisations(user: Any, filters: OrganisationFilters) -> QuerySet[Organisation]:
    """Return the organisations `user` may find with `filters`, with their related rows, by name."""
    return _with_relations(matching_organisations(user, filters)).order_by("name", "pk")


def matching_organisations(user: Any, filters: OrganisationFilters) -> QuerySet[Organisation]:
    """Return the organisations `user` may find with `filters`, unordered and without related rows.

    For reads that fetch columns (`values()`) and count. An organisation whose département
    the viewer may not see is not found by its département either.
    """
    qs = apply_filters(visible_organisations(user), filters).order_by()
    if filters.departement and (placed := policies.location_viewer(user).placed_condition()) is not None:
        qs = qs.filter(placed)
    return qs


CODE_MODELS: dict[str, type[Any]] = {
    "services": OrganisationService,
    "exploitation_forms": OrganisationExploitationForm,
    "languages": OrganisationLanguage,
}


def code_lists(organisation_ids: Collection[int]) -> dict[str, dict[int, list[str]]]:
    """Return, per code table of `CODE_MODELS`, the sorted codes of each of these organisations.

    One query for the three tables, none without ids. Written in SQL: for a page of
    organisations, the ORM's handling of the list of ids costs several times the query
    itself, on the API's busiest path. The SQL is plain (UNION ALL, IN), for every database.
    """
    lists: dict[str, dict[int, list[str]]] = {name: {} for name in CODE_MODELS}
    ids = [int(pk) for pk in organisation_ids]
    if not ids:
        return lists
    quote, placeholders = connection.ops.quote_name, ", ".join(["%s"] * len(ids))
    selects = []
    for index, model in enumerate(CODE_MODELS.values()):
        organisation, code = (quote(model._meta.get_field(name).column) for name in ("organisation", "code"))
        # Identifiers come from the models, values are parameters: nothing from the request is spliced in.
        selects.append(
            f"SELECT {index}, {organisation}, {code} FROM {quote(model._meta.db_table)} "  # noqa: S608
            f"WHERE {organisation} IN ({placeholders})"
        )
    names = list(CODE_MODELS)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), ids * len(selects))
        for index, organisation_id, code in cursor.fetchall():
            lists[names[index]].setdefault(organisation_id, []).append(code)
    for by_organisation in lists.values():
        _sort_each(by_organisation)
    return lists


def _sort_each(codes: dict[int, list[str]]) -> None:
    # Sorted by Python, as `Organisation.service_codes()` does: a database collation may order
    # "_" differently.
    for values in codes.values():
        values.sort()


def service_codes(organisations: QuerySet[Organisation]) -> dict[int, list[str]]:
    """Return the sorted service codes of each organisation of `organisations` (a sub-query: any size)."""
    codes: dict[int, list[str]] = {}
    rows = OrganisationService.objects.filter(organisation__in=organisations.values("pk"))
    for organisation_id, code in rows.values_list("organisation_id", "code"):
        codes.setdefault(organisation_id, []).append(code)
    _sort_each(codes)
    return codes


class DirectoryVersion(NamedTuple):
    """Changes whenever an organisation is created, changed or deleted (see `directory_version`)."""

    latest_change: datetime.datetime | None
    organisations: int


def directory_version() -> DirectoryVersion:
    """Return the latest `updated_at` and the number of organisations.

    Writes go through `actions.apply_organisation_data`, which stamps `updated_at` on every
    change (code lists included); the count catches deletions. Two queries, each answered
    from an index: together in one statement, they would scan the table.
    """
    latest = Organisation.objects.order_by().aggregate(latest=Max("updated_at"))["latest"]
    return DirectoryVersion(latest, Organisation.objects.order_by().count())


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


# The columns `locate` reads, as named by `QuerySet.values()` on Organisation.
LOCATION_FIELDS = (
    "id",
    "address_visibility",
    "address",
    "postcode",
    "commune__name",
    "departement_id",
    "departement__name",
    "latitude",
    "longitude",
)


def locate(viewer: policies.LocationViewer, row: Mapping[str, Any]) -> Location | None:
    """Return the location this viewer may see of an organisation given as a row of `LOCATION_FIELDS`.

    Exact when the viewer may see it, the département alone for a confidential address,
    nothing for an organisation without any public location.
    """
    if viewer.sees_exact(row["id"], row["address_visibility"]):
        return Location(
            True,
            row["address"],
            row["postcode"],
            row["commune__name"] or "",
            row["departement_id"],
            row["departement__name"],
            row["latitude"],
            row["longitude"],
        )
    if row["address_visibility"] == AddressVisibility.DEPARTEMENT:
        return Location(False, "", "", "", row["departement_id"], row["departement__name"], None, None)
    return None


def location_row(organisation: Organisation) -> dict[str, Any]:
    """Return an organisation instance's `LOCATION_FIELDS`, for `locate`."""
    return {
        "id": organisation.pk,
        "address_visibility": organisation.address_visibility,
        "address": organisation.address,
        "postcode": organisation.postcode,
        "commune__name": organisation.commune.name if organisation.commune else None,
        "departement_id": organisation.departement.code,
        "departement__name": organisation.departement.name,
        "latitude": organisation.latitude,
        "longitude": organisation.longitude,
    }


def location_for(user: Any, organisation: Organisation) -> Location | None:
    """Return the location this viewer may see: exact, département only, or none."""
    return locate(policies.location_viewer(user), location_row(organisation))
