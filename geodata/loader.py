"""Loads the hand-written facts files into a checked `Record`.

The files live in `geodata/record/` (schema in `SCHEMA.md` there). Loading either returns a
record in which every reference resolves and every date is in order, or raises a
`RecordError` listing every problem with its file, line, field and fix.
"""

from __future__ import annotations

import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from geodata.model import (
    Dispute,
    Ratification,
    Reading,
    Record,
    Treaty,
    file_key,
)
from geodata.schema import TABLE_BY_NAME, TABLES, Table
from geodata.validation import Problem, RecordError, RowReader, toml_error_line

__all__ = ["RECORD_DIR", "RecordError", "default_record", "load_record"]

RECORD_DIR = Path(__file__).parent / "record"


@dataclass
class _Loaded:
    """A parsed row with where it came from, kept until the cross-checks are done."""

    table: Table
    reader: RowReader
    index: int
    values: dict[str, Any]

    def report(
        self, field: str | None, problem: str, fix: str, nested: tuple[str, int] | None = None
    ) -> None:
        table, index = self.table.name, self.index
        if nested:
            table, index = f"{self.table.name}/{self.index}/{nested[0]}", nested[1]
        label = f"{self.table.name} '{self.values.get('id', self.index + 1)}'"
        self.reader.report(table, index, label, field, problem, fix)


def load_record(directory: Path = RECORD_DIR, files: Sequence[Path] | None = None) -> Record:
    """Reads and checks the facts files; raises `RecordError` listing every problem.

    `files` limits the check to some files (as `geomap validate FILE...` does); references
    into files not given are then resolved against the rest of `directory`.
    """
    problems: list[Problem] = []
    # A file that is missing or cannot be read is reported even when other files are being
    # checked on their own: their references into it could not be checked.
    unreadable: list[Problem] = []
    chosen = {Path(f).resolve() for f in files} if files else None
    rows: dict[str, list[_Loaded]] = defaultdict(list)
    declared: dict[str, set[str] | None] = {}
    if not directory.is_dir():
        what = "does not exist" if not directory.exists() else "is not a folder"
        raise RecordError(
            [
                Problem(
                    directory,
                    None,
                    "record folder",
                    None,
                    what,
                    f"point to the folder that holds {', '.join(t.file for t in TABLES)}",
                )
            ]
        )
    for table in TABLES:
        path = directory / table.file
        if not path.exists():
            unreadable.append(
                Problem(
                    path,
                    None,
                    table.file,
                    None,
                    "file is missing: every file of the record must be there",
                    f"restore it, or create it with at least one [[{table.name}]] row",
                )
            )
            declared[table.name] = None
            continue
        text = _read_text(path, table, unreadable)
        if text is None:
            declared[table.name] = None
            continue
        rows[table.name], declared[table.name] = _read_file(path, text, table, problems)
    if chosen is not None:
        known = {(directory / t.file).resolve() for t in TABLES}
        for path in chosen - known:
            problems.append(
                Problem(
                    path,
                    None,
                    path.name,
                    None,
                    "is not a facts file of the record",
                    f"name one of: {', '.join(t.file for t in TABLES)}",
                )
            )
    _check_ids_unique(rows)
    _check_references(rows, declared)
    _check_dates(rows)
    _check_recognitions_follow_declarations(rows)
    _check_recognition_overlaps(rows["recognition"])
    _check_disputes(rows, declared)
    if not problems and not unreadable:
        _check_places_near_boundaries(rows)
    if chosen is not None:
        kept = [p for p in problems if p.file.resolve() in chosen]
        # References into a file that did not parse went unchecked: say so.
        kept += [
            Problem(
                directory / t.file,
                None,
                t.file,
                None,
                "could not be read, so references into it were not checked",
                f"run `geomap validate {directory / t.file}` and correct it",
            )
            for t in TABLES
            if declared.get(t.name) is None
            and (directory / t.file).resolve() not in chosen
            and all(u.file != directory / t.file for u in unreadable)
        ]
        problems = kept
    problems = unreadable + problems
    if problems:
        raise RecordError(problems)
    return _build(rows)


