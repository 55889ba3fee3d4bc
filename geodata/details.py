"""What a reader is told about one territory, state, treaty or treaty link on one day, cited.

The one content model of the project: the map's popups and tooltips and the dashboard's
details panel all show plain `Details` (a title, a one-line summary, a tooltip line and
sections of dated facts, each fact carrying its own sources and, for a fact that can
change, the day a source last confirmed it). The sentences are written here once
(`stance_text`, `stage_text`, `recognition_text`, `pair_name`), so the views cannot drift
apart. All of it is read from a `Snapshot`, so it says exactly what the map draws for that
day, and nothing here knows how it is displayed (text from the record is returned
unescaped; the views' templates escape it).

>>> from datetime import date
>>> from geodata.snapshot import as_of
>>> panel = details(as_of(date(2015, 6, 1)), "ABK")
>>> [f.label for f in panel.section("recognised-un").facts]
['Russia', 'Nicaragua', 'Venezuela', 'Nauru']
>>> details(as_of(date(2008, 8, 1)), "ABK").section("recognised-un").facts
()
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from geodata.model import Dispute, Entity, Event, Place, Recognition, Source, Treaty
from geodata.snapshot import Snapshot, Stance, StanceKind, TreatyStage, TreatyState

__all__ = [
    "Details",
    "Fact",
    "Section",
    "checked_text",
    "details",
    "pair_id",
    "pair_name",
    "recognition_text",
    "selectable_items",
    "stage_text",
    "stance_text",
    "treaty_count",
]

PAIR_SEPARATOR = "+"
"""A pair of parties as one item id, "RUS+ABK": what a link between two capitals stands for."""


def checked_text(checked: date | None) -> str:
    """The day a source last confirmed a fact that can change, in words ("" if never)."""
    return f"status checked on {checked.isoformat()}" if checked else ""


@dataclass(frozen=True)
class Fact:
    """One line: what (`label`, `text`), when, who says so, and when that was last
    confirmed (`checked`, for a fact that still holds and can change); `parts` are the
    steps of a treaty shown with it."""

    label: str
    text: str = ""
    day: date | None = None
    sources: tuple[Source, ...] = ()
    note: str | None = None
    checked: date | None = None
    parts: tuple[Fact, ...] = ()

    @property
    def checked_text(self) -> str:
        return checked_text(self.checked)


@dataclass(frozen=True)
class Section:
    """A titled group of facts; `empty` is what to say when there are none (an answer too).

    `in_popup` is False for the history (related events, disputed readings), which only
    the details panel has room for; a popup shows the other sections, fact for fact.
    """

    key: str
    title: str
    facts: tuple[Fact, ...]
    empty: str
    in_popup: bool = True


@dataclass(frozen=True)
class Details:
    """Everything said about one item on the snapshot's day: `line` is the tooltip's one
    line, `checked` the last confirmation of the item itself (a treaty, a base in use)."""

    id: str
    kind: str  # "territory", "state", "treaty", "pair" or "place"
    title: str
    summary: str
    sections: tuple[Section, ...]
    sources: tuple[Source, ...] = ()
    note: str | None = None
    line: str = ""
    checked: date | None = None

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    @property
    def checked_text(self) -> str:
        return checked_text(self.checked)


def stance_text(snapshot: Snapshot, stance: Stance) -> str:
    """A state's stance as what follows its name ("recognises Abkhazia and South Ossetia")."""
    names = lambda ids: " and ".join(snapshot.name(i) for i in ids)  # noqa: E731
    if stance.kind is StanceKind.NEVER:
        return "has never recognised " + " or ".join(snapshot.name(s) for s in snapshot.subject)
    said = ["is one of the territories this map is about"] * (stance.kind is StanceKind.SUBJECT)
    if stance.recognises:
        said.append(f"recognises {names(stance.recognises)}")
    if stance.withdrew:
        said.append(f"withdrew recognition of {names(stance.withdrew)}")
    return "; ".join(said)


