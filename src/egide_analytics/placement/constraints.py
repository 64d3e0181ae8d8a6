"""Hard constraints: which shelter may take which request, and every reason why not."""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from egide_analytics.placement.geo import FloatArray, area_distances_km
from egide_analytics.placement.problem import AvoidArea, Exclusion, ExclusionReason, Profile, Request, Shelter

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]

REASONS = tuple(ExclusionReason)  # exclusions of one shelter are listed in this order
CODE = {reason: code for code, reason in enumerate(REASONS)}
PROFILE_BIT = {profile: 1 << bit for bit, profile in enumerate(Profile)}


@dataclass(frozen=True)
class HardConstraints:
    """The verdict on every (request, shelter) pair, rows and columns in the order given."""

    eligible: BoolArray  # requests × shelters: no reason applies
    nearest_km: FloatArray  # requests × shelters: distance to the nearest area to avoid (inf: none)
    exclusions: tuple[tuple[Exclusion, ...], ...]  # per request, by shelter then reason then area


@dataclass(frozen=True)
class _AreaRows:
    """One row per (request, area to avoid), grouped by request in the request's order."""

    owner: IntArray  # the request of each row
    areas: tuple[AvoidArea, ...]
    distance_km: FloatArray  # rows × shelters


def check(requests: Sequence[Request], shelters: Sequence[Shelter]) -> HardConstraints:
    """Apply every hard constraint to every pair and explain each exclusion."""
    pair_masks = _pair_masks(requests, shelters)
    rows = _area_rows(requests, shelters)
    area_masks = _area_masks(requests, shelters, rows)
    blocked = np.zeros((len(requests), len(shelters)), dtype=bool)
    for mask in pair_masks.values():
        blocked |= mask
    nearest = np.full((len(requests), len(shelters)), np.inf)
    starts, owners = _group_starts(rows.owner)
    if starts.size:
        for mask in area_masks.values():
            blocked[owners] |= np.logical_or.reduceat(mask, starts, axis=0)
        nearest[owners] = np.minimum.reduceat(rows.distance_km, starts, axis=0)
    exclusions = _exclusions(len(requests), shelters, pair_masks, area_masks, rows)
    return HardConstraints(eligible=~blocked, nearest_km=nearest, exclusions=exclusions)


def _pair_masks(requests: Sequence[Request], shelters: Sequence[Shelter]) -> dict[ExclusionReason, BoolArray]:
    """Return, for each reason that concerns the request and the shelter alone, where it applies."""
    shape = (len(requests), len(shelters))
    wanted = np.array([_bits(r.profile) for r in requests], dtype=np.int64)
    accepted = np.array([_bits(s.accepts) for s in shelters], dtype=np.int64)
    minor = np.array([not r.adult for r in requests], dtype=bool)
    wheelchair = np.array([r.needs_wheelchair for r in requests], dtype=bool)
    accessible = np.array([s.wheelchair_accessible for s in shelters], dtype=bool)
    full = np.array([s.free_places <= 0 for s in shelters], dtype=bool)
    return {
        ExclusionReason.MINOR: np.broadcast_to(minor[:, None], shape),
        ExclusionReason.PROFILE: (wanted[:, None] & ~accepted[None, :]) != 0,
        ExclusionReason.ACCESSIBILITY: wheelchair[:, None] & ~accessible[None, :],
        ExclusionReason.NO_PLACE: np.broadcast_to(full[None, :], shape),
    }


def _bits(profiles: frozenset[Profile]) -> int:
    return sum(PROFILE_BIT[p] for p in profiles)


def _area_rows(requests: Sequence[Request], shelters: Sequence[Shelter]) -> _AreaRows:
    """Measure each area once, however many requests name it (a département often recurs)."""
    owner = np.repeat(np.arange(len(requests)), np.array([len(r.avoid) for r in requests], dtype=np.intp))
    areas = tuple(area for r in requests for area in r.avoid)
    unique: dict[AvoidArea, int] = {}
    index = np.array([unique.setdefault(area, len(unique)) for area in areas], dtype=np.intp)
    measured = area_distances_km(list(unique), [s.location for s in shelters], [s.departement for s in shelters])
    return _AreaRows(owner=owner, areas=areas, distance_km=measured[index].reshape(len(areas), len(shelters)))


