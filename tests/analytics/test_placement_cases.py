"""Hand-made situations, each with the answer worked out by hand."""

import math

import pytest

from egide_analytics.placement import (
    AvoidArea,
    Exclusion,
    ExclusionReason,
    LatLon,
    Profile,
    Proposal,
    Request,
    Shelter,
    Weights,
    haversine_km,
    propose,
)

WOMAN = frozenset({Profile.WOMAN})
MARSEILLE: LatLon = (43.2965, 5.3698)
LILLE: LatLon = (50.6292, 3.0573)
EXPLOITATION = AvoidArea("lieu d'exploitation", (MARSEILLE,), departement="13", region="93")


def north_of(point: LatLon, km: float) -> LatLon:
    """The point `km` km due north: along a meridian the great-circle distance is the latitude difference."""
    return (point[0] + math.degrees(km / 6371.0), point[1])


def shelter(shelter_id: int, location: LatLon = LILLE, **fields: object) -> Shelter:
    defaults: dict[str, object] = {"departement": "59", "region": "32", "free_places": 1, "accepts": WOMAN}
    return Shelter(id=shelter_id, location=location, **(defaults | fields))


def request(request_id: int, **fields: object) -> Request:
    defaults: dict[str, object] = {"profile": WOMAN, "adult": True, "waiting_days": 10, "avoid": (EXPLOITATION,)}
    return Request(id=request_id, **(defaults | fields))


def test_haversine_matches_a_known_distance_and_is_symmetric() -> None:
    assert haversine_km(MARSEILLE, north_of(MARSEILLE, 150)) == pytest.approx(150, abs=1e-9)
    assert haversine_km(MARSEILLE, LILLE) == pytest.approx(haversine_km(LILLE, MARSEILLE))
    assert 830 < haversine_km(MARSEILLE, LILLE) < 840


def test_a_shelter_150_km_from_the_exploitation_place_is_excluded_with_the_distance() -> None:
    near, far = shelter(1, north_of(MARSEILLE, 150), departement="84"), shelter(2)
    result = propose([request(7)], [near, far]).results[7]
    assert result.shelter_id == 2
    assert result.exclusions == (
        Exclusion(1, ExclusionReason.TOO_CLOSE, "lieu d'exploitation", pytest.approx(150, abs=1e-6)),
    )
    assert result.nearest_avoid_km == pytest.approx(haversine_km(LILLE, MARSEILLE))


def test_the_minimum_distance_is_the_request_s_own() -> None:
    near = shelter(1, north_of(MARSEILLE, 150), departement="84")
    assert propose([request(7, min_distance_km=100.0)], [near]).results[7].shelter_id == 1
    assert propose([request(7, min_distance_km=150.5)], [near]).results[7].shelter_id is None


def test_every_area_too_close_gives_its_own_exclusion() -> None:
    second = AvoidArea("attaches", (north_of(MARSEILLE, 20),), departement="13", region="93")
    near = shelter(1, north_of(MARSEILLE, 100), departement="84")
    exclusions = propose([request(7, avoid=(EXPLOITATION, second))], [near]).results[7].exclusions
    assert [(e.reason, e.area, round(e.distance_km or 0)) for e in exclusions] == [
        (ExclusionReason.TOO_CLOSE, "lieu d'exploitation", 100),
        (ExclusionReason.TOO_CLOSE, "attaches", 80),
    ]


def test_same_departement_and_same_region_exclude_only_when_asked() -> None:
    # Far from the place itself, but in its département (a long one, for the sake of the test) and région.
    same_departement = shelter(1, LILLE, departement="13", region="93")
    same_region = shelter(2, LILLE, departement="06", region="93")
    other = shelter(3, LILLE, departement="59", region="32")
    shelters = [same_departement, same_region, other]

    plain = propose([request(7)], shelters, alternatives=5).results[7]
    assert plain.exclusions == ()

    departement = propose([request(7, avoid_same_departement=True)], shelters).results[7]
    assert [(e.shelter_id, e.reason, e.area) for e in departement.exclusions] == [
        (1, ExclusionReason.SAME_DEPARTEMENT, "lieu d'exploitation")
    ]

    region = propose([request(7, avoid_same_region=True)], shelters).results[7]
    assert [(e.shelter_id, e.reason) for e in region.exclusions] == [
        (1, ExclusionReason.SAME_REGION),
        (2, ExclusionReason.SAME_REGION),
    ]
    assert region.shelter_id == 3

    both = propose([request(7, avoid_same_departement=True, avoid_same_region=True)], shelters).results[7]
    assert [(e.shelter_id, e.reason) for e in both.exclusions] == [
        (1, ExclusionReason.SAME_DEPARTEMENT),
        (1, ExclusionReason.SAME_REGION),
        (2, ExclusionReason.SAME_REGION),
    ]


def test_a_minor_is_never_placed_and_every_shelter_says_why() -> None:
    proposal = propose([request(7, adult=False, avoid=())], [shelter(1), shelter(2, free_places=3)])
    result = proposal.results[7]
    assert proposal.placed == 0
    assert result.shelter_id is None
    assert result.alternatives == ()
    assert [(e.shelter_id, e.reason) for e in result.exclusions] == [
        (1, ExclusionReason.MINOR),
        (2, ExclusionReason.MINOR),
    ]


def test_every_reason_that_applies_is_recorded() -> None:
    bad = shelter(1, north_of(MARSEILLE, 10), departement="13", region="93", free_places=0, accepts=frozenset())
    needs = request(7, adult=False, needs_wheelchair=True, avoid_same_departement=True, avoid_same_region=True)
    reasons = [e.reason for e in propose([needs], [bad]).results[7].exclusions]
    assert reasons == list(ExclusionReason)