def stage_text(snapshot: Snapshot, state: TreatyState) -> str:
    """How far a treaty has come on the day, naming who has ratified it."""
    if state.stage is TreatyStage.PARTLY_RATIFIED:
        return "in ratification: " + "; ".join(_progress(snapshot, state))
    day = _stage_day(state).isoformat()
    ratified_by = " and ".join(snapshot.name(p) for p in state.ratified_by)
    return {
        TreatyStage.SIGNED: f"signed on {day}, not ratified",
        TreatyStage.RATIFIED: f"ratified by {ratified_by} (latest step {day}), not yet in force",
        TreatyStage.IN_FORCE: f"in force since {day}",
        TreatyStage.ENDED: f"ended on {day}",
    }[state.stage]


def _progress(snapshot: Snapshot, state: TreatyState) -> list[str]:
    """Per party: finished, or the last step taken so far ("Russia: State Duma so far")."""
    parts = []
    for party in state.treaty.parties:
        steps = [r for r in state.ratifications if r.by == party]
        if party in state.ratified_by:
            parts.append(f"ratified by {snapshot.name(party)}")
        elif steps:
            parts.append(f"{snapshot.name(party)}: {steps[-1].body} so far")
    return parts


def recognition_text(snapshot: Snapshot, recognition: Recognition) -> str:
    """Since when, and until when if withdrawn by the day."""
    if recognition.withdrawn and recognition.withdrawn <= snapshot.as_of:
        return f"from {recognition.since.isoformat()} until {recognition.withdrawn.isoformat()}"
    return f"since {recognition.since.isoformat()}"


def pair_name(snapshot: Snapshot, pair: Sequence[str]) -> str:
    """ "Russia – Abkhazia": the two parties a treaty link joins."""
    return " – ".join(snapshot.name(p) for p in pair)


def treaty_count(count: int) -> str:
    return f"{count} treat{'y' if count == 1 else 'ies'}"


def details(snapshot: Snapshot, item_id: str, name: str | None = None) -> Details | None:
    """The panel for a territory, a state, a treaty, a pair of parties ("RUS+ABK", what a
    treaty link on the map stands for) or a place, found by entity id, ISO3 code, treaty id,
    pair id or place id: the ids every clickable item of the map carries.

    A state the record does not know (a country clicked on the world layer that never
    recognised anything) still gets a panel saying so, titled with `name` if given; None
    only when `item_id` is empty.
    """
    if not item_id:
        return None
    if PAIR_SEPARATOR in item_id:
        return _pair_details(snapshot, tuple(item_id.split(PAIR_SEPARATOR)))
    treaty = next((t for t in snapshot.record.treaties if t.id == item_id), None)
    if treaty is not None:
        return _treaty_details(snapshot, treaty)
    place = snapshot.record.places.get(item_id)
    if place is not None:
        return _place_details(snapshot, place)
    entity = _find_entity(snapshot, item_id)
    if entity is not None and entity.kind == "territory":
        return _territory_details(snapshot, entity)
    return _state_details(snapshot, entity, item_id, name)


def selectable_items(snapshot: Snapshot) -> tuple[tuple[str, str], ...]:
    """(id, label) of every item with a panel on this day: territories, states, treaties."""
    territories = [
        (t.entity.id, t.entity.name) for t in snapshot.territories if t.entity.kind == "territory"
    ]
    states = sorted(
        ((e.id, e.name) for e in snapshot.record.entities.values() if e.kind == "state"),
        key=lambda pair: pair[1],
    )
    treaties = [(t.treaty.id, t.treaty.short_name) for t in snapshot.treaties]
    return tuple(territories + states + treaties)


def pair_id(a: str, b: str) -> str:
    """The item id of the pair of parties `a` and `b`, in that order."""
    return f"{a}{PAIR_SEPARATOR}{b}"


def _find_entity(snapshot: Snapshot, item_id: str) -> Entity | None:
    entities = snapshot.record.entities
    return entities.get(item_id) or next(
        (e for e in entities.values() if e.iso3 and e.iso3 == item_id), None
    )


