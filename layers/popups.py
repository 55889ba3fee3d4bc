"""HTML for tooltips and popups, built so that nothing from the record can run.

Leaflet puts tooltip and popup strings into the page as HTML, and so do folium's
GeoJsonTooltip/GeoJsonPopup; the layers therefore never hand them raw data. Every string
from the record passes through `text()` (html.escape), and a source becomes a link only
when `geodata.validation.is_web_url` accepts its URL (the loader checks too, but a record
may be built in code). Links open in a new tab without giving it a handle on the map.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Iterable, Sequence
from datetime import date

from geodata.model import Obligation, Place, Recognition, Source, Treaty
from geodata.snapshot import (
    Snapshot,
    Stance,
    StanceKind,
    TerritoryState,
    TreatyStage,
    TreatyState,
)
from geodata.validation import is_web_url

__all__ = [
    "pair_popup",
    "pair_tooltip",
    "place_popup",
    "place_tooltip",
    "sources_html",
    "stage_text",
    "stance_text",
    "state_popup",
    "territory_popup",
    "territory_tooltip",
    "text",
]


def text(value: object) -> str:
    """Any value as HTML text: <, >, &, and both quotes escaped."""
    return html.escape(str(value), quote=True)


def _day(value: date | None) -> str:
    return value.isoformat() if value else "—"


@functools.lru_cache(maxsize=4096)
def _source(source: Source) -> str:
    """One source as HTML; cached, as the same sources recur in many popups and on every day."""
    title = text(source.title)
    if source.url and is_web_url(source.url):
        return f'<a href="{text(source.url)}" target="_blank" rel="noopener noreferrer">{title}</a>'
    extra = source.document or (source.url and f"unlinked address: {source.url}")
    return f"{title} ({text(extra)})" if extra else title


def sources_html(sources: Iterable[Source]) -> str:
    """Sources as a short list, each a safe link when it has a web address."""
    unique = list(dict.fromkeys(sources))
    if not unique:
        return ""
    items = "".join(f"<li>{_source(s)}</li>" for s in unique)
    return f'<div class="geomap-sources">Sources:<ul>{items}</ul></div>'


def _block(
    title: str,
    rows: Iterable[tuple[str, str]],
    sources: Iterable[Source] = (),
    note: str | None = None,
    heading: str = "h4",
) -> str:
    """A heading, label/value rows (values already HTML), a note, the sources."""
    body = "".join(
        f"<tr><th>{text(label)}</th><td>{value}</td></tr>" for label, value in rows if value
    )
    parts = [f"<{heading}>{text(title)}</{heading}>", f"<table>{body}</table>" if body else ""]
    if note:
        parts.append(f"<p>{text(note)}</p>")
    parts.append(sources_html(sources))
    return "".join(parts)


def _popup(
    title: str,
    rows: Iterable[tuple[str, str]],
    sources: Iterable[Source] = (),
    note: str | None = None,
) -> str:
    """A popup about one thing: its block in the popup's frame."""
    return f'<div class="geomap-popup">{_block(title, rows, sources, note)}</div>'


def _list(items: Iterable[str]) -> str:
    items = list(items)
    return f"<ul>{''.join(f'<li>{i}</li>' for i in items)}</ul>" if items else ""


def _recognition_item(snapshot: Snapshot, recognition: Recognition, who: str) -> str:
    name = text(snapshot.name(getattr(recognition, who)))
    if recognition.withdrawn and recognition.withdrawn <= snapshot.as_of:
        return f"{name}: {_day(recognition.since)} to {_day(recognition.withdrawn)}"
    return f"{name}: since {_day(recognition.since)}"


def _treaty_item(snapshot: Snapshot, state: TreatyState) -> str:
    return f"{text(state.treaty.short_name)}: {text(stage_text(snapshot, state))}"


