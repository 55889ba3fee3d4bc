"""The web map's names: `layers.labels` placed once per zoom, drawn by `layers/js/label_layer.js`.

Placement is the still map's (`label_requests`, `place_labels`: priorities, poles of
inaccessibility, leaders, dots as obstacles), run here in Web Mercator pixels at each zoom
from `ZOOMS`, so the browser only shows the placements of its zoom and measures nothing to
find a position. Widths are DejaVu Sans' advance widths (the font the labels ask for first,
Chromium's sans-serif on Linux; matplotlib ships it), measured with FreeType (Pillow).
In the browser a check in priority order hides a label that would leave the map, run under
the title or legend, or touch another (a fallback font can be a little wider).
"""

from __future__ import annotations

import functools
import importlib.util
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import folium
import numpy as np
import shapely
from PIL import ImageFont
from shapely.geometry.base import BaseGeometry

from geodata.snapshot import Snapshot
from layers.elements import LabelLayer
from layers.labels import (
    LINE_HEIGHT,
    Dot,
    PlacedLabel,
    Projection,
    label_requests,
    place_labels,
)
from layers.places import shown_places
from layers.shapes import Features
from layers.story import Bounds, story_bounds
from layers.style import LABEL_HALO, LABELS, SEA_TEXT

__all__ = [
    "FONT",
    "LABEL_CSS",
    "LABEL_SIZE",
    "ZOOMS",
    "font_width",
    "label_placements",
    "labels_layer",
    "mercator",
    "shapes_of",
    "web_story_bounds",
]

ZOOMS = range(2, 10)
"""Zooms placed in Python; below and above, the nearest one is shown (and checked)."""
WORLD_ZOOM = 4
"""Up to this zoom the map is a world map: the recognising states are named."""
LABEL_SIZE = 13.0
"""Base font size in px; states 10 % larger, capitals 15 % smaller (`label_requests`)."""
FONT = '"DejaVu Sans", Verdana, sans-serif'
DOT_RADIUS = 8.0
"""Half the box a place symbol takes (circle radius 5 + stroke, triangle icon 16 px)."""
MARGIN = (700.0, 450.0)
"""Px beyond the story's box placed at zooms past the world: a screen's half either side."""
MAX_LAT = 85.0511287798

_HALO = ", ".join(f"{x}px {y}px 0 {LABEL_HALO}" for x in (-1, 0, 1) for y in (-1, 0, 1) if x or y)
LABEL_CSS = f"""
.geomap-label-box {{ pointer-events: none; }}
.geomap-label {{ white-space: nowrap; text-align: center; color: {LABELS["names"].color};
  text-shadow: {_HALO}, 0 0 3px {LABEL_HALO}; }}
.geomap-label-sea {{ color: {SEA_TEXT}; }}
"""
"""The names' halo: white text-shadow in eight directions, legible over fills and hatching."""


def labels_layer(snapshot: Snapshot, features: Features) -> folium.FeatureGroup:
    """The "Names" overlay: the day's labels, placed per zoom in `ZOOMS`."""
    group = folium.FeatureGroup(name="Names", overlay=True, show=True)
    group._name = "geomap_names"
    group.add_child(
        LabelLayer(
            label_placements(snapshot, features),
            pane="geomap-labels",
            font=FONT,
            line_height=LINE_HEIGHT,
            leader_color=LABELS["names"].color,
        )
    )
    return group


