"""The alliances layer: one curved link per pair of parties, between their capitals.

A dozen treaties between Moscow and two small capitals drawn as a dozen curves are a
tangle nobody can read; what a reader needs first is how tightly each pair is bound. So a
pair gets one link, coloured by the strongest obligation among its treaties that are signed
and not ended on the day and dashed by that treaty's stage; its popup lists every treaty
of the pair. Links follow the great circle, bent slightly so they read as links rather
than borders; longitudes are unwrapped so a link that crosses the antimeridian is drawn the
short way round.
"""

from __future__ import annotations

from collections.abc import Sequence

import folium

from geodata.details import pair_id
from geodata.model import Place
from geodata.snapshot import Snapshot, TreatyStage, TreatyState
from layers.arcs import BEND, arc
from layers.elements import PolylineLayer, css_token
from layers.popups import item_html, pair_tooltip
from layers.style import (
    LINK_HALO,
    STAGES,
    line_options,
    link_category,
    strongest_treaty,
)

__all__ = ["alliances_layer", "arc", "link_classes"]


def alliances_layer(snapshot: Snapshot) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name="Treaties and alliances", overlay=True, show=True)
    group._name = "geomap_alliances"
    items = [
        link
        for pair, states in snapshot.treaty_pairs()
        if (link := _link(snapshot, pair, states)) is not None
    ]
    if items:
        group.add_child(
            PolylineLayer(
                "geomap_links",
                items,
                pane="geomap-links",
                halo={
                    **line_options(STAGES[TreatyStage.IN_FORCE]),
                    "color": LINK_HALO,
                    "weight": 5,
                    "opacity": 0.8,
                },
            )
        )
    return group


def link_classes(pair: tuple[str, str], states: Sequence[TreatyState]) -> str:
    """CSS hooks of a pair's link: `geomap-link`, the pair, each treaty it carries, and the
    obligation and stage of the strongest (what tests and stylesheets select on)."""
    strongest = strongest_treaty(states)
    obligation, stage = link_category(strongest.treaty.obligations), STAGES[strongest.stage]
    treaties = " ".join(f"geomap-link-{css_token(s.treaty.id)}" for s in states)
    return (
        f"geomap-link geomap-pair-{css_token(pair[0])}-{css_token(pair[1])} {treaties} "
        f"geomap-{obligation.key} geomap-{stage.key}"
    )


def _link(snapshot: Snapshot, pair: tuple[str, str], states: Sequence[TreatyState]) -> dict | None:
    """The pair's link, or None when the record does not locate both capitals."""
    start, end = _capital(snapshot, pair[0]), _capital(snapshot, pair[1])
    if start is None or end is None:
        return None
    strongest = strongest_treaty(states)
    obligation = link_category(strongest.treaty.obligations)
    style = {
        **line_options(STAGES[strongest.stage], color=obligation.color),
        "className": link_classes(pair, states),
    }
    return {
        "id": pair_id(*pair),
        "latlngs": arc((start.lat, start.lon), (end.lat, end.lon), BEND),
        "style": style,
        "tooltip": pair_tooltip(snapshot, pair, states, strongest, obligation.obligations),
        "popup": item_html(snapshot, pair_id(*pair))[1],
    }


def _capital(snapshot: Snapshot, entity_id: str) -> Place | None:
    entity = snapshot.record.entities.get(entity_id)
    return snapshot.record.places.get(entity.capital) if entity and entity.capital else None
