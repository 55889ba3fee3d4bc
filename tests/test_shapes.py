"""The page's geometry encoding: exact, compact, and clear about what it cannot carry."""

from __future__ import annotations

import doctest
import json
from typing import Any

import numpy as np
import pytest
import shapely

import layers.shapes
from geodata.display import display_boundaries, display_disputed_lines
from layers.shapes import MAX_DECIMALS, Features, encode_geometry


def decode(encoded: dict[str, Any]) -> list[np.ndarray]:
    """Every ring or line back in degrees, as the page decodes it (sum of steps / scale)."""
    depth = {"LineString": 0, "MultiLineString": 1, "Polygon": 1, "MultiPolygon": 2}

    def walk(steps: list[Any], level: int) -> list[np.ndarray]:
        if level:
            return [ring for child in steps for ring in walk(child, level - 1)]
        return [
            np.cumsum(np.array(steps, dtype=np.int64).reshape(-1, 2), axis=0) / encoded["scale"]
        ]

    return walk(encoded["coordinates"], depth[encoded["type"]])


def source_rings(shape: shapely.Geometry) -> list[np.ndarray]:
    """What Leaflet keeps of each ring: its vertices without the closing one."""
    if shape.geom_type.endswith("LineString"):
        return [shapely.get_coordinates(part) for part in shapely.get_parts(shape)]
    return [
        shapely.get_coordinates(ring)[:-1] for ring in shapely.get_rings(shapely.get_parts(shape))
    ]


def test_the_docstring_example_holds() -> None:
    assert doctest.testmod(layers.shapes).failed == 0


@pytest.mark.parametrize(
    "frame", [display_boundaries, display_disputed_lines], ids=["world", "disputed lines"]
)
def test_every_vertex_decodes_to_the_same_double(frame: Any) -> None:
    """Bit for bit: shared borders must stay the same numbers in both neighbours."""
    for shape in frame().to_crs(4326).geometry:
        encoded = encode_geometry(shape)
        decoded, source = decode(encoded), source_rings(shape)
        assert len(decoded) == len(source)
        for mine, theirs in zip(decoded, source, strict=True):
            assert np.array_equal(mine, theirs)
        every = np.concatenate(decoded)  # the box the page projects instead of the vertices
        assert encoded["bbox"] == [*every.min(axis=0), *every.max(axis=0)]


def test_a_polygon_with_a_hole_and_a_multipolygon_keep_their_nesting() -> None:
    square = [(0, 0), (4, 0), (4, 4), (0, 4)]
    hole = [(1, 1), (2, 1), (2, 2)]
    with_hole = shapely.Polygon(square, [hole])
    assert encode_geometry(with_hole)["coordinates"] == [
        [0, 0, 4, 0, 0, 4, -4, 0],
        [1, 1, 1, 0, 0, 1],
    ]
    multi = encode_geometry(shapely.MultiPolygon([with_hole, shapely.Polygon(hole)]))
    assert multi["type"] == "MultiPolygon" and len(multi["coordinates"]) == 2
    assert encode_geometry(shapely.LineString([(0.5, 1), (1, 1.25)])) == {
        "type": "LineString",
        "scale": 100,
        "bbox": [0.5, 1.0, 1.0, 1.25],
        "coordinates": [50, 100, 50, 25],
    }


def test_the_scale_is_the_finest_the_feature_needs() -> None:
    coarse = encode_geometry(shapely.LineString([(40, 40), (41, 42)]))
    fine = encode_geometry(shapely.LineString([(40.12345, 40), (41, 42)]))
    assert coarse["scale"] == 1 and fine["scale"] == 100_000


def test_too_many_decimals_is_refused_with_the_fix() -> None:
    with pytest.raises(ValueError, match=f"more than {MAX_DECIMALS} decimals.*round"):
        encode_geometry(shapely.LineString([(1 / 3, 0), (1, 1)]))


def test_only_polygons_and_lines_are_drawn() -> None:
    with pytest.raises(ValueError, match="cannot draw a Point"):
        encode_geometry(shapely.Point(1, 2))
    assert encode_geometry(None) is None
    assert encode_geometry(shapely.Polygon()) is None


def test_the_world_is_much_smaller_than_as_geojson() -> None:
    world = display_boundaries().to_crs(4326)[["id", "name", "geometry"]]
    text = Features.of(world).text
    assert len(text) < 0.6 * len(world.to_json(drop_id=True))
    features = json.loads(text)["features"]
    assert [f["properties"]["id"] for f in features] == world["id"].tolist()
    assert features[0]["properties"].keys() == {"id", "name"}