def stance_text(snapshot: Snapshot, stance: Stance) -> str:
    """A state's stance in words (plain text, not HTML), naming which territories."""
    names = lambda ids: " and ".join(snapshot.name(i) for i in ids)  # noqa: E731
    if stance.kind is StanceKind.SUBJECT:
        return "contested territory" + (
            f"; recognises {names(stance.recognises)}" if stance.recognises else ""
        )
    if stance.kind is StanceKind.NEVER:
        return f"has never recognised {names(snapshot.subject)}"
    said = f"recognises {names(stance.recognises)}" if stance.recognises else ""
    if stance.withdrew:
        said += ("; " if said else "") + f"withdrew recognition of {names(stance.withdrew)}"
    return said


def territory_tooltip(snapshot: Snapshot, state: TerritoryState) -> str:
    """Name and status, and in whose colour it is drawn when not as itself."""
    line = state.status.label
    if state.entity.kind == "state":
        line = stance_text(snapshot, snapshot.stance(state.entity.id))
    elif state.sovereign.id != state.entity.id:
        line += f"; drawn as part of {state.sovereign.name}"
    return f"<b>{text(state.entity.name)}</b><br>{text(line)}"


def state_popup(snapshot: Snapshot, entity_id: str) -> str:
    """A state: its stance on the day, the recognitions behind it, its treaties in effect."""
    entity = snapshot.record.entities[entity_id]
    own = [
        r
        for r in snapshot.record.recognitions
        if r.by == entity_id and r.of in snapshot.subject and r.since <= snapshot.as_of
    ]
    rows = [
        ("Stance", text(stance_text(snapshot, snapshot.stance(entity_id)))),
        ("Recognised", _list(_recognition_item(snapshot, r, "of") for r in own)),
        ("Treaties", _treaties(snapshot, entity_id)),
    ]
    sources = [s for r in own for s in (*r.sources, *r.withdrawal_sources)]
    return _popup(entity.name, rows, (*sources, *entity.sources), entity.note)


def _treaties(snapshot: Snapshot, entity_id: str) -> str:
    return _list(
        _treaty_item(snapshot, t)
        for t in snapshot.treaties_of(entity_id)
        if t.stage is not TreatyStage.ENDED
    )


def territory_popup(snapshot: Snapshot, state: TerritoryState) -> str:
    """A territory: status, sovereign in this view, who recognises it since when, treaties."""
    if state.entity.kind == "state":
        return state_popup(snapshot, state.entity.id)
    recognitions = (*state.recognized_by, *state.withdrawn)
    rows = [
        ("Status", text(state.status.label)),
        (
            "Drawn as",
            text(
                "its own sovereign"
                if state.sovereign.id == state.entity.id
                else f"part of {state.sovereign.name}"
            ),
        ),
        ("Recognised by", _list(_recognition_item(snapshot, r, "by") for r in state.recognized_by)),
        ("Withdrew", _list(_recognition_item(snapshot, r, "by") for r in state.withdrawn)),
        ("Treaties", _treaties(snapshot, state.entity.id)),
    ]
    sources = [s for r in recognitions for s in (*r.sources, *r.withdrawal_sources)]
    return _popup(state.entity.name, rows, (*state.entity.sources, *sources), state.entity.note)


def stage_text(snapshot: Snapshot, state: TreatyState) -> str:
    """How far a treaty has come on the day, naming who has ratified it (plain text)."""
    if state.stage is TreatyStage.PARTLY_RATIFIED:
        return "in ratification: " + "; ".join(_progress(snapshot, state))
    ratified_by = " and ".join(snapshot.name(p) for p in state.ratified_by)
    return {
        TreatyStage.SIGNED: "signed, not ratified",
        TreatyStage.RATIFIED: f"ratified by {ratified_by}, not yet in force",
        TreatyStage.IN_FORCE: "in force",
        TreatyStage.ENDED: "ended",
    }[state.stage]


