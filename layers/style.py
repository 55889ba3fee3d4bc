"""The one style table: every colour, line and marker the map draws, and its legend label.

Layers look their styles up here and the legend is generated from the same table, so the
map and its legend cannot disagree. Fills are chosen to stay apart under deuteranopia and
protanopia (checked numerically in `tests/test_palette.py`): reds for recognising states
(ColorBrewer RdBu), a purple ramp for the contested territories, Paul Tol's olive for
withdrawn recognitions, a warm grey for the silent majority. Link colours are Okabe–Ito.
Shapes and dash patterns carry meaning too, so nothing relies on colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from geodata.model import Obligation
from geodata.snapshot import (
    Snapshot,
    StanceKind,
    TerritoryState,
    TerritoryStatus,
    TreatyStage,
    TreatyState,
)
from geodata.worldviews import Worldview

__all__ = [
    "BORDERS",
    "Category",
    "HATCH_STRIPE",
    "LABELS",
    "LABEL_HALO",
    "LAND_OUTLINE",
    "LEGEND_SECTIONS",
    "LINK_HALO",
    "OBLIGATIONS",
    "OCCUPIED",
    "PANES",
    "PLACES",
    "SEA",
    "SEA_TEXT",
    "STAGES",
    "STANCES",
    "STATUSES",
    "Section",
    "border_category",
    "fill_options",
    "hatch_pattern_id",
    "line_options",
    "link_category",
    "strongest_treaty",
    "territory_category",
    "territory_style",
]

Kind = Literal["fill", "hatch", "line", "marker", "text"]


@dataclass(frozen=True)
class Category:
    """One thing the reader must tell apart on the map: its swatch and its legend label."""

    key: str
    label: str
    kind: Kind
    color: str
    stripe: str | None = None  # hatch stripes drawn over `color`
    dash: str | None = None  # SVG stroke-dasharray; None is solid
    cap: Literal["butt", "round", "projecting"] = (
        "butt"  # SVG stroke-linecap: "round" turns zero-length dashes into dots
    )
    weight: float = 1.0
    shape: str = "circle"  # markers: "circle" or "triangle"
    obligations: frozenset[Obligation] = frozenset()  # links: what the colour stands for


@dataclass(frozen=True)
class Section:
    """A legend block: a title and the categories of one layer, in reading order."""

    layer: str
    title: str
    categories: tuple[Category, ...]


SEA = "#CFE0EA"
"""Map background where no tile layer is drawn: the vector world is the basemap."""
LAND_OUTLINE = "#FFFFFF"
"""Thin country outlines of the world layer: separate fills, claim nothing."""
LINK_HALO = "#FFFFFF"
"""Drawn under each treaty link so it reads over any fill."""
HATCH_STRIPE = "#542788"

PANES: dict[str, int] = {
    "geomap-world": 380,
    "geomap-territories": 390,
    "geomap-halos": 395,
    "geomap-borders": 410,
    "geomap-links": 420,
    "geomap-places": 430,
    "geomap-labels": 440,
}
"""Leaflet panes in drawing order, so toggling a layer never buries the ones above it."""

STANCES: dict[StanceKind, Category] = {
    StanceKind.RECOGNISES_ALL: Category("recognises_all", "recognises both", "fill", "#B2182B"),
    StanceKind.RECOGNISES_SOME: Category(
        "recognises_some", "recognises one of them (hover: which)", "fill", "#F4A582"
    ),
    StanceKind.WITHDREW: Category("withdrew", "recognised, then withdrew", "fill", "#999933"),
    StanceKind.NEVER: Category("never", "has never recognised them", "fill", "#E8E6E1"),
    StanceKind.SUBJECT: Category("subject", "the contested territories", "fill", "#542788"),
}
"""World layer: each state's stance on the subject territories on the day."""

