"""Benchmark the Ac.Sé placement engine against a reference MILP solver; print the results as JSON.

Draws a seeded, realistic instance (500 pending requests × 150 partner shelters by
default): shelters and places to avoid in metropolitan communes weighted by population,
read from the communes file shipped with Égide; whole départements to avoid given by the
vertices of their simplified boundary, as the Django side passes `Departement.geometry`.
Times `propose` (best of N runs) and, on the same cost model, `scipy.optimize.milp`
(HiGHS) over the feasible pairs; reports both, their ratio, the optimality gap, how many
were placed and how many hard constraints the assignments break (checked pair by pair,
independently of the engine). The same again with fewer requests than places (120 × 150).
Then times the engine alone on a larger instance (2 000 × 600).
Progress goes to stderr, the JSON to stdout.

    uv run python bench/placement.py [--runs 5] [--requests 500] [--shelters 150] [--seed 2001]
    uv run python bench/placement.py --large-requests 0     # skip the larger instance
"""

import argparse
import csv
import gzip
import io
import json
import math
import os
import platform
import random
import resource
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.api_organisations import log  # noqa: E402  (importable only once ROOT is on the path)
from egide.core.geo.simplify import simplify_geometry  # noqa: E402  (pure Python: no Django)
from egide_analytics.placement import (  # noqa: E402
    AvoidArea,
    LatLon,
    Profile,
    Proposal,
    Request,
    Shelter,
    Weights,
    propose,
)
from egide_analytics.placement.costs import CostModel, build_cost_model  # noqa: E402
from egide_analytics.placement.engine import solve  # noqa: E402

SEED = 2001  # Ac.Sé was founded in 2001
DATA = ROOT / "src" / "egide" / "core" / "geo" / "data"
SERVICES = ("health_care", "legal_support", "psychological_support", "language_course", "addiction_care")
LANGUAGES = ("en", "ro", "es", "ru", "ar", "bg", "zh", "pt", "sq", "uk")
WOMAN, MAN, CHILDREN = Profile.WOMAN, Profile.MAN, Profile.WITH_CHILDREN
ACCEPTS = (  # what partner shelters take, and how often
    (frozenset({WOMAN}), 55),
    (frozenset({WOMAN, CHILDREN}), 20),
    (frozenset({MAN}), 10),
    (frozenset({WOMAN, MAN}), 10),
    (frozenset({WOMAN, MAN, CHILDREN}), 5),
)
PROFILES = ((frozenset({WOMAN}), 78), (frozenset({MAN}), 12), (frozenset({WOMAN, CHILDREN}), 10))
FREE_PLACES = ((0, 15), (1, 55), (2, 30))


# --- Geography ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Commune:
    name: str
    departement: str
    region: str
    location: LatLon
    population: int


@dataclass(frozen=True)
class Geography:
    communes: tuple[Commune, ...]
    weights: tuple[int, ...]  # population, for weighted draws
    boundaries: dict[str, tuple[LatLon, ...]]  # département → vertices of its simplified boundary


def load_geography() -> Geography:
    """Read the metropolitan communes and département boundaries shipped with Égide."""
    with (DATA / "departements.csv").open(encoding="utf-8") as file:
        region_of = {row["DEP"]: row["REG"] for row in csv.DictReader(file)}
    with gzip.open(DATA / "communes.csv.gz", "rt", encoding="utf-8") as file:
        rows = list(csv.DictReader(io.StringIO(file.read())))
    # Communes proper (not Paris, Lyon and Marseille's districts), in metropolitan France.
    communes = tuple(
        Commune(
            r["nom"],
            r["departement"],
            region_of[r["departement"]],
            (float(r["latitude"]), float(r["longitude"])),
            int(r["population"]),
        )
        for r in rows
        if r["type"] == "COM"
        and r["latitude"]
        and r["population"]
        and int(r["population"]) > 0
        and not r["departement"].startswith("97")
    )
    collection = json.loads(gzip.decompress((DATA / "departements.geojson.gz").read_bytes()))
    boundaries = {}
    for feature in collection["features"]:
        polygons = simplify_geometry(feature["geometry"])["coordinates"]
        boundaries[feature["properties"]["code"]] = tuple((lat, lon) for p in polygons for r in p for lon, lat in r)
    return Geography(communes, tuple(c.population for c in communes), boundaries)


