"""The world layer: every state coloured by its stance on the subject territories that day.

It doubles as the basemap (no tiles needed). States that recognise, or recognised and
withdrew, get a tooltip naming which territories and a popup with dates and sources; tiny
ones (Nauru, Tuvalu, Vanuatu) also get a halo marker that stays visible at world zoom.
"""

from __future__ import annotations

from collections.abc import Sequence

import folium
import shapely

from geodata.snapshot import Snapshot, StanceKind
from layers.elements import MarkerLayer, ShapeData, ShapeLayer
from layers.popups import item_html
from layers.style import LAND_OUTLINE, STANCES, fill_options

__all__ = ["TINY_AREA_DEG2", "recognition_layer", "stance_categories"]

TINY_AREA_DEG2 = 2.0
"""Below this area (square degrees, about 20,000 km² near the equator) a state is a speck
at world zoom, so it also gets a halo marker."""


def stance_categories(snapshot: Snapshot) -> dict[str, str]:
    """Boundary id -> stance key, for every state whose stance is not "never"."""
    result = {}
    for entity_id, stance in snapshot.stances.items():
        entity = snapshot.record.entities.get(entity_id)
        if entity is not None and stance.kind is not StanceKind.NEVER:
            result[entity.boundary_id] = STANCES[stance.kind].key
    return result


def recognition_layer(
    snapshot: Snapshot,
    world: ShapeData,
    drawn_above: tuple[folium.FeatureGroup, Sequence[str]] | None = None,
) -> folium.FeatureGroup:
    """Every state filled by its stance; `drawn_above` is a layer and the ids it draws over
    this one (the territories layer), which are left to it while it is shown."""
    group = folium.FeatureGroup(name="Recognition, world-wide", overlay=True, show=True)
    group._name = "geomap_recognition"
    categories = stance_categories(snapshot)
    content = {
        snapshot.record.entities[e].boundary_id: item_html(snapshot, e)
        for e in snapshot.stances
        if e in snapshot.record.entities
    }
    tooltips = {i: tooltip for i, (tooltip, _) in content.items()}
    popups = {i: popup for i, (_, popup) in content.items()}
    group.add_child(
        ShapeLayer(
            world,
            "geomap_stance_fills",
            styles={c.key: fill_options(c) for c in STANCES.values()},
            categories=categories,
            fallback=STANCES[StanceKind.NEVER].key,
            cls="geomap-country",
            pane="geomap-world",
            tooltips=tooltips,
            popups=popups,
            labels={STANCES[StanceKind.NEVER].key: STANCES[StanceKind.NEVER].label},
            yields=drawn_above[1] if drawn_above else (),
            yields_to=drawn_above[0] if drawn_above else None,
        )
    )
    halos = _halos(snapshot, world, categories, tooltips, popups)
    if halos:
        group.add_child(MarkerLayer("geomap_halos", halos, pane="geomap-halos"))
    return group


def _halos(
    snapshot: Snapshot,
    world: ShapeData,
    categories: dict[str, str],
    tooltips: dict[str, str],
    popups: dict[str, str],
) -> list[dict]:
    """A disc at each tiny (or polygon-less) state with a stance, in its stance colour.

    It is centred on the capital when the record has one, so the capital's marker sits in
    it as a bull's-eye rather than beside it as a second, unexplained circle; wide enough
    (and outlined in white, not dark) for its colour to show around that marker.
    """
    shapes = dict(zip(world.frame["id"], world.frame.geometry, strict=True))
    capitals = {
        e.boundary_id: snapshot.record.places.get(e.capital or "")
        for e in snapshot.record.entities.values()
    }
    styles = {c.key: c.color for c in STANCES.values()}
    halos = []
    for fid, key in sorted(categories.items()):
        if key == STANCES[StanceKind.SUBJECT].key:
            continue  # the territories layer draws them large, the places layer their capitals
        shape, capital = shapes.get(fid), capitals.get(fid)
        if shape is not None and shape.area >= TINY_AREA_DEG2:
            continue
        if capital is not None:
            lat, lon = capital.lat, capital.lon
        elif shape is not None:
            point = shapely.point_on_surface(shape)
            lat, lon = point.y, point.x
        else:
            continue
        halos.append(
            {
                "id": fid,  # the state's own id, as its polygon carries it
                "lat": round(lat, 4),
                "lon": round(lon, 4),
                "shape": "circle",
                "tooltip": tooltips.get(fid),
                "popup": popups.get(fid),
                "style": {
                    "radius": 9,
                    "color": LAND_OUTLINE,
                    "weight": 1,
                    "fillColor": styles[key],
                    "fillOpacity": 0.9,
                    "className": f"geomap-halo geomap-{fid} geomap-{key}",
                },
            }
        )
    return halos
