"""API of the directory (mounted at `/api/v1/organisations` by `egide.api`).

The public sees published organisations and never a confidential location; logged-in
directory users see unpublished ones too, and confidential locations where their role or
membership allows it (`policies.LocationViewer`).

The list and the markers are read as rows (`values()`) and serialised with `json.dumps`:
building model instances and validating the response through the schemas cost several
times the SQL. They are returned as `HttpResponse`, which django-ninja does not validate;
the schemas still document them in OpenAPI, and the tests validate real responses against
them. The public markers, the heaviest response, are also built once per version of the
directory (`selectors.directory_version`) and revalidated with `ETag` and `Last-Modified`.
"""

import datetime
import functools
import hashlib
import json
import time
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.gzip import re_accepts_gzip
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.utils.text import compress_string
from django.views.decorators.gzip import gzip_page
from ninja import Query, Router

from egide.core.access import PUBLIC
from egide.core.api import Problem, api_policy
from egide.organisations import policies, selectors
from egide.organisations.models import Organisation
from egide.organisations.schemas import (
    DirectoryQuery,
    ListQuery,
    MarkerCollection,
    OrganisationDetail,
    OrganisationPage,
    language_label,
)
from egide.organisations.vocabulary import Kind, Service

router = Router()

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
# Seconds during which the public may reuse a response without asking again.
PUBLIC_MAX_AGE = 60
# Five decimals of a degree are about a metre: enough for a pin, and much lighter.
COORDINATE_DECIMALS = 5
# Changed when the markers' JSON changes, so that clients do not revalidate an older shape.
MARKERS_FORMAT = "2"
# Public marker bodies kept per process: about 1.5 MB plain and 0.1 MB gzipped for 10 000 organisations.
PUBLIC_MARKERS_CACHED = 16

_OWN_FIELDS = ("name", "acronym", "kind", "phone", "email", "website", "hotline")
_SUMMARY_FIELDS = (*_OWN_FIELDS, *selectors.LOCATION_FIELDS)
_MARKER_FIELDS = ("id", "name", "kind", "latitude", "longitude")


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _json_response(body: str | bytes) -> HttpResponse:
    return HttpResponse(body, content_type=JSON_CONTENT_TYPE)


def _set_cache_control(request: HttpRequest, response: HttpResponseBase) -> None:
    """Let anyone cache what the public gets; never store what a logged-in caller gets."""
    if request.user.is_authenticated:
        # Logged-in callers may receive confidential locations: no browser or proxy may keep them.
        response["Cache-Control"] = "private, no-store"
    else:
        response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    # A token caller must not be served a response stored for the public, nor the reverse.
    patch_vary_headers(response, ("Authorization",))


@functools.cache
def _labels(language: str | None) -> tuple[dict[str, str], dict[str, str]]:
    """Return the labels of the kinds and of the services in `language` (the active one)."""
    return {k.value: str(k.label) for k in Kind}, {s.value: str(s.label) for s in Service}


class _Summaries:
    """Build `OrganisationSummary` dicts for one request, from rows of `_SUMMARY_FIELDS`."""

    # Reversed once per request: `reverse` for each of 500 rows would cost more than the SQL.
    _PK_PLACEHOLDER = "2147483647"

    def __init__(self, user: Any) -> None:
        self.viewer = policies.location_viewer(user)
        self.kind_labels, self.service_labels = _labels(translation.get_language())
        self.detail_url = reverse("organisations:detail", args=[self._PK_PLACEHOLDER]).replace(
            self._PK_PLACEHOLDER, "{}"
        )

    def __call__(self, row: dict[str, Any], codes: dict[str, dict[int, list[str]]]) -> dict[str, Any]:
        pk = row["id"]
        location = selectors.locate(self.viewer, row)
        services = codes["services"].get(pk, [])
        return {
            "id": pk,
            "name": row["name"],
            "acronym": row["acronym"],
            "kind": row["kind"],
            "kind_label": self.kind_labels.get(row["kind"], row["kind"]),
            "services": services,
            "service_labels": [self.service_labels.get(code, code) for code in services],
            "exploitation_forms": codes["exploitation_forms"].get(pk, []),
            "languages": codes["languages"].get(pk, []),
            "departement": (
                None if location is None else {"code": location.departement_code, "name": location.departement_name}
            ),
            "location": None
            if location is None
            else {
                "exact": location.exact,
                "address": location.address,
                "postcode": location.postcode,
                "commune": location.commune,
                "latitude": location.latitude,
                "longitude": location.longitude,
            },
            "phone": row["phone"],
            "email": row["email"],
            "website": row["website"],
            "hotline": row["hotline"],
            "detail_url": self.detail_url.format(pk),
        }