def _area_masks(
    requests: Sequence[Request], shelters: Sequence[Shelter], rows: _AreaRows
) -> dict[ExclusionReason, BoolArray]:
    """Return, for each reason tied to one area to avoid, the (area row × shelter) pairs where it applies."""
    minimum = np.array([r.min_distance_km for r in requests], dtype=np.float64)[rows.owner]
    codes: dict[str, int] = {}
    # An unknown (empty) département or région matches nothing: -1 for areas, -2 for shelters.
    shelter_departement = _codes([s.departement for s in shelters], codes, -2)
    shelter_region = _codes([s.region for s in shelters], codes, -2)
    area_departement = _codes([a.departement for a in rows.areas], codes, -1)
    area_region = _codes([a.region for a in rows.areas], codes, -1)
    same_departement = np.array([r.avoid_same_departement for r in requests], dtype=bool)[rows.owner]
    same_region = np.array([r.avoid_same_region for r in requests], dtype=bool)[rows.owner]
    return {
        ExclusionReason.TOO_CLOSE: rows.distance_km < minimum[:, None],
        ExclusionReason.SAME_DEPARTEMENT: same_departement[:, None]
        & (area_departement[:, None] == shelter_departement[None, :]),
        ExclusionReason.SAME_REGION: same_region[:, None] & (area_region[:, None] == shelter_region[None, :]),
    }


def _codes(names: Sequence[str], codes: dict[str, int], unknown: int) -> IntArray:
    """Map names to integers shared through `codes`, so that equal names get equal codes."""
    return np.array([codes.setdefault(n, len(codes)) if n else unknown for n in names], dtype=np.intp)


def _group_starts(owner: IntArray) -> tuple[IntArray, IntArray]:
    """Return the first row of each request's group of area rows, and that request."""
    if owner.size == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    return starts, owner[starts]


def _exclusions(
    request_count: int,
    shelters: Sequence[Shelter],
    pair_masks: dict[ExclusionReason, BoolArray],
    area_masks: dict[ExclusionReason, BoolArray],
    rows: _AreaRows,
) -> tuple[tuple[Exclusion, ...], ...]:
    """Return one Exclusion per (request, shelter, reason, area), grouped by request."""
    parts: list[tuple[IntArray, IntArray, int, IntArray]] = []  # request, shelter, reason, area row (-1: none)
    for reason, mask in pair_masks.items():
        r, s = np.nonzero(mask)
        parts.append((r, s, CODE[reason], np.full(r.size, -1, dtype=np.intp)))
    for reason, mask in area_masks.items():
        a, s = np.nonzero(mask)
        parts.append((rows.owner[a], s, CODE[reason], a))
    request = np.concatenate([p[0] for p in parts]).astype(np.intp)
    shelter = np.concatenate([p[1] for p in parts]).astype(np.intp)
    reason_code = np.concatenate([np.full(p[0].size, p[2], dtype=np.intp) for p in parts])
    area = np.concatenate([p[3] for p in parts]).astype(np.intp)
    order = np.lexsort((area, reason_code, shelter, request))
    request, shelter, reason_code, area = request[order], shelter[order], reason_code[order], area[order]
    too_close = reason_code == CODE[ExclusionReason.TOO_CLOSE]
    distance = np.full(order.size, np.nan)
    distance[too_close] = rows.distance_km[area[too_close], shelter[too_close]]
    ids = [s.id for s in shelters]
    labels = [a.label for a in rows.areas]
    built = [
        Exclusion(
            shelter_id=ids[s],
            reason=REASONS[c],
            area=labels[a] if a >= 0 else "",
            distance_km=None if math.isnan(d) else d,
        )
        for s, c, a, d in zip(shelter.tolist(), reason_code.tolist(), area.tolist(), distance.tolist(), strict=True)
    ]
    bounds = np.r_[0, np.cumsum(np.bincount(request, minlength=request_count))].tolist()
    return tuple(tuple(built[bounds[i] : bounds[i + 1]]) for i in range(request_count))