@functools.cache
def _font(bold: bool) -> ImageFont.FreeTypeFont:
    """DejaVu Sans (Bold) at 100 px, from matplotlib's copy, found without importing it."""
    spec = importlib.util.find_spec("matplotlib")
    assert spec is not None and spec.submodule_search_locations
    folder = Path(spec.submodule_search_locations[0]) / "mpl-data" / "fonts" / "ttf"
    return ImageFont.truetype(folder / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"), 100)


def font_width(text: str, size: float, bold: bool = False) -> float:
    """Width in px of `text` set in DejaVu Sans at `size` px (FreeType, with kerning)."""
    return _font(bold).getlength(text) * size / 100


@functools.cache
def mercator(zoom: int) -> Projection:
    """lon, lat -> Leaflet's global pixel x, y at `zoom` (EPSG:3857, 256 px tiles)."""
    scale = 256 * 2**zoom

    def project(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        phi = np.radians(np.clip(np.asarray(lat, float), -MAX_LAT, MAX_LAT))
        x = (np.asarray(lon, float) + 180) / 360 * scale
        y = (1 - np.log(np.tan(phi) + 1 / np.cos(phi)) / math.pi) / 2 * scale
        return x, y

    return project


def _unproject(x: float, y: float, zoom: int) -> tuple[float, float]:
    """Global pixel -> (lat, lon), rounded to what a pixel needs."""
    scale = 256 * 2**zoom
    lon = x / scale * 360 - 180
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / scale))))
    return round(lat, 5), round(lon, 5)


def web_story_bounds(snapshot: Snapshot, shapes: dict[str, BaseGeometry]) -> Bounds:
    """`layers.story`'s box of the day's story, from the shapes this map draws."""
    return story_bounds(snapshot, lambda fid: shapes[fid].bounds if fid in shapes else None)


def _frame(zoom: int, story: Bounds) -> tuple[float, float, float, float]:
    project = mercator(zoom)
    if zoom <= WORLD_ZOOM:
        x, y = project(np.array([-180.0, 180.0]), np.array([MAX_LAT, -MAX_LAT]))
        return float(x[0]), float(y[0]), float(x[1]), float(y[1])
    x, y = project(np.array([story[0], story[2]]), np.array([story[3], story[1]]))
    return (
        float(x[0]) - MARGIN[0],
        float(y[0]) - MARGIN[1],
        float(x[1]) + MARGIN[0],
        float(y[1]) + MARGIN[1],
    )


@functools.lru_cache(maxsize=2)
def shapes_of(features: Features) -> dict[str, BaseGeometry]:
    """Boundary id -> lon/lat shape of a map's features, once per `Features`."""
    return dict(zip(features.frame["id"], features.frame.geometry, strict=True))


class _Simplified(dict):
    """Boundary id -> shape simplified to half a pixel at one zoom and cut to the placed
    frame (`box`, lon/lat), made when first asked.

    Placement needs a polygon only to the pixel; Russia's full outline costs it ten times
    as much, and its pole of inaccessibility lies in Siberia, far off a Caucasus map: cut
    to the frame, its name goes where the reader sees Russia. One per (features, zoom,
    box) for the process: the world does not change.
    """

    def __init__(
        self, shapes: dict[str, BaseGeometry], zoom: int, box: tuple[float, ...] | None
    ) -> None:
        super().__init__()
        self.shapes = shapes
        self.tolerance = 360 / (256 * 2**zoom) / 2
        self.box = shapely.box(*box) if box else None

    def get(self, key: str, default: Any = None) -> Any:
        if key not in self:
            if key not in self.shapes:
                return default
            shape = shapely.simplify(self.shapes[key], self.tolerance)
            if self.box is not None and not self.box.contains(shape):
                shape = shapely.make_valid(shape.intersection(self.box))
            self[key] = shape
        return self[key]


@functools.lru_cache(maxsize=32)
def _simplified(features: Features, zoom: int, box: tuple[float, ...] | None) -> _Simplified:
    return _Simplified(shapes_of(features), zoom, box)


def _lonlat_box(zoom: int, frame: tuple[float, float, float, float]) -> tuple[float, ...] | None:
    """The frame in lon/lat (west, south, east, north), or None for the whole world."""
    if zoom <= WORLD_ZOOM:
        return None
    north, west = _unproject(frame[0], frame[1], zoom)
    south, east = _unproject(frame[2], frame[3], zoom)
    return (west, south, east, north)