def _recognition_fact(snapshot: Snapshot, r: Recognition, party: str) -> Fact:
    """A recognition named after `party` (the recogniser on a territory's panel, and vice versa)."""
    text = recognition_text(snapshot, r)
    if r.withdrawn and r.withdrawn <= snapshot.as_of:
        return Fact(
            snapshot.name(party), text, r.withdrawn, r.sources + r.withdrawal_sources, r.note
        )
    return Fact(snapshot.name(party), text, r.since, r.sources, r.note, r.checked)


def _treaty_fact(snapshot: Snapshot, state: TreatyState, steps: bool = False) -> Fact:
    """A treaty's stage on the day; with `steps`, each step so far and its obligations too."""
    treaty = state.treaty
    live = state.stage is not TreatyStage.ENDED
    return Fact(
        treaty.short_name,
        stage_text(snapshot, state),
        _stage_day(state),
        treaty.sources,
        treaty.note,
        treaty.checked if live else None,
        (Fact("Full title", treaty.name), *_treaty_steps(snapshot, state, cited=False))
        + (_obligations_fact(treaty),)
        if steps
        else (),
    )


def _obligations_fact(treaty: Treaty) -> Fact:
    return Fact("Obligations", ", ".join(o.label for o in treaty.obligations))


def _treaty_steps(snapshot: Snapshot, state: TreatyState, cited: bool = True) -> list[Fact]:
    """Signature (where), each ratification step (vote), entry into force, end, by the day;
    the signature cites the treaty's sources unless the treaty's own fact does (`cited`)."""
    treaty = state.treaty
    where = snapshot.record.places.get(treaty.signed_at) if treaty.signed_at else None
    steps = [
        Fact(
            "Signed",
            treaty.signed.isoformat() + (f" in {where.name}" if where else ""),
            treaty.signed,
            treaty.sources if cited else (),
        )
    ]
    steps += [
        Fact(
            f"Ratified: {snapshot.name(r.by)}, {r.body}",
            r.day.isoformat() + (f" (vote {r.vote})" if r.vote else ""),
            r.day,
            r.sources,
            r.note,
        )
        for r in state.ratifications
    ]
    if state.stage in (TreatyStage.IN_FORCE, TreatyStage.ENDED) and treaty.in_force:
        steps.append(Fact("In force", treaty.in_force.isoformat(), treaty.in_force))
    if state.stage is TreatyStage.ENDED and treaty.ended:
        steps.append(Fact("Ended", treaty.ended.isoformat(), treaty.ended))
    return steps


def _stage_day(state: TreatyState) -> date:
    """The day the treaty reached its current stage."""
    treaty = state.treaty
    if state.stage is TreatyStage.ENDED and treaty.ended:
        return treaty.ended
    if state.stage is TreatyStage.IN_FORCE and treaty.in_force:
        return treaty.in_force
    return max([treaty.signed] + [r.day for r in state.ratifications])


def _treaties_section(snapshot: Snapshot, entity_id: str) -> Section:
    current = [t for t in snapshot.treaties_of(entity_id) if t.stage is not TreatyStage.ENDED]
    return Section(
        "treaties",
        "Treaties signed and not ended",
        tuple(_treaty_fact(snapshot, t) for t in current),
        "No treaty of the record binds it on this date.",
    )


def _event_fact(event: Event) -> Fact:
    span = (
        f"{event.day.isoformat()} to {event.end.isoformat()}"
        if event.end
        else event.day.isoformat()
    )
    return Fact(event.title, span, event.day, event.sources, event.note)


def _events_section(snapshot: Snapshot, events: list[Event]) -> Section:
    latest_first = sorted(events, key=lambda e: e.day, reverse=True)
    return Section(
        "events",
        "Related events up to this date",
        tuple(_event_fact(e) for e in latest_first),
        "No related event yet.",
        in_popup=False,
    )


def _dispute_fact(dispute: Dispute) -> Fact:
    sources = tuple(s for reading in dispute.readings for s in reading.sources)
    return Fact(
        dispute.question, f"The map uses: {dispute.chosen.summary}", None, sources, dispute.why
    )


