"""A slow, plain restatement of the placement rules, one pair at a time, to check the engine against.

Nothing here is shared with the engine: the distance, the reasons, the costs and the
optimum are written again from the brief, loop by loop.
"""

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from egide_analytics.placement import (
    AvoidArea,
    ExclusionReason,
    LatLon,
    Profile,
    Proposal,
    Request,
    Shelter,
    Weights,
)

TOLERANCE = 1e-9


def km(a: LatLon, b: LatLon) -> float:
    """Great-circle distance (haversine, Earth radius 6 371 km)."""
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def distance_to_area(shelter: Shelter, area: AvoidArea) -> float:
    if area.whole_departement and area.departement and area.departement == shelter.departement:
        return 0.0
    return min((km(shelter.location, p) for p in area.points), default=math.inf)


@dataclass(frozen=True)
class Reason:
    reason: ExclusionReason
    area: str = ""
    distance_km: float | None = None


def reasons(request: Request, shelter: Shelter) -> list[Reason]:
    """Every reason why `shelter` cannot take `request`, in the engine's order (reason, then area)."""
    found: list[Reason] = []
    if not request.adult:
        found.append(Reason(ExclusionReason.MINOR))
    if not request.profile <= shelter.accepts:
        found.append(Reason(ExclusionReason.PROFILE))
    if request.needs_wheelchair and not shelter.wheelchair_accessible:
        found.append(Reason(ExclusionReason.ACCESSIBILITY))
    if shelter.free_places <= 0:
        found.append(Reason(ExclusionReason.NO_PLACE))
    for area in request.avoid:
        d = distance_to_area(shelter, area)
        if d < request.min_distance_km:
            found.append(Reason(ExclusionReason.TOO_CLOSE, area.label, d))
    for area in request.avoid:
        if request.avoid_same_departement and area.departement and area.departement == shelter.departement:
            found.append(Reason(ExclusionReason.SAME_DEPARTEMENT, area.label))
    for area in request.avoid:
        if request.avoid_same_region and area.region and area.region == shelter.region:
            found.append(Reason(ExclusionReason.SAME_REGION, area.label))
    return found


def eligible(request: Request, shelter: Shelter) -> bool:
    return not reasons(request, shelter)


def cost(request: Request, shelter: Shelter, weights: Weights) -> float:
    total = 0.0
    for service in sorted(set(request.needed_services)):
        if service in shelter.service_km:
            total += weights.per_km_to_service * shelter.service_km[service]
        else:
            total += weights.missing_service
    if request.languages and not request.languages & shelter.languages:
        total += weights.missing_language
    if request.preferred_regions and shelter.region not in request.preferred_regions:
        total += weights.outside_preferred_region
    return total


def waiting(request: Request, weights: Weights) -> float:
    return weights.per_waiting_day * max(0, request.waiting_days)


def best_by_brute_force(
    requests: Sequence[Request], shelters: Sequence[Shelter], weights: Weights
) -> tuple[int, float]:
    """Return (most placed, least objective among those) over every feasible assignment."""
    options = [[None, *(s for s in shelters if eligible(r, s))] for r in requests]
    left = {s.id: s.free_places for s in shelters}
    best: list[tuple[int, float]] = []

    def explore(i: int, placed: int, objective: float) -> None:
        if i == len(requests):
            best.append((placed, objective))
            return
        for shelter in options[i]:
            if shelter is None:
                explore(i + 1, placed, objective + waiting(requests[i], weights))
            elif left[shelter.id] > 0:
                left[shelter.id] -= 1
                explore(i + 1, placed + 1, objective + cost(requests[i], shelter, weights))
                left[shelter.id] += 1

    explore(0, 0, 0.0)
    most = max(p for p, _ in best)
    return most, min(o for p, o in best if p == most)


def assert_feasible(proposal: Proposal, requests: Sequence[Request], shelters: Sequence[Shelter]) -> None:
    """Check that no chosen pair breaks a hard constraint and that no shelter takes too many."""
    by_id = {s.id: s for s in shelters}
    taken = dict.fromkeys(by_id, 0)
    for request in requests:
        chosen = proposal.results[request.id].shelter_id
        if chosen is not None:
            assert reasons(request, by_id[chosen]) == [], (request.id, chosen)
            taken[chosen] += 1
    for shelter_id, count in taken.items():
        assert count <= by_id[shelter_id].free_places


