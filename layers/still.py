"""Still maps (SVG, PNG, PDF) of a snapshot, drawn with matplotlib: no browser, no network.

The same style table as the web map (`layers.style`), the labels of `layers.labels`, a
legend generated from the table, a title with the day and worldview, the boundary caveat
and a source line. Layout is in points (1/72 inch), y down: the map fills the left of the
canvas and the legend has a panel of its own on the right, so it never covers the map.
matplotlib was chosen by measurement (a 2000 px PNG of the Caucasus in about 0.15 s, where
our own SVG rasterised by resvg took 0.7 s). The map is drawn as a list of shapes and texts
played straight onto matplotlib's renderers (Agg for PNG, the SVG and PDF renderers), with
no Figure, axes or artists: `matplotlib.figure` alone takes ~0.1 s to import and the PNG is
timed as a whole process (benchmarks/run.py). The shapes come from the display artifact
without geopandas (`geodata.display.display_geometries`). The text is DejaVu Sans, read from
the font files inside the matplotlib package (never a system font of the same name), which
covers Latin, Cyrillic and Georgian. The SVG keeps one group per layer with a readable id,
text as `<text>` (halos as `paint-order: stroke`), no image and no external reference; SVG
and PDF carry no date, so the same inputs give the same bytes (PNG too: Agg is
deterministic).
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import shapely
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.colors import to_rgba
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import FT2Font, Kerning, LoadFlags
from matplotlib.path import Path as MplPath
from matplotlib.textpath import TextPath
from matplotlib.transforms import Affine2D, Bbox
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from geodata.display import display_geometries, display_line_geometries
from geodata.snapshot import Snapshot, StanceKind
from layers.arcs import BEND, arc
from layers.labels import Dot, PlacedLabel, label_requests, place_labels
from layers.legend import ATTRIBUTION, legend_sections, title_parts
from layers.places import shown_places
from layers.story import story_bounds
from layers.style import (
    BORDERS,
    LAND_OUTLINE,
    LINK_HALO,
    PLACES,
    SEA,
    STAGES,
    STANCES,
    Category,
    border_category,
    link_category,
    strongest_treaty,
    territory_category,
)

__all__ = ["EXTENTS", "FONT_FILE", "FORMATS", "Frame", "StillMap", "frame_for", "render_still"]

FORMATS = ("svg", "png", "pdf")
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT_FILE = FONT_DIR / "DejaVuSans.ttf"
FONT_FILES = {
    (False, False): FONT_FILE,
    (True, False): FONT_DIR / "DejaVuSans-Bold.ttf",
    (False, True): FONT_DIR / "DejaVuSans-Oblique.ttf",
    (True, True): FONT_DIR / "DejaVuSans-BoldOblique.ttf",
}
"""DejaVu Sans as the matplotlib wheel ships it, by (bold, italic)."""
PNG_COMPRESSION = 1
"""zlib level of the PNG (level 6 packs 10 % tighter, in twice the time)."""
HALO = 2.5
"""Width (points) of the white outline under each name."""
EXTENTS = ("story", "caucasus", "world")
CAUCASUS = (36.0, 39.5, 50.5, 46.0)
LEGEND_WIDTH = 0.27
"""Share of the canvas width given to the legend panel."""
SMALL = 2.5
"""Points: a coloured state or territory whose largest piece is no wider nor taller than
this (7 px at 200 dpi; Nauru at world extent is a quarter of a pixel) gets a ring of its
fill, `RING` points in radius, and its name beside the ring, so it stays visible (its
capital's dot, which would sit on the ring, is left off)."""
RING = 3.2
HEADER, FOOTER = 46.0, 30.0
"""Heights (points) of the title band above the map and the source band below it."""


@dataclass(frozen=True)
class Frame:
    """Where the map looks: a projection (proj string), its name, and lon/lat bounds."""

    proj: str
    name: str
    bounds: tuple[float, float, float, float]
    world: bool = False


def frame_for(snapshot: Snapshot, extent: str | tuple[float, float, float, float]) -> Frame:
    """`story` (the day's story, as `layers.story` frames it), `caucasus`, `world`, or a
    (west, south, east, north) box; regional frames in a Lambert conformal conic centred
    on them, the world in Equal Earth."""
    if extent == "world":
        return Frame("+proj=eqearth +lon_0=0", "Equal Earth", (-180, -90, 180, 90), world=True)
    if extent == "caucasus":
        bounds = CAUCASUS
    elif extent == "story":
        bounds = _story_frame_bounds(snapshot)
    else:
        bounds = tuple(float(v) for v in extent)  # type: ignore[assignment]
        if bounds[2] - bounds[0] > 120:
            return Frame("+proj=eqearth +lon_0=0", "Equal Earth", bounds, world=True)
    west, south, east, north = bounds
    lon0, lat0 = (west + east) / 2, (south + north) / 2
    lat1, lat2 = south + (north - south) / 6, north - (north - south) / 6
    proj = f"+proj=lcc +lon_0={lon0:g} +lat_0={lat0:g} +lat_1={lat1:g} +lat_2={lat2:g} +ellps=WGS84"
    return Frame(proj, f"Lambert conformal conic centred on {lat0:.1f}°N {lon0:.1f}°E", bounds)


def _story_frame_bounds(snapshot: Snapshot) -> tuple[float, float, float, float]:
    """`layers.story`'s box around the day's story, padded so nothing sits on the edge."""
    shapes = _display_shapes()
    west, south, east, north = story_bounds(
        snapshot, lambda fid: shapes[fid].bounds if fid in shapes else None
    )
    pad_x, pad_y = (east - west) * 0.15 + 1, (north - south) * 0.1 + 1
    return (west - pad_x, south - pad_y, east + pad_x, north + pad_y)


def _display_shapes() -> dict[str, BaseGeometry]:
    return display_geometries()


@dataclass
class StillMap:
    """A rendered map and its layout (points, y down), for the caller and the tests."""

    data: bytes
    width: float
    height: float
    map_box: tuple[float, float, float, float]
    frame: Frame
    labels: list[PlacedLabel]
    dots: list[Dot]
    swatches: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)
    title_box: tuple[float, float, float, float] = (0, 0, 0, 0)
    fills: dict[str, Category] = field(default_factory=dict)
    to_map: object = None
    """lon, lat arrays -> x, y in points of the canvas."""
    markers: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    """Boundary id -> (x, y, radius) in points of the ring drawn for a state too small to see."""


