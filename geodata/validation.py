"""Turns raw TOML rows into typed facts, or into errors a person can act on.

Every problem names the file, the line, the row, the field, what is wrong and how to fix it,
and all problems are reported at once so that one run of `geomap validate` shows them all.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from geodata.model import Obligation, Source

__all__ = ["FieldSpec", "Problem", "RecordError", "RowReader", "locate_line"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a facts file, said so that the reader knows where and what to do."""

    file: Path
    line: int | None
    row: str
    field: str | None
    problem: str
    fix: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        what = f"{self.row}, field '{self.field}'" if self.field else self.row
        return f"{where}: {what}: {self.problem}. Fix: {self.fix}"


class RecordError(ValueError):
    """The record has problems; `problems` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class FieldSpec:
    """The type of a field in a facts file: `kind` is one of the parsers in `_PARSERS`."""

    kind: str
    required: bool = True
    choices: tuple[str, ...] = ()


_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ENTITY_ID = re.compile(r"^[A-Z][A-Z0-9]{1,5}$")
_SOURCE_FIELDS = ("title", "url", "document", "publisher", "published")
_TOML_LINE = re.compile(r"at line (\d+)")
_HEADER = re.compile(r"^\s*\[\[\s*([^\]]+?)\s*\]\]\s*(#.*)?$")


def locate_line(text: str, table: str, index: int, field: str | None = None) -> int | None:
    """Line number (1-based) of the `index`-th `[[table]]` row, or of `field` inside it.

    tomllib keeps no positions, so rows are found by their headers. A nested row such as
    the second ratification of the first treaty is named "treaty/0/ratification".
    """
    lines = text.splitlines()
    headers = [
        (i, m.group(1).replace(" ", ""))
        for i, line in enumerate(lines)
        if (m := _HEADER.match(line))
    ]
    parts = table.split("/")
    if len(parts) == 3:
        parent, parent_index, child = parts[0], int(parts[1]), parts[2]
        parents = [n for n, (_, name) in enumerate(headers) if name == parent]
        if parent_index >= len(parents):
            return None
        first = parents[parent_index] + 1
        last = next(
            (n for n in range(first, len(headers)) if not headers[n][1].startswith(parent + ".")),
            len(headers),
        )
        headers, name = headers[first:last], f"{parent}.{child}"
    else:
        name = parts[0]
    matches = [n for n, (_, header) in enumerate(headers) if header == name]
    if index >= len(matches):
        return None
    start = headers[matches[index]][0]
    if field is None:
        return start + 1
    stop = next((line for line, _ in headers if line > start), len(lines))
    pattern = re.compile(rf"^\s*{re.escape(field)}\s*=")
    return next((i + 1 for i in range(start + 1, stop) if pattern.match(lines[i])), start + 1)


def toml_error_line(message: str) -> int | None:
    match = _TOML_LINE.search(message)
    return int(match.group(1)) if match else None


class RowReader:
    """Reads the rows of one table in one file, collecting problems instead of raising."""

    def __init__(self, path: Path, text: str, problems: list[Problem]) -> None:
        self.path = path
        self.text = text
        self.problems = problems

    def report(
        self, table: str, index: int, label: str, field: str | None, problem: str, fix: str
    ) -> None:
        line = locate_line(self.text, table, index, field)
        self.problems.append(Problem(self.path, line, label, field, problem, fix))

    def read(
        self,
        table: str,
        index: int,
        raw: Any,
        specs: dict[str, FieldSpec],
        nested: Iterable[str] = (),
    ) -> dict[str, Any] | None:
        """Checks one row against `specs`; returns parsed values, or None if unusable."""
        name = table.split("/")[-1]
        if not isinstance(raw, dict):
            self.report(
                table,
                index,
                f"{name} #{index + 1}",
                None,
                "is not a table",
                f"write it as a [[{name}]] block",
            )
            return None
        row_id = raw.get("id")
        label = f"{name} '{row_id}'" if isinstance(row_id, str) else f"{name} #{index + 1}"
        known = set(specs) | set(nested)
        for key in raw:
            if key not in known:
                hint = difflib.get_close_matches(key, known, n=1, cutoff=0.5)
                fix = (
                    f"did you mean '{hint[0]}'?"
                    if hint
                    else f"use one of: {', '.join(sorted(known))}"
                )
                self.report(table, index, label, key, "unknown field", fix)
        values: dict[str, Any] = {}
        ok = True
        for key, spec in specs.items():
            if key not in raw:
                if spec.required:
                    self.report(
                        table,
                        index,
                        label,
                        None,
                        f"missing required field '{key}'",
                        f"add `{key} = ...` ({_describe(spec)})",
                    )
                    ok = False
                continue
            try:
                values[key] = _PARSERS[spec.kind](raw[key], spec)
            except ValueError as error:
                self.report(table, index, label, key, str(error), f"give {_describe(spec)}")
                ok = False
        return values if ok else None


def _show(value: Any) -> str:
    """A value as the record's author wrote it: TOML dates and times, not Python reprs."""
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    return repr(value)


def _describe(spec: FieldSpec) -> str:
    if spec.choices:
        return "one of: " + ", ".join(spec.choices)
    return _DESCRIPTIONS[spec.kind]