def test_the_longest_wait_wins_the_last_place() -> None:
    waits = {1: 30, 2: 180, 3: 0, 4: 179}
    proposal = propose([request(i, waiting_days=d) for i, d in waits.items()], [shelter(1), shelter(2)])
    assert proposal.placed == 2
    assert {i for i, r in proposal.results.items() if r.shelter_id is not None} == {2, 4}
    assert proposal.objective == pytest.approx(30 + 0)
    # The full shelters stay offered as alternatives: the coordinator may still choose otherwise.
    assert [o.shelter_id for o in proposal.results[1].alternatives] == [1, 2]


def test_placing_one_more_request_beats_a_cheaper_assignment() -> None:
    # Request 1 costs nothing in shelter 1, the only one request 2 can enter, and 40 elsewhere;
    # request 2 costs 40 in shelter 1. Leaving request 2 waiting (cost 0 + its waiting cost)
    # would be cheaper than placing both (40 + 40) unless waiting costs more than any set of
    # placements it prevents: the optimum moves request 1 so that both are placed.
    cheap = shelter(1, service_km={"health": 0.0})
    dear = shelter(2, location=(48.58, 7.75), departement="67", region="44")
    wheelchair = shelter(1, service_km={"health": 0.0}, wheelchair_accessible=True)
    first = request(1, needed_services=("health",), waiting_days=0)
    second = request(2, needs_wheelchair=True, needed_services=("legal",), waiting_days=0)
    proposal = propose([first, second], [wheelchair, dear])
    assert proposal.placed == 2
    assert proposal.results[1].shelter_id == 2
    assert proposal.results[2].shelter_id == 1
    assert proposal.total_cost == pytest.approx(2 * Weights().missing_service)
    assert propose([first], [cheap, dear]).results[1].shelter_id == 1


def test_a_departement_to_avoid_is_at_distance_zero_from_a_shelter_inside_it() -> None:
    # The département's boundary points are 300 km away; the shelter is inside it all the same.
    boundary = (north_of(LILLE, -300), north_of(LILLE, -310))
    departement = AvoidArea("Nord", boundary, departement="59", region="32", whole_departement=True)
    inside = shelter(1, LILLE, departement="59")
    neighbour = shelter(2, north_of(LILLE, -250), departement="02", region="32")
    result = propose([request(7, avoid=(departement,))], [inside, neighbour], alternatives=5).results[7]
    assert result.exclusions == (
        Exclusion(1, ExclusionReason.TOO_CLOSE, "Nord", 0.0),
        Exclusion(2, ExclusionReason.TOO_CLOSE, "Nord", pytest.approx(50, abs=1e-6)),
    )
    assert result.shelter_id is None
    far = shelter(3, north_of(LILLE, -600), departement="21", region="27")
    result = propose([request(7, avoid=(departement,))], [inside, far]).results[7]
    assert result.shelter_id == 3
    assert result.nearest_avoid_km == pytest.approx(290, abs=1e-6)


def test_the_soft_costs_add_up() -> None:
    weights = Weights(per_km_to_service=0.5, missing_service=40, missing_language=15, outside_preferred_region=10)
    host = shelter(1, service_km={"health": 12.0}, languages=frozenset({"fr"}))
    needs = request(
        7,
        needed_services=("health", "legal", "health"),  # a service named twice counts once
        languages=frozenset({"ro"}),
        preferred_regions=frozenset({"84"}),
    )
    result = propose([needs], [host], weights).results[7]
    assert result.cost == pytest.approx(0.5 * 12 + 40 + 15 + 10)
    speaks = shelter(1, service_km={"health": 12.0, "legal": 2.0}, languages=frozenset({"ro", "fr"}), region="84")
    assert propose([needs], [speaks], weights).results[7].cost == pytest.approx(0.5 * 14)


def test_a_shelter_with_several_places_takes_several_requests() -> None:
    proposal = propose([request(i) for i in range(1, 5)], [shelter(1, free_places=3), shelter(2, free_places=0)])
    assert proposal.placed == 3
    assert [(e.shelter_id, e.reason) for e in proposal.results[1].exclusions] == [(2, ExclusionReason.NO_PLACE)]


def test_empty_inputs_give_an_empty_proposal() -> None:
    assert propose([], []) == Proposal(results={}, total_cost=0.0, placed=0, objective=0.0)
    assert propose([], [shelter(1)]).placed == 0
    alone = propose([request(7, waiting_days=5)], []).results[7]
    assert (alone.shelter_id, alone.alternatives, alone.exclusions) == (None, (), ())
    assert propose([request(7, waiting_days=5)], []).objective == 5.0


def test_a_wait_dated_in_the_future_counts_as_no_wait() -> None:
    assert propose([request(7, waiting_days=-3)], []).objective == 0.0


@pytest.mark.parametrize(
    ("requests", "shelters", "message"),
    [
        ([request(1), request(1)], [], "duplicate request id 1"),
        ([], [shelter(2), shelter(2)], "duplicate shelter id 2"),
        ([], [shelter(2, service_km={"health": -1.0})], "shelter 2"),
    ],
)
def test_malformed_input_is_refused(requests: list[Request], shelters: list[Shelter], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        propose(requests, shelters)


def test_negative_weights_and_alternatives_are_refused() -> None:
    with pytest.raises(ValueError, match="per_waiting_day"):
        propose([], [], Weights(per_waiting_day=-1))
    with pytest.raises(ValueError, match="alternatives"):
        propose([], [], alternatives=-1)