@lru_cache(maxsize=1)
def default_record() -> Record:
    """The project's own record, loaded once per process."""
    return load_record()


def _read_text(path: Path, table: Table, problems: list[Problem]) -> str | None:
    """The file's text, or None with one problem saying why it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as error:
        reason = (
            "is a folder, not a file" if path.is_dir() else f"cannot be read ({error.strerror})"
        )
        problems.append(
            Problem(path, None, table.file, None, reason, "make it a readable TOML file")
        )
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start]
        problems.append(
            Problem(
                path,
                line,
                table.file,
                None,
                f"byte 0x{byte:02x} is not UTF-8",
                "save the file as UTF-8 (retype the character, or re-encode the file)",
            )
        )
        return None
    if text.startswith("\ufeff"):
        problems.append(
            Problem(
                path,
                1,
                table.file,
                None,
                "starts with a byte-order mark (BOM)",
                "save the file as UTF-8 without a byte-order mark",
            )
        )
        return None
    return text


def _read_file(
    path: Path, text: str, table: Table, problems: list[Problem]
) -> tuple[list[_Loaded], set[str] | None]:
    """The rows that parsed, and every id the file declares (None if it could not be read).

    Ids of rows with problems still count as declared, so that one bad row is reported
    once instead of again in every row that refers to it.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        hint = (
            "dates must be real days written YYYY-MM-DD, like 2008-08-26"
            if "date" in message
            else "see the line named; text goes in double quotes, lists in [ ]"
        )
        problems.append(
            Problem(
                path,
                toml_error_line(message),
                table.file,
                None,
                f"is not valid TOML ({message})",
                f"correct the syntax; {hint}",
            )
        )
        return [], None
    reader = RowReader(path, text, problems)

    def file_problem(problem: str, fix: str) -> None:
        problems.append(Problem(path, None, table.file, None, problem, fix))

    for key in data:
        if key != table.name:
            file_problem(f"unexpected table '{key}'", f"this file holds only [[{table.name}]] rows")
    raw_rows = data.get(table.name, [])
    if not isinstance(raw_rows, list):
        file_problem(f"'{table.name}' is not a list", f"write each row as a [[{table.name}]] block")
        return [], None
    ids = {
        raw["id"] for raw in raw_rows if isinstance(raw, dict) and isinstance(raw.get("id"), str)
    }
    loaded = []
    for index, raw in enumerate(raw_rows):
        values = reader.read(table.name, index, raw, table.specs, table.nested)
        if values is None:
            continue
        for child in table.nested:
            values[child] = _read_nested(reader, table, index, child, raw.get(child, []))
        loaded.append(_Loaded(table, reader, index, values))
    return loaded, ids


def _read_nested(
    reader: RowReader, table: Table, index: int, child: str, raw: Any
) -> list[dict[str, Any]]:
    specs = table.nested[child].specs
    path = f"{table.name}/{index}/{child}"
    if not isinstance(raw, list):
        reader.report(
            table.name,
            index,
            f"{table.name} #{index + 1}",
            child,
            "is not a list of tables",
            f"write each as a [[{table.name}.{child}]] block",
        )
        return []
    parsed = (reader.read(path, n, item, specs) for n, item in enumerate(raw))
    return [values for values in parsed if values is not None]


def _check_ids_unique(rows: dict[str, list[_Loaded]]) -> None:
    for loaded in rows.values():
        counts = Counter(row.values["id"] for row in loaded)
        seen: set[str] = set()
        for row in loaded:
            row_id = row.values["id"]
            if counts[row_id] > 1 and row_id in seen:
                row.report(
                    "id",
                    f"duplicate id '{row_id}'",
                    "give each row its own id, or merge the two rows if they state the same fact",
                )
            seen.add(row_id)


