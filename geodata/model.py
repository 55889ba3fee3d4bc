"""The data model of the record: typed, immutable facts, each carrying its sources.

Learned from Correlates of War / ATOP (an alliance is dated, typed and staged: signature,
ratification and entry into force are different dates) and CShapes (a snapshot for a date
is the rows whose interval contains it). Nothing here knows about maps.

Rows whose fact can change after it was recorded (a recognition, a treaty, a place such as
a base, a mission) may carry `checked`: the latest day on which a cited source confirms that
the fact still held. Events and disputes describe the past and carry none.
"""

from __future__ import annotations

from dataclasses import Field, dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


def fact(
    kind: str,
    doc: str = "",
    *,
    optional: bool = False,
    choices: tuple[str, ...] = (),
    default: Any = None,
    key: str | None = None,
) -> Any:
    """A field of a facts file, declared once: the loader validates it by `kind` (a parser of
    `geodata.validation`), and `geodata.schema` writes SCHEMA.md from `doc`. `key` is the
    name in the file when it differs from the attribute's (`date` in TOML, `day` in Python,
    so that no attribute shadows the `date` type)."""
    metadata = {
        "kind": kind,
        "required": not optional,
        "choices": choices,
        "doc": doc,
        "key": key,
    }
    return field(default=default, metadata=metadata) if optional else field(metadata=metadata)


def file_key(declared: Field[Any]) -> str:
    """The name a field has in the facts files and in the record's JSON download."""
    return declared.metadata.get("key") or declared.name


