"""The places layer: capitals (open circles) and Russian military bases (dark triangles).

Shapes rather than colours tell the two apart; each has a tooltip and a popup with sources.
A capital is shown only on days its entity is part of the story (`Snapshot.involved`):
Managua on a map of August 2008 would suggest a recognition that came a month later.
"""

from __future__ import annotations

import folium

from geodata.model import Place
from geodata.snapshot import Snapshot
from layers.elements import MarkerLayer, css_token
from layers.popups import item_html
from layers.style import PLACES, Category

__all__ = ["places_layer", "shown_places"]


def places_layer(snapshot: Snapshot) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name="Capitals and bases", overlay=True, show=True)
    group._name = "geomap_places"
    items = [_marker(snapshot, p, PLACES[p.kind]) for p in shown_places(snapshot)]
    if items:
        group.add_child(MarkerLayer("geomap_place_markers", items, pane="geomap-places"))
    return group


def shown_places(snapshot: Snapshot) -> list[Place]:
    """The places drawn on the day: bases, and the capitals of the entities involved."""
    involved = snapshot.involved()
    return [
        p
        for p in snapshot.places
        if p.kind in PLACES and (p.kind != "capital" or p.entity in involved)
    ]


def _marker(snapshot: Snapshot, place: Place, category: Category) -> dict:
    fill = category.color
    tooltip, popup = item_html(snapshot, place.id)
    outline = "#1A1A1A" if category.shape == "circle" else "#FFFFFF"
    return {
        "id": place.id,
        "lat": place.lat,
        "lon": place.lon,
        "shape": category.shape,
        "tooltip": tooltip,
        "popup": popup,
        "style": {
            "radius": 5,
            "color": outline,
            "weight": category.weight,
            "fillColor": fill,
            "fillOpacity": 1,
            "className": f"geomap-place geomap-place-{css_token(place.id)} geomap-{category.key}",
        },
    }