def _check_references(rows: dict[str, list[_Loaded]], declared: dict[str, set[str] | None]) -> None:
    entities = declared.get("entity")
    places = declared.get("place", set())

    def check(
        row: _Loaded,
        field: str,
        value: Any,
        known: set[str] | None,
        kind: str,
        nested: tuple[str, int] | None = None,
    ) -> None:
        if known is None:  # the file could not be read; its own error says so
            return
        for ref in _as_tuple(value):
            if ref not in known:
                row.report(
                    field,
                    f"unknown {kind} '{ref}'",
                    f"use an id from {_TABLE_FOR_KIND[kind]} or add it there",
                    nested,
                )

    entity_fields = {
        "entity": ("parent", "boundary"),
        "place": ("entity", "operator"),
        "recognition": ("by", "of"),
        "treaty": ("parties",),
        "mission": ("area", "contributors"),
        "event": ("entities",),
    }
    place_fields = {"entity": ("capital",), "treaty": ("signed_at",), "event": ("place",)}
    for name, names in entity_fields.items():
        for row in rows[name]:
            for field in names:
                if field in row.values:
                    check(row, field, row.values[field], entities, "entity")
    for name, names in place_fields.items():
        for row in rows[name]:
            for field in names:
                if field in row.values:
                    check(row, field, row.values[field], places, "place")
    for row in rows["treaty"]:
        for n, step in enumerate(row.values["ratification"]):
            check(row, "by", step["by"], entities, "entity", ("ratification", n))
            if step["by"] not in row.values["parties"]:
                row.report(
                    "by",
                    f"'{step['by']}' ratifies but is not a party",
                    "add it to parties or correct the ratifying entity",
                    ("ratification", n),
                )
    for row in rows["recognition"]:
        if row.values["by"] == row.values["of"]:
            row.report("of", "an entity cannot recognise itself", "correct `by` or `of`")


_TABLE_FOR_KIND = {"entity": "entities.toml", "place": "places.toml"}


def _check_dates(rows: dict[str, list[_Loaded]]) -> None:
    """Later steps cannot come before earlier ones: (table, earlier field, later field)."""
    orders = (
        ("entity", "declared", "ceased"),
        ("recognition", "since", "withdrawn"),
        ("treaty", "signed", "in_force"),
        ("treaty", "signed", "ended"),
        ("treaty", "in_force", "ended"),
        ("place", "opened", "closed"),
        ("mission", "start", "end"),
        ("event", "date", "end"),
    )
    for name, earlier, later in orders:
        for row in rows[name]:
            first, second = row.values.get(earlier), row.values.get(later)
            if first and second and second < first:
                row.report(
                    later,
                    f"{later} {second} is before {earlier} {first}",
                    f"swap or correct the dates; {later} must not precede {earlier}",
                )
    _check_checked(rows)
    for row in rows["entity"]:
        member, since = row.values["un_member"], row.values.get("un_member_since")
        if member and since is None:
            row.report(
                "un_member_since",
                "a UN member without its date of admission",
                "add `un_member_since = YYYY-MM-DD` from the UN's list of Member States",
            )
        if since is not None and not member:
            row.report(
                "un_member_since",
                "un_member_since on an entity that is not a UN member",
                "set `un_member = true`, or remove un_member_since",
            )
        if row.values["kind"] == "state" and row.values.get("declared") is None:
            # Without it a recognition by the state could be dated before the state existed.
            row.report(
                "declared",
                "a state without the day it became independent",
                "add `declared = YYYY-MM-DD` (its declaration or act of independence, or the "
                "day independence was handed over) and cite it in `sources`",
            )
    for row in rows["recognition"]:
        if row.values.get("withdrawn") and not row.values.get("withdrawal_sources"):
            row.report(
                "withdrawn",
                "a withdrawal without withdrawal_sources",
                "add withdrawal_sources citing the withdrawal",
            )
        if row.values.get("withdrawal_sources") and not row.values.get("withdrawn"):
            row.report(
                "withdrawal_sources",
                "withdrawal_sources without a withdrawn date",
                "add `withdrawn = YYYY-MM-DD` or remove withdrawal_sources",
            )
    for row in rows["treaty"]:
        for n, step in enumerate(row.values["ratification"]):
            if step["date"] < row.values["signed"]:
                row.report(
                    "date",
                    f"ratified {step['date']} before signature {row.values['signed']}",
                    "correct the ratification or the signature date",
                    ("ratification", n),
                )


