"""Arbitrary TOML values in every field of every table: a Record or a RecordError, nothing else.

Hypothesis writes small record folders (the mini record with one field of one row replaced);
the examples are seeded and few, so the run stays short in CI.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import tempfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geodata.loader import RecordError, load_record
from geodata.model import Record
from geodata.schema import TABLES

MINI = Path(__file__).parent / "data" / "mini_record"

_SCALARS = (
    st.text(max_size=12)
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.booleans()
    | st.dates(min_value=date(1, 1, 1))
    | st.datetimes()
    | st.times()
)
VALUES = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)


def toml_value(value: Any) -> str:
    """An inline TOML value (JSON's escapes are valid in TOML basic strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def with_field(text: str, header: str, field: str, value: str) -> str:
    """The first `[[header]]` row with `field = value` in place of what it had."""
    lines = text.splitlines()
    start = lines.index(f"[[{header}]]")
    stop = next((n for n in range(start + 1, len(lines)) if lines[n].startswith("[[")), len(lines))
    own = re.compile(rf"^{re.escape(field)}\s*=")
    body = [line for line in lines[start + 1 : stop] if not own.match(line)]
    return "\n".join([*lines[:start], lines[start], f"{field} = {value}", *body, *lines[stop:]])


FIELDS = [(t.file, t.name, name) for t in TABLES for name in (*t.specs, *t.nested)]
FIELDS += [(t.file, c.name, name) for t in TABLES for c in t.nested.values() for name in c.specs]


@pytest.mark.parametrize(("file", "table", "field"), FIELDS)
@settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(value=VALUES)
def test_any_value_gives_a_record_or_a_record_error(
    file: str, table: str, field: str, value: Any
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "record"
        shutil.copytree(MINI, target)
        path = target / file
        path.write_text(
            with_field(path.read_text(encoding="utf-8"), table, field, toml_value(value)),
            encoding="utf-8",
        )
        try:
            assert isinstance(load_record(target), Record)
        except RecordError as error:
            assert error.problems and all(str(p) for p in error.problems)