@dataclass(frozen=True)
class _Shape:
    """A path in canvas points (y down), filled and/or stroked."""

    path: MplPath
    face: str | None
    edge: str | None = None
    width: float = 0.0
    dashes: tuple[float, ...] | None = None
    cap: str = "butt"
    hatch: str | None = None
    clip: bool = False
    """Clipped to the map box (lines that may run past it)."""


@dataclass(frozen=True)
class _Text:
    x: float
    y: float
    text: str
    size: float
    bold: bool
    italic: bool
    ha: str
    color: str
    halo: bool
    gid: str | None


@dataclass
class _Group:
    """One named group (`<g id="...">` in SVG) of shapes and texts, drawn in order."""

    gid: str
    items: list[_Shape | _Text] = field(default_factory=list)


class _Canvas:
    """A page in points, y down, and helpers that draw the style table's categories."""

    def __init__(self, width: float, height: float) -> None:
        self.width, self.height = width, height
        self.groups: list[_Group] = []
        self.clip_box = (0.0, 0.0, width, height)

    def group(self, gid: str) -> _Group:
        group = _Group(gid)
        self.groups.append(group)
        return group

    def area(self, group: _Group, shape: BaseGeometry, category: Category, *, edge: Category):
        path = _path(shape)
        if path is None:
            return
        group.items.append(
            _Shape(
                path,
                category.color,
                edge.color,
                edge.weight * 0.5,
                hatch=category.stripe,
            )
        )

    def line(
        self,
        group: _Group,
        xy: np.ndarray,
        category: Category,
        color: str | None = None,
        *,
        clip: bool = True,
    ):
        dashes = tuple(float(v) * 0.5 for v in category.dash.split()) if category.dash else None
        group.items.append(
            _Shape(
                MplPath(xy),
                None,
                color or category.color,
                category.weight * 0.5,
                dashes=tuple(max(d, 0.01) for d in dashes) if dashes else None,
                cap=category.cap,
                clip=clip,
            )
        )

    def marker(self, group: _Group, x: float, y: float, category: Category, r: float):
        if category.shape == "triangle":
            xy = np.array([[x, y - r], [x + r, y + r * 0.8], [x - r, y + r * 0.8], [x, y - r]])
            codes = [MplPath.MOVETO, MplPath.LINETO, MplPath.LINETO, MplPath.CLOSEPOLY]
            edge = "#FFFFFF"
            path = MplPath(xy, codes)
        else:
            path, edge = _circle(x, y, r), "#1A1A1A"
        group.items.append(_Shape(path, category.color, edge, category.weight))

    def text(
        self,
        group: _Group,
        x: float,
        y: float,
        s: str,
        size: float,
        *,
        bold: bool = False,
        italic: bool = False,
        ha: str = "center",
        color: str = "#1A1A1A",
        halo: bool = False,
        gid: str | None = None,
    ) -> None:
        """`s` centred vertically on `y`; `ha` "center" or "left" of `x`."""
        group.items.append(_Text(x, y, s, size, bold, italic, ha, color, halo, gid))