# The row's own dates that `checked` may not precede: a source cannot confirm a fact
# still held on a day before the fact (or its latest stage) was there to confirm.
_CHECKED_AFTER = {
    "recognition": ("since", "withdrawn"),
    "treaty": ("signed", "in_force", "ended"),
    "place": ("opened", "closed"),
    "mission": ("start", "end"),
}


def _check_checked(rows: dict[str, list[_Loaded]]) -> None:
    """`checked` (future dates are refused by the date parser) follows the row's own dates."""
    for name, names in _CHECKED_AFTER.items():
        for row in rows[name]:
            checked = row.values.get("checked")
            if checked is None:
                continue
            dated = [(row.values[f], f) for f in names if row.values.get(f)]
            dated += [
                (step["date"], "ratification date") for step in row.values.get("ratification", ())
            ]
            if not dated:
                continue
            latest, field = max(dated)
            if checked < latest:
                row.report(
                    "checked",
                    f"checked {checked} is before the row's {field} {latest}",
                    f"give the day a source last confirmed the fact, on or after {latest}",
                )


#: How far outside its entity's boundary a place may lie (coastal bases, coarse lines).
PLACE_TOLERANCE_M = 50_000


def _check_places_near_boundaries(rows: dict[str, list[_Loaded]]) -> None:
    """A place lies in, or within 50 km of, its entity's boundary where the artifact has one.

    The distance is measured in metres in an azimuthal equidistant projection centred on the
    place, where distances from the centre are true.
    """
    # Imported here: the geometry stack loads only once the rest of the record is sound.
    import numpy as np
    import shapely
    from pyproj import Transformer

    from geodata.boundaries import BOUNDARY_ARTIFACT, read_geometries

    boundary = {
        row.values["id"]: row.values.get("boundary") or row.values["id"] for row in rows["entity"]
    }
    wanted = {boundary.get(row.values["entity"]) for row in rows["place"]}
    shapes = read_geometries(BOUNDARY_ARTIFACT, {i for i in wanted if i})
    for row in rows["place"]:
        feature = boundary.get(row.values["entity"])
        if feature not in shapes:
            continue
        lat, lon = row.values["lat"], row.values["lon"]
        if shapes[feature].covers(shapely.Point(lon, lat)):
            continue
        local = f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m"
        project = Transformer.from_crs("EPSG:4326", local, always_xy=True).transform
        shape = shapely.transform(shapes[feature], lambda xy, p=project: np.column_stack(p(*xy.T)))
        metres = shape.distance(shapely.Point(0, 0))
        if metres > PLACE_TOLERANCE_M:
            row.report(
                "lat",
                f"({lat}, {lon}) lies {metres / 1000:.0f} km outside the boundary of "
                f"{row.values['entity']}",
                "correct lat/lon (WGS 84, decimal degrees, lat first), or the place's entity",
            )


def _check_recognitions_follow_declarations(rows: dict[str, list[_Loaded]]) -> None:
    """Neither side of a recognition can be recognised, or recognise, before it existed.

    Every state and territory carries `declared` (required for states), so a recognition
    dated before either side's independence is refused.
    """
    declared = {row.values["id"]: row.values.get("declared") for row in rows["entity"]}
    for row in rows["recognition"]:
        for side, role in (("of", "the recognised entity"), ("by", "the recognising entity")):
            entity = row.values[side]
            start = declared.get(entity)
            if start and row.values["since"] < start:
                row.report(
                    "since",
                    f"since {row.values['since']} is before {role} {entity} declared "
                    f"independence on {start}",
                    "correct `since`, or the entity's `declared` date in entities.toml",
                )


