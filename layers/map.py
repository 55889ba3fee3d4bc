"""`build_map`: a snapshot drawn as a folium map, the one entry point of the layers package.

The world's polygons are embedded once and shared by the territories and recognition layers;
without a tile layer the vector world on a sea-coloured background is the basemap, so the
map works offline.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

import folium
import xyzservices

from geodata.display import display_boundaries, display_disputed_lines
from geodata.snapshot import Snapshot
from layers.alliances import alliances_layer
from layers.elements import MapFrame, ScriptLibrary, ShapeData
from layers.label_layer import LABEL_CSS, labels_layer
from layers.legend import LEGEND_CSS, legend_html, title_html
from layers.places import places_layer
from layers.recognition import recognition_layer
from layers.shapes import Features
from layers.style import PANES, SEA, hatch_pattern_id, territory_category
from layers.territories import drawn_territories, territories_layer

__all__ = ["DEFAULT_LAYERS", "LAYER_NAMES", "build_map", "tile_provider"]

LAYER_NAMES: tuple[str, ...] = ("territories", "recognition", "alliances", "places", "labels")
DEFAULT_LAYERS: tuple[str, ...] = LAYER_NAMES
CENTER = (42.3, 43.4)
"""Georgia: the map opens on the subject; the world is one zoom-out away."""
FONT_SIZE = "0.8125rem"
"""Popups and tooltips at 13 px (folium's default, 1rem, makes a treaty popup twice as tall)."""


@lru_cache(maxsize=1)
def _world() -> Features:
    """The world as every map embeds it: the same for every day, so written once."""
    return Features.of(display_boundaries().to_crs(4326)[["id", "name", "geometry"]])


@lru_cache(maxsize=1)
def _lines() -> Features:
    return Features.of(display_disputed_lines().to_crs(4326)[["id", "geometry"]])


def tile_provider(name: str) -> xyzservices.TileProvider:
    """The xyzservices provider called `name` ("CartoDB.Positron"); ValueError if unknown."""
    try:
        return xyzservices.providers.query_name(name)
    except ValueError as error:
        raise ValueError(f"unknown tile provider {name!r}") from error


def build_map(
    snapshot: Snapshot, *, layers: Sequence[str] = DEFAULT_LAYERS, tiles: str | None = None
) -> folium.Map:
    """The snapshot as a map with the named layers, a layer control, title and legend.

    `tiles=None` draws no tiles (offline); a provider name adds that online tile layer.
    """
    unknown = [name for name in layers if name not in LAYER_NAMES]
    if unknown:
        raise ValueError(f"unknown layer {unknown[0]!r}; choose from {', '.join(LAYER_NAMES)}")
    m = folium.Map(
        location=CENTER,
        zoom_start=6,
        min_zoom=2,
        tiles=None,
        control_scale=True,
        font_size=FONT_SIZE,
    )
    m.add_child(ScriptLibrary())  # before every element that calls its functions
    if tiles is not None:
        provider = tile_provider(tiles)
        folium.TileLayer(provider, name=provider.name, overlay=False, control=True).add_to(m)
    world = ShapeData(_world(), "geomap_world")
    lines = ShapeData(_lines(), "geomap_lines")
    territories = territories_layer(snapshot, world, lines) if "territories" in layers else None
    above = (
        (territories, [s.entity.boundary_id for s in drawn_territories(snapshot, world)])
        if territories
        else None
    )
    builders: dict[str, Callable[[], folium.FeatureGroup | None]] = {
        "recognition": lambda: recognition_layer(snapshot, world, above),
        "territories": lambda: territories,
        "alliances": lambda: alliances_layer(snapshot),
        "places": lambda: places_layer(snapshot),
        "labels": lambda: labels_layer(snapshot, _world()),
    }
    groups = {
        name: group
        for name in ("recognition", "territories", "alliances", "places", "labels")
        if name in layers and (group := builders[name]()) is not None
    }
    m.add_child(
        MapFrame(
            background=SEA,
            panes=list(PANES.items()),
            patterns=_patterns(snapshot, world),
            css=LEGEND_CSS + LABEL_CSS,
            title=title_html(snapshot),
            legend=legend_html(layers),
            legend_layers={g.layer_name: name for name, g in groups.items()},
        )
    )
    if {"territories", "recognition"} & set(layers):  # the only layers drawing shapes
        m.add_child(world)
    if "territories" in layers:
        m.add_child(lines)
    for group in groups.values():
        m.add_child(group)
    control = folium.LayerControl(collapsed=True)
    control._name = "geomap_layer_control"
    m.add_child(control)
    return m


def _patterns(snapshot: Snapshot, world: ShapeData) -> list[dict[str, str]]:
    """The SVG hatch patterns the territories layer fills with on this day."""
    hatched = {
        hatch_pattern_id(c): c
        for s in drawn_territories(snapshot, world)
        if (c := territory_category(snapshot, s)).stripe
    }
    return [
        {"id": pid, "background": c.color, "stripe": c.stripe or ""}
        for pid, c in sorted(hatched.items())
    ]