def _circle(x: float, y: float, r: float) -> MplPath:
    t = np.linspace(0, 2 * np.pi, 25)
    xy = np.column_stack([x + r * np.cos(t), y + r * np.sin(t)])
    return MplPath(xy, [MplPath.MOVETO] + [MplPath.LINETO] * 23 + [MplPath.CLOSEPOLY])


def _path(shape: BaseGeometry) -> MplPath | None:
    vertices, codes = [], []
    for polygon in getattr(shape, "geoms", [shape]):
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            coords = np.asarray(ring.coords)
            if len(coords) < 4:
                continue
            vertices.append(coords)
            codes.append(
                np.r_[MplPath.MOVETO, np.full(len(coords) - 2, MplPath.LINETO), MplPath.CLOSEPOLY]
            )
    if not vertices:
        return None
    return MplPath(np.concatenate(vertices), np.concatenate(codes).astype(np.uint8))


@cache
def font(size: float, bold: bool = False, italic: bool = False) -> FontProperties:
    """DejaVu Sans from the matplotlib package's own files (`FONT_FILES`) at `size` points."""
    return FontProperties(
        family="DejaVu Sans",
        size=size,
        weight="bold" if bold else "normal",
        style="italic" if italic else "normal",
        fname=FONT_FILES[bold, italic],
    )


_UNITS = 100.0
"""Size (points at 72 dpi) at which widths are measured, then scaled: outlines are unhinted."""


@cache
def _face(bold: bool) -> FT2Font:
    face = FT2Font(str(FONT_FILES[bold, False]))
    face.set_size(_UNITS, 72)
    return face