STATUSES: dict[TerritoryStatus, Category] = {
    TerritoryStatus.PARTIALLY_RECOGNISED: Category(
        "partially_recognised", "breakaway, recognised by some UN members", "fill", "#542788"
    ),
    TerritoryStatus.RECOGNISED_BY_NON_UN_ONLY: Category(
        "recognised_by_non_un_only",
        "breakaway, recognised by non-UN entities only",
        "fill",
        "#8073AC",
    ),
    TerritoryStatus.UNRECOGNISED: Category(
        "unrecognised", "breakaway, recognised by no one", "fill", "#C2A5CF"
    ),
}
"""Territories layer: a breakaway territory drawn as its own sovereign, by status."""

OCCUPIED = Category(
    "occupied",
    "part of the claimant state, occupied or contested (hatched)",
    "hatch",
    STANCES[StanceKind.NEVER].color,
    stripe=HATCH_STRIPE,
)
"""De-jure worldview: the territory in its claimant's colour, striped."""

BORDERS: dict[str, Category] = {
    "international": Category(
        "international", "international border", "line", "#4D4D4D", weight=1.2
    ),
    "disputed": Category(
        "disputed", "disputed line of control (dashed)", "line", "#1A1A1A", dash="6 4", weight=2.0
    ),
    "administrative": Category(
        "administrative",
        "boundary inside a state as claimed (dotted)",
        "line",
        "#1A1A1A",
        dash="0 5",
        weight=2.5,
        cap="round",
    ),
}

OBLIGATIONS: tuple[Category, ...] = (
    Category(
        "mutual_defence",
        "treaty: mutual defence",
        "line",
        "#000000",
        weight=3,
        obligations=frozenset({Obligation.MUTUAL_DEFENCE}),
    ),
    Category(
        "integration",
        "treaty: integration",
        "line",
        "#0072B2",
        weight=3,
        obligations=frozenset({Obligation.INTEGRATION}),
    ),
    Category(
        "military",
        "treaty: military bases, border protection",
        "line",
        "#009E73",
        weight=3,
        obligations=frozenset({Obligation.MILITARY_BASES, Obligation.BORDER_PROTECTION}),
    ),
    Category(
        "friendship",
        "treaty: friendship, assistance, aid",
        "line",
        "#E69F00",
        weight=3,
        obligations=frozenset({Obligation.FRIENDSHIP_ASSISTANCE, Obligation.ECONOMIC_AID}),
    ),
)
"""Link colour by the strongest obligation in effect between two parties, strongest first:
this order is the ranking `strongest_treaty` uses."""

STAGES: dict[TreatyStage, Category] = {
    TreatyStage.SIGNED: Category(
        "signed", "signed, not ratified", "line", "#4D4D4D", dash="2 6", weight=3
    ),
    TreatyStage.PARTLY_RATIFIED: Category(
        "partly_ratified", "ratification under way", "line", "#4D4D4D", dash="10 6", weight=3
    ),
    TreatyStage.RATIFIED: Category(
        "ratified", "ratified, not yet in force", "line", "#4D4D4D", dash="10 3 2 3", weight=3
    ),
    TreatyStage.IN_FORCE: Category("in_force", "in force", "line", "#4D4D4D", weight=3),
}
"""Link dash by the stage, on the day, of the treaty that gives the link its colour; ended
treaties are not drawn."""

PLACES: dict[str, Category] = {
    "capital": Category("capital", "capital", "marker", "#FFFFFF", weight=2, shape="circle"),
    "military_base": Category(
        "military_base", "Russian military base", "marker", "#1A1A1A", weight=1, shape="triangle"
    ),
}

SEA_TEXT = "#3A5A78"
"""Names of seas: a dark blue of the sea's own hue."""
LABEL_HALO = "#FFFFFF"
"""Drawn around every name so it reads over any fill, the hatching and the links."""

LABELS: dict[str, Category] = {
    "names": Category(
        "label_names",
        'names: STATES bold; territories not drawn as states in italics, de jure "… (occupied)"',
        "text",
        "#1A1A1A",
    ),
}
"""Names on the web map, one legend line for every kind (`layers.labels.territory_wording`
decides a territory's): states bold in capitals, regions and seas italic, capitals beside
their dots."""