def _check_recognition_overlaps(rows: list[_Loaded]) -> None:
    """The same recognition stated twice (overlapping intervals for one pair) is a duplicate."""
    by_pair: dict[tuple[str, str], list[_Loaded]] = defaultdict(list)
    for row in rows:
        by_pair[row.values["by"], row.values["of"]].append(row)
    for (by, of), pair_rows in by_pair.items():
        pair_rows.sort(key=lambda r: r.values["since"])
        for before, after in zip(pair_rows, pair_rows[1:], strict=False):
            end = before.values.get("withdrawn")
            if end is None or after.values["since"] < end:
                after.report(
                    "since",
                    f"duplicate: {by} already recognises {of} from "
                    f"{before.values['since']} (row '{before.values['id']}')",
                    "merge the rows, or give the earlier one a withdrawn date first",
                )


def _check_disputes(rows: dict[str, list[_Loaded]], declared: dict[str, set[str] | None]) -> None:
    """A dispute names an existing row and field, and the row holds the reading the map uses."""
    ids = {name: {row.values["id"]: row for row in loaded} for name, loaded in rows.items()}
    for row in rows["dispute"]:
        kind, _, row_id = row.values["subject"].partition(":")
        table = TABLE_BY_NAME.get(kind)
        if table is not None and (
            (known := declared.get(kind)) is None or (row_id in known and row_id not in ids[kind])
        ):
            continue  # the subject's file or row is broken and reported already
        if table is None or row_id not in ids.get(kind, {}):
            row.report(
                "subject",
                f"'{row.values['subject']}' names no row of the record",
                "write <kind>:<id>, e.g. recognition:vut-abk, for a row that exists",
            )
            continue
        field = row.values["field"]
        if field not in table.specs:
            row.report(
                "field", f"'{kind}' has no field '{field}'", f"use one of: {', '.join(table.specs)}"
            )
            continue
        readings = {r["id"]: r for r in row.values["reading"]}
        if len(readings) < 2:
            row.report(
                None,
                "a dispute needs at least two readings",
                "add a [[dispute.reading]] for each account the sources give",
            )
        chosen = readings.get(row.values["map_uses"])
        if chosen is None:
            row.report(
                "map_uses",
                f"no reading '{row.values['map_uses']}'",
                f"use one of: {', '.join(readings) or '(add readings)'}",
            )
            continue
        if table.specs[field].kind == "date":
            held = ids[kind][row_id].values.get(field)
            shown = held.isoformat() if isinstance(held, date) else "none"
            if chosen["value"] != shown:
                row.report(
                    "map_uses",
                    f"the map uses '{chosen['value']}' but {kind} '{row_id}' has {field} = {shown}",
                    "make the row hold the chosen reading, or choose the other reading",
                )


def _build(rows: dict[str, list[_Loaded]]) -> Record:
    def make(name: str) -> list[Any]:
        return [_instantiate(TABLE_BY_NAME[name].model, row.values) for row in rows[name]]

    treaties = []
    for row in rows["treaty"]:
        values = dict(row.values)
        values["ratifications"] = tuple(
            _instantiate(Ratification, r) for r in values.pop("ratification")
        )
        treaties.append(_instantiate(Treaty, values))
    disputes = []
    for row in rows["dispute"]:
        values = dict(row.values)
        values["readings"] = tuple(_instantiate(Reading, r) for r in values.pop("reading"))
        disputes.append(_instantiate(Dispute, values))
    return Record(
        entities={e.id: e for e in make("entity")},
        recognitions=tuple(sorted(make("recognition"), key=lambda r: (r.since, r.by, r.of))),
        treaties=tuple(sorted(treaties, key=lambda t: (t.signed, t.id))),
        places={p.id: p for p in make("place")},
        missions=tuple(sorted(make("mission"), key=lambda m: (m.start, m.id))),
        events=tuple(sorted(make("event"), key=lambda e: (e.day, e.id))),
        disputes=tuple(disputes),
    )


def _instantiate(model: type, values: dict[str, Any]) -> Any:
    """A row's values, keyed as in the file, become the model's attributes."""
    attribute = {file_key(f): f.name for f in fields(model)}
    return model(**{attribute[k]: v for k, v in values.items() if k in attribute})


def _as_tuple(value: Any) -> Iterable[str]:
    return value if isinstance(value, tuple) else (value,)
