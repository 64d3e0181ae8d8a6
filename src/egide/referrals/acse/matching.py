"""Hand the pending requests and the active shelters to the placement engine, explain its answer.

The engine (`egide_analytics.placement`) knows coordinates and codes only. This module
decrypts the shelters' locations and the requests' places to avoid in memory, turns them
into the engine's plain data, and turns its exclusions back into French sentences for the
coordinator. Nothing decrypted here is stored or logged.

Services nearby are computed from the directory, not typed: for each service a request
needs, the distance from the shelter to the nearest active organisation of the directory
that offers it (the shelter's own organisation included).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from egide.core.models import Commune, Departement
from egide.organisations.models import OrganisationService
from egide.referrals.acse.models import Placement, PlacementRequest, Shelter
from egide.referrals.acse.sealed import AvoidPlace, ShelterLocation, open_location, open_places
from egide.referrals.acse.vocabulary import HOLDING_STEPS, Gender
from egide_analytics.placement import (
    AvoidArea,
    Exclusion,
    ExclusionReason,
    LatLon,
    Option,
    Profile,
    Proposal,
    Request,
    RequestResult,
    haversine_km,
    propose,
)
from egide_analytics.placement import Shelter as EngineShelter

# --- Places ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A commune or a département, with what the engine and the explanations need."""

    name: str
    departement: str
    region: str
    points: tuple[LatLon, ...]
    whole_departement: bool = False


def _vertices(geometry: dict[str, Any] | None) -> tuple[LatLon, ...]:
    """Return every vertex of a GeoJSON Polygon or MultiPolygon as (latitude, longitude)."""
    if not geometry:
        return ()
    polygons = geometry["coordinates"] if geometry.get("type") == "MultiPolygon" else [geometry["coordinates"]]
    return tuple((float(lat), float(lon)) for polygon in polygons for ring in polygon for lon, lat in ring)


@dataclass
class Gazetteer:
    """Communes and départements looked up once per page, by code."""

    communes: dict[str, Commune] = field(default_factory=dict)
    departements: dict[str, Departement] = field(default_factory=dict)

    @classmethod
    def load(cls, commune_codes: Iterable[str], departement_codes: Iterable[str]) -> "Gazetteer":
        communes = Commune.objects.select_related("departement").in_bulk(set(commune_codes))
        wanted = set(departement_codes) | {c.departement_id for c in communes.values()}
        departements = Departement.objects.in_bulk(wanted)
        return cls(communes, departements)

    def commune(self, code: str) -> Place | None:
        commune = self.communes.get(code)
        if commune is None or commune.latitude is None or commune.longitude is None:
            return None
        departement = commune.departement
        point = (commune.latitude, commune.longitude)
        return Place(f"{commune.name} ({departement.code})", departement.code, departement.region_id, (point,))

    def departement(self, code: str) -> Place | None:
        departement = self.departements.get(code)
        if departement is None:
            return None
        points = _vertices(departement.geometry)
        if not points and departement.latitude is not None and departement.longitude is not None:
            points = ((departement.latitude, departement.longitude),)
        name = f"{departement.name} ({departement.code})"
        return Place(name, departement.code, departement.region_id, points, whole_departement=True)

    def place(self, avoid: AvoidPlace) -> Place | None:
        return self.departement(avoid.code) if avoid.is_departement else self.commune(avoid.code)


# --- Building the engine's instance ------------------------------------------------------------


@dataclass(frozen=True)
class RequestCase:
    """A request with its decrypted places to avoid and what they are on the map."""

    request: PlacementRequest
    avoid: tuple[AvoidPlace, ...]
    places: tuple[Place | None, ...]

    def avoid_names(self) -> list[str]:
        return [self.area_name(str(i)) for i in range(len(self.avoid))]

    def area_name(self, label: str) -> str:
        index = int(label) if label.isdigit() else -1
        if not 0 <= index < len(self.places):
            return "un lieu à éviter"
        place, avoid = self.places[index], self.avoid[index]
        return f"{place.name if place else avoid.code} ({avoid.kind_label})"


@dataclass(frozen=True)
class ShelterCase:
    shelter: Shelter
    location: ShelterLocation
    place: Place | None
    free_places: int


def held_places(shelter_ids: Iterable[int]) -> dict[int, int]:
    """Places promised to placements not arrived yet, by shelter."""
    rows = (
        Placement.objects.filter(shelter_id__in=list(shelter_ids), step__in=sorted(HOLDING_STEPS))
        .values("shelter_id")
        .annotate(n=Count("id"))
    )
    return {row["shelter_id"]: row["n"] for row in rows}


