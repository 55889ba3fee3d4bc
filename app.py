"""geomap dashboard: the map of a day and a worldview, its details, chart, timeline and downloads.

Thin by design (DESIGN.md): widgets, caching and layout only. What is true on a day comes
from `geodata` (`as_of`, `details`, `timeline`, `view`), how it is drawn and exported from
`layers` (`render_html`, `render_geojson`). Every cache is keyed on plain
values (ISO date, worldview, layer names), never on GeoDataFrames.

Run: `streamlit run app.py` (or `bash scripts/dashboard`).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.component import clicked_id, map_page
from dashboard.source import RecordUnavailable, dashboard_record
from dashboard.view import View, parse_view
from geodata.details import Details, details, selectable_items
from geodata.display import StaleDisplayArtifact, display_boundaries
from geodata.freshness import stale_facts
from geodata.model import Event, Record
from geodata.serialize import recognitions_to_csv, record_to_dict, snapshot_to_dict
from geodata.snapshot import Snapshot, as_of
from geodata.timeline import key_dates, recognition_steps
from geodata.validation import is_web_url
from geodata.worldviews import Worldview
from layers.export import render_geojson, render_html
from layers.map import DEFAULT_LAYERS, LAYER_NAMES
from layers.popups import panel_html

# (Comments, not docstrings, below: Streamlit would print a bare string literal on the page.)
# Session-state key under which the map component keeps the reader's last click.
MAP_KEY = "map"
# Session-state key of the item (entity id, ISO3 code or treaty id) whose details are shown.
SELECTED = "selected"
# Online tile backgrounds offered besides none (xyzservices names that need no API key).
TILE_CHOICES = [None, "OpenStreetMap.Mapnik", "Esri.WorldGrayCanvas"]
MAP_HEIGHT = 720  # Georgia, the Black Sea and the North Caucasus at the zoom the map opens on


# ---- cached work, keyed on plain values ------------------------------------------------


@st.cache_resource(max_entries=128, show_spinner=False)
def snapshot_of(day: str, worldview: str) -> Snapshot:
    """The snapshot is immutable, so one object serves every session."""
    return as_of(date.fromisoformat(day), worldview, record())


@st.cache_resource(show_spinner=False)
def record() -> Record:
    """The record shown: `GEOMAP_RECORD`'s folder or the packaged one, once per process
    (the environment is read when the server starts). Raises RecordUnavailable."""
    return dashboard_record()


def show_map(view: View, tiles: str | None) -> dict[str, Any] | None:
    """The map of the view, the very page the HTML download holds (`export_html_of`, cached
    per view); returns what the reader last clicked (None before a click)."""
    page = export_html_of(view.day.isoformat(), view.worldview.value, view.layers, tiles)
    return map_page(page, height=MAP_HEIGHT, key=MAP_KEY)


@st.cache_resource(show_spinner=False)
def boundary_names() -> dict[str, str]:
    """Boundary id -> name, for a clicked country the record does not know (by id alone)."""
    frame = display_boundaries()
    return dict(zip(frame["id"], frame["name"], strict=True))


@st.cache_resource(max_entries=32, show_spinner="Drawing the map …")
def export_html_of(day: str, worldview: str, layers: tuple[str, ...], tiles: str | None) -> str:
    """The page of a view, once per process: the map shows it and the download holds it
    (a str is immutable, so one copy serves every session)."""
    return render_html(snapshot_of(day, worldview), layers, tiles)


@st.cache_data(max_entries=8, show_spinner=False)
def geojson_of(day: str, worldview: str) -> str:
    return render_geojson(snapshot_of(day, worldview))


@st.cache_data(max_entries=8, show_spinner=False)
def still_of(day: str, worldview: str, fmt: str) -> bytes:
    """The still map `geomap export --format svg|png|pdf` writes (default frame and size)."""
    from layers.still import render_still  # matplotlib only when a still is asked for

    return render_still(snapshot_of(day, worldview), fmt).data


@st.cache_data(show_spinner=False)
def record_json() -> str:
    return json.dumps(record_to_dict(record()), ensure_ascii=False, indent=1)


@st.cache_data(show_spinner=False)
def recognitions_csv() -> str:
    return recognitions_to_csv(record())


# ---- the view: URL <-> widgets ---------------------------------------------------------


def day_range() -> tuple[date, date]:
    """From the record's first fact to today (or the last fact, if the clock is behind)."""
    shown = record()
    return shown.first_date, max(shown.last_date, date.today())


