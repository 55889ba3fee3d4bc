"""Which names a map of the day writes, and where, so that no two collide.

Pure geometry: no map library. The caller passes a projection (lon/lat arrays to x/y in
output units, y pointing down) and text metrics (the width of a text at a size, in the
same units, measured with the font the map draws with), so a still map can run it once
and a web map once per zoom. Placement is greedy by priority, as cartographers do it: an
area's name goes inside it at its pole of inaccessibility (`shapely.ops.polylabel`) when
it fits, else at another roomy point inside, else outside with a short leader line; a
capital's name beside its dot, at the first of eight positions that is free. A name that
finds no free position is left off rather than drawn over another.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from geodata.snapshot import Snapshot, StanceKind, TerritoryState
from geodata.worldviews import Worldview

__all__ = [
    "LINE_HEIGHT",
    "SEAS",
    "Dot",
    "LabelRequest",
    "PlacedLabel",
    "Projection",
    "TextWidth",
    "label_requests",
    "place_labels",
    "territory_wording",
]

Projection = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
"""lon, lat (degrees) -> x, y in output units, y down."""
TextWidth = Callable[[str, float, bool], float]
"""text, font size, bold -> width in output units."""

SEAS: tuple[tuple[str, tuple[tuple[float, float], ...]], ...] = (
    ("Black Sea", ((34.5, 43.4), (33.0, 42.6), (36.5, 42.6), (31.5, 44.0))),
    ("Caspian Sea", ((50.6, 42.3), (51.0, 40.0), (50.0, 44.3), (51.6, 38.6))),
)
"""Water bodies and candidate anchors (lon, lat), best first: names of seas, not claims."""

LINE_HEIGHT = 1.2
"""Line spacing as a multiple of the font size (DejaVu Sans' ascent + descent is 1.17)."""


@dataclass(frozen=True)
class LabelRequest:
    """A name to write: for an area (`shape` in lon/lat) or beside a dot (`at`, lon/lat);
    with both, beside the dot if there is room there, else as the area's name."""

    key: str
    text: str
    kind: str  # "state", "region", "capital", "sea"
    priority: int
    size: float
    bold: bool = False
    italic: bool = False
    shape: BaseGeometry | None = None
    at: tuple[float, float] | None = None
    anchors: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class Dot:
    """A drawn point symbol (capital, base) that labels must not cover, unless they name it."""

    key: str
    lon: float
    lat: float
    radius: float


@dataclass(frozen=True)
class PlacedLabel:
    """A label's lines, their centre and its box (x0, y0, x1, y1), and a leader if outside."""

    key: str
    kind: str
    lines: tuple[str, ...]
    x: float
    y: float
    box: tuple[float, float, float, float]
    size: float
    bold: bool
    italic: bool
    leader: tuple[tuple[float, float], tuple[float, float]] | None = None


def territory_wording(snapshot: Snapshot, state: TerritoryState) -> tuple[str, str]:
    """A territory's label text and style ("state" or "region") in the snapshot's worldview.

    States are written as states (capitals, bold). A breakaway drawn as its own sovereign
    is a state in the recognising view and a region (italic) in the de-facto view; in the
    de-jure view, where it is part of its claimant, it is a region marked "(occupied)", as
    Georgian law calls such territories, never a state-style name.
    """
    name = state.entity.name
    if state.entity.kind == "state":
        return name.upper(), "state"
    if snapshot.worldview is Worldview.RECOGNISING and state.sovereign.id == state.entity.id:
        return name.upper(), "state"
    if snapshot.worldview is Worldview.DE_JURE and state.disputed:
        return f"{name} (occupied)", "region"
    return name, "region"


def label_requests(
    snapshot: Snapshot,
    shapes: dict[str, BaseGeometry],
    capitals: Sequence[tuple[str, str, float, float]],
    *,
    world: bool,
    size: float,
) -> list[LabelRequest]:
    """The names on the day's map, highest priority first.

    The subject territories, then the subject's capitals, their claimant and patron
    (Georgia, Russia), the other capitals shown, the recognising states (world scale only)
    and the seas. `shapes` maps boundary ids to lon/lat geometry; `capitals` are
    (place id, name, lon, lat) of the capitals drawn; `size` is the base font size.
    """
    requests: list[LabelRequest] = []
    subject = [snapshot.territory(i) for i in snapshot.subject]
    claimants = [
        s
        for s in snapshot.territories
        if s.entity.kind == "state" and s.entity.id in ("GEO", "RUS")
    ]
    for rank, state in enumerate([*subject, *claimants]):
        shape = shapes.get(state.entity.boundary_id)
        if shape is None:
            continue
        text, kind = territory_wording(snapshot, state)
        requests.append(
            LabelRequest(
                state.entity.id,
                text,
                kind,
                priority=10 + rank if rank < len(subject) else 30 + rank,
                size=size * (1.1 if kind == "state" else 1.0),
                bold=kind == "state",
                italic=kind == "region",
                shape=shape,
            )
        )
    home = {snapshot.record.entities[i].capital for i in snapshot.subject} | {"tbilisi", "moscow"}
    for place_id, name, lon, lat in capitals:
        requests.append(
            LabelRequest(
                place_id,
                name,
                "capital",
                priority=20 if place_id in home else 40,
                size=size * 0.85,
                at=(lon, lat),
            )
        )
    if world:
        for entity_id, stance in sorted(snapshot.stances.items()):
            entity = snapshot.record.entities.get(entity_id)
            if entity is None or stance.kind in (StanceKind.SUBJECT, StanceKind.NEVER):
                continue
            if any(r.key == entity_id for r in requests):
                continue
            shape = shapes.get(entity.boundary_id)
            if shape is not None:
                rank = 50 if stance.kind is not StanceKind.WITHDREW else 55
                requests.append(
                    LabelRequest(entity_id, entity.name, "state", rank, size * 0.85, shape=shape)
                )
    for name, anchors in SEAS:
        requests.append(
            LabelRequest(name, name, "sea", 60, size * 0.9, italic=True, anchors=anchors)
        )
    return sorted(requests, key=lambda r: (r.priority, r.key))


def place_labels(
    requests: Sequence[LabelRequest],
    dots: Sequence[Dot],
    project: Projection,
    width: TextWidth,
    frame: tuple[float, float, float, float],
    land: BaseGeometry | None = None,
) -> list[PlacedLabel]:
    """Greedy placement by priority inside `frame` (x0, y0, x1, y1, output units).

    Boxes of placed labels and of dots are obstacles; a capital's own dot is not an
    obstacle to its name, nor a dot drawn on top of it (a base in the capital): the name
    goes beside both. `land` (projected) keeps sea names off the land.
    """
    placed: list[PlacedLabel] = []
    dot_boxes = {d.key: _dot_box(d, project) for d in dots}
    frame_box = shapely.box(*frame)
    for request in requests:
        symbol = dot_boxes.get(request.key)
        own = {
            k
            for k, b in dot_boxes.items()
            if k == request.key or (symbol is not None and b.intersects(symbol))
        }
        obstacles = np.array(
            [shapely.box(*p.box) for p in placed]
            + [b for k, b in dot_boxes.items() if k not in own]
        )
        if symbol is not None:
            symbol = shapely.union_all([dot_boxes[k] for k in own])
        label = _first_free(request, obstacles, symbol, project, width, frame_box, land)
        if label is not None:
            placed.append(label)
    return placed


def _dot_box(dot: Dot, project: Projection) -> BaseGeometry:
    x, y = project(np.array([dot.lon]), np.array([dot.lat]))
    r = dot.radius
    return shapely.box(float(x[0]) - r, float(y[0]) - r, float(x[0]) + r, float(y[0]) + r)


def _layouts(request: LabelRequest, width: TextWidth) -> list[tuple[tuple[str, ...], float, float]]:
    """The text on one line, then split in two at the space nearest the middle."""
    words = request.text.split(" ")
    options: list[tuple[str, ...]] = [(request.text,)]
    if len(words) > 1:
        cut = min(
            range(1, len(words)),
            key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))),
        )
        options.append((" ".join(words[:cut]), " ".join(words[cut:])))
    result: list[tuple[tuple[str, ...], float, float]] = []
    for lines in options:
        w = max(width(line, request.size, request.bold) for line in lines)
        h = len(lines) * request.size * LINE_HEIGHT
        result.append((lines, w + 2.0, h))
    return result


