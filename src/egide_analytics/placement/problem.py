"""The placement problem as plain data: requests, shelters, places to avoid, weights.

The Django side builds these from the database (decrypting shelter locations in memory)
and hands them to `propose`; nothing here knows about Django, names or addresses.
Coordinates are WGS 84 degrees; distances are great-circle kilometres.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

LatLon = tuple[float, float]


class Profile(StrEnum):
    """Who a shelter accepts, and who a request is for."""

    WOMAN = "woman"
    MAN = "man"
    WITH_CHILDREN = "with_children"


@dataclass(frozen=True)
class AvoidArea:
    """A place the person must stay far from: a commune (its centre) or a whole département.

    A département is given by the vertices of its boundary, and a shelter inside it is at
    distance zero. `departement` and `region` are those of the place, for the options that
    forbid the same département or région. `label` is an opaque key the caller uses to
    explain an exclusion; it is never parsed.
    """

    label: str
    points: tuple[LatLon, ...]
    departement: str = ""
    region: str = ""
    whole_departement: bool = False


@dataclass(frozen=True)
class Shelter:
    id: int
    location: LatLon
    departement: str
    region: str
    free_places: int
    accepts: frozenset[Profile]
    wheelchair_accessible: bool = False
    languages: frozenset[str] = frozenset()
    # Distance in km from the shelter to the nearest provider of each service (missing: none known).
    service_km: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Request:
    id: int
    profile: frozenset[Profile]
    adult: bool
    waiting_days: int
    avoid: tuple[AvoidArea, ...] = ()
    min_distance_km: float = 200.0
    avoid_same_departement: bool = False
    avoid_same_region: bool = False
    needs_wheelchair: bool = False
    languages: frozenset[str] = frozenset()
    needed_services: tuple[str, ...] = ()
    preferred_regions: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Weights:
    """Soft costs, in points; leaving a request unplaced always costs more than any placement."""

    per_km_to_service: float = 0.05
    missing_service: float = 40.0
    missing_language: float = 15.0
    outside_preferred_region: float = 10.0
    # Each day of waiting raises the cost of leaving the request unplaced, so that the
    # longest waits are served first when places are short.
    per_waiting_day: float = 1.0


class ExclusionReason(StrEnum):
    MINOR = "minor"
    PROFILE = "profile"
    ACCESSIBILITY = "accessibility"
    NO_PLACE = "no_place"
    TOO_CLOSE = "too_close"
    SAME_DEPARTEMENT = "same_departement"
    SAME_REGION = "same_region"


@dataclass(frozen=True)
class Exclusion:
    """Why one shelter cannot take one request; a shelter has one entry per reason."""

    shelter_id: int
    reason: ExclusionReason
    area: str = ""  # the AvoidArea's label, for TOO_CLOSE and SAME_*
    distance_km: float | None = None  # for TOO_CLOSE


@dataclass(frozen=True)
class Option:
    shelter_id: int
    cost: float
    nearest_avoid_km: float | None  # None when the request names no place to avoid


@dataclass(frozen=True)
class RequestResult:
    request_id: int
    shelter_id: int | None  # the optimal assignment, None when left waiting
    cost: float | None
    alternatives: tuple[Option, ...]  # eligible shelters, cheapest first
    exclusions: tuple[Exclusion, ...]
    nearest_avoid_km: float | None = None  # from the chosen shelter; None when unplaced or nothing to avoid


@dataclass(frozen=True)
class Proposal:
    results: Mapping[int, RequestResult]
    total_cost: float  # sum of the chosen placements' costs
    placed: int  # the most requests that can be placed at once
    # What the engine minimises once `placed` is maximal: total_cost + per_waiting_day × the
    # days waited by the requests left unplaced.
    objective: float = 0.0