def open_view_from_url() -> list[str]:
    """Once per session: the link's view becomes the widgets' state; returns the notices."""
    first, last = day_range()
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    view, notices = parse_view(
        params,
        first=first,
        last=last,
        default_day=last,
        layer_names=LAYER_NAMES,
        default_layers=DEFAULT_LAYERS,
    )
    st.session_state["day"] = view.day
    st.session_state["worldview"] = view.worldview.value
    for name in LAYER_NAMES:
        st.session_state[f"layer:{name}"] = name in view.layers
    return notices


def show_notices(notices: list[str]) -> None:
    """What the link asked for and did not get. Notices quote the link, so they are shown as
    plain text (`st.text`), never as Markdown: a quoted `[x](https://...)` must not become a
    link, nor `![](http://...)` an image the reader's browser would fetch."""
    if notices:
        with st.container(border=True, key="notices"):
            st.warning("The link could not be followed exactly:", icon="⚠️")  # our words only
            for notice in notices:
                st.text(notice)


def write_view_to_url(view: View) -> None:
    params = view.to_params()
    if {key: st.query_params.get(key) for key in st.query_params} != params:
        st.query_params.from_dict(params)


def keep_a_day() -> None:
    """The reader cleared the date field: show the last day rather than no map."""
    if st.session_state.get("day") is None:
        st.session_state["day"] = day_range()[1]


def jump_to_key_date() -> None:
    """Quick pick callback: set the date, then clear the pick so it reads as a menu again."""
    picked = st.session_state.get("key_date")
    if picked is not None:
        st.session_state["day"] = picked
    st.session_state["key_date"] = None


def sidebar() -> tuple[View, str | None]:
    first, last = day_range()
    picks = {k.day: k.label for k in key_dates(record())}
    with st.sidebar:
        st.header("View")
        st.date_input(
            "Date",
            value=None,
            key="day",
            min_value=first,
            max_value=last,
            format="YYYY-MM-DD",
            on_change=keep_a_day,
            help=f"Any day from {first.isoformat()} to {last.isoformat()}.",
        )
        st.selectbox(
            "Jump to a key date",
            list(picks),
            key="key_date",
            index=None,
            placeholder="Recognitions, withdrawals, the alliance treaties …",
            format_func=lambda d: f"{d.isoformat()} · {picks[d]}",
            on_change=jump_to_key_date,
        )
        st.radio(
            "Worldview",
            [w.value for w in Worldview],
            key="worldview",
            format_func=lambda w: Worldview(w).label,
        )
        st.subheader("Layers")
        layers = tuple(
            name for name in LAYER_NAMES if st.toggle(name.capitalize(), key=f"layer:{name}")
        )
        tiles = st.selectbox(
            "Background tiles (online)",
            TILE_CHOICES,
            key="tiles",
            format_func=lambda t: t or "None: vector world, works offline",
            help="Tiles are loaded from the internet; the default needs no network.",
        )
    view = View(st.session_state["day"] or last, Worldview(st.session_state["worldview"]), layers)
    return view, tiles


# ---- clicks -> selection -----------------------------------------------------------------


def follow_click(returned: dict[str, Any] | None) -> bool:
    """Selects what was clicked, once per click: the map reports its last click on every
    run, and each click carries a token of its own, so a second click on the same item
    counts while a rerun does not undo a choice made in the picker since. True on the run
    that follows a new click."""
    token = json.dumps(returned, sort_keys=True, default=str)
    item = clicked_id(returned)
    new = bool(item) and st.session_state.get("_last_click") != token
    if new:
        st.session_state[SELECTED] = item
        st.session_state["_clicks"] = st.session_state.get("_clicks", 0) + 1
    st.session_state["_last_click"] = token
    return new


# On a phone Streamlit stacks the columns, so the details come below a map taller than the
# screen: there the map takes part of the screen, the panel grows with its content, and a
# tap on the map scrolls the panel's heading into view. `MAP_FRAME` is the map component's
# iframe (Streamlit titles it by the component's module and name).
MAP_FRAME = 'iframe[title="dashboard.component.map"]'
PHONE_STYLE = f"""<style>
@media (max-width: 640px) {{
  {MAP_FRAME} {{ height: 62vh !important; }}
  .st-key-details {{ height: auto !important; max-height: none !important; }}
}}
</style>"""
# Our own constant script (no value from the record or the link reaches it); the count
# makes each click's copy differ, so Streamlit runs it once per click.
SCROLL_TO_DETAILS = """<script>/* click {count} */
if (window.matchMedia("(max-width: 640px)").matches) {{
  const panel = document.querySelector(".st-key-details");
  if (panel) {{ panel.scrollIntoView({{block: "start", behavior: "instant"}}); }}
}}
</script>"""


