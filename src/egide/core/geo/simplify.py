"""Simplify GeoJSON polygons (Douglas–Peucker) so that boundaries are light to send."""

from typing import Any

Point = list[float]


def _distance_to_segment(p: Point, a: Point, b: Point) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == 0 and dy == 0:
        return float(((p[0] - a[0]) ** 2 + (p[1] - a[1]) ** 2) ** 0.5)
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)))
    x, y = a[0] + t * dx, a[1] + t * dy
    return float(((p[0] - x) ** 2 + (p[1] - y) ** 2) ** 0.5)


def simplify_line(points: list[Point], tolerance: float) -> list[Point]:
    """Keep the points that deviate from the chord by more than `tolerance` (iterative).

    >>> simplify_line([[0, 0], [1, 0.01], [2, 0]], 0.1)
    [[0, 0], [2, 0]]
    """
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        start, end = stack.pop()
        worst, worst_index = 0.0, -1
        for i in range(start + 1, end):
            d = _distance_to_segment(points[i], points[start], points[end])
            if d > worst:
                worst, worst_index = d, i
        if worst > tolerance:
            keep[worst_index] = True
            stack.extend([(start, worst_index), (worst_index, end)])
    return [p for p, k in zip(points, keep, strict=True) if k]


def _ring(ring: list[Point], tolerance: float) -> list[Point] | None:
    simplified = simplify_line(ring, tolerance)
    if len(simplified) < 4:
        return None  # Too small to draw at this tolerance.
    return [[round(x, 4), round(y, 4)] for x, y in simplified]


def simplify_geometry(geometry: dict[str, Any], tolerance: float = 0.005) -> dict[str, Any]:
    """Return a simplified Polygon or MultiPolygon geometry, dropping specks."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    kept = []
    for polygon in polygons:
        rings = [r for r in (_ring(ring, tolerance) for ring in polygon) if r is not None]
        if rings:
            kept.append(rings)
    return {"type": "MultiPolygon", "coordinates": kept}


def centroid(geometry: dict[str, Any]) -> tuple[float, float]:
    """Return (latitude, longitude) of the mean vertex of the largest ring: good enough for labels."""
    rings = [polygon[0] for polygon in geometry["coordinates"]]
    largest = max(rings, key=len)
    lon = sum(p[0] for p in largest) / len(largest)
    lat = sum(p[1] for p in largest) / len(largest)
    return lat, lon