def _count(matching: QuerySet[Organisation], offset: int, limit: int, fetched: int) -> int:
    """Count the matches, without a query when the page fetched is the last one."""
    if 0 < fetched < limit or (fetched == 0 and offset == 0):
        return offset + fetched
    return matching.count()


@router.get(
    "/",
    response=OrganisationPage,
    summary="Lister les organisations de l'annuaire",
    description="Organisations visibles par l'appelant, filtrées, triées par nom et paginées. "
    "Une adresse confidentielle n'est jamais donnée à qui n'a pas le droit de la voir.",
)
@api_policy(PUBLIC)
def list_organisations(request: HttpRequest, params: Query[ListQuery]) -> HttpResponse:
    """List the organisations visible to the caller, filtered and paginated, by name."""
    matching = selectors.matching_organisations(request.user, params.list_filters())
    page = matching.order_by("name", "pk").values(*_SUMMARY_FIELDS)[params.offset : params.offset + params.limit]
    rows = list(page)
    codes = selectors.code_lists([row["id"] for row in rows])
    summary = _Summaries(request.user)
    body = {
        "count": _count(matching, params.offset, params.limit, len(rows)),
        "limit": params.limit,
        "offset": params.offset,
        "items": [summary(row, codes) for row in rows],
    }
    response = _json_response(_dumps(body))
    _set_cache_control(request, response)
    return response


def _markers_json(user: Any, filters: selectors.OrganisationFilters) -> str:
    """Return the GeoJSON of the organisations whose exact position `user` may see, by name."""
    qs = selectors.matching_organisations(user, filters).filter(latitude__isnull=False, longitude__isnull=False)
    if (exact := policies.location_viewer(user).exact_condition()) is not None:
        qs = qs.filter(exact)
    services = selectors.service_codes(qs)
    kind_labels = _labels(translation.get_language())[0]
    features = [
        {
            "type": "Feature",
            "id": pk,
            "geometry": {
                "type": "Point",
                "coordinates": [round(longitude, COORDINATE_DECIMALS), round(latitude, COORDINATE_DECIMALS)],
            },
            # What the map shows (`static/organisations/map.js`), nothing more: the kind's code is
            # left out, its label is shown.
            "properties": {
                "id": pk,
                "name": name,
                "kind_label": kind_labels.get(kind, kind),
                "services": services.get(pk, []),
            },
        }
        for pk, name, kind, latitude, longitude in qs.order_by("name", "pk").values_list(*_MARKER_FIELDS)
    ]
    return _dumps({"type": "FeatureCollection", "features": features})


@functools.lru_cache(maxsize=PUBLIC_MARKERS_CACHED)
def _public_markers(
    etag: str, filters: selectors.OrganisationFilters, language: str | None, period: int
) -> tuple[bytes, bytes]:
    """Return the public markers for `filters`, plain and gzipped, built once per version and period.

    `etag` names the directory's version, the language and the filters, which the arguments
    repeat; `period` (a number of `PUBLIC_MAX_AGE` seconds) bounds the life of an entry to
    the public max-age, should a write ever leave `updated_at` untouched. Compressed once
    here rather than for each browser: compressing a megabyte takes longer than serving it.
    """
    body = _markers_json(AnonymousUser(), filters).encode()
    return body, compress_string(body)