# --- Random small instances ---------------------------------------------------------------

# Towns a few hundred km apart, so that a 50–400 km minimum distance keeps some shelters and not others.
TOWNS: tuple[tuple[LatLon, str, str], ...] = (
    ((48.8566, 2.3522), "75", "11"),  # Paris
    ((49.4431, 1.0993), "76", "28"),  # Rouen
    ((47.2184, -1.5536), "44", "52"),  # Nantes
    ((45.7640, 4.8357), "69", "84"),  # Lyon
    ((45.1885, 5.7245), "38", "84"),  # Grenoble
    ((43.2965, 5.3698), "13", "93"),  # Marseille
    ((43.7102, 7.2620), "06", "93"),  # Nice
    ((43.6047, 1.4442), "31", "76"),  # Toulouse
)
SERVICES = ("health", "legal", "language_course")
LANGUAGES = ("fr", "en", "ro", "bg")
PROFILE_SETS = (
    frozenset({Profile.WOMAN}),
    frozenset({Profile.WOMAN}),
    frozenset({Profile.MAN}),
    frozenset({Profile.WOMAN, Profile.WITH_CHILDREN}),
)


def _near(rng: random.Random, town: LatLon) -> LatLon:
    return (town[0] + rng.uniform(-0.3, 0.3), town[1] + rng.uniform(-0.3, 0.3))


def random_area(rng: random.Random, n: int) -> AvoidArea:
    town, departement, region = rng.choice(TOWNS)
    if rng.random() < 0.3:  # a whole département, given by a few points around its centre
        points = tuple(_near(rng, town) for _ in range(rng.randint(1, 4)))
        return AvoidArea(f"dep{n}", points, departement, region, whole_departement=True)
    return AvoidArea(f"commune{n}", (_near(rng, town),), departement, region)


def random_shelter(rng: random.Random, shelter_id: int) -> Shelter:
    town, departement, region = rng.choice(TOWNS)
    accepts = {p for p in Profile if rng.random() < 0.7} | ({Profile.WOMAN} if rng.random() < 0.8 else set())
    return Shelter(
        id=shelter_id,
        location=_near(rng, town),
        departement=departement,
        region=region,
        free_places=rng.randint(0, 2),
        accepts=frozenset(accepts),
        wheelchair_accessible=rng.random() < 0.5,
        languages=frozenset(rng.sample(LANGUAGES, rng.randint(0, 2))),
        service_km={code: round(rng.uniform(0, 80), 1) for code in SERVICES if rng.random() < 0.6},
    )


def random_request(rng: random.Random, request_id: int) -> Request:
    return Request(
        id=request_id,
        profile=rng.choice(PROFILE_SETS),
        adult=rng.random() < 0.9,
        waiting_days=rng.randint(-2, 180),
        avoid=tuple(random_area(rng, request_id * 10 + k) for k in range(rng.randint(0, 2))),
        min_distance_km=rng.choice((50.0, 150.0, 200.0, 400.0)),
        avoid_same_departement=rng.random() < 0.3,
        avoid_same_region=rng.random() < 0.2,
        needs_wheelchair=rng.random() < 0.15,
        languages=frozenset(rng.sample(LANGUAGES, rng.randint(0, 2))),
        needed_services=tuple(rng.sample(SERVICES, rng.randint(0, 2))),
        preferred_regions=frozenset(rng.sample([t[2] for t in TOWNS], rng.randint(0, 2))),
    )


def random_instance(seed: int, max_requests: int = 6, max_shelters: int = 4) -> tuple[list[Request], list[Shelter]]:
    rng = random.Random(seed)
    # Ids out of order and with gaps, so that nothing depends on ids being positions.
    request_ids = rng.sample(range(1, 100), rng.randint(0, max_requests))
    shelter_ids = rng.sample(range(1, 100), rng.randint(0, max_shelters))
    return [random_request(rng, i) for i in request_ids], [random_shelter(rng, i) for i in shelter_ids]
