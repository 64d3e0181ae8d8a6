"""Load the reference geography shipped with the project (INSEE COG 2024, IGN, La Poste)."""

import csv
import gzip
import io
import json
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction

from egide.core.geo.simplify import centroid, simplify_geometry
from egide.core.models import Commune, Departement, Region
from egide.core.text import fold

DATA_DIR = Path(__file__).parent / "data"


def _read_csv(name: str) -> list[dict[str, str]]:
    path = DATA_DIR / name
    raw = gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))


@cache  # Simplifying takes seconds; test flushes reload the geography many times per process.
def _geometries() -> dict[str, dict[str, Any]]:
    collection = json.loads(gzip.decompress((DATA_DIR / "departements.geojson.gz").read_bytes()))
    return {f["properties"]["code"]: simplify_geometry(f["geometry"]) for f in collection["features"]}


# Paris, Marseille and Lyon carry no postcode of their own: theirs are their arrondissements'.
_CITY_OF_ARRONDISSEMENT = {"751": "75056", "132": "13055", "693": "69123"}


def _city_postcodes(communes: list[dict[str, str]]) -> dict[str, str]:
    found: dict[str, set[str]] = defaultdict(set)
    for c in communes:
        if c["type"] == "ARM" and c["code_insee"][:3] in _CITY_OF_ARRONDISSEMENT:
            found[_CITY_OF_ARRONDISSEMENT[c["code_insee"][:3]]].update(c["codes_postaux"].split())
    return {code: " ".join(sorted(postcodes)) for code, postcodes in found.items()}


def _float(value: str) -> float | None:
    return float(value) if value else None


@transaction.atomic
def load_geography() -> dict[str, int]:
    """Insert régions, départements and communes; return how many of each were loaded."""
    Region.objects.bulk_create(
        [Region(code=r["REG"], name=r["LIBELLE"]) for r in _read_csv("regions.csv")],
        ignore_conflicts=True,
    )
    communes = _read_csv("communes.csv.gz")
    population: dict[str, int] = defaultdict(int)
    for c in communes:
        if c["type"] == "COM":  # Arrondissements are counted in their commune already.
            population[c["departement"]] += int(c["population"] or 0)
    geometries = _geometries()
    departements = []
    for d in _read_csv("departements.csv"):
        geometry = geometries.get(d["DEP"])
        lat, lon = centroid(geometry) if geometry else (None, None)
        departements.append(
            Departement(
                code=d["DEP"],
                name=d["LIBELLE"],
                region_id=d["REG"],
                population=population[d["DEP"]],
                latitude=lat,
                longitude=lon,
                geometry=geometry,
            )
        )
    Departement.objects.bulk_create(departements, ignore_conflicts=True)
    known = {d.code for d in departements}
    city_postcodes = _city_postcodes(communes)
    Commune.objects.bulk_create(
        [
            Commune(
                code=c["code_insee"],
                name=c["nom"],
                search_name=fold(c["nom"]),
                departement_id=c["departement"],
                postcodes=c["codes_postaux"] or city_postcodes.get(c["code_insee"], ""),
                latitude=_float(c["latitude"]),
                longitude=_float(c["longitude"]),
                population=int(c["population"] or 0),
            )
            for c in communes
            if c["departement"] in known
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    return {
        "regions": Region.objects.count(),
        "departements": Departement.objects.count(),
        "communes": Commune.objects.count(),
    }


def load_geography_after_migrate(**kwargs: Any) -> None:
    """Load the geography once, after migrations and after test flushes alike."""
    using = kwargs.get("using", "default")
    if using == "default" and not Commune.objects.exists():
        load_geography()
