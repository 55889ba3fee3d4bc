"""HTML for tooltips, popups and the details panel, rendered so that nothing from the record
can run.

What is said about an item on a day is `geodata.details.Details`, the one content model;
this module only renders it, through the Jinja2 templates in `layers/templates/` with
autoescaping on: the map's popup (`popup_html`), the dashboard's panel (`panel_html`) and
the hover tooltip (`tooltip_html`). Leaflet puts these strings into the page as HTML, so no
template marks any value safe, and a source becomes a link only when
`geodata.validation.is_web_url` accepts its URL (the loader checks too, but a record may be
built in code). Links open in a new tab without giving it a handle on the map.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

import markupsafe

from geodata.details import (
    Details,
    Fact,
    details,
    pair_name,
    stage_text,
    treaty_count,
)
from geodata.model import Obligation, Source
from geodata.snapshot import Snapshot, TreatyState
from geodata.validation import is_web_url

if TYPE_CHECKING:  # imported when a template is first rendered: the still maps need `text` only
    import jinja2

__all__ = [
    "item_html",
    "pair_tooltip",
    "panel_html",
    "popup_html",
    "text",
    "tooltip_html",
]


@functools.cache
def _template(name: str) -> jinja2.Template:
    return _environment().get_template(f"{name}.html.j2")


@functools.cache
def _environment() -> jinja2.Environment:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("layers", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # packaged files: no stat() of each template on every render
    )
    environment.globals.update(
        is_web_url=is_web_url, fact_html=_fact_html, source_html=_source_html
    )
    return environment


@functools.lru_cache(maxsize=4096)
def _fact_html(fact: Fact) -> markupsafe.Markup:
    """One fact, rendered once: the same facts recur in many popups and on every day."""
    return markupsafe.Markup(_template("fact").render(f=fact))


@functools.lru_cache(maxsize=4096)
def _source_html(source: Source) -> markupsafe.Markup:
    return markupsafe.Markup(_template("source").render(s=source))


def text(value: object) -> str:
    """Any value as HTML text: <, >, &, and both quotes escaped (for the hand-built legend)."""
    return html.escape(str(value), quote=True)


def popup_html(item: Details) -> str:
    """The map popup of an item: its summary and its sections for the day, fact for fact."""
    return _template("popup").render(d=item)


def panel_html(item: Details) -> str:
    """The dashboard's details panel of an item: every section, history included."""
    return _template("panel").render(d=item)


def tooltip_html(title: str, line: str) -> str:
    """A name in bold and one line under it."""
    return _template("tooltip").render(title=title, line=line)


def _details(snapshot: Snapshot, item_id: str) -> Details:
    found = details(snapshot, item_id)
    if found is None:  # only for an empty id, which no layer passes
        raise ValueError("an item needs an id")
    return found


def item_html(snapshot: Snapshot, item_id: str) -> tuple[str, str]:
    """The tooltip and the popup of any item with an id (entity, ISO3 code, treaty, pair,
    place), from one `Details`."""
    item = _details(snapshot, item_id)
    return tooltip_html(item.title, item.line), popup_html(item)


def pair_tooltip(
    snapshot: Snapshot,
    pair: tuple[str, str],
    states: Sequence[TreatyState],
    strongest: TreatyState,
    obligations: frozenset[Obligation],
) -> str:
    """ "Russia – Abkhazia / 5 treaties; strongest: mutual defence (ratified by ...)".

    `obligations` are those the link's colour stands for; the strongest treaty's share of
    them names the bond.
    """
    bond = ", ".join(o.label for o in strongest.treaty.obligations if o in obligations)
    line = f"{treaty_count(len(states))}; strongest: {bond} ({stage_text(snapshot, strongest)})"
    return tooltip_html(pair_name(snapshot, pair), line)