def bring_details_into_view() -> None:
    st.html(
        SCROLL_TO_DETAILS.format(count=int(st.session_state.get("_clicks", 0))),
        unsafe_allow_javascript=True,
    )


# ---- the details panel as safe HTML --------------------------------------------------------


def details_html(panel: Details) -> str:
    """The panel as HTML, rendered from the same content model and templates as the map's
    popups (`layers.popups`): every string escaped, sources linked only when http(s)."""
    return panel_html(panel)


def details_panel(snapshot: Snapshot) -> None:
    items = dict(selectable_items(snapshot))
    selected = st.session_state.get(SELECTED)
    if selected and selected not in items:  # a treaty link, or a state the record does not know
        shown = details(snapshot, selected, boundary_names().get(selected))
        items[selected] = shown.title if shown else selected
    st.selectbox(
        "Details for",
        list(items),
        key=SELECTED,
        index=None,
        format_func=lambda item: items[item],
        placeholder="Click the map, or choose a territory, state or treaty",
    )
    panel = details(snapshot, st.session_state.get(SELECTED) or "", items.get(selected))
    if panel is None:
        st.caption(
            "Click a territory, a country or a treaty link on the map to see its status "
            "on this date, who recognises it since when, the treaties in force and the "
            "related events, each with its sources."
        )
        return
    st.html(details_html(panel))


# ---- chart, timeline, downloads ------------------------------------------------------------


@st.cache_data(show_spinner=False)
def recognition_chart_spec(last: str) -> dict[str, Any]:
    """The step chart as a Vega-Lite spec, built (and validated) by Altair once.

    Only the marker of the chosen date changes from run to run, so `recognition_chart`
    swaps that one data point instead of rebuilding and re-validating the chart (40 ms).
    Altair is imported here, not with the page: importing it takes about a second, and the
    first run would otherwise spend it before the map is sent.
    """
    import altair as alt

    steps = recognition_steps(record())
    frame = pd.DataFrame(
        {
            "territory": [s.name for s in steps],
            "start": [s.start.isoformat() for s in steps],
            "UN members recognising": [s.count for s in steps],
        }
    )
    ends = frame.groupby("territory", as_index=False).last().assign(start=last)
    data = pd.concat([frame, ends], ignore_index=True)
    lines = (
        alt.Chart(data)
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("start:T", title=None),
            y=alt.Y("UN members recognising:Q", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("territory:N", legend=alt.Legend(orient="top", title=None)),
            strokeDash=alt.StrokeDash("territory:N", legend=None),
            tooltip=[
                "territory:N",
                alt.Tooltip("start:T", title="from"),
                "UN members recognising:Q",
            ],
        )
    )
    marker = (
        alt.Chart(pd.DataFrame({"chosen date": [last]}))
        .mark_rule(color="#d62728", strokeWidth=2)
        .encode(x="chosen date:T", tooltip=["chosen date:T"])
    )
    return (lines + marker).properties(height=240).to_dict()


def recognition_chart(view: View, last: date) -> None:
    spec = recognition_chart_spec(last.isoformat())  # a copy: cache_data returns one per call
    marker_data = spec["layer"][1]["data"]["name"]
    spec["datasets"][marker_data] = [{"chosen date": view.day.isoformat()}]
    st.vega_lite_chart(spec, width="stretch")


def _first_web_link(event: Event) -> str | None:
    """Only http(s) addresses become links in the table (LinkColumn would follow others)."""
    return next((s.url for s in event.sources if s.url and is_web_url(s.url)), None)


def events_table(snapshot: Snapshot) -> None:
    events = sorted(snapshot.events, key=lambda e: e.day, reverse=True)
    frame = pd.DataFrame(
        {
            "date": [e.day.isoformat() for e in events],
            "event": [e.title for e in events],
            "kind": [e.kind for e in events],
            "who": [", ".join(snapshot.name(i) for i in e.entities) for e in events],
            "source": [_first_web_link(e) for e in events],
        }
    )
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        height=280,
        column_config={"source": st.column_config.LinkColumn("source", display_text="open")},
    )


