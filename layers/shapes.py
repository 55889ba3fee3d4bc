"""Geometry as the page carries it: small to load, cheap to draw.

As GeoJSON the world costs a page three times over: every digit of 32 k coordinate pairs is
parsed, every pair becomes an array, and Leaflet turns each pair into a `LatLng` and, at
every zoom, into a projected `Point`, although at the opening view most of the world is
off screen. Here each ring or line is one flat list of integers: the first vertex, then the
step to each next one, in units of 1/`scale` degree (a power of ten, the finest the
feature's coordinates need), and each feature carries its bounding box. A shape
(`layers/js/shapes.js`) needs only the box until it is first in view: then it decodes and projects
its rings in one pass, with Leaflet's own arithmetic, so the points are the ones Leaflet
would draw (tests/test_browser_export.py checks them vertex by vertex); Leaflet's `LatLng`
objects are built only when something asks for them. Work done at page load, in code the
JIT has not warmed up yet, is per feature, not per vertex.

Decoding is exact: a vertex is an integer divided by a power of ten, which IEEE arithmetic
rounds to the same double as the decimal the artifact holds (`encode_geometry` checks that
for every vertex), so borders two countries share stay the same numbers in both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

__all__ = ["MAX_DECIMALS", "Features", "encode_geometry"]

MAX_DECIMALS = 7
"""The most decimals a coordinate may carry (about 1 cm); the display artifact uses 3-5."""


def encode_geometry(shape: shapely.Geometry | None) -> dict[str, Any] | None:
    """`shape` as `{"type", "scale", "bbox", "coordinates"}`: `coordinates` nested like
    GeoJSON's but with each ring or line a flat list of integer steps, `bbox` the west,
    south, east and north the decoded vertices reach; None for a missing or empty shape.

    >>> encode_geometry(shapely.Polygon([(43.5, 42.25), (44.0, 42.25), (44.0, 43.0)]))
    ... # doctest: +NORMALIZE_WHITESPACE
    {'type': 'Polygon', 'scale': 100, 'bbox': [43.5, 42.25, 44.0, 43.0],
     'coordinates': [[4350, 4225, 50, 0, 0, 75]]}

    A polygon's ring leaves out its closing vertex (the first one again), as Leaflet does.
    """
    if shape is None or shape.is_empty:
        return None
    kind = shape.geom_type
    if kind not in ("Polygon", "MultiPolygon", "LineString", "MultiLineString"):
        raise ValueError(f"cannot draw a {kind}: only polygons and lines are supported")
    points = shapely.get_coordinates(shape)
    decimals = _decimals(points)
    scale = 10**decimals
    units = np.round(points * scale)  # the page's degrees are these integers / scale
    bbox = [*(units.min(axis=0) / scale).tolist(), *(units.max(axis=0) / scale).tolist()]
    return {"type": kind, "scale": scale, "bbox": bbox, "coordinates": _steps(shape, decimals)}


def _decimals(coordinates: np.ndarray) -> int:
    """The fewest decimals that give back every coordinate exactly as integer / 10**n."""
    for decimals in range(MAX_DECIMALS + 1):
        scale = 10.0**decimals
        if np.array_equal(np.round(coordinates * scale) / scale, coordinates):
            return decimals
    raise ValueError(
        f"coordinates with more than {MAX_DECIMALS} decimals cannot be encoded "
        "exactly; round the display geometry first (geodata.display)"
    )


def _steps(shape: shapely.Geometry, decimals: int) -> list[Any]:
    if shape.geom_type in ("LineString", "LinearRing"):
        points = shapely.get_coordinates(shape)
        if shape.geom_type == "LinearRing":
            points = points[:-1]
        units = np.round(points * 10.0**decimals).astype(np.int64)
        return np.diff(units, axis=0, prepend=[[0, 0]]).ravel().tolist()
    if shape.geom_type == "Polygon":
        return [_steps(ring, decimals) for ring in (shape.exterior, *shape.interiors)]
    return [_steps(part, decimals) for part in shape.geoms]


@dataclass(frozen=True, eq=False)
class Features:
    """A frame's shapes with their `id` and `name`, encoded once as a JSON text.

    The text depends on the frame alone, so data that does not change (the world) is
    encoded once per process and embedded in every map from there.
    """

    frame: gpd.GeoDataFrame
    text: str

    @classmethod
    def of(cls, frame: gpd.GeoDataFrame) -> Features:
        columns = [c for c in ("id", "name") if c in frame.columns]
        properties = frame[columns].astype(object).where(frame[columns].notna(), None)
        features = [
            {"properties": props, "geometry": encode_geometry(shape)}
            for props, shape in zip(
                properties.to_dict("records"), frame.geometry.values, strict=True
            )
        ]
        return cls(
            frame, json.dumps({"features": features}, ensure_ascii=False, separators=(",", ":"))
        )
