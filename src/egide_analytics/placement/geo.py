"""Great-circle distances between shelters and places to avoid, vectorised and bounded in memory."""

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from egide_analytics.placement.problem import AvoidArea, LatLon

EARTH_RADIUS_KM = 6371.0
# Entries of one block of the point × shelter distance matrix: a few arrays of this size
# (8 bytes each) live at once, so memory stays near 50 MB whatever the number of points.
BLOCK_ENTRIES = 1_000_000

FloatArray = npt.NDArray[np.float64]


def haversine_km(a: LatLon, b: LatLon) -> float:
    """Return the great-circle distance in km between two (latitude, longitude) points in degrees.

    >>> round(haversine_km((48.8566, 2.3522), (43.2965, 5.3698)))
    660
    >>> haversine_km((45.0, 5.0), (45.0, 5.0))
    0.0
    """
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


class _Trig:
    """Half-angle sines and cosines of points, so that a block of distances needs no trigonometry.

    sin((b − a)/2) = sin(b/2)cos(a/2) − cos(b/2)sin(a/2) is exact to about 1e-16 in absolute
    terms, i.e. about 1e-12 km, close points included, where 1 − cos would lose everything.
    """

    def __init__(self, locations: FloatArray) -> None:
        half = np.radians(locations) / 2
        self.sin_lat, self.cos_lat = np.sin(half[:, 0]), np.cos(half[:, 0])
        self.sin_lon, self.cos_lon = np.sin(half[:, 1]), np.cos(half[:, 1])
        self.cos_full_lat = np.cos(2 * half[:, 0])

    def haversine_terms(self, targets: "_Trig", rows: slice) -> FloatArray:
        """Return h = sin²(Δlat/2) + cos lat₁ cos lat₂ sin²(Δlon/2) for the given rows × all targets."""
        sin_dlat = np.multiply.outer(self.cos_lat[rows], targets.sin_lat)
        sin_dlat -= np.multiply.outer(self.sin_lat[rows], targets.cos_lat)
        sin_dlon = np.multiply.outer(self.cos_lon[rows], targets.sin_lon)
        sin_dlon -= np.multiply.outer(self.sin_lon[rows], targets.cos_lon)
        sin_dlat *= sin_dlat
        sin_dlon *= sin_dlon
        sin_dlon *= np.multiply.outer(self.cos_full_lat[rows], targets.cos_full_lat)
        sin_dlat += sin_dlon
        return sin_dlat


def area_distances_km(
    areas: Sequence[AvoidArea], locations: Sequence[LatLon], departements: Sequence[str]
) -> FloatArray:
    """Return the distance in km from each area (rows) to each shelter (columns).

    The distance to an area is the smallest distance to one of its points, and zero for a
    whole département holding the shelter; an area without points is infinitely far.
    """
    nearest = np.full((len(areas), len(locations)), np.inf)
    if not areas or not locations:
        return nearest
    targets = _Trig(np.asarray(locations, dtype=np.float64).reshape(-1, 2))
    owners = np.repeat(np.arange(len(areas)), np.array([len(area.points) for area in areas], dtype=np.intp))
    points = _Trig(np.asarray([p for area in areas for p in area.points], dtype=np.float64).reshape(-1, 2))
    step = max(1, BLOCK_ENTRIES // len(locations))
    for start in range(0, owners.size, step):
        block = points.haversine_terms(targets, slice(start, start + step))
        # Points are grouped by area, so each area's rows in the block are contiguous. The
        # distance grows with h: the smallest h gives the smallest distance.
        block_owners = owners[start : start + step]
        firsts = np.flatnonzero(np.r_[True, block_owners[1:] != block_owners[:-1]])
        rows = block_owners[firsts]
        nearest[rows] = np.minimum(nearest[rows], np.minimum.reduceat(block, firsts, axis=0))
    distance = np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(nearest, 1.0))), dtype=np.float64)
    distance[np.isinf(nearest)] = np.inf
    shelter_departements = np.asarray(departements, dtype=object)
    for row, area in enumerate(areas):
        if area.whole_departement and area.departement:
            distance[row, shelter_departements == area.departement] = 0.0
    return distance