def _public_markers_response(request: HttpRequest, params: DirectoryQuery) -> HttpResponseBase:
    """Answer the public: 304 when the client's copy is current, else the shared body, gzipped if accepted."""
    language = translation.get_language()
    etag, last_modified = _markers_validators(selectors.directory_version(), params, language)
    response = get_conditional_response(request, etag=quote_etag(etag), last_modified=last_modified)
    gzipped = bool(re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")))
    if response is None:
        period = int(time.monotonic() // PUBLIC_MAX_AGE)
        plain, packed = _public_markers(etag, params.filters(), language, period)
        response = _json_response(packed if gzipped else plain)
        if gzipped:
            response["Content-Encoding"] = "gzip"
    # As GZipMiddleware does: the gzipped bytes are another representation, so the ETag is weak.
    response["ETag"] = ("W/" if gzipped else "") + quote_etag(etag)
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    return response


def _markers_validators(
    version: selectors.DirectoryVersion, params: DirectoryQuery, language: str | None
) -> tuple[str, int | None]:
    """Return the ETag and the Last-Modified time of the public markers for these filters."""
    state = [
        MARKERS_FORMAT,
        version.latest_change and version.latest_change.isoformat(),
        version.organisations,
        language,
        params.model_dump(mode="json"),
    ]
    etag = hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()[:32]
    latest: datetime.datetime | None = version.latest_change
    # Whole seconds, as HTTP dates are: a fraction would never compare equal to If-Modified-Since.
    return etag, None if latest is None else int(latest.timestamp())


@router.get(
    "/markers",
    response=MarkerCollection,
    summary="Positions exactes des organisations (GeoJSON)",
    description="Points des organisations dont l'appelant peut voir la position exacte, mêmes filtres que la liste, "
    "sans pagination. Coordonnées arrondies à 5 décimales (environ un mètre). Réponse compressée (gzip) si le "
    "client l'accepte ; pour le public, `ETag` et `Last-Modified` permettent de revalider (304).",
)
@api_policy(PUBLIC)
# Compressing is safe from BREACH here: the body holds no secret (no CSRF token, no session
# data) that an attacker could guess by reflecting input next to it. `gzip_page` compresses
# the logged-in callers' markers; the public ones come compressed already.
@gzip_page
def markers(request: HttpRequest, params: Query[DirectoryQuery]) -> HttpResponseBase:
    """Return, as GeoJSON points, the organisations whose exact position the caller may see."""
    if request.user.is_authenticated:
        # Built for this caller alone (unpublished organisations, confidential positions): never shared.
        response: HttpResponseBase = _json_response(_markers_json(request.user, params.filters()))
    else:
        response = _public_markers_response(request, params)
    patch_vary_headers(response, ("Accept-Encoding",))
    _set_cache_control(request, response)
    return response


def _instance_row(org: Organisation) -> dict[str, Any]:
    """Return an organisation instance as a row of `_SUMMARY_FIELDS`, for `_Summaries`."""
    return {**{name: getattr(org, name) for name in _OWN_FIELDS}, **selectors.location_row(org)}


def _detail(user: Any, org: Organisation) -> dict[str, Any]:
    confidential_visible = policies.can_view_confidential_location(user, org)
    codes = {
        "services": {org.pk: org.service_codes()},
        "exploitation_forms": {org.pk: org.exploitation_form_codes()},
        "languages": {org.pk: org.language_codes()},
    }
    return {
        **_Summaries(user)(_instance_row(org), codes),
        "description": org.description,
        "opening_hours": org.opening_hours,
        "national_collective_member": org.national_collective_member,
        "exit_pathway_approved": org.exit_pathway_approved(timezone.localdate()),
        "exit_pathway_approval_expires_on": org.exit_pathway_approval_expires_on,
        "acse_partner": org.acse_partner,
        "acse_reserved_places": org.acse_reserved_places if confidential_visible else None,
        "capacity_places": org.capacity_places,
        "capacity_free_places": org.capacity_free_places,
        "capacity_updated_at": org.capacity_updated_at,
        "language_labels": [language_label(code) for code in org.language_codes()],
    }


@router.get(
    "/{organisation_id}",
    response=OrganisationDetail,
    summary="Fiche d'une organisation",
    description="404 si l'organisation n'existe pas ou n'est pas visible par l'appelant.",
)
@api_policy(PUBLIC)
def organisation_detail(request: HttpRequest, organisation_id: int, response: HttpResponse) -> dict[str, Any]:
    """Return one organisation visible to the caller; 404 alike for missing and hidden ones."""
    try:
        org = selectors.access_organisation(request.user, organisation_id)
    except Http404:
        detail = f"Aucune organisation visible n'a l'identifiant {organisation_id}."
        raise Problem(404, "Organisation introuvable", detail) from None
    _set_cache_control(request, response)
    return _detail(request.user, org)