def _first_free(
    request: LabelRequest,
    obstacles: np.ndarray,
    symbol: BaseGeometry | None,
    project: Projection,
    width: TextWidth,
    frame: BaseGeometry,
    land: BaseGeometry | None,
) -> PlacedLabel | None:
    def free(box: BaseGeometry) -> bool:
        return frame.contains(box) and not shapely.intersects(box, obstacles).any()

    def label(lines, cx, cy, w, h, leader=None) -> PlacedLabel:
        return PlacedLabel(
            request.key,
            request.kind,
            lines,
            cx,
            cy,
            (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2),
            request.size,
            request.bold,
            request.italic,
            leader,
        )

    layouts = _layouts(request, width)
    if request.at is not None:
        x, y = project(np.array([request.at[0]]), np.array([request.at[1]]))
        px, py = float(x[0]), float(y[0])
        lines, w, h = layouts[0]
        gap = request.size * 0.6
        sx0, sy0, sx1, sy1 = symbol.bounds if symbol is not None else (px, py, px, py)
        right, left = max(px + gap, sx1 + 1), min(px - gap, sx0 - 1)
        below, above = max(py + gap, sy1 + 1), min(py - gap, sy0 - 1)
        for dx, dy in ((1, 0), (-1, 0), (1, -1), (-1, -1), (1, 1), (-1, 1), (0, -1), (0, 1)):
            cx = {1: right + w / 2, -1: left - w / 2, 0: px}[dx]
            cy = {0: py, -1: py - h / 2 - gap * 0.4, 1: py + h / 2 + gap * 0.4}[dy]
            if not dx:
                cy = {-1: above - h / 2, 1: below + h / 2}[dy]
            box = shapely.box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            if free(box):
                return label(lines, cx, cy, w, h)
        if request.shape is None:
            return None  # a dot's name with nowhere free; an area's goes on as below
    if request.anchors:
        lines, w, h = layouts[-1]
        lon = np.array([a[0] for a in request.anchors])
        lat = np.array([a[1] for a in request.anchors])
        xs, ys = project(lon, lat)
        for cx, cy in zip(xs.tolist(), ys.tolist(), strict=True):
            box = shapely.box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            if free(box) and (land is None or not box.intersects(land)):
                return label(lines, cx, cy, w, h)
        return None
    area = _projected(request.shape, project).intersection(frame) if request.shape else None
    if area is None or area.is_empty:
        return None
    for lines, w, h in layouts:
        for cx, cy in _inside_points(area):
            box = shapely.box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            if area.contains(box) and free(box):
                return label(lines, cx, cy, w, h)
    return _outside(request, area, layouts[0], free, label)


