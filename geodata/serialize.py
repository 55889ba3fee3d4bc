"""Plain-data forms of a snapshot: what `geomap facts`, the GeoJSON and the downloads carry."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date
from typing import Any

from geodata.model import Recognition, Record, Source, file_key
from geodata.snapshot import Snapshot, TerritoryState, TreatyState

__all__ = [
    "recognitions_to_csv",
    "record_to_dict",
    "snapshot_to_dict",
    "sources_to_list",
    "territory_to_dict",
    "treaty_to_dict",
]


def sources_to_list(sources: tuple[Source, ...]) -> list[dict[str, str]]:
    return [s.to_json() for s in sources]


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _recogniser(snapshot: Snapshot, recognition: Recognition) -> dict[str, Any]:
    entity = snapshot.record.entities[recognition.by]
    return {
        "id": entity.id,
        "iso3": entity.iso3,
        "name": entity.name,
        "un_member": entity.un_member,
        "since": recognition.since.isoformat(),
        "checked": _iso(recognition.checked),
        "sources": sources_to_list(recognition.sources),
    }


def territory_to_dict(snapshot: Snapshot, state: TerritoryState) -> dict[str, Any]:
    return {
        "id": state.entity.id,
        "name": state.entity.name,
        "iso3": state.entity.iso3,
        "status": state.status.value,
        "sovereign": state.sovereign.id,
        "disputed": state.disputed,
        "un_recognisers": state.un_recognisers,
        "recognized_by": [_recogniser(snapshot, r) for r in state.recognized_by],
        "withdrawn": [
            {
                **_recogniser(snapshot, r),
                "withdrawn": _iso(r.withdrawn),
                "withdrawal_sources": sources_to_list(r.withdrawal_sources),
            }
            for r in state.withdrawn
        ],
    }


def treaty_to_dict(snapshot: Snapshot, state: TreatyState) -> dict[str, Any]:
    treaty = state.treaty
    return {
        "id": treaty.id,
        "name": treaty.name,
        "short_name": treaty.short_name,
        "parties": [snapshot.name(p) for p in treaty.parties],
        "party_ids": list(treaty.parties),
        "signed": treaty.signed.isoformat(),
        "ratified": [
            {
                "by": snapshot.name(r.by),
                "body": r.body,
                "date": r.day.isoformat(),
                "vote": r.vote,
                "sources": sources_to_list(r.sources),
            }
            for r in state.ratifications
        ],
        "ratified_by": [snapshot.name(p) for p in state.ratified_by],
        "in_force": _iso(treaty.in_force) if state.stage.value in ("in_force", "ended") else None,
        "ended": _iso(treaty.ended) if state.stage.value == "ended" else None,
        "stage": state.stage.value,
        "obligations": [o.value for o in treaty.obligations],
        "checked": _iso(treaty.checked),
        "sources": sources_to_list(treaty.sources),
    }


def snapshot_to_dict(snapshot: Snapshot) -> dict[str, Any]:
    """The snapshot as one JSON-ready object (the shape `geomap facts --format json` prints)."""
    return {
        "as_of": snapshot.as_of.isoformat(),
        "worldview": snapshot.worldview.value,
        "territories": [territory_to_dict(snapshot, t) for t in snapshot.territories],
        "treaties": [treaty_to_dict(snapshot, t) for t in snapshot.treaties],
    }


def _plain(value: Any) -> Any:
    """Dataclasses, dicts, tuples and dates as JSON-ready values (enums are already strings)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {file_key(f): _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def record_to_dict(record: Record) -> dict[str, Any]:
    """The whole record, every fact with its sources, as one JSON-ready object (a download)."""
    return {
        "first_date": record.first_date.isoformat(),
        "last_date": record.last_date.isoformat(),
        **_plain(record),
    }


def recognitions_to_csv(record: Record) -> str:
    """One row per recognition, names beside ids and every source, for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["id", "by", "by_name", "of", "of_name", "since", "withdrawn", "checked", "sources"]
    )
    for r in record.recognitions:
        sources = r.sources + r.withdrawal_sources
        writer.writerow(
            [
                r.id,
                r.by,
                record.entities[r.by].name,
                r.of,
                record.entities[r.of].name,
                r.since.isoformat(),
                _iso(r.withdrawn) or "",
                _iso(r.checked) or "",
                " ".join(s.url or s.document or s.title for s in sources),
            ]
        )
    return out.getvalue()
