"""Which facts in force have not been confirmed by a source for a while.

A recognition, treaty, military site or mission that holds today can change without notice,
so the record dates the last source that confirmed it (`checked`). This module lists the
ones whose confirmation is older than a number of days, or missing, for `geomap validate
--stale DAYS` and any view that wants to warn its reader.

>>> from datetime import date
>>> from geodata.loader import default_record
>>> facts = stale_facts(default_record(), today=date(2026, 12, 2), days=365)
>>> all(f.checked is None or (date(2026, 12, 2) - f.checked).days > 365 for f in facts)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from geodata.model import Record

__all__ = ["StaleFact", "stale_facts"]


@dataclass(frozen=True)
class StaleFact:
    """One fact in force on the day whose last confirmation is too old or missing."""

    kind: str  # "recognition", "treaty", "place" or "mission"
    id: str
    file: str  # the record file that holds the row
    checked: date | None

    def describe(self, today: date) -> str:
        when = (
            f"last checked {self.checked.isoformat()} ({(today - self.checked).days} days ago)"
            if self.checked
            else "never checked"
        )
        return f"{self.file}: {self.kind} '{self.id}': {when}"


def _in_force(record: Record, today: date) -> list[tuple[str, str, date | None]]:
    """(kind, id, checked) of every fact that can change and holds on `today`."""

    def exists(entity_id: str) -> bool:
        ceased = record.entities[entity_id].ceased
        return ceased is None or today < ceased

    facts: list[tuple[str, str, date | None]] = [
        ("recognition", r.id, r.checked)
        for r in record.recognitions
        if r.active_on(today) and exists(r.by) and exists(r.of)  # not once a side is gone
    ]
    facts += [
        ("treaty", t.id, t.checked)
        for t in record.treaties
        if t.signed <= today and (t.ended is None or today < t.ended)
    ]
    facts += [
        ("place", p.id, p.checked)
        for p in record.places.values()
        if p.kind == "military_base" and p.active_on(today)
    ]
    facts += [("mission", m.id, m.checked) for m in record.missions if m.active_on(today)]
    return facts


_FILES = {
    "recognition": "recognitions.toml",
    "treaty": "treaties.toml",
    "place": "places.toml",
    "mission": "missions.toml",
}


def stale_facts(record: Record, today: date, days: int) -> tuple[StaleFact, ...]:
    """Facts holding on `today` not confirmed by a source within `days` days, oldest first."""
    stale = [
        StaleFact(kind, row_id, _FILES[kind], checked)
        for kind, row_id, checked in _in_force(record, today)
        if checked is None or (today - checked).days > days
    ]
    return tuple(sorted(stale, key=lambda f: (f.checked or date.min, f.kind, f.id)))