def _disputes_section(snapshot: Snapshot, subjects: list[tuple[str, str]]) -> Section:
    """Disputes about the given rows, one per question (twin rows often share one)."""
    found = {
        d.question: d
        for kind, row_id in reversed(subjects)
        for d in snapshot.record.disputes_about(kind, row_id)
    }
    return Section(
        "disputes",
        "Where the sources disagree",
        tuple(_dispute_fact(d) for d in reversed(found.values())),
        "The sources agree on these facts.",
        in_popup=False,
    )


def _territory_details(snapshot: Snapshot, entity: Entity) -> Details:
    state = snapshot.territory(entity.id)
    day = snapshot.as_of.isoformat()
    un = [r for r in state.recognized_by if snapshot.record.entities[r.by].un_member]
    others = [r for r in state.recognized_by if r not in un]
    drawn_apart = state.sovereign.id != entity.id
    where = (
        f"drawn as part of {state.sovereign.name}" if drawn_apart else "drawn as its own territory"
    )
    summary = (
        f"On {day}: {state.status.label}, recognised by {len(un)} UN member "
        f"state{'s' if len(un) != 1 else ''}; {where} ({snapshot.worldview.label.lower()})."
    )
    recognitions = [r for r in snapshot.record.recognitions if r.of == entity.id]
    missions = [m for m in snapshot.missions if entity.id in m.area]
    sections = (
        Section(
            "recognised-un",
            "Recognised by UN member states",
            tuple(_recognition_fact(snapshot, r, r.by) for r in un),
            f"No UN member state recognises {entity.name} on this date.",
        ),
        Section(
            "recognised-other",
            "Recognised by entities outside the UN",
            tuple(_recognition_fact(snapshot, r, r.by) for r in others),
            "None on this date.",
        ),
        Section(
            "withdrawn",
            "Recognised, then withdrew",
            tuple(_recognition_fact(snapshot, r, r.by) for r in state.withdrawn),
            "No recognition has been withdrawn by this date.",
        ),
        _treaties_section(snapshot, entity.id),
        Section(
            "missions",
            "Peacekeeping and observer missions on this date",
            tuple(
                Fact(
                    m.name,
                    f"{m.kind}, since {m.start.isoformat()}",
                    m.start,
                    m.sources,
                    m.note,
                    m.checked,
                )
                for m in missions
            ),
            "None on this date.",
        ),
        _disputes_section(
            snapshot, [("entity", entity.id)] + [("recognition", r.id) for r in recognitions]
        ),
        _events_section(snapshot, [e for e in snapshot.events if entity.id in e.entities]),
    )
    line = state.status.label + (f"; {where}" if drawn_apart else "")
    return Details(
        entity.id, "territory", entity.name, summary, sections, entity.sources, entity.note, line
    )


def _state_details(
    snapshot: Snapshot, entity: Entity | None, item_id: str, name: str | None
) -> Details:
    entity_id = entity.id if entity else item_id
    title = entity.name if entity else (name or item_id)
    said = stance_text(snapshot, snapshot.stance(entity_id))
    member = "a UN member state" if entity is not None and entity.un_member else "not a UN member"
    summary = f"On {snapshot.as_of.isoformat()}: {title} {said}." + (
        f" It is {member}." if entity else ""
    )
    ours = [(t, r) for t in snapshot.territories for r in t.recognized_by if r.by == entity_id]
    dropped = [(t, r) for t in snapshot.territories for r in t.withdrawn if r.by == entity_id]
    claimed = [t for t in snapshot.territories if t.entity.parent == entity_id]
    recognitions = [r for r in snapshot.record.recognitions if r.by == entity_id]
    sections = (
        Section(
            "recognises",
            "Recognises",
            tuple(_recognition_fact(snapshot, r, t.entity.id) for t, r in ours),
            "No contested territory of the record on this date.",
        ),
        Section(
            "withdrawn",
            "Recognised, then withdrew",
            tuple(_recognition_fact(snapshot, r, t.entity.id) for t, r in dropped),
            "No withdrawn recognition.",
        ),
        Section(
            "claims",
            "Breakaway territories it claims",
            tuple(Fact(t.entity.name, t.status.label, None, t.entity.sources) for t in claimed),
            "None.",
        ),
        _treaties_section(snapshot, entity_id),
        _disputes_section(
            snapshot, [("entity", entity_id)] + [("recognition", r.id) for r in recognitions]
        ),
        _events_section(snapshot, [e for e in snapshot.events if entity_id in e.entities]),
    )
    return Details(
        entity_id,
        "state",
        title,
        summary,
        sections,
        entity.sources if entity else (),
        entity.note if entity else None,
        said,
    )


