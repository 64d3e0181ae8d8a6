"""The engine's assignment is optimal: checked against every feasible assignment of small instances."""

import math

import pytest

from egide_analytics.placement import Weights, propose
from tests.analytics.placement_oracle import (
    TOLERANCE,
    assert_feasible,
    best_by_brute_force,
    cost,
    random_instance,
    reasons,
)

WEIGHTS = (
    Weights(),
    # Waiting counts for little: the optimum may leave a long wait for a cheap placement.
    Weights(per_km_to_service=0.5, missing_service=60.0, per_waiting_day=0.05),
    # Waiting dominates: placement costs only break ties.
    Weights(per_km_to_service=0.01, missing_service=1.0, missing_language=1.0, per_waiting_day=10.0),
)


@pytest.mark.parametrize("weights", WEIGHTS, ids=["default", "cheap_waiting", "dear_waiting"])
@pytest.mark.parametrize("batch", range(4))
def test_engine_places_as_many_as_brute_force_at_the_same_least_cost(weights: Weights, batch: int) -> None:
    for seed in range(batch * 60, batch * 60 + 60):
        requests, shelters = random_instance(seed)
        proposal = propose(requests, shelters, weights)
        placed, objective = best_by_brute_force(requests, shelters, weights)
        assert proposal.placed == placed, seed
        assert math.isclose(proposal.objective, objective, rel_tol=TOLERANCE, abs_tol=TOLERANCE), seed
        assert_feasible(proposal, requests, shelters)


@pytest.mark.parametrize("seed", range(40))
def test_costs_and_exclusions_match_the_rules_pair_by_pair(seed: int) -> None:
    requests, shelters = random_instance(1000 + seed)
    weights = WEIGHTS[seed % len(WEIGHTS)]
    proposal = propose(requests, shelters, weights, alternatives=len(shelters))
    for request in requests:
        result = proposal.results[request.id]
        expected = [(s.id, r.reason, r.area) for s in sorted(shelters, key=lambda s: s.id) for r in reasons(request, s)]
        assert [(e.shelter_id, e.reason, e.area) for e in result.exclusions] == expected
        for exclusion in result.exclusions:
            shelter = next(s for s in shelters if s.id == exclusion.shelter_id)
            expected_km = next(r.distance_km for r in reasons(request, shelter) if r.area == exclusion.area)
            if exclusion.distance_km is None or expected_km is None:
                assert exclusion.distance_km is None
            else:
                assert math.isclose(exclusion.distance_km, expected_km, rel_tol=1e-9, abs_tol=1e-9)
        chosen = [(result.shelter_id, result.cost)] if result.shelter_id is not None else []
        for shelter_id, placement_cost in [*chosen, *((o.shelter_id, o.cost) for o in result.alternatives)]:
            shelter = next(s for s in shelters if s.id == shelter_id)
            assert placement_cost is not None
            assert math.isclose(placement_cost, cost(request, shelter, weights), abs_tol=TOLERANCE)