# --- The instance ---------------------------------------------------------------------------


def weighted(rng: random.Random, table: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


def draw_shelters(rng: random.Random, geo: Geography, count: int) -> list[Shelter]:
    places = rng.choices(geo.communes, weights=geo.weights, k=count)
    return [
        Shelter(
            id=1000 + i,
            location=c.location,
            departement=c.departement,
            region=c.region,
            free_places=weighted(rng, FREE_PLACES),
            accepts=weighted(rng, ACCEPTS),
            wheelchair_accessible=rng.random() < 0.3,
            languages=frozenset({"fr", *rng.sample(LANGUAGES, rng.randint(0, 2))}),
            service_km={s: round(rng.expovariate(1 / 12), 1) for s in SERVICES if rng.random() < 0.8},
        )
        for i, c in enumerate(places)
    ]


def some(rng: random.Random, probability: float, choices: Sequence[str], most: int) -> frozenset[str]:
    """With the given probability, 1 to `most` of the choices; otherwise none."""
    return frozenset(rng.sample(choices, rng.randint(1, most))) if rng.random() < probability else frozenset()


def draw_requests(rng: random.Random, geo: Geography, count: int) -> list[Request]:
    regions = sorted({c.region for c in geo.communes})
    requests = []
    for i in range(count):
        places = rng.choices(geo.communes, weights=geo.weights, k=rng.randint(1, 3))
        avoid = [AvoidArea(f"{c.name} ({c.departement})", (c.location,), c.departement, c.region) for c in places]
        if rng.random() < 0.25:  # the exploiters' whole département
            d = places[0].departement
            avoid.append(AvoidArea(f"dep-{d}", geo.boundaries[d], d, places[0].region, whole_departement=True))
        requests.append(
            Request(
                id=i + 1,
                profile=weighted(rng, PROFILES),
                adult=True,  # the Django side refuses a minor before the request exists
                waiting_days=rng.randint(0, 180),
                avoid=tuple(avoid),
                min_distance_km=weighted(rng, ((200.0, 80), (150.0, 10), (300.0, 10))),
                avoid_same_departement=rng.random() < 0.3,
                avoid_same_region=rng.random() < 0.15,
                needs_wheelchair=rng.random() < 0.05,
                languages=some(rng, 0.7, LANGUAGES, 2),
                needed_services=tuple(rng.sample(SERVICES, rng.randint(0, 3))),
                preferred_regions=some(rng, 0.1, regions, 2),
            )
        )
    return requests


# --- Checks and the reference -----------------------------------------------------------------


def km(a: LatLon, b: LatLon) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def violations(request: Request, shelter: Shelter) -> int:
    """Count the hard constraints a placement breaks, restated pair by pair without the engine."""
    broken = [
        not request.adult,
        not request.profile <= shelter.accepts,
        request.needs_wheelchair and not shelter.wheelchair_accessible,
        shelter.free_places <= 0,
    ]
    for area in request.avoid:
        inside = area.whole_departement and area.departement == shelter.departement
        distance = 0.0 if inside else min(km(shelter.location, p) for p in area.points)
        broken.append(distance < request.min_distance_km)
        broken.append(request.avoid_same_departement and area.departement == shelter.departement)
        broken.append(request.avoid_same_region and area.region == shelter.region)
    return sum(broken)


def check(assignment: dict[int, int | None], requests: Sequence[Request], shelters: Sequence[Shelter]) -> int:
    """Count the broken hard constraints and capacities of an assignment (request id → shelter id)."""
    by_id = {s.id: s for s in shelters}
    taken: dict[int, int] = {}
    broken = 0
    for request in requests:
        chosen = assignment[request.id]
        if chosen is not None:
            broken += violations(request, by_id[chosen])
            taken[chosen] = taken.get(chosen, 0) + 1
    return broken + sum(count > by_id[s].free_places for s, count in taken.items())


def reference(model: CostModel) -> dict[int, int | None]:
    """Solve the same problem as a MILP with HiGHS: binary x over the feasible pairs.

    Minimise Σ (c(r, s) − U(r)) x(r, s), each request at most once, each shelter at most its
    free places. The constraint matrix is totally unimodular, so HiGHS solves it at the root;
    the gap tolerance is zero all the same, so that its optimum is proven, not approximated.
    """
    rows, columns = np.nonzero(model.eligible)
    assignment: dict[int, int | None] = {r.id: None for r in model.requests}
    if rows.size == 0:
        return assignment
    pairs = np.arange(rows.size)
    n_requests, n_shelters = len(model.requests), len(model.shelters)
    a = csr_array(
        (np.ones(2 * rows.size), (np.r_[rows, n_requests + columns], np.r_[pairs, pairs])),
        shape=(n_requests + n_shelters, rows.size),
    )
    capacity = np.r_[np.ones(n_requests), [max(0, s.free_places) for s in model.shelters]]
    result = milp(
        c=model.cost[rows, columns] - model.unplaced[rows],
        constraints=LinearConstraint(a, -np.inf, capacity),
        integrality=np.ones(rows.size),
        bounds=Bounds(0, 1),
        options={"mip_rel_gap": 0.0, "disp": False},
    )
    if not result.success:
        raise RuntimeError(f"HiGHS failed: {result.message}")
    for k in np.flatnonzero(result.x > 0.5):
        assignment[model.requests[rows[k]].id] = model.shelters[columns[k]].id
    return assignment


def objective(assignment: dict[int, int | None], model: CostModel) -> tuple[int, float]:
    """Return (placed, placement costs + waiting costs of the unplaced), as `Proposal.objective`."""
    column = {s.id: j for j, s in enumerate(model.shelters)}
    terms = [
        float(model.waiting[i]) if assignment[r.id] is None else float(model.cost[i, column[assignment[r.id]]])
        for i, r in enumerate(model.requests)
    ]
    return sum(v is not None for v in assignment.values()), math.fsum(terms)


# --- Timing and the report ------------------------------------------------------------------


def best_of(runs: int, action: Callable[[], Any]) -> tuple[float, Any]:
    """Return the shortest wall time of `runs` calls, and the last call's result."""
    best, result = math.inf, None
    for _ in range(runs):
        result = None  # free the previous result before the clock starts
        start = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - start)
    return best, result