@cache
def _glyph(char: str, bold: bool) -> tuple[Any, float]:
    face = _face(bold)
    index = face.get_char_index(ord(char))
    return index, face.load_glyph(index, flags=LoadFlags.NO_HINTING).linearHoriAdvance / 65536


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in points of `text` set in DejaVu Sans at `size` points (the font drawn): the
    glyphs' advances and kerning, each glyph loaded once per process (laying out each
    candidate text with FreeType took a fifth of the render)."""
    face, width, previous = _face(bold), 0.0, None
    for char in text:
        index, advance = _glyph(char, bold)
        if previous is not None:
            width += face.get_kerning(previous, index, Kerning.UNFITTED) / 64
        width, previous = width + advance, index
    return width * size / _UNITS


def _play(renderer: Any, canvas: _Canvas, scale: float) -> None:
    """Draws the canvas onto a matplotlib renderer whose units are `scale` per point (y up)."""
    height = canvas.height * scale
    transform = Affine2D().scale(scale, -scale).translate(0, height)
    x0, y0, x1, y1 = canvas.clip_box
    clip = Bbox([[x0 * scale, height - y1 * scale], [x1 * scale, height - y0 * scale]])
    metrics: dict[tuple[float, bool, bool], tuple[float, float]] = {}
    """The line box (height, descent) of each size, as `Text` measures it ("lp")."""
    for group in canvas.groups:
        renderer.open_group(group.gid, gid=group.gid)
        for item in group.items:
            gc = renderer.new_gc()
            if isinstance(item, _Shape):
                gc.set_linewidth(item.width if item.edge else 0)
                if item.edge:
                    gc.set_foreground(item.edge)
                gc.set_joinstyle("round")
                gc.set_capstyle(item.cap)
                if item.dashes:
                    gc.set_dashes(0, list(item.dashes))
                if item.hatch:
                    gc.set_hatch("///")
                    gc.set_hatch_color(item.hatch)
                    gc.set_hatch_linewidth(1.2)
                if item.clip:
                    gc.set_clip_rectangle(clip)
                face = to_rgba(item.face) if item.face else None
                renderer.draw_path(gc, item.path, transform, face)
            else:
                _draw_text(renderer, gc, item, scale, height, metrics)
            gc.restore()
        renderer.close_group(group.gid)


def _draw_text(renderer, gc, item: _Text, scale: float, height: float, metrics) -> None:
    """Text placed as matplotlib's `Text(ha=..., va="center")` places it, and its halo."""
    prop = font(item.size, item.bold, item.italic)
    key = (item.size, item.bold, item.italic)
    if key not in metrics:
        _, lp_h, lp_d = renderer.get_text_width_height_descent("lp", prop, ismath=False)
        metrics[key] = (lp_h, lp_d)
    h, d = metrics[key]  # one line box per size, so names of a size share their baseline
    w = text_width(item.text, item.size, item.bold) * scale
    x = item.x * scale - (w / 2 if item.ha == "center" else 0)
    y = height - item.y * scale - h / 2 + d
    if item.gid:
        renderer.open_group(item.gid, gid=item.gid)
    if item.halo:  # the name's outline stroked white under it; the name stays text
        outline = TextPath((0, 0), item.text, size=item.size, prop=prop)
        halo = renderer.new_gc()
        halo.set_foreground("#FFFFFF")
        halo.set_linewidth(HALO)
        halo.set_joinstyle("round")
        renderer.draw_path(halo, outline, Affine2D().scale(scale).translate(x, y), None)
        halo.restore()
    gc.set_foreground(item.color)
    # as Text.draw does: renderers that flip y (Agg, SVG) take the baseline from the top
    renderer.draw_text(
        gc, x, height - y if renderer.flipy() else y, item.text, prop, 0.0, ismath=False
    )
    if item.gid:
        renderer.close_group(item.gid)


