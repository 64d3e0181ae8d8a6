"""Reads of the reference geography for the API: départements with counts, commune search.

The kernel imports no domain app: organisations are reached through the reverse relation
`Departement.organisations`, by name, as the ORM allows.
"""

import functools
import json
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from egide.core.models import Commune, Departement
from egide.core.text import fold

# The shipped data separates postcodes with spaces; ";" is accepted too.
POSTCODE_SEPARATORS = (" ", ";")
# Abbreviations people type for the first words of a commune's name.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


@dataclass(frozen=True)
class StaticDepartement:
    """What never changes at run time: identity, population and the serialised boundary."""

    code: str
    name: str
    region: str
    population: int
    geometry_json: str


@functools.cache
def static_departements() -> tuple[StaticDepartement, ...]:
    """Return every département with its boundary serialised once per process.

    The geography is reference data loaded with the database and never edited by the
    application, so a process-wide cache needs no invalidation.
    """
    rows = Departement.objects.select_related("region").order_by("code")
    return tuple(
        StaticDepartement(d.code, d.name, d.region.name, d.population, json.dumps(d.geometry, separators=(",", ":")))
        for d in rows
    )


@functools.cache
def departement_list() -> tuple[tuple[str, str, str], ...]:
    """Return (code, name, région name) of every département."""
    return tuple((d.code, d.name, d.region) for d in static_departements())


def _organisation_model() -> Any:
    return Departement._meta.get_field("organisations").related_model


@functools.cache
def service_codes() -> frozenset[str]:
    """Return the service codes of the directory, read from the model through the relation."""
    service_model = _organisation_model()._meta.get_field("services").related_model
    return frozenset(str(code) for code, _label in service_model._meta.get_field("code").choices)


def _publicly_placed() -> Q:
    # Organisations with no public location at all ("hidden") are left out, so that a count
    # cannot place them. A positive condition keeps one join (a negation would be a subquery).
    return Q(
        organisations__is_published=True,
        organisations__is_active=True,
        organisations__address_visibility__in=["public", "departement"],
    )


def departement_counts(service: str = "") -> tuple[dict[str, int], dict[str, int]]:
    """Count, per département, published organisations and (organisation, service) offerings."""
    organisations = dict(
        Departement.objects.filter(_publicly_placed())
        .values("code")
        .annotate(n=Count("organisations"))
        .values_list("code", "n")
    )
    offered = Q(organisations__services__code=service) if service else Q(organisations__services__isnull=False)
    services = dict(
        Departement.objects.filter(_publicly_placed(), offered)
        .values("code")
        .annotate(n=Count("organisations__services"))
        .values_list("code", "n")
    )
    return organisations, services


def services_per_100k(services: int, population: int) -> float | None:
    """Return offerings per 100 000 inhabitants, rounded to 2 decimals; None without population.

    >>> services_per_100k(3, 2_000_000), services_per_100k(1, 0)
    (0.15, None)
    """
    if population <= 0:
        return None
    return round(services * 100_000 / population, 2)


def search_query(text: str) -> str:
    """Fold `text` and expand leading abbreviations ("st etienne" → "saint etienne").

    The last word is left as typed: it may be the beginning of a longer name ("st" → Strasbourg).

    >>> search_query("St-Étienne"), search_query("st")
    ('saint etienne', 'st')
    """
    words = fold(text).split()
    expanded = [_ABBREVIATIONS.get(word, word) for word in words[:-1]]
    return " ".join([*expanded, *words[-1:]])


def search_communes(text: str, limit: int) -> QuerySet[Commune]:
    """Find communes by the beginning of their name, or of a postcode when `text` is digits."""
    query = text.strip()
    if re.fullmatch(r"\d+", query):
        # `postcodes` holds several codes ("42000 42100"): match the first one or any after a separator.
        condition = Q(postcodes__startswith=query)
        for separator in POSTCODE_SEPARATORS:
            condition |= Q(postcodes__contains=separator + query)
    else:
        condition = Q(search_name__startswith=search_query(query))
    return (
        Commune.objects.filter(condition).select_related("departement").order_by("-population", "name", "code")[:limit]
    )


def split_postcodes(postcodes: str) -> list[str]:
    """Split a commune's stored postcodes.

    >>> split_postcodes("42000 42100;42230")
    ['42000', '42100', '42230']
    """
    return re.split(r"[\s;]+", postcodes.strip()) if postcodes.strip() else []
