"""Facts in force whose last confirming source is old: `stale_facts` and `validate --stale`."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date

from geodata.freshness import stale_facts
from geodata.loader import default_record

TODAY = date(2026, 12, 2)


def _validate_stale(days: str) -> subprocess.CompletedProcess[str]:
    """The real command, as a reader runs it."""
    command = [sys.executable, "-m", "layers.cli", "validate", "--stale", days]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_a_fact_is_stale_only_when_its_check_is_older_than_the_limit() -> None:
    record = default_record()
    russia = next(r for r in record.recognitions if r.id == "rus-abk")
    assert russia.checked is not None
    age = (TODAY - russia.checked).days
    assert "rus-abk" in {f.id for f in stale_facts(record, TODAY, age - 1)}
    assert "rus-abk" not in {f.id for f in stale_facts(record, TODAY, age)}


def test_a_fact_in_force_without_a_check_is_listed_and_an_ended_one_is_not() -> None:
    record = default_record()
    unchecked = tuple(replace(r, checked=None) for r in record.recognitions)
    stale = stale_facts(replace(record, recognitions=unchecked), TODAY, 10_000)
    ids = {f.id for f in stale if f.kind == "recognition"}
    assert "rus-abk" in ids
    assert "vut-abk" not in ids  # withdrawn in 2013: nothing to keep confirming
    assert "syr-dpr" not in ids  # the DPR ceased in 2022: nothing left to recognise
    assert all(f.checked is None for f in stale if f.kind == "recognition")


def test_validate_stale_lists_old_facts_with_their_file() -> None:
    result = _validate_stale("0")
    assert result.returncode == 0, result.stderr
    assert "not checked against a source for over 0 days" in result.stdout
    assert "recognitions.toml: recognition 'rus-abk': last checked" in result.stdout


def test_validate_stale_refuses_a_negative_or_odd_number_in_one_line() -> None:
    result = _validate_stale("-3")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "whole number of days" in result.stderr