def render_still(
    snapshot: Snapshot,
    fmt: str,
    *,
    extent: str | tuple[float, float, float, float] = "story",
    size: tuple[int, int] = (2400, 1600),
    dpi: float = 200,
) -> StillMap:
    """The day's map as `fmt` ("svg", "png", "pdf") bytes, with its layout."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown still format {fmt!r}; choose from {', '.join(FORMATS)}")
    width, height = size[0] * 72 / dpi, size[1] * 72 / dpi
    canvas = _Canvas(width, height)
    frame = frame_for(snapshot, extent)
    map_box = (0.0, HEADER, width * (1 - LEGEND_WIDTH), height - FOOTER)
    canvas.clip_box = map_box
    to_map = _fit(frame, map_box)
    result = _draw(canvas, snapshot, frame, map_box, to_map, halos=fmt != "svg")
    with matplotlib.rc_context(
        {
            "svg.hashsalt": "geomap",
            "svg.fonttype": "none",
            "pdf.fonttype": 42,
            # Agg: outlines as designed; FreeType's autohinter (the default) cost 0.1 s a map
            "text.hinting": "no_hinting",
        }
    ):
        result.data = _WRITERS[fmt](canvas, size, dpi)
    return result


def _png(canvas: _Canvas, size: tuple[int, int], dpi: float) -> bytes:
    renderer = RendererAgg(size[0], size[1], dpi)
    _play(renderer, canvas, dpi / 72)
    return png_bytes(np.asarray(renderer.buffer_rgba())[:, :, :3], dpi)


def png_bytes(rgb: np.ndarray, dpi: float) -> bytes:
    """An 8-bit RGB PNG of `rgb` (height x width x 3), rows unfiltered, zlib level
    `PNG_COMPRESSION`, its resolution in a pHYs chunk and nothing else (so no date).

    PIL spends 0.1 s choosing a filter per row of a 2400x1600 map whatever the level; a
    map is mostly flat colour, which zlib packs as well unfiltered, in half the time.
    """
    height, width, _ = rgb.shape
    rows = np.empty((height, width * 3 + 1), np.uint8)
    rows[:, 0] = 0  # filter type None
    rows[:, 1:] = rgb.reshape(height, width * 3)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    per_metre = round(dpi / 0.0254)
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),
            chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
            chunk(b"IDAT", zlib.compress(rows.tobytes(), PNG_COMPRESSION)),
            chunk(b"IEND", b""),
        ]
    )


def _svg(canvas: _Canvas, size: tuple[int, int], dpi: float) -> bytes:
    from matplotlib.backends.backend_svg import RendererSVG

    text = io.StringIO()
    renderer = RendererSVG(canvas.width, canvas.height, text, metadata={"Date": None})
    _play(renderer, canvas, 1.0)
    renderer.finalize()
    return _svg_finish(text.getvalue()).encode("utf-8")


def _pdf(canvas: _Canvas, size: tuple[int, int], dpi: float) -> bytes:
    from matplotlib.backends.backend_pdf import PdfFile, RendererPdf

    buffer = io.BytesIO()
    pdf = PdfFile(buffer, metadata={"CreationDate": None})
    pdf.newPage(canvas.width / 72, canvas.height / 72)
    renderer = RendererPdf(pdf, 72, canvas.height / 72, canvas.width / 72)
    _play(renderer, canvas, 1.0)
    renderer.finalize()
    pdf.finalize()
    pdf.close()
    return buffer.getvalue()


_WRITERS: dict[str, Callable[[_Canvas, tuple[int, int], float], bytes]] = {
    "png": _png,
    "svg": _svg,
    "pdf": _pdf,
}


def _fit(frame: Frame, box: tuple[float, float, float, float]):
    """lon/lat -> canvas points: the frame's bounds fitted (aspect kept) into `box`."""
    forward = Transformer.from_crs("EPSG:4326", frame.proj, always_xy=True)
    west, south, east, north = frame.bounds
    lon = np.r_[
        np.linspace(west, east, 50),
        np.full(50, east),
        np.linspace(east, west, 50),
        np.full(50, west),
    ]
    lat = np.r_[
        np.full(50, south),
        np.linspace(south, north, 50),
        np.full(50, north),
        np.linspace(north, south, 50),
    ]
    if not frame.world:  # the story's points, not the bent box edges, decide the frame
        lon, lat = (
            np.array([west, east, west, east, (west + east) / 2]),
            np.array([south, south, north, north, north]),
        )
    xs, ys = forward.transform(lon, lat)
    x0, x1, y0, y1 = np.min(xs), np.max(xs), np.min(ys), np.max(ys)
    bx0, by0, bx1, by1 = box
    scale = min((bx1 - bx0) / (x1 - x0), (by1 - by0) / (y1 - y0))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    mx, my = (bx0 + bx1) / 2, (by0 + by1) / 2

    def to_map(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x, y = forward.transform(np.asarray(lon, float), np.asarray(lat, float))
        return mx + (np.asarray(x) - cx) * scale, my - (np.asarray(y) - cy) * scale

    return to_map


def _projected(shape: BaseGeometry, to_map, clip: BaseGeometry) -> BaseGeometry:
    def transform(coords: np.ndarray) -> np.ndarray:
        x, y = to_map(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    projected = shapely.transform(shape, transform)
    projected = shapely.make_valid(projected) if not projected.is_valid else projected
    return projected.intersection(clip)


def _lonlat_clip(frame: Frame) -> BaseGeometry:
    if frame.world:
        return shapely.box(-180, -90, 180, 90)
    west, south, east, north = frame.bounds
    dx, dy = (east - west) * 0.8 + 5, (north - south) * 0.8 + 5
    return shapely.box(
        max(west - dx, -180), max(south - dy, -89), min(east + dx, 180), min(north + dy, 89)
    )


def _draw(
    canvas: _Canvas, snapshot: Snapshot, frame: Frame, map_box, to_map, *, halos: bool
) -> StillMap:
    clip = shapely.box(*map_box)
    world = display_geometries()
    lonlat_clip = _lonlat_clip(frame)
    shapes_ll = {
        i: g.intersection(lonlat_clip) if not lonlat_clip.contains(g) else g
        for i, g in world.items()
        if g.intersects(lonlat_clip)
    }
    shapes = {i: _projected(g, to_map, clip) for i, g in shapes_ll.items()}
    page = canvas.group("background")
    page.items.append(_Shape(_path(shapely.box(0, 0, canvas.width, canvas.height)), "#FFFFFF"))  # type: ignore[arg-type]
    canvas.group("sea").items.append(_Shape(_path(clip), SEA))  # type: ignore[arg-type]
    territories = {s.entity.boundary_id: s for s in snapshot.territories}
    fills: dict[str, Category] = {}
    recognition = canvas.group("recognition")
    for fid, shape in sorted(shapes.items()):
        if fid in territories or shape.is_empty:
            continue
        entity = next((e for e in snapshot.record.entities.values() if e.boundary_id == fid), None)
        category = STANCES[snapshot.stance(entity.id).kind] if entity else STANCES[StanceKind.NEVER]
        fills[fid] = category
        canvas.area(
            recognition,
            shape,
            category,
            edge=Category("outline", "", "line", LAND_OUTLINE, weight=0.6),
        )
    group = canvas.group("territories")
    for fid, state in territories.items():
        shape = shapes.get(fid)
        if shape is None or shape.is_empty:
            continue
        fills[fid] = territory_category(snapshot, state)
        canvas.area(group, shape, fills[fid], edge=BORDERS["international"])
    lines = display_line_geometries()
    by_id = {s.entity.boundary_id: s for s in snapshot.territories if s.entity.kind == "territory"}
    for line_id, geometry in lines.items():
        territory = next((by_id[p] for p in line_id.split("-") if p in by_id), None)
        if territory is None:
            continue
        category = border_category(snapshot, territory)
        projected = _projected(geometry, to_map, clip)
        for part in getattr(projected, "geoms", [projected]):
            if part.geom_type == "LineString" and not part.is_empty:
                xy = np.asarray(part.coords)
                if category.dash:
                    casing = Category("casing", "", "line", LAND_OUTLINE, weight=4)
                    canvas.line(group, xy, casing)
                canvas.line(group, xy, category)
    rings = _small_state_rings(canvas, snapshot, shapes_ll, shapes, fills, to_map)
    alliances = canvas.group("alliances")
    places = snapshot.record.places
    for pair, states in snapshot.treaty_pairs():
        a, b = (places.get(snapshot.record.entities[p].capital or "") for p in pair)
        if a is None or b is None:
            continue
        points = np.array(arc((a.lat, a.lon), (b.lat, b.lon), BEND))
        x, y = to_map(points[:, 1], points[:, 0])
        xy = np.column_stack([x, y])
        strongest = strongest_treaty(states)
        stage = STAGES[strongest.stage]
        canvas.line(alliances, xy, Category("halo", "", "line", LINK_HALO, weight=5))
        canvas.line(alliances, xy, stage, color=link_category(strongest.treaty.obligations).color)
    place_group = canvas.group("places")
    dots = [Dot(key, lon, lat, RING + 0.8) for key, (lon, lat, _, _) in rings.items()]
    capitals = []
    x0, y0, x1, y1 = map_box
    for place in shown_places(snapshot):
        if place.kind == "capital" and place.entity in rings:  # the ring stands for the state
            continue
        x, y = to_map(np.array([place.lon]), np.array([place.lat]))
        px, py = float(x[0]), float(y[0])
        if not (x0 < px < x1 and y0 < py < y1):
            continue
        radius = 2.6 if place.kind == "capital" else 2.4
        canvas.marker(place_group, px, py, PLACES[place.kind], radius)
        dots.append(Dot(place.id, place.lon, place.lat, radius + 0.8))
        if place.kind == "capital":
            capitals.append((place.id, place.name, place.lon, place.lat))
    requests = [  # a ringed state's name goes beside its ring, as a capital's beside its dot
        replace(r, at=rings[r.key][:2]) if r.key in rings else r
        for r in label_requests(snapshot, shapes_ll, capitals, world=frame.world, size=8.0)
    ]
    # for `intersects` only: a collection answers as their union would, without the union
    land = shapely.GeometryCollection([g for g in shapes.values() if not g.is_empty])
    placed = place_labels(
        requests, dots, to_map, text_width, (x0 + 2, y0 + 2, x1 - 2, y1 - 2), land=land
    )
    label_group = canvas.group("labels")
    for label in placed:
        if label.leader:
            canvas.line(
                label_group,
                np.array(label.leader),
                Category("leader", "", "line", "#1A1A1A", weight=1.2),
            )
        step = label.size * 1.2
        top = label.y - step * (len(label.lines) - 1) / 2
        for i, line in enumerate(label.lines):
            canvas.text(
                label_group,
                label.x,
                top + i * step,
                line,
                label.size,
                bold=label.bold,
                italic=label.italic,
                color="#3A5A78" if label.kind == "sea" else "#1A1A1A",
                halo=halos,
                gid=f"label-{_token(label.key)}-{i}",
            )
    # the rings over the labels' leader lines, which end at the ring's centre
    ring_group = next(g for g in canvas.groups if g.gid == "small-states")
    canvas.groups.append(canvas.groups.pop(canvas.groups.index(ring_group)))
    swatches, title_box = _furniture(canvas, snapshot, frame, map_box)
    return StillMap(
        b"",
        canvas.width,
        canvas.height,
        map_box,
        frame,
        placed,
        dots,
        swatches,
        title_box,
        fills,
        to_map,
        {fid: (x, y, RING) for _, _, fid, (x, y) in rings.values()},
    )


def _small_state_rings(
    canvas: _Canvas,
    snapshot: Snapshot,
    shapes_ll: dict[str, BaseGeometry],
    shapes: dict[str, BaseGeometry],
    fills: dict[str, Category],
    to_map,
) -> dict[str, tuple[float, float, str, tuple[float, float]]]:
    """Rings for the coloured states and territories too small to see at this scale (see
    `SMALL`): entity id -> (lon, lat, boundary id, (x, y) in points)."""
    group = canvas.group("small-states")
    by_boundary: dict[str, str] = {}  # the first entity drawn in the shape, as the fills take it
    for entity in snapshot.record.entities.values():
        by_boundary.setdefault(entity.boundary_id, entity.id)
    never = STANCES[StanceKind.NEVER]
    rings: dict[str, tuple[float, float, str, tuple[float, float]]] = {}
    for fid, category in sorted(fills.items()):
        if category == never or fid not in by_boundary or shapes[fid].is_empty:
            continue
        largest = max(getattr(shapes[fid], "geoms", [shapes[fid]]), key=lambda g: g.area)
        x0, y0, x1, y1 = largest.bounds
        if max(x1 - x0, y1 - y0) > SMALL:
            continue
        piece = max(getattr(shapes_ll[fid], "geoms", [shapes_ll[fid]]), key=lambda g: g.area)
        centre = piece.centroid
        x, y = to_map(np.array([centre.x]), np.array([centre.y]))
        px, py = float(x[0]), float(y[0])
        group.items.append(_Shape(_circle(px, py, RING), category.color, "#1A1A1A", 0.8))
        rings[by_boundary[fid]] = (centre.x, centre.y, fid, (px, py))
    return rings


def _furniture(canvas: _Canvas, snapshot: Snapshot, frame: Frame, map_box):
    """Title band, legend panel (from the style table) and source band."""
    subject, day, view, convention = title_parts(snapshot)
    title = canvas.group("title")
    canvas.text(title, 10, 16, f"{subject}, {day}: {view}", 12, bold=True, ha="left")
    canvas.text(title, 10, 34, convention, 8, ha="left", color="#333333")
    title_box = (0.0, 0.0, canvas.width, HEADER)
    legend = canvas.group("legend")
    x = map_box[2] + 10
    y = HEADER + 4
    swatches: dict[str, tuple[float, float, float, float]] = {}
    for section in legend_sections(("territories", "recognition", "alliances", "places")):
        canvas.text(legend, x, y, section.title, 7.5, bold=True, ha="left")
        y += 11
        for category in section.categories:
            box = (x, y - 4, x + 20, y + 4)
            _swatch(canvas, legend, category, box)
            swatches[category.key] = box
            canvas.text(legend, x + 25, y, category.label, 6.5, ha="left")
            y += 10.5
        y += 5
    footer = canvas.group("source")
    lines = [f"Projection: {frame.name}. {ATTRIBUTION}"]
    words, rows, row = lines[0].split(" "), [], ""
    for word in words:
        if text_width(f"{row} {word}", 6) > canvas.width - 20 and row:
            rows.append(row)
            row = word
        else:
            row = f"{row} {word}".strip()
    rows.append(row)
    for i, row in enumerate(rows[:3]):
        canvas.text(footer, 10, map_box[3] + 8 + i * 8, row, 6, ha="left", color="#333333")
    return swatches, title_box


def _swatch(canvas: _Canvas, group: _Group, category: Category, box) -> None:
    x0, y0, x1, y1 = box
    if category.kind in ("fill", "hatch"):
        canvas.area(
            group,
            shapely.box(x0, y0, x1, y1),
            category,
            edge=Category("edge", "", "line", "#999999", weight=1),
        )
    elif category.kind == "line":
        middle = (y0 + y1) / 2
        canvas.line(group, np.array([[x0, middle], [x1, middle]]), category, clip=False)
    else:
        canvas.marker(group, (x0 + x1) / 2, (y0 + y1) / 2, category, 3)


def _token(key: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")


def _svg_finish(svg: str) -> str:
    """No external DTD; labels' halos as SVG's own text stroke (`paint-order`), so the text
    stays one editable `<text>` element."""
    svg = re.sub(r"<!DOCTYPE[^>]*>\s*", "", svg)
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)

    def halo(match: re.Match[str]) -> str:
        return match.group(0).replace(
            'style="',
            'style="stroke: #ffffff; stroke-width: 2.5px; stroke-linejoin: round; '
            "paint-order: stroke; ",
            1,
        )

    return re.sub(r'<g id="label-[^"]*">\s*<text [^>]*>', halo, svg)