def label_placements(
    snapshot: Snapshot, features: Features, zooms: Sequence[int] = ZOOMS
) -> dict[int, list[dict[str, Any]]]:
    """Per zoom, the labels drawn, highest priority first, as `label_layer.js` reads them."""
    shapes = shapes_of(features)
    places = shown_places(snapshot)
    capitals = [(p.id, p.name, p.lon, p.lat) for p in places if p.kind == "capital"]
    dots = [Dot(p.id, p.lon, p.lat, DOT_RADIUS) for p in places]
    story = web_story_bounds(snapshot, shapes)
    result = {}
    for zoom in zooms:
        frame = _frame(zoom, story)
        requests = label_requests(
            snapshot,
            _simplified(features, zoom, _lonlat_box(zoom, frame)),
            capitals,
            world=zoom <= WORLD_ZOOM,
            size=LABEL_SIZE,
        )
        placed = _placed(features, zoom, _Requests(requests), tuple(dots), frame)
        result[zoom] = [_item(label, zoom, places) for label in placed]
    return result


class _Requests(tuple):
    """Label requests, equal when they would place the same: same names, kinds, sizes and
    places (their shapes are the cached `_simplified` ones, the same for a boundary id)."""

    @property
    def signature(self) -> tuple[Any, ...]:
        return tuple(
            (r.key, r.text, r.kind, r.priority, r.size, r.bold, r.italic, r.at, r.anchors)
            for r in self
        )

    def __hash__(self) -> int:
        return hash(self.signature)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Requests) and self.signature == other.signature


@functools.lru_cache(maxsize=128)
def _placed(
    features: Features,
    zoom: int,
    requests: _Requests,
    dots: tuple[Dot, ...],
    frame: tuple[float, float, float, float],
) -> tuple[PlacedLabel, ...]:
    """`place_labels` at one zoom, once per process for the same requests: most days of a
    dashboard write the same names as the day before."""
    land = shapely.transform(_land(features), lambda c: c * 2**zoom)
    return tuple(place_labels(requests, dots, mercator(zoom), font_width, frame, land=land))


SEA_COASTS = (26.0, 35.0, 57.0, 48.0)
"""West, south, east, north: the land around the seas whose names the map writes."""


@functools.lru_cache(maxsize=2)
def _land(features: Features) -> BaseGeometry:
    """The land around the seas in zoom-0 pixels, so their names keep off it."""
    project = mercator(0)
    near = [g for g in shapes_of(features).values() if g.intersects(shapely.box(*SEA_COASTS))]
    coarse = shapely.GeometryCollection([shapely.simplify(g, 0.02) for g in near])

    def transform(coords: np.ndarray) -> np.ndarray:
        x, y = project(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(coarse, transform)


def _item(label: PlacedLabel, zoom: int, places: Sequence[Any]) -> dict[str, Any]:
    """A placement as JSON: the anchor (the named dot, else the box centre), the box
    relative to it in px, the lines, and a leader's ends."""
    x0, y0, x1, y1 = label.box
    dot = next((p for p in places if p.id == label.key and label.kind == "capital"), None)
    if dot is not None:
        px, py = mercator(zoom)(np.array([dot.lon]), np.array([dot.lat]))
        ax, ay, at = float(px[0]), float(py[0]), (dot.lat, dot.lon)
    else:
        ax, ay = label.x, label.y
        at = _unproject(ax, ay, zoom)
    item: dict[str, Any] = {
        "key": label.key,
        "kind": label.kind,
        "lines": list(label.lines),
        "at": list(at),
        "box": [round(x0 - ax, 1), round(y0 - ay, 1), round(x1 - x0, 1), round(y1 - y0, 1)],
        "size": round(label.size, 2),
        "bold": label.bold,
        "italic": label.italic,
    }
    if label.leader:
        item["leader"] = [list(_unproject(x, y, zoom)) for x, y in label.leader]
    return item