def _treaty_details(snapshot: Snapshot, treaty: Treaty) -> Details:
    state = next((t for t in snapshot.treaties if t.treaty.id == treaty.id), None)
    day = snapshot.as_of.isoformat()
    parties = ", ".join(snapshot.name(p) for p in treaty.parties)
    if state is None:
        line = f"not yet signed (signed {treaty.signed.isoformat()})"
        summary = f"On {day}: {line}. Parties: {parties}."
        return Details(treaty.id, "treaty", treaty.name, summary, (), treaty.sources, line=line)
    steps = _treaty_steps(snapshot, state)
    step_days = {f.day for f in steps}
    related = [
        e for e in snapshot.events if e.day in step_days and set(e.entities) & set(treaty.parties)
    ]
    sections = (
        Section("steps", "Signature, ratification, entry into force", tuple(steps), ""),
        Section(
            "obligations",
            "Obligations",
            tuple(Fact(o.label) for o in treaty.obligations),
            "None recorded.",
        ),
        _disputes_section(snapshot, [("treaty", treaty.id)]),
        _events_section(snapshot, related),
    )
    line = stage_text(snapshot, state)
    summary = f"On {day}: {line}. Parties: {parties}."
    live = state.stage is not TreatyStage.ENDED
    return Details(
        treaty.id,
        "treaty",
        treaty.name,
        summary,
        sections,
        treaty.sources,
        treaty.note,
        line,
        treaty.checked if live else None,
    )


def _pair_details(snapshot: Snapshot, pair: tuple[str, ...]) -> Details:
    """Every treaty between two parties that is signed and not ended on the day."""
    current = next(
        (list(states) for parties, states in snapshot.treaty_pairs() if set(parties) == set(pair)),
        [],
    )
    line = f"{treaty_count(len(current))} signed and not ended"
    summary = f"On {snapshot.as_of.isoformat()}: {line}."
    step_days = {
        d
        for t in current
        for d in [t.treaty.signed, t.treaty.in_force, *(r.day for r in t.ratifications)]
    }
    related = [e for e in snapshot.events if e.day in step_days and set(pair) <= set(e.entities)]
    sections = (
        Section(
            "treaties",
            "Treaties signed and not ended",
            tuple(_treaty_fact(snapshot, t, steps=True) for t in reversed(current)),
            "No treaty binds them on this date.",
        ),
        _disputes_section(snapshot, [("treaty", t.treaty.id) for t in current]),
        _events_section(snapshot, related),
    )
    title = pair_name(snapshot, pair)
    return Details(PAIR_SEPARATOR.join(pair), "pair", title, summary, sections, line=line)


def _place_details(snapshot: Snapshot, place: Place) -> Details:
    """A capital or a base: where, whose, which unit, since when."""
    kind = place.kind.replace("_", " ")
    facts = [Fact("Kind", kind), Fact("In", snapshot.name(place.entity))]
    if place.operator:
        facts.append(Fact("Operator", snapshot.name(place.operator)))
    if place.unit:
        facts.append(Fact("Unit", place.unit))
    if place.opened:
        facts.append(Fact("Opened", place.opened.isoformat(), place.opened))
    summary = f"On {snapshot.as_of.isoformat()}: {kind} in {snapshot.name(place.entity)}."
    sections = (Section("place", "The place", tuple(facts), ""),)
    in_use = place.active_on(snapshot.as_of)
    return Details(
        place.id,
        "place",
        place.name,
        summary,
        sections,
        place.sources,
        place.note,
        kind,
        place.checked if in_use else None,
    )
