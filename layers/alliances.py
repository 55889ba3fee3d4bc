"""The alliances layer: one curved link per treaty between its parties' capitals.

Colour says what the treaty binds its parties to (its strongest obligation), the dash says
how far it has come on the day (signed, ratified, in force); ended treaties are not drawn.
Links follow the great circle, bent sideways so that several treaties between the same two
capitals fan out instead of overlapping; longitudes are unwrapped so a link that crosses
the antimeridian is drawn the short way round.
"""

from __future__ import annotations

from itertools import combinations

import folium
import numpy as np

from geodata.model import Place, Treaty
from geodata.snapshot import Snapshot, TreatyStage, TreatyState
from layers.elements import PolylineLayer, css_token
from layers.popups import treaty_popup, treaty_tooltip
from layers.style import LINK_HALO, STAGES, line_options, link_category

__all__ = ["alliances_layer", "arc"]

BEND_STEP = 0.12
"""Sideways bend of the k-th link between two capitals, as a share of their distance."""


def arc(start: tuple[float, float], end: tuple[float, float], bend: float = 0.0,
        steps: int = 32) -> list[list[float]]:
    """Points (lat, lon) along the great circle from `start` to `end`, bent sideways.

    `bend` displaces the midpoint by that share of the arc's length (negative: other side).
    Longitudes are continuous (they may pass ±180), which Leaflet draws without a jump.

    >>> arc((0.0, 179.0), (0.0, -179.0), steps=2)
    [[0.0, 179.0], [0.0, 180.0], [0.0, 181.0]]
    """
    a, b = _unit(*start), _unit(*end)
    omega = float(np.arccos(np.clip(a @ b, -1.0, 1.0)))
    if omega < 1e-9:
        return [list(start), list(end)]
    t = np.linspace(0.0, 1.0, steps + 1)[:, None]
    points = (np.sin((1 - t) * omega) * a + np.sin(t * omega) * b) / np.sin(omega)
    normal = np.cross(a, b)
    points = points + np.outer(bend * omega * np.sin(np.pi * t[:, 0]), normal / np.linalg.norm(normal))
    points /= np.linalg.norm(points, axis=1)[:, None]
    lat = np.degrees(np.arcsin(points[:, 2]))
    lon = np.degrees(np.unwrap(np.arctan2(points[:, 1], points[:, 0])))
    return [[round(float(y), 4) + 0.0, round(float(x), 4) + 0.0] for y, x in zip(lat, lon)]


def _unit(lat: float, lon: float) -> np.ndarray:
    phi, lam = np.radians(lat), np.radians(lon)
    return np.array([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


def alliances_layer(snapshot: Snapshot) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name="Treaties and alliances", overlay=True, show=True)
    group._name = "geomap_alliances"
    items = [item for state in snapshot.treaties if state.stage is not TreatyStage.ENDED
             for item in _links(snapshot, state)]
    if items:
        group.add_child(PolylineLayer("geomap_links", items, pane="geomap-links",
                                      halo={**line_options(STAGES[TreatyStage.IN_FORCE]),
                                            "color": LINK_HALO, "weight": 5, "opacity": 0.8}))
    return group


def _links(snapshot: Snapshot, state: TreatyState) -> list[dict]:
    """One link per pair of parties whose capitals the record locates."""
    treaty = state.treaty
    obligation, stage = link_category(treaty.obligations), STAGES[state.stage]
    style = {**line_options(stage, color=obligation.color),
             "className": f"geomap-link geomap-link-{css_token(treaty.id)} geomap-{obligation.key} "
                          f"geomap-{stage.key}"}
    tooltip, popup = treaty_tooltip(snapshot, state), treaty_popup(snapshot, state)
    links = []
    for first, second in combinations(treaty.parties, 2):
        start, end = _capital(snapshot, first), _capital(snapshot, second)
        if start is None or end is None:
            continue
        bend = _bend(snapshot, treaty, first, second)
        links.append({"latlngs": arc((start.lat, start.lon), (end.lat, end.lon), bend),
                      "style": style, "tooltip": tooltip, "popup": popup})
    return links


def _capital(snapshot: Snapshot, entity_id: str) -> Place | None:
    entity = snapshot.record.entities.get(entity_id)
    return snapshot.record.places.get(entity.capital) if entity and entity.capital else None


def _bend(snapshot: Snapshot, treaty: Treaty, first: str, second: str) -> float:
    """Alternating sides, growing outwards, in the order the record's treaties were signed
    (the whole record, so a link keeps its place whatever the date)."""
    pair = {first, second}
    same = sorted((t for t in snapshot.record.treaties if pair <= set(t.parties)),
                  key=lambda t: (t.signed, t.id))
    k = next(i for i, t in enumerate(same) if t.id == treaty.id)
    return BEND_STEP * (k // 2 + 1) * (1 if k % 2 == 0 else -1)
