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


def _haversine_block(points: FloatArray, targets: FloatArray) -> FloatArray:
    """Return the distances in km from each of `points` (n × 2, radians) to each of `targets` (m × 2)."""
    lat1, lon1 = points[:, 0:1], points[:, 1:2]
    lat2, lon2 = targets[None, :, 0], targets[None, :, 1]
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0))), dtype=np.float64)


def area_distances_km(
    areas: Sequence[AvoidArea], locations: Sequence[LatLon], departements: Sequence[str]
) -> FloatArray:
    """Return the distance in km from each area (rows) to each shelter (columns).

    The distance to an area is the smallest distance to one of its points, and zero for a
    whole département holding the shelter; an area without points is infinitely far.
    """
    result = np.full((len(areas), len(locations)), np.inf)
    if not areas or not locations:
        return result
    targets = np.radians(np.asarray(locations, dtype=np.float64).reshape(-1, 2))
    owners = np.repeat(np.arange(len(areas)), np.array([len(area.points) for area in areas], dtype=np.intp))
    points = np.radians(np.asarray([p for area in areas for p in area.points], dtype=np.float64).reshape(-1, 2))
    step = max(1, BLOCK_ENTRIES // len(locations))
    for start in range(0, len(points), step):
        block = _haversine_block(points[start : start + step], targets)
        # Points are grouped by area, so each area's rows in the block are contiguous.
        block_owners = owners[start : start + step]
        firsts = np.flatnonzero(np.r_[True, block_owners[1:] != block_owners[:-1]])
        rows = block_owners[firsts]
        result[rows] = np.minimum(result[rows], np.minimum.reduceat(block, firsts, axis=0))
    shelter_departements = np.asarray(departements, dtype=object)
    for row, area in enumerate(areas):
        if area.whole_departement and area.departement:
            result[row, shelter_departements == area.departement] = 0.0
    return result
