"""Properties of every proposal, on instances drawn by hypothesis."""

import math
import random
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from egide_analytics.placement import AvoidArea, Profile, Proposal, Request, Shelter, Weights, propose
from tests.analytics.placement_oracle import LANGUAGES, SERVICES, TOWNS, distance_to_area, eligible

coordinates = st.tuples(st.floats(41.3, 51.1), st.floats(-5.2, 9.6))  # metropolitan France's bounding box
places = st.sampled_from(TOWNS)
profiles = st.frozensets(st.sampled_from(list(Profile)), min_size=1)


@st.composite
def areas(draw: st.DrawFn, label: str) -> AvoidArea:
    _, departement, region = draw(places)
    return AvoidArea(
        label,
        tuple(draw(st.lists(coordinates, min_size=0, max_size=4))),
        departement,
        region,
        whole_departement=draw(st.booleans()),
    )


@st.composite
def shelters(draw: st.DrawFn, shelter_id: int) -> Shelter:
    _, departement, region = draw(places)
    return Shelter(
        id=shelter_id,
        location=draw(coordinates),
        departement=departement,
        region=region,
        free_places=draw(st.integers(-1, 3)),
        accepts=draw(profiles),
        wheelchair_accessible=draw(st.booleans()),
        languages=draw(st.frozensets(st.sampled_from(LANGUAGES), max_size=2)),
        service_km=draw(st.dictionaries(st.sampled_from(SERVICES), st.floats(0, 300), max_size=3)),
    )


@st.composite
def requests(draw: st.DrawFn, request_id: int) -> Request:
    return Request(
        id=request_id,
        profile=draw(profiles),
        adult=draw(st.sampled_from((True, True, True, False))),  # mostly adults
        waiting_days=draw(st.integers(0, 400)),
        avoid=tuple(draw(areas(f"{request_id}-{k}")) for k in range(draw(st.integers(0, 3)))),
        min_distance_km=draw(st.floats(0, 600)),
        avoid_same_departement=draw(st.booleans()),
        avoid_same_region=draw(st.booleans()),
        needs_wheelchair=draw(st.booleans()),
        languages=draw(st.frozensets(st.sampled_from(LANGUAGES), max_size=2)),
        needed_services=tuple(draw(st.lists(st.sampled_from(SERVICES), max_size=3))),
        preferred_regions=draw(st.frozensets(st.sampled_from([t[2] for t in TOWNS]), max_size=2)),
    )


@st.composite
def instances(draw: st.DrawFn) -> tuple[list[Request], list[Shelter]]:
    request_ids = draw(st.lists(st.integers(1, 10_000), max_size=8, unique=True))
    shelter_ids = draw(st.lists(st.integers(1, 10_000), max_size=6, unique=True))
    return [draw(requests(i)) for i in request_ids], [draw(shelters(i)) for i in shelter_ids]


weights = st.builds(
    Weights,
    per_km_to_service=st.floats(0, 2),
    missing_service=st.floats(0, 100),
    missing_language=st.floats(0, 100),
    outside_preferred_region=st.floats(0, 100),
    per_waiting_day=st.floats(0, 10),
)


def taken(proposal: Proposal) -> Counter[int]:
    return Counter(r.shelter_id for r in proposal.results.values() if r.shelter_id is not None)


@settings(max_examples=150, deadline=None)
@given(instances(), weights)
def test_no_assignment_breaks_a_hard_constraint_or_a_capacity(instance: tuple, w: Weights) -> None:
    reqs, shels = instance
    proposal = propose(reqs, shels, w)
    by_id = {s.id: s for s in shels}
    for request in reqs:
        chosen = proposal.results[request.id].shelter_id
        assert chosen is None or eligible(request, by_id[chosen])
        assert chosen is None or request.adult
    for shelter_id, count in taken(proposal).items():
        assert count <= by_id[shelter_id].free_places
    assert proposal.placed == sum(taken(proposal).values())


@settings(max_examples=150, deadline=None)
@given(instances())
def test_every_shelter_is_either_excluded_with_reasons_or_eligible(instance: tuple) -> None:
    reqs, shels = instance
    proposal = propose(reqs, shels, alternatives=len(shels))
    for request in reqs:
        result = proposal.results[request.id]
        excluded = {e.shelter_id for e in result.exclusions}
        offered = {o.shelter_id for o in result.alternatives} | ({result.shelter_id} - {None})
        assert excluded.isdisjoint(offered)
        assert excluded | offered == {s.id for s in shels}
        # A shelter is excluded exactly when the rules give it a reason; each reason comes once per area.
        assert offered == {s.id for s in shels if eligible(request, s)}
        keys = [(e.shelter_id, e.reason, e.area) for e in result.exclusions]
        assert len(keys) == len(set(keys))


@settings(max_examples=150, deadline=None)
@given(instances(), weights)
def test_a_request_waits_only_when_every_shelter_it_could_enter_is_full(instance: tuple, w: Weights) -> None:
    reqs, shels = instance
    proposal = propose(reqs, shels, w)
    counts = taken(proposal)
    for request in reqs:
        if proposal.results[request.id].shelter_id is None:
            for shelter in shels:
                if eligible(request, shelter):
                    assert counts[shelter.id] == shelter.free_places


@settings(max_examples=100, deadline=None)
@given(instances(), st.integers(0, 4))
def test_alternatives_are_the_cheapest_other_eligible_shelters_in_order(instance: tuple, count: int) -> None:
    reqs, shels = instance
    proposal = propose(reqs, shels, alternatives=count)
    for request in reqs:
        result = proposal.results[request.id]
        ranks = [(o.cost, o.shelter_id) for o in result.alternatives]
        assert ranks == sorted(ranks)
        assert result.shelter_id not in {o.shelter_id for o in result.alternatives}
        others = [s for s in shels if eligible(request, s) and s.id != result.shelter_id]
        assert len(result.alternatives) == min(count, len(others))
        by_id = {s.id: s for s in shels}
        for option in result.alternatives:
            nearest = min((distance_to_area(by_id[option.shelter_id], a) for a in request.avoid), default=math.inf)
            if math.isinf(nearest):
                assert option.nearest_avoid_km is None
            else:
                assert option.nearest_avoid_km is not None
                assert math.isclose(option.nearest_avoid_km, nearest, rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=100, deadline=None)
@given(instances(), weights, st.randoms(use_true_random=False))
def test_the_proposal_does_not_depend_on_the_order_of_the_input(
    instance: tuple, w: Weights, rng: random.Random
) -> None:
    reqs, shels = instance
    first = propose(reqs, shels, w)
    shuffled_requests, shuffled_shelters = list(reqs), list(shels)
    rng.shuffle(shuffled_requests)
    rng.shuffle(shuffled_shelters)
    assert propose(shuffled_requests, shuffled_shelters, w) == first
    assert propose(reqs, shels, w) == first
    assert list(first.results) == sorted(r.id for r in reqs)
    assert math.isfinite(first.objective)