LEGEND_SECTIONS: tuple[Section, ...] = (
    Section("territories", "Territories", (*STATUSES.values(), OCCUPIED, *BORDERS.values())),
    Section("recognition", "Recognition", tuple(STANCES.values())),
    Section(
        "alliances",
        "Treaties: one link per pair, by its strongest treaty",
        (*OBLIGATIONS, *STAGES.values()),
    ),
    Section("places", "Places", tuple(PLACES.values())),
    Section("labels", "Names", tuple(LABELS.values())),
)
"""What the legend shows for each layer: every category above, each once."""


def hatch_pattern_id(category: Category) -> str:
    """The SVG pattern a hatched category is filled with, named after its two colours."""
    return f"geomap-hatch-{category.color.lstrip('#')}-{(category.stripe or '').lstrip('#')}"


def fill_options(
    category: Category, *, stroke: Category | None = None, opacity: float = 0.9
) -> dict[str, Any]:
    """Leaflet path options for an area; hatched areas point at their SVG pattern."""
    fill = f"url(#{hatch_pattern_id(category)})" if category.stripe else category.color
    outline = stroke or Category("none", "", "line", LAND_OUTLINE, weight=0.5)
    return {
        "fillColor": fill,
        "fillOpacity": opacity,
        "color": outline.color,
        "weight": outline.weight,
        "opacity": 1,
    }


def line_options(category: Category, *, color: str | None = None) -> dict[str, Any]:
    """Leaflet path options for a line (a border, or a link coloured by obligation)."""
    options: dict[str, Any] = {
        "color": color or category.color,
        "weight": category.weight,
        "opacity": 1,
        "fill": False,
        "lineCap": category.cap,
    }
    if category.dash:
        options["dashArray"] = category.dash
    return options


def link_category(obligations: tuple[Obligation, ...]) -> Category:
    """The strongest obligation a treaty carries decides its link colour."""
    held = set(obligations)
    return next((c for c in OBLIGATIONS if c.obligations & held), OBLIGATIONS[-1])


def strongest_treaty(states: Sequence[TreatyState]) -> TreatyState:
    """The treaty a pair's one link is drawn for: the strongest obligation (`OBLIGATIONS`
    order), then the furthest stage, then the latest signed, so the link shows the tightest
    bond the parties have actually reached on the day."""
    stages = list(TreatyStage)
    return max(
        states,
        key=lambda s: (
            -OBLIGATIONS.index(link_category(s.treaty.obligations)),
            stages.index(s.stage),
            s.treaty.signed,
            s.treaty.id,
        ),
    )


def territory_category(snapshot: Snapshot, state: TerritoryState) -> Category:
    """How the territories layer fills a territory in the snapshot's worldview.

    A state is filled by its stance (so Russia reads the same in every layer); a breakaway
    drawn as its own sovereign by its status; one drawn inside its claimant in the claimant's
    colour, hatched when it is contested.
    """
    entity = state.entity
    if entity.kind == "state":
        return STANCES[snapshot.stance(entity.id).kind]
    if state.sovereign.id == entity.id and state.status in STATUSES:
        return STATUSES[state.status]
    claimant = STANCES[snapshot.stance(state.sovereign.id).kind]
    if state.disputed:
        return Category(
            f"{OCCUPIED.key}-{claimant.key}",
            OCCUPIED.label,
            "hatch",
            claimant.color,
            stripe=HATCH_STRIPE,
        )
    return claimant


def border_category(snapshot: Snapshot, state: TerritoryState) -> Category:
    """How the line between a territory and its claimant is drawn in the worldview.

    Dashed where the territory is drawn as itself but its statehood is disputed (de facto),
    solid where it is drawn as a recognised state, dotted where it is drawn inside its
    claimant (de jure, or before it declared independence).
    """
    if state.sovereign.id != state.entity.id or not state.disputed:
        return BORDERS["administrative"]
    if snapshot.worldview is Worldview.RECOGNISING:
        return BORDERS["international"]
    return BORDERS["disputed"]


def territory_style(snapshot: Snapshot, state: TerritoryState) -> dict[str, Any]:
    """The style a territory is drawn with, in plain data (for GeoJSON export and tests)."""
    category = territory_category(snapshot, state)
    style: dict[str, Any] = {"category": category.key, "fill": category.color}
    if category.stripe:
        style["hatch"] = category.stripe
    return style
