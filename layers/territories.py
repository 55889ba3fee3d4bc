"""The territories layer: the subject territories, their claimants and patrons, per worldview.

The polygons are the shared world data (embedded once); this layer only says how to fill
them and draws the lines between a territory and its claimant on top, in the worldview's
convention: dashed as disputed (de facto), solid (as the recognising states see it), dotted
inside the claimant, whose colour the hatched territory then takes (de jure). Only the line
with the claimant is drawn so: the territory's other edges (Abkhazia–Russia, the coast) are
the claimant's international border in the de-jure view and stay solid.
"""

from __future__ import annotations

import folium

from geodata.snapshot import Snapshot, TerritoryState
from layers.elements import ShapeData, ShapeLayer
from layers.popups import item_html
from layers.style import (
    BORDERS,
    LAND_OUTLINE,
    Category,
    border_category,
    fill_options,
    line_options,
    territory_category,
)

__all__ = ["drawn_territories", "territories_layer"]


def drawn_territories(snapshot: Snapshot, world: ShapeData) -> list[TerritoryState]:
    """The snapshot's territories that have a polygon in the world data."""
    return [s for s in snapshot.territories if s.entity.boundary_id in world.ids]


def territories_layer(
    snapshot: Snapshot, world: ShapeData, lines: ShapeData
) -> folium.FeatureGroup:
    """Fills by status or stance, hover tooltips, click popups, and the contested lines."""
    group = folium.FeatureGroup(name="Territories", overlay=True, show=True)
    group._name = "geomap_territories"
    states = drawn_territories(snapshot, world)
    categories = {s.entity.boundary_id: territory_category(snapshot, s) for s in states}
    content = {s.entity.boundary_id: item_html(snapshot, s.entity.id) for s in states}
    group.add_child(
        ShapeLayer(
            world,
            "geomap_territory_fills",
            styles={
                c.key: fill_options(c, stroke=BORDERS["international"]) for c in categories.values()
            },
            categories={fid: c.key for fid, c in categories.items()},
            cls="geomap-territory",
            pane="geomap-territories",
            only=sorted(categories),
            exact=True,
            tooltips={i: tooltip for i, (tooltip, _) in content.items()},
            popups={i: popup for i, (_, popup) in content.items()},
        )
    )
    borders = _border_categories(snapshot, states, lines)
    dashed = sorted(i for i, c in borders.items() if c.dash)
    casings = {
        i: _casing(_casing_colour(borders[i], categories.get(_claimant(i, states)))) for i in dashed
    }
    group.add_child(
        ShapeLayer(
            lines,
            "geomap_border_casings",
            styles=casings,
            categories={i: i for i in dashed},
            cls="geomap-casing",
            pane="geomap-borders",
            only=dashed,
            interactive=False,
            exact=True,
        )
    )
    group.add_child(
        ShapeLayer(
            lines,
            "geomap_borders",
            styles={c.key: line_options(c) for c in borders.values()},
            categories={i: c.key for i, c in borders.items()},
            cls="geomap-border",
            pane="geomap-borders",
            only=sorted(borders),
            interactive=False,
            exact=True,
        )
    )
    return group


def _border_categories(snapshot: Snapshot, states: list[TerritoryState], lines: ShapeData) -> dict:
    """Line id ("GEO-ABK") -> how it is drawn, for lines bounding a drawn territory."""
    by_id = {s.entity.boundary_id: s for s in states if s.entity.kind == "territory"}
    result = {}
    for line_id in lines.ids:
        territory = next((by_id[p] for p in line_id.split("-") if p in by_id), None)
        if territory is not None:
            result[line_id] = border_category(snapshot, territory)
    return result


def _claimant(line_id: str, states: list[TerritoryState]) -> str:
    """The boundary id of the state a line ("GEO-ABK") separates a territory from."""
    territories = {s.entity.boundary_id for s in states if s.entity.kind == "territory"}
    return next((p for p in line_id.split("-") if p not in territories), "")


def _casing_colour(line: Category, claimant: Category | None) -> str:
    """White under a line of control; the claimant's own fill under a line inside it, so the
    dots read as an internal boundary, not as a white outline."""
    if line is BORDERS["administrative"] and claimant is not None:
        return claimant.color
    return LAND_OUTLINE


def _casing(color: str) -> dict:
    """A band under a dashed or dotted line, hiding the solid polygon outlines beneath it."""
    return {"color": color, "weight": 4, "opacity": 1, "fill": False}
