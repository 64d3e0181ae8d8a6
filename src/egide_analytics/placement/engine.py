"""Assign every pending request to a shelter at once, optimally, and explain the choice.

The objective. Let c(r, s) ≥ 0 be the soft cost of placing request r in shelter s (see
`Weights`): for each distinct needed service, `per_km_to_service` × the shelter's distance
to its nearest provider, or `missing_service` when none is known; `missing_language` when
the request names languages and the shelter speaks none of them; `outside_preferred_region`
when the request names régions and the shelter is in none. Leaving r waiting costs

    U(r) = B + per_waiting_day × waiting_days(r)      (negative waits count as 0)

where B is one more than the sum over requests of their dearest eligible placement
(`costs.big_constant`). `propose` picks x(r, s) ∈ {0, 1} over the eligible pairs only (every
hard constraint met) to minimise

    Σ c(r, s) x(r, s) + Σ_{r unplaced} U(r)

subject to each request in at most one shelter and each shelter s taking at most its
`free_places`. Because of B, this places as many requests as can be placed at all; among
those assignments it minimises the placement costs plus per_waiting_day × the days waited
by those left waiting, so when places are short the longest waits are served first unless
their placements would cost more than the extra days of waiting are worth.

`Proposal.placed` is that maximum, `Proposal.total_cost` the sum of the chosen placements'
costs, and `Proposal.objective` the total cost plus the waiting term (B left out): equal
`placed`, lower `objective` is better.
"""

import math
from collections.abc import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment  # type: ignore[import-untyped]  # no stubs

from egide_analytics.placement.constraints import IntArray
from egide_analytics.placement.costs import CostModel, build_cost_model
from egide_analytics.placement.problem import Option, Proposal, Request, RequestResult, Shelter, Weights

UNPLACED = -1
DEFAULT_WEIGHTS = Weights()


def propose(
    requests: Sequence[Request], shelters: Sequence[Shelter], weights: Weights = DEFAULT_WEIGHTS, alternatives: int = 5
) -> Proposal:
    """Assign the requests to the shelters at least total cost; rank the alternatives; explain exclusions.

    Two women wait; the only shelter far enough from Marseille has one place, so the longer
    wait gets it. The Toulon shelter is 49 km from Marseille, under the 200 km minimum:

    >>> from egide_analytics.placement import AvoidArea, Profile, Request, Shelter, propose
    >>> marseille = AvoidArea("Marseille", ((43.2965, 5.3698),), departement="13", region="93")
    >>> women = frozenset({Profile.WOMAN})
    >>> shelters = [
    ...     Shelter(1, (48.1173, -1.6778), "35", "53", free_places=1, accepts=women),  # Rennes
    ...     Shelter(2, (43.1242, 5.9280), "83", "93", free_places=2, accepts=women),  # Toulon
    ... ]
    >>> requests = [
    ...     Request(10, women, adult=True, waiting_days=12, avoid=(marseille,)),
    ...     Request(11, women, adult=True, waiting_days=90, avoid=(marseille,)),
    ... ]
    >>> proposal = propose(requests, shelters)
    >>> proposal.placed, proposal.results[11].shelter_id, proposal.results[10].shelter_id
    (1, 1, None)
    >>> [(e.shelter_id, e.reason.value, e.area, round(e.distance_km)) for e in proposal.results[10].exclusions]
    [(2, 'too_close', 'Marseille', 49)]
    >>> [(o.shelter_id, o.cost, round(o.nearest_avoid_km)) for o in proposal.results[10].alternatives]
    [(1, 0.0, 765)]
    """
    if alternatives < 0:
        raise ValueError("alternatives must be ≥ 0")
    model = build_cost_model(requests, shelters, weights)
    chosen = solve(model)
    return _proposal(model, chosen, alternatives)


def solve(model: CostModel) -> IntArray:
    """Return, for each request (row), the column of its shelter in the optimal assignment, or -1.

    Each shelter becomes as many identical slot columns as it has free places (no more than
    the requests it could take), and each request gets a "waiting" column of its own. A
    request r in a slot of s costs c(r, s) − U(r) < 0 and waiting costs 0: the same
    objective minus the constant Σ U(r). Ineligible pairs cost +inf, which
    `linear_sum_assignment` never selects as long as some finite assignment exists; one
    always does (every request in its own waiting column), so the assignment it returns
    holds eligible pairs only: no hard constraint is ever violated.
    """
    chosen = np.full(len(model.requests), UNPLACED, dtype=np.intp)
    rows = np.flatnonzero(model.eligible.any(axis=1))
    if rows.size == 0:
        return chosen
    eligible = model.eligible[rows]
    free = np.array([max(0, s.free_places) for s in model.shelters], dtype=np.intp)
    slot_shelter = np.repeat(np.arange(len(model.shelters)), np.minimum(free, eligible.sum(axis=0)))
    placing = np.where(
        eligible[:, slot_shelter],
        model.cost[rows][:, slot_shelter] - model.unplaced[rows, None],
        np.inf,
    )
    waiting = np.full((rows.size, rows.size), np.inf)
    np.fill_diagonal(waiting, 0.0)
    assigned_rows, columns = linear_sum_assignment(np.hstack([placing, waiting]))
    in_slot = columns < slot_shelter.size
    chosen[rows[assigned_rows[in_slot]]] = slot_shelter[columns[in_slot]]
    return chosen


def _proposal(model: CostModel, chosen: IntArray, alternatives: int) -> Proposal:
    """Gather the chosen shelters, the ranked alternatives and the exclusions into a Proposal."""
    ranked = np.argsort(np.where(model.eligible, model.cost, np.inf), axis=1, kind="stable")[:, : alternatives + 1]
    results: dict[int, RequestResult] = {}
    placed_costs: list[float] = []
    waiting_costs: list[float] = []
    for i, request in enumerate(model.requests):
        column = int(chosen[i])
        options = [_option(model, i, int(j)) for j in ranked[i] if model.eligible[i, j] and j != column][:alternatives]
        if column == UNPLACED:
            waiting_costs.append(float(model.waiting[i]))
            results[request.id] = RequestResult(request.id, None, None, tuple(options), model.exclusions[i])
            continue
        choice = _option(model, i, column)
        placed_costs.append(choice.cost)
        results[request.id] = RequestResult(
            request.id, choice.shelter_id, choice.cost, tuple(options), model.exclusions[i], choice.nearest_avoid_km
        )
    total = math.fsum(placed_costs)
    return Proposal(
        results=results,
        total_cost=total,
        placed=len(placed_costs),
        objective=math.fsum(placed_costs + waiting_costs),
    )


def _option(model: CostModel, row: int, column: int) -> Option:
    nearest = float(model.nearest_km[row, column])
    return Option(
        shelter_id=model.shelters[column].id,
        cost=float(model.cost[row, column]),
        nearest_avoid_km=nearest if math.isfinite(nearest) else None,
    )
