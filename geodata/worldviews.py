"""Worldviews: the same polygons, assigned to sovereigns differently (Natural Earth's idea).

Each worldview also says, in words, which cartographic convention a map drawn in it
follows, so that every map can state it.
"""

from __future__ import annotations

from enum import StrEnum

from geodata.model import Entity

__all__ = ["Worldview"]


class Worldview(StrEnum):
    DE_FACTO = "de-facto"
    RECOGNISING = "recognising"
    DE_JURE = "de-jure"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def convention(self) -> str:
        """The sentence a map prints to say how it draws contested lines."""
        return _CONVENTIONS[self]

    def sovereign(self, territory: Entity, parent: Entity | None, breakaway: bool) -> Entity:
        """Who a territory belongs to in this worldview (itself, or the state claiming it)."""
        if parent is not None and (self is Worldview.DE_JURE or not breakaway):
            return parent
        return territory


_LABELS = {
    Worldview.DE_FACTO: "De facto control",
    Worldview.RECOGNISING: "As Russia and the recognising states see it",
    Worldview.DE_JURE: "As Georgia, the UN and most states see it",
}

_CONVENTIONS = {
    Worldview.DE_FACTO: (
        "Breakaway territories are shaded by who governs them; their lines "
        "of control are dashed as disputed."
    ),
    Worldview.RECOGNISING: (
        "Breakaway territories are drawn as sovereign states with solid "
        "borders, as the states that recognise them see it."
    ),
    Worldview.DE_JURE: (
        "Breakaway territories are drawn as parts of the state that claims "
        "them, hatched as occupied or contested."
    ),
}
