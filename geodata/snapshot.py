"""`as_of(date, worldview)`: the one query every view uses.

A snapshot is what the record says on one day (the rows whose interval contains it, as in
CShapes), seen through one worldview (who is sovereign where, as in Natural Earth's points
of view). Dashboard, export, GeoJSON and the command line all draw from it, so they cannot
disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from itertools import combinations

from geodata.loader import default_record
from geodata.model import Entity, Event, Mission, Place, Ratification, Recognition, Record, Treaty
from geodata.worldviews import Worldview

__all__ = [
    "DEFAULT_SUBJECT",
    "Snapshot",
    "Stance",
    "StanceKind",
    "TerritoryState",
    "TerritoryStatus",
    "TreatyStage",
    "TreatyState",
    "as_of",
]

DEFAULT_SUBJECT: tuple[str, ...] = ("ABK", "SOS")
"""The territories a map is about: the world layer colours every state by its stance on them."""


class TerritoryStatus(StrEnum):
    UN_MEMBER = "un_member"
    STATE = "state"
    PARTIALLY_RECOGNISED = "partially_recognised"
    RECOGNISED_BY_NON_UN_ONLY = "recognised_by_non_un_only"
    UNRECOGNISED = "unrecognised"
    NOT_DECLARED = "not_declared"
    CEASED = "ceased"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").replace("un ", "UN ").replace("non UN", "non-UN")


class TreatyStage(StrEnum):
    SIGNED = "signed"
    PARTLY_RATIFIED = "partly_ratified"
    RATIFIED = "ratified"
    IN_FORCE = "in_force"
    ENDED = "ended"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class StanceKind(StrEnum):
    """A state's position on the subject territories, as the world layer colours it."""

    SUBJECT = "subject"
    RECOGNISES_ALL = "recognises_all"
    RECOGNISES_SOME = "recognises_some"
    WITHDREW = "withdrew"
    NEVER = "never"


@dataclass(frozen=True)
class TerritoryState:
    """A territory on the snapshot's day: its status, sovereign and recognisers."""

    entity: Entity
    sovereign: Entity
    status: TerritoryStatus
    recognized_by: tuple[Recognition, ...]
    withdrawn: tuple[Recognition, ...]
    disputed: bool
    un_recognisers: int


@dataclass(frozen=True)
class TreatyState:
    """A treaty on the day: its stage, the ratification steps taken, who has finished them."""

    treaty: Treaty
    stage: TreatyStage
    ratifications: tuple[Ratification, ...]
    ratified_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Stance:
    """Which subject territories a state recognises on the day, and which it stopped."""

    entity_id: str
    recognises: tuple[str, ...]
    withdrew: tuple[str, ...]
    kind: StanceKind


@dataclass(frozen=True)
class Snapshot:
    as_of: date
    worldview: Worldview
    subject: tuple[str, ...]
    record: Record
    territories: tuple[TerritoryState, ...]
    treaties: tuple[TreatyState, ...]
    stances: dict[str, Stance]
    places: tuple[Place, ...]
    missions: tuple[Mission, ...]
    events: tuple[Event, ...]

    def territory(self, entity_id: str) -> TerritoryState:
        return next(t for t in self.territories if t.entity.id == entity_id)

    def name(self, entity_id: str) -> str:
        entity = self.record.entities.get(entity_id)
        return entity.name if entity else entity_id

    def stance(self, entity_id: str) -> Stance:
        return self.stances.get(entity_id) or Stance(entity_id, (), (), StanceKind.NEVER)

    def treaties_of(self, entity_id: str) -> tuple[TreatyState, ...]:
        return tuple(t for t in self.treaties if entity_id in t.treaty.parties)

    def involved(self) -> frozenset[str]:
        """The entities that matter to the subject on the day, so views leave the rest out.

        A subject territory, the state claiming it, an entity that recognises or has
        recognised one by the day, and every party to a treaty with one signed by the day.
        A state that recognises only years later is not part of the story yet.
        """
        claimants = {
            e.parent for i in self.subject if (e := self.record.entities.get(i)) and e.parent
        }
        recognisers = {
            r.by for r in self.record.recognitions if r.of in self.subject and r.since <= self.as_of
        }
        parties = {
            p
            for t in self.treaties
            if set(t.treaty.parties) & set(self.subject)
            for p in t.treaty.parties
        }
        return frozenset(self.subject) | claimants | recognisers | parties

    def treaty_pairs(self) -> tuple[tuple[tuple[str, str], tuple[TreatyState, ...]], ...]:
        """Treaties signed and not ended on the day, grouped by each pair of their parties.

        A pair reads in the order its first-signed treaty names its parties ("RUS", "ABK");
        pairs come in that order too, each with its treaties in the order they were signed.
        """
        pairs: dict[frozenset[str], tuple[tuple[str, str], list[TreatyState]]] = {}
        live = sorted(
            (t for t in self.treaties if t.stage is not TreatyStage.ENDED),
            key=lambda t: (t.treaty.signed, t.treaty.id),
        )
        for state in live:
            for pair in combinations(state.treaty.parties, 2):
                pairs.setdefault(frozenset(pair), (pair, []))[1].append(state)
        return tuple((pair, tuple(states)) for pair, states in pairs.values())


