"""The schema is written once, in the model: SCHEMA.md's field tables must be the model's."""

from __future__ import annotations

import dataclasses

import pytest

from geodata.model import fact
from geodata.schema import SCHEMA_FILE, TABLES, Table, schema_markdown


def test_schema_md_is_written_from_the_model() -> None:
    text = SCHEMA_FILE.read_text(encoding="utf-8")
    assert schema_markdown(text) == text, "run `python -m geodata.schema` and commit SCHEMA.md"


def test_every_field_of_every_table_is_in_schema_md() -> None:
    text = SCHEMA_FILE.read_text(encoding="utf-8")
    for table in TABLES:
        for name in (*table.specs, *table.nested):
            assert f"\n| {name} | " in text, (table.name, name)


def test_a_field_declared_without_fact_is_refused() -> None:
    @dataclasses.dataclass(frozen=True)
    class Bare:
        id: str = fact("id")
        loose: str = ""

    with pytest.raises(TypeError, match="fact"):
        _ = Table("entities.toml", "entity", Bare).specs
