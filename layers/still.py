"""Still maps (SVG, PNG, PDF) of a snapshot, drawn with matplotlib: no browser, no network.

The same style table as the web map (`layers.style`), the labels of `layers.labels`, a
legend generated from the table, a title with the day and worldview, the boundary caveat
and a source line. Layout is in points (1/72 inch), y down: the map fills the left of the
canvas and the legend has a panel of its own on the right, so it never covers the map.
matplotlib was chosen by measurement (a 2000 px PNG of the Caucasus in about 0.15 s, where
our own SVG rasterised by resvg took 0.7 s) and draws all three formats from one figure;
it bundles DejaVu Sans, which covers Latin, Cyrillic and Georgian. The SVG keeps one group
per layer with a readable id, text as `<text>` (halos as `paint-order: stroke`), no image
and no external reference; SVG and PDF carry no date, so the same inputs give the same
bytes (PNG too: Agg is deterministic).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.textpath import TextToPath
from matplotlib.transforms import Affine2D
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from geodata.display import display_boundaries, display_disputed_lines
from geodata.snapshot import Snapshot, StanceKind
from layers.arcs import BEND, arc
from layers.labels import Dot, PlacedLabel, label_requests, place_labels
from layers.legend import ATTRIBUTION, legend_sections, title_parts
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
FONT_FILE = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
EXTENTS = ("story", "caucasus", "world")
CAUCASUS = (36.0, 39.5, 50.5, 46.0)
LEGEND_WIDTH = 0.27
"""Share of the canvas width given to the legend panel."""
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
    world = display_boundaries()
    return dict(zip(world["id"], world.geometry, strict=True))


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


class _Group(Artist):
    """Draws its children inside one named group (`<g id="...">` in SVG)."""

    def __init__(self, gid: str) -> None:
        super().__init__()
        self.set_gid(gid)
        self.children: list[Artist] = []

    def add(self, artist: Artist) -> Artist:
        self.children.append(artist)
        return artist

    def draw(self, renderer) -> None:
        renderer.open_group(self.get_gid(), gid=self.get_gid())
        for child in self.children:
            child.draw(renderer)
        renderer.close_group(self.get_gid())


class _Canvas:
    """A figure in points, y down, and helpers that draw the style table's categories."""

    def __init__(self, width: float, height: float, dpi: float) -> None:
        self.width, self.height = width, height
        self.figure = Figure(figsize=(width / 72, height / 72), dpi=dpi)
        FigureCanvasAgg(self.figure)
        self.transform = (
            Affine2D().scale(1 / 72, -1 / 72).translate(0, height / 72)
            + self.figure.dpi_scale_trans
        )
        self.groups: list[_Group] = []

    def group(self, gid: str) -> _Group:
        group = _Group(gid)
        group.set_figure(self.figure)
        self.groups.append(group)
        self.figure.add_artist(group)
        return group

    def _prepare(self, artist: Artist) -> Artist:
        artist.set_figure(self.figure)
        artist.set_transform(self.transform)
        return artist

    def area(self, group: _Group, shape: BaseGeometry, category: Category, *, edge: Category):
        path = _path(shape)
        if path is None:
            return
        patch = PathPatch(
            path,
            facecolor=category.color,
            edgecolor=edge.color,
            linewidth=edge.weight * 0.5,
            hatch="///" if category.stripe else None,
            hatchcolor=category.stripe or "none",
            joinstyle="round",
        )
        if category.stripe:
            patch.set_hatch_linewidth(1.2)
        group.add(self._prepare(patch))

    def line(self, group: _Group, xy: np.ndarray, category: Category, color: str | None = None):
        dashes = [float(v) * 0.5 for v in category.dash.split()] if category.dash else None
        line = Line2D(
            xy[:, 0],
            xy[:, 1],
            color=color or category.color,
            linewidth=category.weight * 0.5,
            solid_capstyle=category.cap if category.cap != "butt" else "butt",
            dash_capstyle=category.cap,
        )
        if dashes:
            line.set_dashes([max(d, 0.01) for d in dashes])
        group.add(self._prepare(line))

    def marker(self, group: _Group, x: float, y: float, category: Category, r: float):
        if category.shape == "triangle":
            xy = np.array([[x, y - r], [x + r, y + r * 0.8], [x - r, y + r * 0.8], [x, y - r]])
            codes = [MplPath.MOVETO, MplPath.LINETO, MplPath.LINETO, MplPath.CLOSEPOLY]
            edge = "#FFFFFF"
        else:
            t = np.linspace(0, 2 * np.pi, 25)
            xy = np.column_stack([x + r * np.cos(t), y + r * np.sin(t)])
            codes = [MplPath.MOVETO] + [MplPath.LINETO] * 23 + [MplPath.CLOSEPOLY]
            edge = "#1A1A1A"
        patch = PathPatch(
            MplPath(xy, codes), facecolor=category.color, edgecolor=edge, linewidth=category.weight
        )
        group.add(self._prepare(patch))

    def text(
        self,
        group: _Group,
        x,
        y,
        s,
        size,
        *,
        bold=False,
        italic=False,
        ha="center",
        color="#1A1A1A",
        halo: bool = False,
        gid: str | None = None,
    ):
        from matplotlib.text import Text

        artist = Text(
            x,
            y,
            s,
            fontsize=size,
            ha=ha,
            va="center",
            color=color,
            fontweight="bold" if bold else "normal",
            fontstyle="italic" if italic else "normal",
            fontfamily="DejaVu Sans",
        )
        if halo:  # drawn as outlines under the text, which stays text (extractable in PDF)
            under = Text(
                x,
                y,
                s,
                fontsize=size,
                ha=ha,
                va="center",
                color=color,
                fontweight=artist.get_fontweight(),
                fontstyle=artist.get_fontstyle(),
                fontfamily="DejaVu Sans",
            )
            under.set_path_effects([patheffects.Stroke(linewidth=2.5, foreground="white")])
            group.add(self._prepare(under))
        if gid:
            artist.set_gid(gid)
        group.add(self._prepare(artist))


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