def describe(requests: Sequence[Request], shelters: Sequence[Shelter], model: CostModel) -> dict[str, Any]:
    points = [len(a.points) for r in requests for a in r.avoid if a.whole_departement]
    return {
        "requests": len(requests),
        "shelters": len(shelters),
        "free_places": sum(max(0, s.free_places) for s in shelters),
        "shelters_without_place": sum(s.free_places <= 0 for s in shelters),
        "areas_to_avoid": sum(len(r.avoid) for r in requests),
        "departements_to_avoid": len(points),
        "departement_boundary_points": {
            "min": min(points, default=0),
            "max": max(points, default=0),
            "mean": round(sum(points) / max(1, len(points)), 1),
        },
        "eligible_pairs": int(model.eligible.sum()),
        "eligible_share": round(float(model.eligible.mean()), 4) if model.eligible.size else 0.0,
        "exclusions": sum(len(e) for e in model.exclusions),
    }


def run_compared(rng: random.Random, geo: Geography, n_requests: int, n_shelters: int, runs: int) -> dict[str, Any]:
    shelters = draw_shelters(rng, geo, n_shelters)
    requests = draw_requests(rng, geo, n_requests)
    log(f"==> {n_requests} requests × {n_shelters} shelters: engine, then the reference MILP ({runs} runs each)")
    propose_s, proposal = best_of(runs, lambda: propose(requests, shelters))
    model_s, model = best_of(runs, lambda: build_cost_model(requests, shelters, Weights()))
    solve_s, _ = best_of(runs, lambda: solve(model))
    reference_s, by_reference = best_of(runs, lambda: reference(model))
    by_engine = {i: r.shelter_id for i, r in proposal.results.items()}
    placed, reference_objective = objective(by_reference, model)
    gap = proposal.objective - reference_objective
    return {
        "instance": describe(requests, shelters, model),
        "engine": {
            "propose_s": round(propose_s, 4),
            "cost_model_s": round(model_s, 4),
            "assignment_s": round(solve_s, 4),
            "placed": proposal.placed,
            "objective": proposal.objective,
            "total_cost": proposal.total_cost,
            "hard_constraints_violated": check(by_engine, requests, shelters),
        },
        "reference_milp": {
            "solver": f"scipy.optimize.milp (HiGHS), scipy {scipy.__version__}",
            "milp_s": round(reference_s, 4),
            "placed": placed,
            "objective": reference_objective,
            "hard_constraints_violated": check(by_reference, requests, shelters),
        },
        "ratio_milp_to_engine_assignment": round(reference_s / solve_s, 2),
        "ratio_milp_to_engine_propose": round(reference_s / propose_s, 2),
        "optimality_gap": gap,
        "optimal_within_1e-9": abs(gap) <= 1e-9 * max(1.0, abs(reference_objective)) and placed == proposal.placed,
        "same_assignment": by_engine == by_reference,
    }


