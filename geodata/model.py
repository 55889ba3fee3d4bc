"""The data model of the record: typed, immutable facts, each carrying its sources.

Learned from Correlates of War / ATOP (an alliance is dated, typed and staged: signature,
ratification and entry into force are different dates) and CShapes (a snapshot for a date
is the rows whose interval contains it). Nothing here knows about maps.

Rows whose fact can change after it was recorded (a recognition, a treaty, a place such as
a base, a mission) may carry `checked`: the latest day on which a cited source confirms that
the fact still held. Events and disputes describe the past and carry none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

_Date = date  # for fields declared after one named `date`

__all__ = [
    "Dispute",
    "Entity",
    "Event",
    "Mission",
    "Obligation",
    "Place",
    "Ratification",
    "Reading",
    "Recognition",
    "Record",
    "Source",
    "Treaty",
]


class Obligation(StrEnum):
    """What a treaty binds its parties to; drives the link style on the map."""

    MUTUAL_DEFENCE = "mutual_defence"
    INTEGRATION = "integration"
    FRIENDSHIP_ASSISTANCE = "friendship_assistance"
    MILITARY_BASES = "military_bases"
    BORDER_PROTECTION = "border_protection"
    ECONOMIC_AID = "economic_aid"

    @property
    def label(self) -> str:
        return _OBLIGATION_LABELS[self]


_OBLIGATION_LABELS = {
    Obligation.MUTUAL_DEFENCE: "mutual defence",
    Obligation.INTEGRATION: "integration",
    Obligation.FRIENDSHIP_ASSISTANCE: "friendship and mutual assistance",
    Obligation.MILITARY_BASES: "military bases",
    Obligation.BORDER_PROTECTION: "border protection",
    Obligation.ECONOMIC_AID: "economic aid",
}


@dataclass(frozen=True)
class Source:
    """A citation: a web page (http/https only) or a named document a reader can find."""

    title: str
    url: str | None = None
    document: str | None = None
    publisher: str | None = None
    published: date | None = None

    def to_json(self) -> dict[str, str]:
        data = {"title": self.title}
        for key in ("url", "document", "publisher"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.published:
            data["published"] = self.published.isoformat()
        return data


@dataclass(frozen=True)
class Entity:
    """A state or a contested territory, with the id the record and the boundaries share."""

    id: str
    name: str
    kind: str  # "state" or "territory"
    un_member: bool
    sources: tuple[Source, ...]
    iso3: str | None = None
    parent: str | None = None
    declared: date | None = None
    ceased: date | None = None
    capital: str | None = None
    boundary: str | None = None
    un_member_since: date | None = None
    note: str | None = None

    @property
    def boundary_id(self) -> str:
        return self.boundary or self.id

    def un_member_on(self, day: date) -> bool:
        """A UN member from its admission (a continuator from its predecessor's admission)."""
        return self.un_member and (self.un_member_since is None or day >= self.un_member_since)

    def exists_on(self, day: date) -> bool:
        """A territory exists from its declaration until it ceases; a state always does."""
        if self.declared and day < self.declared:
            return False
        return not (self.ceased and day >= self.ceased)


@dataclass(frozen=True)
class Recognition:
    """`by` recognises `of` from `since` until `withdrawn` (exclusive), if ever."""

    id: str
    by: str
    of: str
    since: date
    sources: tuple[Source, ...]
    withdrawn: date | None = None
    withdrawal_sources: tuple[Source, ...] = ()
    checked: date | None = None
    note: str | None = None

    def active_on(self, day: date) -> bool:
        return self.since <= day and (self.withdrawn is None or day < self.withdrawn)


@dataclass(frozen=True)
class Ratification:
    """One body's step in ratifying a treaty (a parliament's vote, a president's signature)."""

    by: str
    body: str
    date: date
    sources: tuple[Source, ...]
    vote: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Treaty:
    id: str
    name: str
    short_name: str
    parties: tuple[str, ...]
    signed: date
    obligations: tuple[Obligation, ...]
    sources: tuple[Source, ...]
    signed_at: str | None = None
    in_force: date | None = None
    ended: date | None = None
    ratifications: tuple[Ratification, ...] = ()
    checked: date | None = None
    note: str | None = None


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    kind: str  # "capital", "military_base", "city"
    entity: str
    lat: float
    lon: float
    sources: tuple[Source, ...]
    operator: str | None = None
    unit: str | None = None
    opened: date | None = None
    closed: date | None = None
    checked: date | None = None
    note: str | None = None

    def active_on(self, day: date) -> bool:
        if self.opened and day < self.opened:
            return False
        return not (self.closed and day >= self.closed)


@dataclass(frozen=True)
class Mission:
    id: str
    name: str
    kind: str  # "peacekeeping" or "observer"
    mandated_by: str
    area: tuple[str, ...]
    start: date
    sources: tuple[Source, ...]
    contributors: tuple[str, ...] = ()
    end: date | None = None
    checked: date | None = None
    note: str | None = None

    def active_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True)
class Event:
    id: str
    date: date
    title: str
    kind: str
    entities: tuple[str, ...]
    sources: tuple[Source, ...]
    end: _Date | None = None  # `date` here would be the field above, not the type
    place: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Reading:
    """One source's answer to a disputed question."""

    id: str
    value: str
    summary: str
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Dispute:
    """A question the sources answer differently, every reading kept, the map's choice said."""

    id: str
    subject: str  # "<kind>:<row id>", e.g. "recognition:vut-abk"
    field: str
    question: str
    map_uses: str
    why: str
    readings: tuple[Reading, ...]

    @property
    def chosen(self) -> Reading:
        return next(r for r in self.readings if r.id == self.map_uses)


@dataclass(frozen=True)
class Record:
    """Every fact file, loaded and cross-checked; the input of `as_of`."""

    entities: dict[str, Entity]
    recognitions: tuple[Recognition, ...] = ()
    treaties: tuple[Treaty, ...] = ()
    places: dict[str, Place] = field(default_factory=dict)
    missions: tuple[Mission, ...] = ()
    events: tuple[Event, ...] = ()
    disputes: tuple[Dispute, ...] = ()

    def disputes_about(self, kind: str, row_id: str) -> tuple[Dispute, ...]:
        subject = f"{kind}:{row_id}"
        return tuple(d for d in self.disputes if d.subject == subject)

    @property
    def first_date(self) -> date:
        return min(self._all_dates())

    @property
    def last_date(self) -> date:
        return max(self._all_dates())

    def _all_dates(self) -> list[date]:
        dates = [r.since for r in self.recognitions]
        dates += [r.withdrawn for r in self.recognitions if r.withdrawn]
        dates += [t.signed for t in self.treaties]
        dates += [e.date for e in self.events]
        return dates or [date.today()]