def open_shelters(shelters: Sequence[Shelter]) -> list[tuple[Shelter, ShelterLocation]]:
    """Decrypt the locations of the shelters; the caller has recorded the access."""
    return [(s, open_location(s.data_key, s.uid, bytes(s.location))) for s in shelters]


def open_requests(requests: Sequence[PlacementRequest]) -> list[tuple[PlacementRequest, tuple[AvoidPlace, ...]]]:
    """Decrypt the places to avoid of the requests; the caller has recorded the access."""
    return [(r, open_places(r.data_key, r.uid, bytes(r.places))) for r in requests]


def service_distances(points: dict[int, LatLon], services: Iterable[str]) -> dict[int, dict[str, float]]:
    """Distance from each point to the nearest active organisation offering each service."""
    found: dict[int, dict[str, float]] = {key: {} for key in points}
    for code in sorted(set(services)):
        rows = OrganisationService.objects.filter(code=code, organisation__is_active=True).values_list(
            "organisation__latitude", "organisation__longitude"
        )
        providers = [(lat, lon) for lat, lon in rows if lat is not None and lon is not None]
        for key, point in points.items():
            if providers:
                found[key][code] = min(haversine_km(point, p) for p in providers)
    return found


@dataclass(frozen=True)
class Instance:
    requests: tuple[RequestCase, ...]
    shelters: tuple[ShelterCase, ...]
    engine_requests: tuple[Request, ...]
    engine_shelters: tuple[EngineShelter, ...]


def _profile(request: PlacementRequest) -> frozenset[Profile]:
    wanted = {Profile.WOMAN if request.gender == Gender.WOMAN else Profile.MAN}
    if request.with_children:
        wanted.add(Profile.WITH_CHILDREN)
    return frozenset(wanted)


def _accepts(shelter: Shelter) -> frozenset[Profile]:
    pairs = ((shelter.accepts_women, Profile.WOMAN), (shelter.accepts_men, Profile.MAN),
             (shelter.accepts_children, Profile.WITH_CHILDREN))  # fmt: skip
    return frozenset(profile for accepted, profile in pairs if accepted)


def _engine_request(case: RequestCase, today: Any) -> Request:
    request = case.request
    areas = tuple(
        AvoidArea(str(i), place.points, place.departement, place.region, place.whole_departement)
        for i, place in enumerate(case.places)
        if place is not None and place.points
    )
    return Request(
        id=request.pk, profile=_profile(request), adult=request.adult_confirmed,
        waiting_days=max(0, (today - request.requested_on).days), avoid=areas,
        min_distance_km=float(request.min_distance_km), avoid_same_departement=request.avoid_same_departement,
        avoid_same_region=request.avoid_same_region, needs_wheelchair=request.needs_wheelchair,
        languages=frozenset(request.languages), needed_services=tuple(request.needed_services),
        preferred_regions=frozenset(request.preferred_regions),
    )  # fmt: skip


def _engine_shelter(case: ShelterCase, services: dict[str, float]) -> EngineShelter | None:
    if case.place is None:
        return None
    shelter = case.shelter
    return EngineShelter(
        id=shelter.pk, location=case.place.points[0], departement=case.place.departement, region=case.place.region,
        free_places=max(0, case.free_places), accepts=_accepts(shelter),
        wheelchair_accessible=shelter.wheelchair_accessible, languages=frozenset(shelter.languages),
        service_km=services,
    )  # fmt: skip


def build_instance(
    requests: Sequence[PlacementRequest], shelters: Sequence[Shelter], today: Any, *, held: dict[int, int] | None = None
) -> Instance:
    """Decrypt, look up and convert: the engine's requests and shelters, with their context."""
    opened_requests = open_requests(requests)
    opened_shelters = open_shelters(shelters)
    gazetteer = Gazetteer.load(
        [loc.commune_code for _, loc in opened_shelters]
        + [p.code for _, d in opened_requests for p in d if not p.is_departement],
        [p.code for _, d in opened_requests for p in d if p.is_departement],
    )
    held = held_places(s.pk for s in shelters) if held is None else held
    request_cases = tuple(RequestCase(r, d, tuple(gazetteer.place(p) for p in d)) for r, d in opened_requests)
    shelter_cases = tuple(
        ShelterCase(s, loc, gazetteer.commune(loc.commune_code), s.free_places - held.get(s.pk, 0))
        for s, loc in opened_shelters
    )
    needed = {code for r in requests for code in r.needed_services}
    points = {c.shelter.pk: c.place.points[0] for c in shelter_cases if c.place is not None}
    distances = service_distances(points, needed)
    engine_shelters = tuple(
        s for s in (_engine_shelter(c, distances.get(c.shelter.pk, {})) for c in shelter_cases) if s is not None
    )
    engine_requests = tuple(_engine_request(c, today) for c in request_cases)
    return Instance(request_cases, shelter_cases, engine_requests, engine_shelters)


