"""Soft costs of each placement, the cost of leaving a request waiting, and the whole cost model."""

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np

from egide_analytics.placement.constraints import BoolArray, HardConstraints, check
from egide_analytics.placement.geo import FloatArray
from egide_analytics.placement.problem import Exclusion, Request, Shelter, Weights


@dataclass(frozen=True)
class CostModel:
    """Everything the solver needs, requests and shelters sorted by id (rows and columns)."""

    requests: tuple[Request, ...]
    shelters: tuple[Shelter, ...]
    eligible: BoolArray  # requests × shelters: every hard constraint met, free places > 0
    cost: FloatArray  # requests × shelters: soft cost of the placement (also where not eligible)
    waiting: FloatArray  # per request: per_waiting_day × days waited, the tie-breaker among the unplaced
    unplaced: FloatArray  # per request: cost of leaving it waiting = the big constant + waiting
    nearest_km: FloatArray  # requests × shelters: distance to the nearest area to avoid (inf: none)
    exclusions: tuple[tuple[Exclusion, ...], ...]  # per request


def build_cost_model(requests: Sequence[Request], shelters: Sequence[Shelter], weights: Weights) -> CostModel:
    """Check the input, sort it by id, and compute the constraints and costs of every pair."""
    _validate(requests, shelters, weights)
    ordered_requests = tuple(sorted(requests, key=lambda r: r.id))
    ordered_shelters = tuple(sorted(shelters, key=lambda s: s.id))
    hard: HardConstraints = check(ordered_requests, ordered_shelters)
    cost = soft_costs(ordered_requests, ordered_shelters, weights)
    waiting = weights.per_waiting_day * np.array([max(0, r.waiting_days) for r in ordered_requests], dtype=np.float64)
    return CostModel(
        requests=ordered_requests,
        shelters=ordered_shelters,
        eligible=hard.eligible,
        cost=cost,
        waiting=waiting,
        unplaced=big_constant(cost, hard.eligible) + waiting,
        nearest_km=hard.nearest_km,
        exclusions=hard.exclusions,
    )


def big_constant(cost: FloatArray, eligible: BoolArray) -> float:
    """Return a cost of waiting high enough that placing one more request always pays.

    Exceeding the dearest single placement is not enough: placing one more request may
    move others along an augmenting path (r0 → s1 ← r1 → s2 …), each of them paying a new
    placement. With every cost ≥ 0 the new placements cost at most the sum, over the
    requests, of each one's dearest eligible placement, so one point above that sum makes
    every assignment that could place one more request strictly worse than one that does.
    """
    dearest = np.where(eligible, cost, 0.0).max(axis=1, initial=0.0)
    return 1.0 + float(np.sum(dearest))


def soft_costs(requests: Sequence[Request], shelters: Sequence[Shelter], weights: Weights) -> FloatArray:
    """Return the soft cost of placing each request (rows) in each shelter (columns)."""
    service = _service_costs(requests, shelters, weights)
    language = weights.missing_language * _missing_language(requests, shelters)
    region = weights.outside_preferred_region * _outside_preferred_region(requests, shelters)
    return np.asarray(service + language + region, dtype=np.float64)


def _service_costs(requests: Sequence[Request], shelters: Sequence[Shelter], weights: Weights) -> FloatArray:
    """Sum, over each request's distinct needed services, the distance cost or the missing-service cost."""
    services = sorted({code for r in requests for code in r.needed_services})
    column = {code: k for k, code in enumerate(services)}
    needs = np.zeros((len(requests), len(services)))
    for i, r in enumerate(requests):
        needs[i, [column[code] for code in set(r.needed_services)]] = 1.0
    km = np.full((len(shelters), len(services)), np.nan)
    for j, s in enumerate(shelters):
        for code, distance in s.service_km.items():
            if code in column:
                km[j, column[code]] = distance
    per_service = np.where(np.isnan(km), weights.missing_service, weights.per_km_to_service * km)
    return np.asarray(needs @ per_service.T, dtype=np.float64).reshape(len(requests), len(shelters))


def _missing_language(requests: Sequence[Request], shelters: Sequence[Shelter]) -> BoolArray:
    """Return where the request names languages and the shelter speaks none of them."""
    languages = sorted({code for r in requests for code in r.languages})
    column = {code: k for k, code in enumerate(languages)}
    spoken_by_request = _membership([r.languages for r in requests], column)
    spoken_by_shelter = _membership([s.languages for s in shelters], column)
    shared = (spoken_by_request @ spoken_by_shelter.T) > 0
    named = np.array([bool(r.languages) for r in requests], dtype=bool)
    return np.asarray(named[:, None] & ~shared, dtype=np.bool_)


def _outside_preferred_region(requests: Sequence[Request], shelters: Sequence[Shelter]) -> BoolArray:
    """Return where the request prefers some régions and the shelter is in none of them."""
    regions = sorted({code for r in requests for code in r.preferred_regions})
    column = {code: k for k, code in enumerate(regions)}
    preferred = _membership([r.preferred_regions for r in requests], column)
    located = _membership([frozenset({s.region}) for s in shelters], column)
    inside = (preferred @ located.T) > 0
    named = np.array([bool(r.preferred_regions) for r in requests], dtype=bool)
    return np.asarray(named[:, None] & ~inside, dtype=np.bool_)


def _membership(sets: Sequence[frozenset[str]], column: dict[str, int]) -> FloatArray:
    """Return a 0/1 matrix: row i has a 1 in the column of each code of sets[i] that has one."""
    matrix = np.zeros((len(sets), len(column)))
    for i, codes in enumerate(sets):
        matrix[i, [column[c] for c in codes if c in column]] = 1.0
    return matrix


def _validate(requests: Sequence[Request], shelters: Sequence[Shelter], weights: Weights) -> None:
    """Refuse what would make the optimum meaningless: duplicate ids, negative costs."""
    for kind, ids in (("request", [r.id for r in requests]), ("shelter", [s.id for s in shelters])):
        if len(set(ids)) != len(ids):
            duplicate = next(i for i in ids if ids.count(i) > 1)
            raise ValueError(f"duplicate {kind} id {duplicate}")
    for weight in fields(weights):
        if not getattr(weights, weight.name) >= 0:
            raise ValueError(f"weight {weight.name} must be a non-negative number")
    for s in shelters:
        for code, km in s.service_km.items():
            if not km >= 0:
                raise ValueError(f"shelter {s.id}: distance to service {code!r} must be a non-negative number")