def stale_facts_list() -> None:
    """Facts in force today whose last confirming source is older than the reader's limit,
    so a reader knows which statuses to look at again (`geomap validate --stale`)."""
    with st.expander("Facts not confirmed by a source recently"):
        days = st.number_input("Not confirmed for more than (days)", 0, 36_500, 365, 30)
        stale = stale_facts(record(), date.today(), int(days))
        frame = pd.DataFrame(
            {
                "fact": [f"{f.kind} {f.id}" for f in stale],
                "file": [f.file for f in stale],
                "last checked": [f.checked.isoformat() if f.checked else "never" for f in stale],
            }
        )
        st.caption(f"{len(stale)} fact(s) in force today, oldest confirmation first.")
        st.dataframe(frame, hide_index=True, width="stretch")


def facts_json(day: str, worldview: str) -> str:
    return json.dumps(snapshot_to_dict(snapshot_of(day, worldview)), ensure_ascii=False, indent=1)


def downloads(view: View, tiles: str | None) -> None:
    """Generated only when clicked (deferred), by the same functions `geomap export` uses."""
    day, worldview = view.day.isoformat(), view.worldview.value
    stem = f"geomap-{day}-{worldview}"
    offline = "works offline" if tiles is None else "loads its tiles online"
    files = [
        (
            f"Map (HTML, {offline})",
            lambda: export_html_of(day, worldview, view.layers, tiles),
            f"{stem}.html",
            "text/html",
        ),
        (
            "Territories (GeoJSON)",
            lambda: geojson_of(day, worldview),
            f"{stem}.geojson",
            "application/geo+json",
        ),
        (
            "Facts of this day (JSON)",
            lambda: facts_json(day, worldview),
            f"{stem}-facts.json",
            "application/json",
        ),
        *(
            (
                f"Still map ({fmt.upper()})",
                lambda fmt=fmt: still_of(day, worldview, fmt),
                f"{stem}.{fmt}",
                mime,
            )
            for fmt, mime in (
                ("svg", "image/svg+xml"),
                ("png", "image/png"),
                ("pdf", "application/pdf"),
            )
        ),
        ("Whole record (JSON)", record_json, "geomap-record.json", "application/json"),
        ("Recognitions (CSV)", recognitions_csv, "geomap-recognitions.csv", "text/csv"),
    ]
    for column, (label, generate, name, mime) in zip(st.columns(len(files)), files, strict=True):
        column.download_button(label, generate, file_name=name, mime=mime, on_click="ignore")


# ---- the page ----------------------------------------------------------------------------------


def refuse(heading: str, error: Exception) -> None:
    """Stops the page with our heading and the error's own message as plain text."""
    st.error(heading, icon="⛔")
    st.text(str(error))
    st.stop()


def main() -> None:
    st.set_page_config(page_title="geomap: Abkhazia and South Ossetia", layout="wide")
    try:
        record()
        boundary_names()  # reads the display artifact: a stale one is refused, never rebuilt here
    except RecordUnavailable as error:
        refuse("The record cannot be shown.", error)
    except StaleDisplayArtifact as error:
        refuse("The map's boundary data needs rebuilding.", error)
    if "notices" not in st.session_state:
        st.session_state["notices"] = open_view_from_url()
    view, tiles = sidebar()
    write_view_to_url(view)
    day, worldview = view.day.isoformat(), view.worldview.value
    snapshot = snapshot_of(day, worldview)

    st.subheader("Abkhazia and South Ossetia: who recognises them, and the treaties that bind them")
    st.caption(f"{day} · {view.worldview.label}. {view.worldview.convention}")
    show_notices(st.session_state["notices"])

    st.html(PHONE_STYLE)
    map_column, panel_column = st.columns([2, 1], gap="medium")
    with map_column:
        clicked = follow_click(show_map(view, tiles))
    with panel_column, st.container(height=MAP_HEIGHT, border=False, key="details"):
        details_panel(snapshot)
        if clicked:
            bring_details_into_view()

    chart_column, timeline_column = st.columns(2, gap="medium")
    with chart_column:
        st.subheader("UN member states recognising")
        recognition_chart(view, day_range()[1])
    with timeline_column:
        st.subheader(f"Events up to {day}")
        events_table(snapshot)
    stale_facts_list()
    st.subheader("Downloads")
    downloads(view, tiles)


if __name__ == "__main__":  # `streamlit run` runs the script as __main__; tests import it too
    main()