def _parse_str(value: Any, spec: FieldSpec) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected non-empty text, got {_show(value)}")
    if spec.choices and value not in spec.choices:
        raise ValueError(f"{_show(value)} is not an allowed value")
    return value.strip()


def _parse_row_id(value: Any, spec: FieldSpec) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise ValueError(f"{_show(value)} is not a valid id")
    return value


def _parse_entity_ref(value: Any, spec: FieldSpec) -> str:
    if not isinstance(value, str) or not _ENTITY_ID.match(value):
        raise ValueError(f"{_show(value)} is not an entity id")
    return value


def _parse_entity_refs(value: Any, spec: FieldSpec) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError(f"expected a non-empty list of entity ids, got {_show(value)}")
    return tuple(_parse_entity_ref(v, spec) for v in value)


def _parse_date(value: Any, spec: FieldSpec) -> date:
    # tomllib gives datetime for date-times; a fact is a day, so those are refused too.
    if type(value) is not date:
        raise ValueError(f"expected a bare TOML date like 2008-08-26, got {_show(value)}")
    if value > date.today():
        raise ValueError(f"{value.isoformat()} is in the future")
    return value


def _parse_bool(value: Any, spec: FieldSpec) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {_show(value)}")
    return value


def _parse_number(value: Any, spec: FieldSpec) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {_show(value)}")
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value}")
    return float(value)


def _parse_coordinate(limit: float) -> Callable[[Any, FieldSpec], float]:
    def parse(value: Any, spec: FieldSpec) -> float:
        number = _parse_number(value, spec)
        if not -limit <= number <= limit:
            raise ValueError(f"{number} is outside -{limit:g}..{limit:g}")
        return number

    return parse


def _parse_obligations(value: Any, spec: FieldSpec) -> tuple[Obligation, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError(f"expected a non-empty list of obligations, got {_show(value)}")
    allowed = {o.value for o in Obligation}
    for item in value:
        if not isinstance(item, str) or item not in allowed:
            raise ValueError(f"{_show(item)} is not an obligation")
    return tuple(Obligation(v) for v in value)


def _parse_sources(value: Any, spec: FieldSpec) -> tuple[Source, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError("no source given: every fact needs at least one")
    return tuple(parse_source(item, n) for n, item in enumerate(value, start=1))


def parse_source(item: Any, n: int) -> Source:
    """A source is a page on the web (http or https only) or a named document, never both."""
    if not isinstance(item, dict):
        raise ValueError(f"source {n} is not a table {{ title = ..., url = ... }}")
    unknown = set(item) - set(_SOURCE_FIELDS)
    if unknown:
        raise ValueError(f"source {n} has unknown keys {sorted(unknown)}")
    title = item.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ValueError(f"source {n} has no title")
    url, document = item.get("url"), item.get("document")
    if (url is None) == (document is None):
        raise ValueError(f"source {n} needs exactly one of url or document")
    if url is not None and not is_web_url(url):
        raise ValueError(f"source {n} url {url!r} is not an http(s) URL")
    if document is not None and (not isinstance(document, str) or len(document.strip()) < 8):
        raise ValueError(f"source {n} document {document!r} does not name a document")
    published = item.get("published")
    if published is not None and type(published) is not date:
        raise ValueError(f"source {n} published {_show(published)} is not a date")
    publisher = item.get("publisher")
    if publisher is not None and not isinstance(publisher, str):
        raise ValueError(f"source {n} publisher {publisher!r} is not text")
    return Source(
        title=title.strip(), url=url, document=document, publisher=publisher, published=published
    )


def is_web_url(url: Any) -> bool:
    """True only for absolute http(s) URLs with a host and no spaces or control characters."""
    if not isinstance(url, str) or any(c.isspace() or ord(c) < 32 for c in url):
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


_PARSERS: dict[str, Callable[[Any, FieldSpec], Any]] = {
    "id": _parse_row_id,
    "str": _parse_str,
    "entity": _parse_entity_ref,
    "entities": _parse_entity_refs,
    "place": _parse_row_id,
    "date": _parse_date,
    "bool": _parse_bool,
    "number": _parse_number,
    "latitude": _parse_coordinate(90),
    "longitude": _parse_coordinate(180),
    "obligations": _parse_obligations,
    "sources": _parse_sources,
}

_DESCRIPTIONS = {
    "id": "a lowercase id of letters, digits and hyphens, e.g. nic-abk",
    "str": "non-empty text in quotes",
    "entity": "an entity id from entities.toml, e.g. RUS",
    "entities": 'a list of entity ids from entities.toml, e.g. ["RUS", "ABK"]',
    "place": "a place id from places.toml, e.g. sukhumi",
    "date": "a bare date YYYY-MM-DD that is real and not in the future",
    "bool": "true or false",
    "number": "a finite number",
    "latitude": "a latitude in decimal degrees (WGS 84), from -90 to 90",
    "longitude": "a longitude in decimal degrees (WGS 84), from -180 to 180",
    "obligations": "a list from: " + ", ".join(o.value for o in Obligation),
    "sources": (
        'a list of { title = "...", url = "https://..." } or '
        '{ title = "...", document = "..." } tables'
    ),
}