def _progress(snapshot: Snapshot, state: TreatyState) -> list[str]:
    """Per party: finished, or the last step taken so far ("Russia: State Duma so far")."""
    parts = []
    for party in state.treaty.parties:
        steps = [r for r in state.ratifications if r.by == party]
        if party in state.ratified_by:
            parts.append(f"ratified by {snapshot.name(party)}")
        elif steps:
            parts.append(f"{snapshot.name(party)}: {steps[-1].body} so far")
    return parts


def _pair_name(snapshot: Snapshot, pair: tuple[str, str]) -> str:
    return " – ".join(snapshot.name(p) for p in pair)


def _treaty_count(states: Sequence[TreatyState]) -> str:
    return f"{len(states)} treat{'y' if len(states) == 1 else 'ies'}"


def pair_tooltip(
    snapshot: Snapshot,
    pair: tuple[str, str],
    states: Sequence[TreatyState],
    strongest: TreatyState,
    obligations: frozenset[Obligation],
) -> str:
    """ "Russia – Abkhazia: 5 treaties; strongest: mutual defence (ratified by ...)".

    `obligations` are those the link's colour stands for; the strongest treaty's share of
    them names the bond.
    """
    bond = ", ".join(o.label for o in strongest.treaty.obligations if o in obligations)
    return (
        f"<b>{text(_pair_name(snapshot, pair))}</b>: {text(_treaty_count(states))};<br>"
        f"strongest: {text(bond)} ({text(stage_text(snapshot, strongest))})"
    )


def _treaty_block(snapshot: Snapshot, state: TreatyState) -> str:
    """One treaty: signed where and when, each ratification, entry into force, stage on the
    day, obligations, and every source cited."""
    treaty: Treaty = state.treaty
    place = snapshot.record.places.get(treaty.signed_at or "")
    signed = _day(treaty.signed) + (f", {place.name}" if place else "")
    ratified = (
        f"{snapshot.name(r.by)}, {r.body}: {_day(r.date)}" + (f" ({r.vote})" if r.vote else "")
        for r in state.ratifications
    )
    in_force = treaty.in_force and treaty.in_force <= snapshot.as_of
    rows = [
        ("Signed", text(signed)),
        ("Ratified", _list(text(r) for r in ratified)),
        ("In force", text(_day(treaty.in_force) if in_force else "not yet")),
        ("On this day", text(stage_text(snapshot, state))),
        ("Obligations", text(", ".join(o.label for o in treaty.obligations))),
    ]
    sources = [*treaty.sources, *(s for r in state.ratifications for s in r.sources)]
    return f"<section>{_block(treaty.name, rows, sources, treaty.note, heading='h5')}</section>"


def pair_popup(snapshot: Snapshot, pair: tuple[str, str], states: Sequence[TreatyState]) -> str:
    """Every treaty between two parties that is signed and not ended on the day, in the
    order given (strongest first), each with its dates, stage, obligations and sources."""
    day = f"{snapshot.as_of.day} {snapshot.as_of:%B %Y}"
    count = f"{_treaty_count(states)} on {day}"
    blocks = "".join(_treaty_block(snapshot, s) for s in states)
    return (
        f'<div class="geomap-popup"><h4>{text(_pair_name(snapshot, pair))}</h4>'
        f'<p class="geomap-count">{text(count)}</p>{blocks}</div>'
    )


def place_tooltip(snapshot: Snapshot, place: Place) -> str:
    return f"<b>{text(place.name)}</b><br>{text(place.kind.replace('_', ' '))}"


def place_popup(snapshot: Snapshot, place: Place) -> str:
    """A capital or a base: where, whose, which unit, since when, with sources."""
    rows = [
        ("Kind", text(place.kind.replace("_", " "))),
        ("In", text(snapshot.name(place.entity))),
        ("Operator", text(snapshot.name(place.operator)) if place.operator else ""),
        ("Unit", text(place.unit) if place.unit else ""),
        ("Opened", text(_day(place.opened)) if place.opened else ""),
    ]
    return _popup(place.name, rows, place.sources, place.note)