_TEXT = TextToPath()


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in points of `text` set in DejaVu Sans at `size` points (the font drawn)."""
    prop = FontProperties(family="DejaVu Sans", size=size, weight="bold" if bold else "normal")
    width, _, _ = _TEXT.get_text_width_height_descent(text, prop, ismath=False)
    return float(width)


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
    canvas = _Canvas(width, height, dpi)
    frame = frame_for(snapshot, extent)
    map_box = (0.0, HEADER, width * (1 - LEGEND_WIDTH), height - FOOTER)
    to_map = _fit(frame, map_box)
    with matplotlib.rc_context(
        {
            "lines.scale_dashes": False,
            "svg.hashsalt": "geomap",
            "svg.fonttype": "none",
            "pdf.fonttype": 42,
            "font.family": "DejaVu Sans",
        }
    ):
        result = _draw(canvas, snapshot, frame, map_box, to_map, fmt)
        buffer = io.BytesIO()
        metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}, "png": {"Software": None}}
        canvas.figure.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata[fmt])
    data = buffer.getvalue()
    if fmt == "svg":
        data = _svg_finish(data.decode("utf-8")).encode("utf-8")
    result.data = data
    return result


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


def _draw(canvas: _Canvas, snapshot: Snapshot, frame: Frame, map_box, to_map, fmt) -> StillMap:
    clip = shapely.box(*map_box)
    world = display_boundaries()
    lonlat_clip = _lonlat_clip(frame)
    near = world[world.intersects(lonlat_clip)]
    shapes_ll = {
        i: g.intersection(lonlat_clip) for i, g in zip(near["id"], near.geometry, strict=True)
    }
    shapes = {i: _projected(g, to_map, clip) for i, g in shapes_ll.items()}
    canvas.group("sea").add(
        canvas._prepare(
            Rectangle(
                (map_box[0], map_box[1]),
                map_box[2] - map_box[0],
                map_box[3] - map_box[1],
                facecolor=SEA,
                edgecolor="none",
            )
        )
    )
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
    lines = display_disputed_lines()
    by_id = {s.entity.boundary_id: s for s in snapshot.territories if s.entity.kind == "territory"}
    for line_id, geometry in zip(lines["id"], lines.geometry, strict=True):
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
    involved = snapshot.involved()
    dots: list[Dot] = []
    capitals = []
    x0, y0, x1, y1 = map_box
    for place in snapshot.places:
        if place.kind not in PLACES or (place.kind == "capital" and place.entity not in involved):
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
    requests = label_requests(snapshot, shapes_ll, capitals, world=frame.world, size=8.0)
    land = shapely.union_all([g for g in shapes.values() if not g.is_empty])
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
                halo=fmt != "svg",
                gid=f"label-{_token(label.key)}-{i}",
            )
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
    )


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
        canvas.line(group, np.array([[x0, (y0 + y1) / 2], [x1, (y0 + y1) / 2]]), category)
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
