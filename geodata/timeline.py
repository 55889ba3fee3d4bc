"""The record over time: recognition counts as a step series, and the dates worth jumping to.

A chart of "how many UN members recognise Abkhazia" and a list of key dates are both views
of the same facts `as_of` reads, so both are computed through `as_of` itself (at each day on
which the answer can change) rather than by re-counting recognitions with rules of their own.

>>> from datetime import date
>>> steps = recognition_steps()
>>> [(s.start.isoformat(), s.count) for s in steps if s.territory == "ABK"][:3]
[('1991-01-05', 0), ('2008-08-26', 1), ('2008-09-05', 2)]
>>> next(k.label for k in key_dates() if k.day == date(2015, 1, 23))
'Russia–Abkhazia alliance (2014) ratification: Russia, State Duma'
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from geodata.loader import default_record
from geodata.model import Obligation, Record, Treaty
from geodata.snapshot import DEFAULT_SUBJECT, as_of

__all__ = ["CountStep", "KeyDate", "key_dates", "recognition_steps", "un_recognisers_on"]

ALLIANCE_OBLIGATIONS: frozenset[Obligation] = frozenset({Obligation.MUTUAL_DEFENCE})
"""Treaties with these obligations get every step (signature, ratifications, entry into
force) as a key date; other treaties are too many to list and stay in the timeline."""


@dataclass(frozen=True)
class CountStep:
    """From `start` until the next step of the same territory, `count` UN members recognise it."""

    territory: str
    name: str
    start: date
    count: int


@dataclass(frozen=True)
class KeyDate:
    """A day on which the map changes in a way worth a quick pick."""

    day: date
    label: str
    kind: str  # "recognition", "withdrawal", "treaty"


def _change_days(record: Record, subject: tuple[str, ...]) -> list[date]:
    """Every day on which the number of UN recognisers of a subject territory can change."""
    days = {record.first_date}
    for recognition in record.recognitions:
        if recognition.of in subject:
            days.add(recognition.since)
            if recognition.withdrawn:
                days.add(recognition.withdrawn)
            ceased = record.entities[recognition.by].ceased
            if ceased:
                days.add(ceased)
    return sorted(days)


def un_recognisers_on(
    day: date, record: Record | None = None, subject: tuple[str, ...] = DEFAULT_SUBJECT
) -> dict[str, int]:
    """How many UN members recognise each subject territory on `day` (as `as_of` counts)."""
    snapshot = as_of(day, record=record or default_record(), subject=subject)
    return {
        s: snapshot.territory(s).un_recognisers for s in subject if s in snapshot.record.entities
    }


def recognition_steps(
    record: Record | None = None, subject: tuple[str, ...] = DEFAULT_SUBJECT
) -> tuple[CountStep, ...]:
    """The UN-member recognition count of each subject territory, one step per change.

    Only days on which the count changes are kept, starting with the record's first day,
    so a chart draws it with step interpolation ("step-after") up to any end date.
    """
    record = record or default_record()
    steps: list[CountStep] = []
    last: dict[str, int] = {}
    for day in _change_days(record, subject):
        for territory, count in un_recognisers_on(day, record, subject).items():
            if last.get(territory) != count:
                steps.append(CountStep(territory, record.entities[territory].name, day, count))
                last[territory] = count
    return tuple(sorted(steps, key=lambda s: (s.territory != subject[0], s.territory, s.start)))


def _recognition_key_dates(record: Record, subject: tuple[str, ...]) -> list[KeyDate]:
    """One pick per UN member and act (recognising, withdrawing), on the day it is complete.

    Nauru recognised Abkhazia on one day and South Ossetia the next: the pick is the second
    day, when the map shows both.
    """
    names = " and ".join(record.entities[s].name for s in subject if s in record.entities)
    acts: dict[tuple[str, str], list[tuple[date, str]]] = defaultdict(list)
    for r in record.recognitions:
        if r.of in subject and record.entities[r.by].un_member_on(r.since):
            acts[r.by, "recognition"].append((r.since, r.of))
            if r.withdrawn:
                acts[r.by, "withdrawal"].append((r.withdrawn, r.of))
    picks = []
    for (by, kind), done in acts.items():
        day = max(d for d, _ in done)
        territories = sorted({of for _, of in done}, key=subject.index)
        what = (
            names
            if len(territories) == len(subject)
            else " and ".join(record.entities[t].name for t in territories)
        )
        verb = "recognises" if kind == "recognition" else "withdraws its recognition of"
        picks.append(KeyDate(day, f"{record.entities[by].name} {verb} {what}", kind))
    return picks


def _treaty_key_dates(record: Record, treaty: Treaty) -> list[KeyDate]:
    """Signature, each ratification step and entry into force of one treaty."""
    name = record.entities
    where = record.places.get(treaty.signed_at) if treaty.signed_at else None
    signed = f"{treaty.short_name} signed" + (f" in {where.name}" if where else "")
    picks = [KeyDate(treaty.signed, signed, "treaty")]
    picks += [
        KeyDate(r.day, f"{treaty.short_name} ratification: {name[r.by].name}, {r.body}", "treaty")
        for r in treaty.ratifications
    ]
    if treaty.in_force:
        picks.append(KeyDate(treaty.in_force, f"{treaty.short_name} enters into force", "treaty"))
    if treaty.ended:
        picks.append(KeyDate(treaty.ended, f"{treaty.short_name} ends", "treaty"))
    return picks


def key_dates(
    record: Record | None = None, subject: tuple[str, ...] = DEFAULT_SUBJECT
) -> tuple[KeyDate, ...]:
    """The quick picks of a date control, in date order, taken from the record itself.

    Every recognition and withdrawal by a UN member, and every step of the alliance
    treaties (those with a mutual-defence obligation) that bind a subject territory.
    """
    record = record or default_record()
    picks = _recognition_key_dates(record, subject)
    for treaty in record.treaties:
        if set(treaty.parties) & set(subject) and ALLIANCE_OBLIGATIONS & set(treaty.obligations):
            picks += _treaty_key_dates(record, treaty)
    return tuple(sorted(picks, key=lambda k: (k.day, k.label)))