# --- Explaining ------------------------------------------------------------------------------


PROFILE_REFUSALS = {
    Profile.WOMAN: "n'accueille pas les femmes",
    Profile.MAN: "n'accueille pas les hommes",
    Profile.WITH_CHILDREN: "n'accueille pas les personnes avec enfants",
}


def _km(value: float) -> str:
    return f"{value:.0f}"


def explain(exclusion: Exclusion, request: RequestCase, shelter: ShelterCase | None) -> str:
    """Say in French why a shelter cannot take a request."""
    reason = exclusion.reason
    if reason == ExclusionReason.MINOR:
        return "personne mineure : Ac.Sé n'accueille que des adultes"
    if reason == ExclusionReason.PROFILE:
        accepts = _accepts(shelter.shelter) if shelter else frozenset()
        missing = [PROFILE_REFUSALS[p] for p in Profile if p in _profile(request.request) and p not in accepts]
        return ", ".join(missing) or "n'accueille pas ce profil"
    if reason == ExclusionReason.ACCESSIBILITY:
        return "n'est pas accessible en fauteuil roulant"
    if reason == ExclusionReason.NO_PLACE:
        return "aucune place disponible"
    area = request.area_name(exclusion.area)
    if reason == ExclusionReason.TOO_CLOSE:
        distance = exclusion.distance_km or 0.0
        minimum = _km(float(request.request.min_distance_km))
        if distance <= 0:
            return f"situé dans {area}, minimum {minimum} km"
        return f"à {_km(distance)} km de {area}, minimum {minimum} km"
    if reason == ExclusionReason.SAME_DEPARTEMENT:
        return f"même département que {area}"
    return f"même région que {area}"


@dataclass(frozen=True)
class Choice:
    shelter: ShelterCase
    cost: float
    nearest_avoid_km: float | None


@dataclass(frozen=True)
class Excluded:
    shelter: ShelterCase
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class RequestProposal:
    request: RequestCase
    proposed: Choice | None
    alternatives: tuple[Choice, ...]
    excluded: tuple[Excluded, ...]


def _choice(option: Option, shelters: dict[int, ShelterCase]) -> Choice:
    return Choice(shelters[option.shelter_id], option.cost, option.nearest_avoid_km)


def _excluded(result: RequestResult, request: RequestCase, shelters: dict[int, ShelterCase]) -> tuple[Excluded, ...]:
    reasons: dict[int, list[str]] = {}
    for exclusion in result.exclusions:
        shelter = shelters.get(exclusion.shelter_id)
        reasons.setdefault(exclusion.shelter_id, []).append(explain(exclusion, request, shelter))
    return tuple(
        Excluded(shelters[sid], tuple(dict.fromkeys(texts))) for sid, texts in reasons.items() if sid in shelters
    )


def describe(instance: Instance, proposal: Proposal) -> list[RequestProposal]:
    """Pair the engine's results with the requests and shelters they concern."""
    shelters = {c.shelter.pk: c for c in instance.shelters}
    described = []
    for case in instance.requests:
        result = proposal.results[case.request.pk]
        alternatives = tuple(_choice(o, shelters) for o in result.alternatives if o.shelter_id in shelters)
        proposed = None
        if result.shelter_id is not None and result.shelter_id in shelters:
            proposed = Choice(shelters[result.shelter_id], result.cost or 0.0, result.nearest_avoid_km)
        described.append(RequestProposal(case, proposed, alternatives, _excluded(result, case, shelters)))
    return described


def unlocated(instance: Instance) -> list[ShelterCase]:
    """Shelters whose commune is unknown: the engine cannot place anyone there."""
    return [c for c in instance.shelters if c.place is None]


def proposals_for(instance: Instance) -> list[RequestProposal]:
    """Run the engine on the whole instance at once and explain every result."""
    return describe(instance, propose(instance.engine_requests, instance.engine_shelters))


def refusals(request: PlacementRequest, shelter: Shelter, today: Any) -> list[str]:
    """Return why `shelter` may not take `request` (the hard constraints only); empty when it may."""
    instance = build_instance([request], [shelter], today)
    case = instance.requests[0]
    if not instance.engine_shelters:
        return ["la commune du centre est inconnue : impossible de vérifier les distances"]
    proposal = propose(list(instance.engine_requests), list(instance.engine_shelters))
    result = proposal.results[request.pk]
    if result.shelter_id == shelter.pk or any(o.shelter_id == shelter.pk for o in result.alternatives):
        return []
    shelters = {c.shelter.pk: c for c in instance.shelters}
    texts = [t for e in _excluded(result, case, shelters) for t in e.reasons]
    return texts or ["le centre ne satisfait pas les contraintes de la demande"]
