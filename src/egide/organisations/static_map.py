"""A small static map drawn server-side: a département's outline and a point, as SVG.

No tile server is needed, so the map works offline and without JavaScript.
"""

import math
from dataclasses import dataclass
from typing import Any

SIZE = 240
MARGIN = 8


@dataclass(frozen=True)
class StaticMap:
    size: int
    path: str
    x: float
    y: float


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [ring for polygon in polygons for ring in polygon]


def departement_map(geometry: dict[str, Any] | None, latitude: float, longitude: float) -> StaticMap | None:
    """Project the outline and the point (equirectangular, scaled at the mean latitude) into a square.

    >>> square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    >>> m = departement_map(square, 0.5, 0.5)
    >>> (m.x, m.y)
    (120.0, 120.0)
    """
    if not geometry:
        return None
    rings = _rings(geometry)
    points = [p for ring in rings for p in ring] + [[longitude, latitude]]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    shrink = math.cos(math.radians((min(lats) + max(lats)) / 2))
    width, height = (max(lons) - min(lons)) * shrink, max(lats) - min(lats)
    scale = (SIZE - 2 * MARGIN) / max(width, height, 1e-9)
    # Centre the drawing in the square.
    left = MARGIN + (SIZE - 2 * MARGIN - width * scale) / 2
    top = MARGIN + (SIZE - 2 * MARGIN - height * scale) / 2

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (round(left + (lon - min(lons)) * shrink * scale, 1), round(top + (max(lats) - lat) * scale, 1))

    parts = []
    for ring in rings:
        xy = [project(lon, lat) for lon, lat in ring]
        parts.append("M" + "L".join(f"{x},{y}" for x, y in xy) + "Z")
    x, y = project(longitude, latitude)
    return StaticMap(SIZE, "".join(parts), x, y)
