"""What a map of the day frames by default: the day's story, and nothing the day does not hold.

One rule for every view that opens on "the story" (the still maps' default `--extent story`;
the web map's opening view is meant to use the same rule): the outlines of the subject
territories and of the states claiming them, and the capitals of the other parties to the
treaties with a subject territory that are signed and not ended on the day. Before Russia's
treaties of 17 September 2008 that is Georgia alone; from then on Moscow is a party too.
Pure data: the caller says where each outline lies, so any map library can use it.
"""

from __future__ import annotations

from collections.abc import Callable

from geodata.snapshot import Snapshot, TreatyStage

__all__ = ["Bounds", "story_bounds", "story_parts"]

Bounds = tuple[float, float, float, float]
"""West, south, east, north in degrees."""


def story_parts(snapshot: Snapshot) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(entities framed by their outline, entities framed by their capital), sorted.

    Outlines: the subject territories and their claimants (their whole shape tells the
    story). Capitals: the other parties to the day's live treaties with a subject territory
    (a patron's shape, Russia's, would frame half the globe).
    """
    entities = snapshot.record.entities
    areas = {i for i in snapshot.subject if i in entities}
    areas |= {p for i in list(areas) if (p := entities[i].parent) and p in entities}
    parties = {
        party
        for state in snapshot.treaties
        if state.stage is not TreatyStage.ENDED
        and set(state.treaty.parties) & set(snapshot.subject)
        for party in state.treaty.parties
    }
    return tuple(sorted(areas)), tuple(sorted(parties - areas))


def story_bounds(snapshot: Snapshot, outline: Callable[[str], Bounds | None]) -> Bounds:
    """The box around the day's story (`story_parts`), unpadded.

    `outline(boundary_id)` gives a feature's bounds (None where the map has no shape for it).
    """
    areas, parties = story_parts(snapshot)
    boxes: list[Bounds] = []
    for entity_id in areas:
        box = outline(snapshot.record.entities[entity_id].boundary_id)
        if box is not None:
            boxes.append(box)
    for entity_id in parties:
        place = snapshot.record.places.get(snapshot.record.entities[entity_id].capital or "")
        if place is not None:
            boxes.append((place.lon, place.lat, place.lon, place.lat))
    if not boxes:
        raise ValueError("the day's story has no outline and no capital to frame")
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