def as_of(
    day: date,
    worldview: Worldview | str = Worldview.DE_FACTO,
    record: Record | None = None,
    subject: tuple[str, ...] = DEFAULT_SUBJECT,
) -> Snapshot:
    """What the record says on `day`, seen from `worldview`.

    Before the first fact nothing is recognised and no treaty exists; after the last, the
    last state holds. Before an entity's `declared` day (a state's independence) its status
    is `NOT_DECLARED`; it is still shown, in today's boundary, the only one the record has.
    Ended treaties stay in the snapshot with stage `ended` so that a view
    can say so; layers leave them off the map.
    """
    record = record or default_record()
    view = Worldview(worldview)
    territories = tuple(
        _territory_state(record, e, day, view) for e in _shown_entities(record, subject)
    )
    return Snapshot(
        as_of=day,
        worldview=view,
        subject=subject,
        record=record,
        territories=territories,
        treaties=tuple(_treaty_state(t, day) for t in record.treaties if t.signed <= day),
        stances=_stances(record, day, subject),
        places=tuple(p for p in record.places.values() if p.active_on(day)),
        missions=tuple(m for m in record.missions if m.active_on(day)),
        events=tuple(e for e in record.events if e.day <= day),
    )


def _shown_entities(record: Record, subject: tuple[str, ...]) -> list[Entity]:
    """The subject territories, the states claiming them, then every other territory."""
    ordered = [record.entities[i] for i in subject if i in record.entities]
    parents = {e.parent for e in ordered if e.parent}
    patrons = {p for t in record.treaties if set(t.parties) & set(subject) for p in t.parties}
    extra = [
        e
        for e in record.entities.values()
        if e.id not in subject and (e.id in parents or e.id in patrons or e.kind == "territory")
    ]
    return ordered + extra


def _territory_state(record: Record, entity: Entity, day: date, view: Worldview) -> TerritoryState:
    recognitions = [r for r in record.recognitions if r.of == entity.id]
    active = tuple(r for r in recognitions if _in_effect(record, r, day))
    withdrawn = tuple(
        r
        for r in recognitions
        if r.withdrawn and r.withdrawn <= day and not any(a.by == r.by for a in active)
    )
    un_recognisers = sum(1 for r in active if _is_un_member(record, r.by, day))
    status = _status(entity, day, active, un_recognisers)
    parent = record.entities.get(entity.parent) if entity.parent else None
    breakaway = status not in (TerritoryStatus.NOT_DECLARED, TerritoryStatus.CEASED)
    sovereign = view.sovereign(entity, parent, breakaway)
    return TerritoryState(
        entity,
        sovereign,
        status,
        active,
        withdrawn,
        disputed=parent is not None and breakaway,
        un_recognisers=un_recognisers,
    )


def _in_effect(record: Record, recognition: Recognition, day: date) -> bool:
    """A recognition lapses when it is withdrawn or when the recognising entity ceases."""
    return recognition.active_on(day) and record.entities[recognition.by].exists_on(day)


def _is_un_member(record: Record, entity_id: str, day: date) -> bool:
    entity = record.entities.get(entity_id)
    return entity is not None and entity.un_member_on(day)


def _status(
    entity: Entity, day: date, active: tuple[Recognition, ...], un_recognisers: int
) -> TerritoryStatus:
    if entity.declared and day < entity.declared:
        # Also for a state: before its independence it is not yet a state (or UN member),
        # though the map still draws it in today's boundary, the only one the record has.
        return TerritoryStatus.NOT_DECLARED
    if entity.kind == "state":
        return TerritoryStatus.UN_MEMBER if entity.un_member_on(day) else TerritoryStatus.STATE
    if entity.ceased and day >= entity.ceased:
        return TerritoryStatus.CEASED
    if un_recognisers:
        return TerritoryStatus.PARTIALLY_RECOGNISED
    if active:
        return TerritoryStatus.RECOGNISED_BY_NON_UN_ONLY
    return TerritoryStatus.UNRECOGNISED


def _treaty_state(treaty: Treaty, day: date) -> TreatyState:
    """The treaty's stage on `day`.

    A party has ratified once its last recorded step is done (in Russia the Duma votes,
    the Federation Council approves, then the President signs the law: a Duma vote alone
    is only part of the way).
    """
    done = tuple(r for r in treaty.ratifications if r.day <= day)
    pending = {r.by for r in treaty.ratifications if r.day > day}
    ratified = tuple(p for p in treaty.parties if p in {r.by for r in done} - pending)
    if treaty.ended and treaty.ended <= day:
        stage = TreatyStage.ENDED
    elif treaty.in_force and treaty.in_force <= day:
        stage = TreatyStage.IN_FORCE
    elif set(ratified) == set(treaty.parties):
        stage = TreatyStage.RATIFIED
    elif done:
        stage = TreatyStage.PARTLY_RATIFIED
    else:
        stage = TreatyStage.SIGNED
    return TreatyState(treaty, stage, done, ratified)


def _stances(record: Record, day: date, subject: tuple[str, ...]) -> dict[str, Stance]:
    relevant = [r for r in record.recognitions if r.of in subject]
    stances = {}
    for by in sorted({r.by for r in relevant} | set(subject)):
        if by in subject and by in record.entities:
            others = tuple(s for s in subject if s != by)
        else:
            others = subject
        recognises = tuple(
            s
            for s in others
            if any(r.by == by and r.of == s and _in_effect(record, r, day) for r in relevant)
        )
        withdrew = tuple(
            s
            for s in others
            if s not in recognises
            and any(
                r.by == by and r.of == s and r.withdrawn and r.withdrawn <= day for r in relevant
            )
        )
        if by in subject:
            kind = StanceKind.SUBJECT
        elif recognises and len(recognises) == len(others):
            kind = StanceKind.RECOGNISES_ALL
        elif recognises:
            kind = StanceKind.RECOGNISES_SOME
        elif withdrew:
            kind = StanceKind.WITHDREW
        else:
            kind = StanceKind.NEVER
        stances[by] = Stance(by, recognises, withdrew, kind)
    return stances