def run_large(rng: random.Random, geo: Geography, n_requests: int, n_shelters: int, runs: int) -> dict[str, Any]:
    shelters = draw_shelters(rng, geo, n_shelters)
    requests = draw_requests(rng, geo, n_requests)
    log(f"==> {n_requests} requests × {n_shelters} shelters: engine alone ({runs} runs)")
    propose_s, proposal = best_of(runs, lambda: propose(requests, shelters))
    model_s, model = best_of(runs, lambda: build_cost_model(requests, shelters, Weights()))
    solve_s, _ = best_of(runs, lambda: solve(model))
    by_engine = {i: r.shelter_id for i, r in proposal.results.items()}
    return {
        "instance": describe(requests, shelters, model),
        "engine": {
            "propose_s": round(propose_s, 4),
            "cost_model_s": round(model_s, 4),
            "assignment_s": round(solve_s, 4),
            "placed": proposal.placed,
            "unplaced_with_an_eligible_shelter": unplaced_but_eligible(proposal, model),
            "hard_constraints_violated": check(by_engine, requests, shelters),
        },
    }


def unplaced_but_eligible(proposal: Proposal, model: CostModel) -> int:
    """Count the requests left waiting although some shelter could take them (all such shelters full)."""
    waiting = [proposal.results[r.id].shelter_id is None for r in model.requests]
    return int(np.sum(np.array(waiting, dtype=bool) & model.eligible.any(axis=1)))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--runs", type=int, default=5, help="runs per timing; the best is reported")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--shelters", type=int, default=150)
    parser.add_argument("--few-requests", type=int, default=120, help="a second comparison, places not short")
    parser.add_argument("--large-requests", type=int, default=2000, help="0: skip the larger instance")
    parser.add_argument("--large-shelters", type=int, default=600)
    parser.add_argument("--large-runs", type=int, default=3)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    log("==> Reading the communes and département boundaries")
    geo = load_geography()
    rng = random.Random(args.seed)
    report: dict[str, Any] = {
        "machine": {
            "cores": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "load_average_1min": round(os.getloadavg()[0], 2),
        },
        "seed": args.seed,
        "runs": args.runs,
        "compared": run_compared(rng, geo, args.requests, args.shelters, args.runs),
    }
    if args.few_requests:
        report["compared_few_requests"] = run_compared(rng, geo, args.few_requests, args.shelters, args.runs)
    if args.large_requests:
        report["large"] = run_large(rng, geo, args.large_requests, args.large_shelters, args.large_runs)
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
