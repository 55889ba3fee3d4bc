"""A view of the record (day, worldview, layers) as URL query parameters, and back.

A copied link must reopen the same view, and a link that was mistyped or edited by hand
must still open something sensible: every parameter is checked on its own, and one that
does not parse falls back to its default with a notice the reader can see.

>>> from datetime import date
>>> view, notices = parse_view(
...     {"date": "2015-01-23", "worldview": "de-jure", "layers": "territories"},
...     first=date(1991, 1, 5), last=date(2024, 1, 1), default_day=date(2024, 1, 1),
...     layer_names=("territories", "places"), default_layers=("territories", "places"),
... )
>>> view.to_params(), notices
({'date': '2015-01-23', 'worldview': 'de-jure', 'layers': 'territories'}, [])
>>> parse_view({"date": "23/01/2015"}, first=date(1991, 1, 5), last=date(2024, 1, 1),
...            default_day=date(2024, 1, 1), layer_names=(), default_layers=())[1]
["The link's date '23/01/2015' is not a date written YYYY-MM-DD; showing 2024-01-01 instead."]
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from geodata.worldviews import Worldview

__all__ = ["PARAMS", "View", "parse_view"]

PARAMS = ("date", "worldview", "layers")
"""The query parameters a view is written to, in the order a link shows them."""

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SHOWN_MAX = 60
"""Longest piece of a bad parameter quoted back in a notice (links can be very long)."""


@dataclass(frozen=True)
class View:
    """What the dashboard shows: the day, whose view of sovereignty, which layers."""

    day: date
    worldview: Worldview
    layers: tuple[str, ...]

    def to_params(self) -> dict[str, str]:
        return {
            "date": self.day.isoformat(),
            "worldview": self.worldview.value,
            "layers": ",".join(self.layers),
        }


def _quoted(text: str) -> str:
    return repr(text if len(text) <= _SHOWN_MAX else text[:_SHOWN_MAX] + "…")


def _parse_day(
    text: str | None, first: date, last: date, default: date, notices: list[str]
) -> date:
    if text is None:
        return default
    try:
        day = date.fromisoformat(text) if _ISO_DAY.match(text) else None
    except ValueError:
        day = None
    if day is None:
        notices.append(
            f"The link's date {_quoted(text)} is not a date written YYYY-MM-DD; "
            f"showing {default.isoformat()} instead."
        )
        return default
    if not first <= day <= last:
        notices.append(
            f"The link's date {day.isoformat()} is outside the record "
            f"({first.isoformat()} to {last.isoformat()}); showing "
            f"{default.isoformat()} instead."
        )
        return default
    return day


def _parse_worldview(text: str | None, notices: list[str]) -> Worldview:
    if text is None:
        return Worldview.DE_FACTO
    try:
        return Worldview(text)
    except ValueError:
        known = ", ".join(w.value for w in Worldview)
        notices.append(
            f"The link's worldview {_quoted(text)} is not one of {known}; "
            f"showing {Worldview.DE_FACTO.value} instead."
        )
        return Worldview.DE_FACTO


def _parse_layers(
    text: str | None, names: Sequence[str], default: tuple[str, ...], notices: list[str]
) -> tuple[str, ...]:
    """Comma-separated layer names; an empty value means no layers: a valid view, but one
    that shows only the sea, so the reader is told why."""
    if text is None:
        return default
    asked = [part.strip() for part in text.split(",") if part.strip()]
    if not asked:
        notices.append(
            "The link asks for no layers, so the map shows only the sea; switch layers on "
            "under Layers in the sidebar."
        )
        return ()
    unknown = [part for part in asked if part not in names]
    if unknown:
        notices.append(
            f"The link names unknown layers {_quoted(', '.join(unknown))} "
            f"(known: {', '.join(names)}); showing the default layers instead."
        )
        return default
    return tuple(name for name in names if name in asked)  # the map's order, no repeats


def _one_value(key: str, value: str | Sequence[str], notices: list[str]) -> str:
    """A parameter's value; of a repeated one (`?date=a&date=b`) the last, as a browser's
    form would send it, with a notice naming what was used."""
    if isinstance(value, str):
        return value
    values = list(value)
    if len(set(values)) > 1:
        notices.append(
            f"The link gives {_quoted(key)} {len(values)} times "
            f"({_quoted(', '.join(values))}); using the last, {_quoted(values[-1])}."
        )
    return values[-1] if values else ""


def parse_view(
    params: Mapping[str, str | Sequence[str]],
    *,
    first: date,
    last: date,
    default_day: date,
    layer_names: Sequence[str],
    default_layers: Sequence[str],
) -> tuple[View, list[str]]:
    """The view a link asks for, and a notice for every parameter that had to be replaced.

    Each value is a string or, for a repeated parameter, the list of its values. Parameters
    that are missing take their default silently; unknown parameters are named in a notice
    and otherwise ignored. Notices quote the link: show them as plain text, never Markdown.
    """
    notices: list[str] = []
    given = {key: _one_value(key, value, notices) for key, value in params.items()}
    view = View(
        day=_parse_day(given.get("date"), first, last, default_day, notices),
        worldview=_parse_worldview(given.get("worldview"), notices),
        layers=_parse_layers(given.get("layers"), layer_names, tuple(default_layers), notices),
    )
    extra = sorted(key for key in given if key not in PARAMS)
    if extra:
        notices.append(
            f"The link's parameters {_quoted(', '.join(extra))} are not used "
            f"(a view is {', '.join(PARAMS)}); they were ignored."
        )
    return view, notices