__all__ = [
    "EVENT_KINDS",
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
    "fact",
    "file_key",
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

    id: str = fact(
        "entity",
        "ISO 3166-1 alpha-3 where one exists (`RUS`, `GEO`, `NIC`); else a short upper-case "
        "code: `ABK` Abkhazia, `SOS` South Ossetia, `PMR` Transnistria, `ART` Artsakh, `DPR`, "
        "`LPR`",
    )
    name: str = fact("str", 'English, as commonly written ("Russia", "Abkhazia")')
    kind: str = fact(
        "str",
        "`state` (UN member or observer) or `territory` (contested, partially or un-recognised)",
        choices=("state", "territory"),
    )
    un_member: bool = fact("bool")
    sources: tuple[Source, ...] = fact("sources")
    iso3: str | None = fact(
        "entity", "ISO 3166-1 alpha-3; omitted where none exists", optional=True
    )
    parent: str | None = fact(
        "entity",
        "for territories: the entity that claims it under international law (`GEO`)",
        optional=True,
    )
    declared: date | None = fact(
        "date",
        "required for states: the day the state came to exist as an independent state (its "
        "own declaration or act of independence, or of restoring it: Georgia 1991-04-09; or "
        "the day independence was handed over to it: Nauru 1968-01-31), cited in `sources`; "
        "for territories (optional): the declaration of independence. No recognition by or of "
        "an entity may be dated before it; where the day is arguable (Russia, Azerbaijan, "
        "Syria, Nicaragua) disputes.toml keeps the other readings. Before it the snapshot "
        "gives the entity the status `not_declared`: a state is then no state and no UN member "
        "(even where its seat is older, as Ukraine's), recognises nobody, and is still drawn "
        "in today's boundary, the only one the record has",
        optional=True,
    )
    ceased: date | None = fact(
        "date", "for territories that ceased to exist (Artsakh 2024-01-01)", optional=True
    )
    capital: str | None = fact("place", "a place id from places.toml", optional=True)
    boundary: str | None = fact(
        "entity", "the feature id in the boundary artifact (default: id)", optional=True
    )
    un_member_since: date | None = fact(
        "date",
        "required when `un_member` is true: the date of admission from the UN's list of Member "
        "States (cited in `sources`); a continuator gives its predecessor's (Russia: the USSR's "
        "1945-10-24, continued since 1991-12-24). The snapshot calls a state a UN member only "
        "from this day",
        optional=True,
    )
    note: str | None = fact("str", "our own words", optional=True)

    @property
    def boundary_id(self) -> str:
        return self.boundary or self.id

    def un_member_on(self, day: date) -> bool:
        """A UN member from its admission (a continuator from its predecessor's admission).

        The seat can be older than the state (Ukraine's is the Ukrainian SSR's of 1945); the
        snapshot calls a state a UN member only once it also exists (`exists_on`).
        """
        return self.un_member and (self.un_member_since is None or day >= self.un_member_since)

    def exists_on(self, day: date) -> bool:
        """An entity exists from its `declared` day (a state's independence, a territory's
        declaration) until it ceases; one with no `declared` day exists from the start."""
        if self.declared and day < self.declared:
            return False
        return not (self.ceased and day >= self.ceased)


@dataclass(frozen=True)
class Recognition:
    """`by` recognises `of` from `since` until `withdrawn` (exclusive), if ever."""

    id: str = fact("id", "e.g. `nic-abk`")
    by: str = fact("entity", "entity id of the recognising party")
    of: str = fact("entity", "entity id recognised (`ABK`, `SOS`, ...)")
    since: date = fact(
        "date",
        "the date recognition took effect (the decree, note or announcement date; say which "
        "in `note`)",
    )
    sources: tuple[Source, ...] = fact("sources")
    withdrawn: date | None = fact("date", "the day the recognition ended", optional=True)
    withdrawal_sources: tuple[Source, ...] = fact(
        "sources", "required when `withdrawn` is set", optional=True, default=()
    )
    checked: date | None = fact(
        "date",
        "last day a cited source confirms the recognition (or its withdrawal) still held",
        optional=True,
    )
    note: str | None = fact("str", "our own words", optional=True)

    def active_on(self, day: date) -> bool:
        return self.since <= day and (self.withdrawn is None or day < self.withdrawn)


@dataclass(frozen=True)
class Ratification:
    """One body's step in ratifying a treaty (a parliament's vote, a president's signature)."""

    by: str = fact("entity", "entity id of the ratifying party")
    body: str = fact(
        "str",
        'e.g. "State Duma", "Federation Council", "President (signed the law)", '
        '"People\'s Assembly"',
    )
    day: date = fact("date", "the day of this step", key="date")
    sources: tuple[Source, ...] = fact("sources")
    vote: str | None = fact("str", 'e.g. "439 for, 1 against"', optional=True)
    note: str | None = fact("str", "our own words", optional=True)


@dataclass(frozen=True)
class Treaty:
    id: str = fact("id", "e.g. `rus-abk-alliance-2014`")
    name: str = fact("str", "the full official English title")
    short_name: str = fact("str", "the name maps show")
    parties: tuple[str, ...] = fact("entities", "entity ids")
    signed: date = fact("date")
    obligations: tuple[Obligation, ...] = fact(
        "obligations",
        "what the treaty binds its parties to, from: " + ", ".join(f"`{o}`" for o in Obligation),
    )
    sources: tuple[Source, ...] = fact("sources")
    signed_at: str | None = fact("place", "place id", optional=True)
    in_force: date | None = fact("date", "entry into force", optional=True)
    ended: date | None = fact("date", optional=True)
    ratifications: tuple[Ratification, ...] = fact(
        "ratification", "the `[[treaty.ratification]]` rows below", optional=True, default=()
    )
    checked: date | None = fact(
        "date", "last day a cited source confirms the treaty's stage still held", optional=True
    )
    note: str | None = fact("str", "our own words", optional=True)


@dataclass(frozen=True)
class Place:
    id: str = fact("id")
    name: str = fact("str")
    kind: str = fact("str", choices=("capital", "military_base", "city"))
    entity: str = fact("entity", "entity id whose place it is")
    lat: float = fact(
        "latitude",
        "WGS 84, decimal degrees, finite, in range; the place must lie in or within 50 km of "
        "its entity's boundary where the boundary artifact has one",
    )
    lon: float = fact("longitude", "WGS 84, decimal degrees")
    sources: tuple[Source, ...] = fact("sources")
    operator: str | None = fact("entity", "for bases: entity id", optional=True)
    unit: str | None = fact("str", optional=True)
    opened: date | None = fact("date", optional=True)
    closed: date | None = fact("date", optional=True)
    checked: date | None = fact(
        "date", "last day a cited source confirms the place is still in use", optional=True
    )
    note: str | None = fact("str", "our own words", optional=True)

    def active_on(self, day: date) -> bool:
        if self.opened and day < self.opened:
            return False
        return not (self.closed and day >= self.closed)


@dataclass(frozen=True)
class Mission:
    id: str = fact("id")
    name: str = fact("str")
    kind: str = fact("str", choices=("peacekeeping", "observer"))
    mandated_by: str = fact("str", 'e.g. "CIS", "UN Security Council", "EU Council"')
    area: tuple[str, ...] = fact("entities", "entity ids")
    start: date = fact("date")
    sources: tuple[Source, ...] = fact("sources")
    contributors: tuple[str, ...] = fact("entities", "entity ids", optional=True, default=())
    end: date | None = fact("date", optional=True)
    checked: date | None = fact(
        "date", "last day a cited source confirms the mission still deployed", optional=True
    )
    note: str | None = fact("str", "our own words", optional=True)

    def active_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


EVENT_KINDS = (
    "war",
    "recognition",
    "withdrawal",
    "treaty",
    "ratification",
    "protest",
    "mission",
    "declaration",
    "election",
    "other",
)


@dataclass(frozen=True)
class Event:
    id: str = fact("id")
    day: date = fact("date", "the day it happened, or its first day", key="date")
    title: str = fact("str", "short, our words")
    kind: str = fact("str", choices=EVENT_KINDS)
    entities: tuple[str, ...] = fact("entities", "entity ids")
    sources: tuple[Source, ...] = fact("sources")
    end: date | None = fact("date", "its last day", optional=True)
    place: str | None = fact("place", "place id", optional=True)
    note: str | None = fact("str", "our own words", optional=True)


@dataclass(frozen=True)
class Reading:
    """One source's answer to a disputed question."""

    id: str = fact("id")
    value: str = fact("str", 'a date, `"none"`, or words')
    summary: str = fact("str", "our words")
    sources: tuple[Source, ...] = fact("sources")


@dataclass(frozen=True)
class Dispute:
    """A question the sources answer differently, every reading kept, the map's choice said."""

    id: str = fact("id")
    subject: str = fact("str", '`"<file kind>:<row id>"`, e.g. `"recognition:vut-abk"`')
    field: str = fact("str", "the field in question")
    question: str = fact("str")
    map_uses: str = fact("id", "id of one reading")
    why: str = fact("str", "why the map uses that reading")
    readings: tuple[Reading, ...] = fact("reading", "the `[[dispute.reading]]` rows below")

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
        dates += [e.day for e in self.events]
        return dates or [date.today()]