def _outside(request, area, layout, free, label) -> PlacedLabel | None:
    """Beside the area, joined to its pole of inaccessibility by a leader line."""
    lines, w, h = layout
    pole = _pole(area)
    x0, y0, x1, y1 = area.bounds
    reach = request.size * 1.5
    for dx, dy in ((0, -1), (1, -1), (-1, -1), (1, 0), (-1, 0), (0, 1), (1, 1), (-1, 1)):
        cx = pole.x + dx * ((x1 - x0) / 2 + w / 2 + reach)
        cy = pole.y + dy * ((y1 - y0) / 2 + h / 2 + reach)
        box = shapely.box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
        if free(box) and not box.intersects(area):
            end = shapely.ops.nearest_points(box.exterior, pole)[0]
            return label(lines, cx, cy, w, h, ((end.x, end.y), (pole.x, pole.y)))
    return None


def _projected(shape: BaseGeometry, project: Projection) -> BaseGeometry:
    def transform(coords: np.ndarray) -> np.ndarray:
        x, y = project(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.make_valid(shapely.transform(shape, transform))


def _largest(area: BaseGeometry) -> BaseGeometry:
    parts = [g for g in getattr(area, "geoms", [area]) if g.geom_type == "Polygon"]
    return max(parts, key=lambda g: g.area) if parts else area


def _pole(area: BaseGeometry) -> shapely.Point:
    polygon = _largest(area)
    if polygon.geom_type != "Polygon":
        return area.representative_point()
    return polylabel(polygon, tolerance=max(polygon.length / 2000, 1e-6))


def _inside_points(area: BaseGeometry, grid: int = 12) -> list[tuple[float, float]]:
    """The pole of inaccessibility, then grid points inside, roomiest first."""
    polygon = _largest(area)
    pole = _pole(area)
    x0, y0, x1, y1 = polygon.bounds
    xs, ys = np.meshgrid(np.linspace(x0, x1, grid + 2)[1:-1], np.linspace(y0, y1, grid + 2)[1:-1])
    points = shapely.points(xs.ravel(), ys.ravel())
    inside = points[shapely.contains(polygon, points)]
    room = shapely.distance(inside, polygon.exterior)
    ordered = shapely.get_coordinates(inside[np.argsort(-room, kind="stable")])
    return [(pole.x, pole.y)] + [(float(x), float(y)) for x, y in ordered]
