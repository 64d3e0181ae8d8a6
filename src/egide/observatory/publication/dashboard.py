"""The observatory's dashboard: the same protected figures as the releases, never a raw count.

It shows the latest year's release (published, else its latest draft); when no release
exists yet, the latest finished linkage run's latest year, computed through the same
`year_statistics` as a release and held in the cache until the run changes.
"""

from typing import Any

from django.core.cache import cache

from egide.observatory.models import LinkageRun
from egide.observatory.publication import figures, selectors
from egide.observatory.publication.safety import ReleaseRefusedError
from egide.observatory.publication.tables import PublishedTable, flags_legend, tables_from_json
from egide.observatory.vocabulary import RunState

# The tables the dashboard shows first, when the release has them; the others follow.
MAIN_TABLES = (
    "persons.status",
    "persons.sex",
    "persons.age_group",
    "persons.forms",
    "persons.forms_by_sex",
    "persons.region_of_origin",
    "persons.holder_count",
)
CACHE_SECONDS = 3600


def _ordered(tables: list[PublishedTable]) -> list[PublishedTable]:
    rank = {name: index for index, name in enumerate(MAIN_TABLES)}
    return sorted(tables, key=lambda t: rank.get(t.name, len(rank)))


def _preview(run: LinkageRun) -> dict[str, Any] | None:
    """Protected figures of the run's latest year, or None when they would not pass the release checks."""
    year = max(run.years)
    key = f"publication:preview:{run.pk}:{run.updated_at.isoformat()}:{year}"
    cached: dict[str, Any] | None = cache.get(key)
    if cached is not None:
        return cached
    try:
        computed = figures.compute(run, year, figures.DEFAULT_RULES)
        figures.require_computed_safe(computed)
    except ReleaseRefusedError:
        return None
    preview = {
        "year": year,
        "run": run.pk,
        "tables": [t.to_dict() for t in computed.tables],
        "key_figures": computed.key_figures,
        "rules": computed.rules,
    }
    cache.set(key, preview, CACHE_SECONDS)
    return preview


def build() -> dict[str, Any]:
    """Return the dashboard's context."""
    releases = selectors.latest_release_per_year()
    evolution = [{"year": r.year, "figures": r.key_figures, "release": r} for r in reversed(releases)]
    context: dict[str, Any] = {
        "releases": releases,
        "evolution": evolution if len(evolution) > 1 else [],
        "reports_path": "/observatoire/rapports/",
    }
    if releases:
        current = releases[0]
        tables = _ordered(tables_from_json(current.tables))
        return context | {
            "source": "release",
            "release": current,
            "year": current.year,
            "rules": current.rules,
            "figures": current.key_figures,
            "tables": tables,
            "legend": flags_legend(tables),
        }
    run = LinkageRun.objects.filter(state=RunState.DONE).order_by("-finished_at", "-id").first()
    preview = _preview(run) if run is not None and run.years else None
    if preview is None:
        return context | {"source": None}
    tables = _ordered(tables_from_json(preview["tables"]))
    return context | {
        "source": "run",
        "run": run,
        "year": preview["year"],
        "rules": preview["rules"],
        "figures": preview["key_figures"],
        "tables": tables,
        "legend": flags_legend(tables),
    }
