"""The record's schema, read from the model: which file holds which table, and each field's
kind, whether it is required and what it means.

The dataclasses of `geodata.model` declare every field once with `model.fact(...)`; the
loader validates rows by the specs derived here, and SCHEMA.md's field tables are written
from the same declarations (`python -m geodata.schema` rewrites them; a test fails when
the file and the model disagree). A field whose kind names a nested table
(`ratification`, `reading`) holds the `[[parent.child]]` rows of that name.

>>> [t.name for t in TABLES]
['entity', 'place', 'recognition', 'treaty', 'mission', 'event', 'dispute']
>>> TABLE_BY_NAME["treaty"].specs["signed"]
FieldSpec(kind='date', required=True, choices=())
>>> [(child, t.model.__name__) for child, t in TABLE_BY_NAME["treaty"].nested.items()]
[('ratification', 'Ratification')]
"""

from __future__ import annotations

import re
import sys
from dataclasses import Field, dataclass, fields
from functools import cached_property
from pathlib import Path
from typing import Any

from geodata.model import (
    Dispute,
    Entity,
    Event,
    Mission,
    Place,
    Ratification,
    Reading,
    Recognition,
    Treaty,
    file_key,
)
from geodata.validation import FieldSpec

__all__ = ["SCHEMA_FILE", "TABLES", "TABLE_BY_NAME", "Table", "schema_markdown"]

SCHEMA_FILE = Path(__file__).parent / "record" / "SCHEMA.md"

#: The `kind` of a field that holds nested rows, and the model of those rows.
_NESTED_MODELS: dict[str, type] = {"ratification": Ratification, "reading": Reading}


@dataclass(frozen=True)
class Table:
    """One table of the record: its file, its TOML name and the dataclass a row becomes."""

    file: str
    name: str
    model: type

    @cached_property
    def specs(self) -> dict[str, FieldSpec]:
        """Name in the file -> how it is parsed, in declaration order; nested tables left out."""
        return {
            file_key(f): FieldSpec(
                f.metadata["kind"], f.metadata["required"], f.metadata["choices"]
            )
            for f in _declared(self.model)
            if f.metadata["kind"] not in _NESTED_MODELS
        }

    @cached_property
    def nested(self) -> dict[str, Table]:
        """TOML name of each nested table (`ratification`) -> its table."""
        return {
            kind: Table(self.file, f"{self.name}.{kind}", _NESTED_MODELS[kind])
            for f in _declared(self.model)
            if (kind := f.metadata["kind"]) in _NESTED_MODELS
        }


def _declared(model: type) -> list[Field[Any]]:
    """The fields of `model` declared with `fact` (every field of a record dataclass)."""
    found = [f for f in fields(model) if "kind" in f.metadata]
    if len(found) != len(fields(model)):
        raise TypeError(f"{model.__name__}: declare every field with geodata.model.fact")
    return found


TABLES: tuple[Table, ...] = (
    Table("entities.toml", "entity", Entity),
    Table("places.toml", "place", Place),
    Table("recognitions.toml", "recognition", Recognition),
    Table("treaties.toml", "treaty", Treaty),
    Table("missions.toml", "mission", Mission),
    Table("events.toml", "event", Event),
    Table("disputes.toml", "dispute", Dispute),
)
TABLE_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}

_SHORT_KINDS = {
    "entity": "entity id",
    "entities": "[entity id]",
    "place": "place id",
    "latitude": "number",
    "longitude": "number",
    "obligations": "[str]",
    "ratification": "table list",
    "reading": "table list",
}


def _field_rows(table: Table) -> list[str]:
    rows = ["| field | type | |", "|---|---|---|"]
    for f in _declared(table.model):
        meta = f.metadata
        name = meta["kind"] if meta["kind"] in _NESTED_MODELS else file_key(f)
        kind = _SHORT_KINDS.get(meta["kind"], meta["kind"])
        kind += "" if meta["required"] else ", optional"
        doc = meta["doc"]
        if meta["choices"]:
            allowed = ", ".join(f"`{choice}`" for choice in meta["choices"])
            doc = f"{doc}; one of: {allowed}" if doc else f"one of: {allowed}"
        rows.append(f"| {name} | {kind} | {doc} |")
    return rows


def _tables_in_order() -> list[Table]:
    ordered = []
    for table in TABLES:
        ordered.append(table)
        ordered.extend(table.nested.values())
    return ordered


_BLOCK = re.compile(r"<!-- fields: (?P<name>[a-z.]+) -->\n.*?<!-- end fields -->", re.DOTALL)


def schema_markdown(text: str) -> str:
    """`text` (SCHEMA.md) with every `<!-- fields: NAME -->` block written from the model."""
    by_name = {t.name: t for t in _tables_in_order()}
    missing = set(by_name) - {m.group("name") for m in _BLOCK.finditer(text)}
    if missing:
        raise ValueError(f"SCHEMA.md has no field block for: {', '.join(sorted(missing))}")

    def block(match: re.Match[str]) -> str:
        name = match.group("name")
        rows = "\n".join(_field_rows(by_name[name]))
        return f"<!-- fields: {name} -->\n{rows}\n<!-- end fields -->"

    return _BLOCK.sub(block, text)


def main() -> int:
    """`python -m geodata.schema`: rewrites SCHEMA.md's field tables from the model."""
    text = SCHEMA_FILE.read_text(encoding="utf-8")
    SCHEMA_FILE.write_text(schema_markdown(text), encoding="utf-8")
    print(SCHEMA_FILE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
