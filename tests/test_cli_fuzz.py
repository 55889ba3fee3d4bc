"""The CLI's parsers of dates and layer lists, driven by hypothesis.

Whatever a user types, the parser returns a value or raises argparse's own error with a
message (which `geomap` prints as one line); never any other exception. Seeded and
bounded, so CI runs the same examples every time.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from layers.cli import parse_day, parse_layers
from layers.map import LAYER_NAMES

BOUNDED = settings(derandomize=True, max_examples=200, deadline=None, database=None)

DATE_LIKE = st.one_of(
    st.text(),
    st.dates().map(date.isoformat),
    st.from_regex(r"\A[0-9]{1,5}-[0-9]{1,3}-[0-9]{1,3}\Z"),
)
LAYER_LIKE = st.one_of(
    st.text(),
    st.lists(st.sampled_from([*LAYER_NAMES, "", " ", "dragons", ",,"])).map(",".join),
)


def _result_or_own_error(parse: Callable[[str], object], text: str) -> object:
    try:
        return parse(text)
    except argparse.ArgumentTypeError as error:
        assert str(error).strip(), f"empty message for {text!r}"
        return None


@BOUNDED
@given(DATE_LIKE)
@example("2015-02-30")
@example("\x00")
@example("２０１５-01-01")
def test_date_parser_gives_a_date_or_its_error(text: str) -> None:
    result = _result_or_own_error(parse_day, text)
    assert result is None or isinstance(result, date)


@BOUNDED
@given(LAYER_LIKE)
@example("")
@example("territories,,places")
def test_layer_parser_gives_known_layers_or_its_error(text: str) -> None:
    result = _result_or_own_error(parse_layers, text)
    assert result is None or (result and set(result) <= set(LAYER_NAMES))


@pytest.mark.parametrize("text", ["territories", " places , alliances "])
def test_layer_parser_accepts_what_the_help_describes(text: str) -> None:
    assert parse_layers(text)
