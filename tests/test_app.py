"""The dashboard without a browser (streamlit.testing.v1.AppTest).

Widgets, links, clicks, downloads."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

import layers.map
from geodata.details import Details, Fact, Section
from geodata.loader import default_record
from geodata.model import Source
from geodata.snapshot import as_of
from geodata.worldviews import Worldview
from layers.assets import assert_offline
from layers.export import render_geojson, render_html
from layers.map import DEFAULT_LAYERS, LAYER_NAMES

APP = Path(__file__).resolve().parent.parent / "app.py"
TIMEOUT = 180  # the first run builds a map on a shared, noisy machine


def map_click(item: str | None, click: int = 1) -> dict[str, Any]:
    """What the map component (dashboard/frontend/map.js) sends on a click: the clicked
    item's id from its GeoJSON properties, and a token of its own for each click."""
    return {"id": item, "click": f"1764000000000.5:{click}"} if item else {"click": f"x:{click}"}


ABKHAZIA_CLICK = map_click("ABK")


def open_app(**params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def map_element(at: AppTest) -> Any:
    (element,) = at.get("component_instance")
    return element


def map_args(at: AppTest) -> dict[str, Any]:
    return json.loads(map_element(at).proto.json_args)


def click(at: AppTest, value: dict[str, Any]) -> AppTest:
    """What the map frontend does on a click: set the component's value, rerun."""
    at.session_state[map_args(at)["key"]] = value
    return at.run()


def panel_html(at: AppTest) -> str:
    panels = [h.value for h in at.html if "geomap-details" in h.value]
    assert len(panels) == 1, "no details panel shown"
    return panels[0]


def section(html_text: str, key: str) -> str:
    match = re.search(rf'<section data-section="{key}">(.*?)</section>', html_text, re.S)
    assert match, f"no section {key}"
    return match.group(1)


def notices(at: AppTest) -> list[str]:
    """The link's notices, each shown as plain text (st.text) under one warning."""
    return [t.value for t in at.text]


def set_day(at: AppTest, day: date) -> AppTest:
    at.sidebar.date_input(key="day").set_value(day)
    return at.run()


def url(at: AppTest) -> dict[str, str]:
    return {key: at.query_params[key] for key in at.query_params}


def last_day() -> date:
    return max(default_record().last_date, date.today())


def test_defaults_without_a_link() -> None:
    at = open_app()
    no_errors(at)
    assert not at.warning
    assert at.sidebar.date_input(key="day").value == last_day()
    assert at.sidebar.radio(key="worldview").value == Worldview.DE_FACTO.value
    assert len(at.sidebar.radio(key="worldview").options) == len(Worldview)
    for name in LAYER_NAMES:
        assert at.sidebar.toggle(key=f"layer:{name}").value == (name in DEFAULT_LAYERS)
    assert url(at) == {
        "date": last_day().isoformat(),
        "worldview": "de-facto",
        "layers": ",".join(DEFAULT_LAYERS),
    }


def test_the_map_is_the_exported_page_and_loads_nothing_from_a_cdn() -> None:
    """The component is given the page `geomap export` writes for the view, nothing else
    (it sends back clicks only: tests/test_browser_dashboard.py counts the reruns)."""
    args = map_args(open_app(date="2015-06-01", worldview="de-jure"))
    assert set(args) == {"html", "height", "key", "default"}
    snapshot = as_of(date(2015, 6, 1), "de-jure")
    assert args["html"] == render_html(snapshot, DEFAULT_LAYERS, None)
    assert_offline(args["html"])
    assert "Content-Security-Policy" in args["html"]


def test_a_link_reopens_its_view() -> None:
    at = open_app(date="2015-01-23", worldview="de-jure", layers="territories,places")
    no_errors(at)
    assert not at.warning
    assert at.sidebar.date_input(key="day").value == date(2015, 1, 23)
    assert at.sidebar.radio(key="worldview").value == "de-jure"
    assert [n for n in LAYER_NAMES if at.sidebar.toggle(key=f"layer:{n}").value] == [
        "territories",
        "places",
    ]
    assert url(at) == {"date": "2015-01-23", "worldview": "de-jure", "layers": "territories,places"}


@pytest.mark.parametrize(
    "params",
    [
        {"date": "2015-13-45"},
        {"date": "1800-01-01"},
        {"date": "<script>alert(1)</script>"},
        {"worldview": "klingon"},
        {"layers": "territories,satellite"},
        {"date": "x", "worldview": "y", "layers": "z"},
    ],
)
def test_a_bad_link_falls_back_with_a_notice(params: dict[str, str]) -> None:
    at = open_app(**params)
    no_errors(at)
    assert len(at.warning) == 1 and len(notices(at)) == len(params)
    assert at.sidebar.date_input(key="day").value == last_day()
    assert at.sidebar.radio(key="worldview").value == "de-facto"
    assert url(at)["layers"] == ",".join(DEFAULT_LAYERS)
    assert len(at.get("component_instance")) == 1  # the map is still there


@pytest.mark.parametrize(
    "params",
    [
        {"worldview": "[OFFICIAL MAP](https://evil.example/x)"},
        {"date": "![](http://host/p.png)"},
        {"layers": "<img src=http://host/p.png>"},
    ],
)
def test_link_text_is_shown_as_plain_text(params: dict[str, str]) -> None:
    """A notice quotes the link: as text, never as Markdown (no link, no remote image)."""
    at = open_app(**params)
    no_errors(at)
    (value,) = params.values()
    (notice,) = notices(at)
    assert value[:40] in notice
    shown = at.get("text")[0].proto
    assert shown.body == notice  # a Text element: Streamlit renders no Markdown or HTML in it
    assert not any(value[:20] in m.value for m in at.markdown)
    assert not any(value[:20] in w.value for w in at.warning)


def test_empty_layers_and_repeated_keys_give_notices() -> None:
    at = open_app(layers="")
    assert [n for n in notices(at) if "no layers" in n]
    assert [n for n in LAYER_NAMES if at.sidebar.toggle(key=f"layer:{n}").value] == []
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["date"] = ["2015-01-23", "2009-01-01"]
    at.run()
    no_errors(at)
    (notice,) = notices(at)
    assert "'date' 2 times" in notice and "using the last, '2009-01-01'" in notice
    assert at.sidebar.date_input(key="day").value == date(2009, 1, 1)


def test_controls_write_the_view_to_the_link() -> None:
    at = open_app()
    set_day(at, date(2009, 1, 1))
    at.sidebar.radio(key="worldview").set_value("recognising")
    at.sidebar.toggle(key=f"layer:{LAYER_NAMES[-1]}").set_value(False)
    at.run()
    no_errors(at)
    assert url(at)["date"] == "2009-01-01" and url(at)["worldview"] == "recognising"
    assert LAYER_NAMES[-1] not in url(at)["layers"].split(",")
    assert "2009-01-01" in at.caption[0].value


def test_key_dates_jump_the_date_control() -> None:
    at = open_app()
    picks = at.sidebar.selectbox(key="key_date")
    assert {
        date(2008, 8, 26),
        date(2009, 12, 16),
        date(2014, 3, 31),
        date(2014, 11, 24),
        date(2015, 1, 23),
        date(2018, 5, 29),
    } <= set(
        picks.options_values
        if hasattr(picks, "options_values")
        else [date.fromisoformat(o[:10]) for o in picks.options]
    )
    picks.set_value(date(2015, 1, 23))
    at.run()
    no_errors(at)
    assert at.sidebar.date_input(key="day").value == date(2015, 1, 23)
    assert at.sidebar.selectbox(key="key_date").value is None  # reads as a menu again
    assert url(at)["date"] == "2015-01-23"


def test_clicking_abkhazia_opens_its_details() -> None:
    at = open_app(date="2015-06-01")
    assert not [h for h in at.html if "geomap-details" in h.value]
    click(at, ABKHAZIA_CLICK)
    no_errors(at)
    recognised = section(panel_html(at), "recognised-un")
    for state in ("Russia", "Nicaragua", "Venezuela", "Nauru"):
        assert state in recognised
    assert "Syria" not in recognised and "Tuvalu" not in recognised
    assert 'href="https://' in recognised or 'href="http://' in recognised

    set_day(at, date(2008, 8, 1))  # the selection stays, the facts follow the date
    no_errors(at)
    recognised = section(panel_html(at), "recognised-un")
    assert "No UN member state recognises Abkhazia" in recognised
    assert "<li>" not in recognised


def test_a_second_click_on_the_same_shape_reselects_it() -> None:
    at = open_app(date="2015-06-01")
    click(at, ABKHAZIA_CLICK)
    at.selectbox(key="selected").set_value("GEO")
    at.run()
    assert "Georgia" in panel_html(at)
    at.run()  # the map still reports its last click: that must not undo the choice
    assert 'data-item="GEO"' in panel_html(at)
    click(at, map_click("ABK", click=2))
    assert 'data-item="ABK"' in panel_html(at)


def test_clicking_a_state_the_record_does_not_know() -> None:
    at = open_app(date="2015-06-01")
    click(at, map_click("FRA"))
    no_errors(at)
    assert "France has never recognised Abkhazia or South Ossetia" in panel_html(at)


def test_clicking_a_treaty_link_opens_the_treaties_of_its_pair() -> None:
    """A treaty link carries its pair's id ("RUS+ABK"): nothing is read from its geometry."""
    at = open_app(date="2015-06-01")
    click(at, map_click("RUS+ABK"))
    no_errors(at)
    treaties = section(panel_html(at), "treaties")
    assert 'data-item="RUS+ABK"' in panel_html(at)
    assert "Russia–Abkhazia alliance (2014)" in treaties and "in force since 2015-03-05" in treaties


def test_a_click_is_resolved_by_id_alone() -> None:
    """A halo carries its state's id and a place marker its place's; the component sends
    nothing but the id, and a value without one selects nothing."""
    at = open_app(date="2015-06-01")
    click(at, map_click("NRU"))
    assert 'data-item="NRU"' in panel_html(at)
    click(at, map_click("sukhumi", click=2))
    assert 'data-item="sukhumi"' in panel_html(at) and "Sukhumi" in panel_html(at)
    at = open_app(date="2015-06-01")
    click(at, map_click(None))  # a click the frontend would not even send
    no_errors(at)
    assert not [h for h in at.html if "geomap-details" in h.value]


def test_treaty_details_from_the_picker() -> None:
    at = open_app(date="2015-01-23")
    at.selectbox(key="selected").set_value("rus-abk-alliance-2014")
    at.run()
    no_errors(at)
    steps = section(panel_html(at), "steps")
    assert "State Duma" in steps and "Signed" in steps


def test_the_panel_escapes_everything_and_links_only_web_urls() -> None:
    import app

    evil = "<script>alert(1)</script> *bold* [x](javascript:alert(1))"
    panel = Details(
        "X<1>",
        "territory",
        evil,
        evil,
        (
            Section(
                's"x',
                evil,
                (
                    Fact(
                        evil,
                        evil,
                        None,
                        (
                            Source(evil, url="javascript:alert(1)"),
                            Source(evil, url="https://example.org/?a=1&b=<2>"),
                            Source(evil, document=evil),
                        ),
                        evil,
                    ),
                ),
                evil,
            ),
        ),
        (Source(evil, url="data:text/html,hi"),),
        evil,
    )
    text = app.details_html(panel)
    assert "<script>" not in text
    assert re.findall(r'href="([^"]*)"', text) == ["https://example.org/?a=1&amp;b=&lt;2&gt;"]
    assert text.count("<a ") == 1
    assert "&lt;script&gt;" in text


@pytest.fixture
def deferred_downloads(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Callable[[], Any]]]:
    """The download buttons' generators by file name (they run when a reader clicks)."""
    found: dict[str, Callable[[], Any]] = {}
    original = MediaFileManager.add_deferred

    def spy(
        self: MediaFileManager,
        callable_: Callable[[], Any],
        mimetype: str | None,
        coordinates: str,
        file_name: str | None = None,
        **kwargs: Any,
    ) -> str:
        found[file_name or coordinates] = callable_
        return original(self, callable_, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    yield found


def text_of(data: Any) -> str:
    return data.decode("utf-8") if isinstance(data, bytes) else str(data)


def test_downloads_hold_the_current_view(deferred_downloads: dict[str, Callable[[], Any]]) -> None:
    at = open_app(date="2015-01-23", worldview="de-jure", layers="territories")
    no_errors(at)
    stem = "geomap-2015-01-23-de-jure"
    assert {
        f"{stem}.html",
        f"{stem}.geojson",
        f"{stem}-facts.json",
        "geomap-record.json",
        "geomap-recognitions.csv",
    } <= set(deferred_downloads)
    snapshot = as_of(date(2015, 1, 23), "de-jure")

    page = text_of(deferred_downloads[f"{stem}.html"]())
    assert page == render_html(
        snapshot, ["territories"], None
    )  # exactly what `geomap export` writes

    geojson = json.loads(text_of(deferred_downloads[f"{stem}.geojson"]()))
    assert geojson == json.loads(render_geojson(snapshot))
    assert geojson["as_of"] == "2015-01-23" and geojson["worldview"] == "de-jure"

    facts = json.loads(text_of(deferred_downloads[f"{stem}-facts.json"]()))
    abkhazia = next(t for t in facts["territories"] if t["id"] == "ABK")
    assert {r["id"] for r in abkhazia["recognized_by"]} >= {"RUS", "NIC", "VEN", "NRU"}

    record = json.loads(text_of(deferred_downloads["geomap-record.json"]()))
    assert len(record["recognitions"]) == len(default_record().recognitions)
    assert record["recognitions"][0]["sources"][0]["title"]

    rows = list(
        csv.DictReader(io.StringIO(text_of(deferred_downloads["geomap-recognitions.csv"]())))
    )
    tuvalu = next(r for r in rows if r["id"] == "tuv-abk")
    assert tuvalu["withdrawn"] == "2014-03-31" and tuvalu["of_name"] == "Abkhazia"


def test_still_map_downloads_are_what_geomap_export_writes(
    deferred_downloads: dict[str, Callable[[], Any]],
) -> None:
    from layers.still import render_still

    at = open_app(date="2008-08-01", worldview="de-facto")
    no_errors(at)
    stem = "geomap-2008-08-01-de-facto"
    snapshot = as_of(date(2008, 8, 1), "de-facto")
    for fmt in ("svg", "png", "pdf"):
        assert deferred_downloads[f"{stem}.{fmt}"]() == render_still(snapshot, fmt).data


def test_chart_marks_the_chosen_date_and_timeline_stops_there() -> None:
    at = open_app(date="2012-01-01")
    no_errors(at)
    (chart,) = at.get("vega_lite_chart")
    frames = [convert_arrow_bytes_to_pandas_df(d.data.data) for d in chart.proto.datasets]
    marker = next(f for f in frames if "chosen date" in f.columns)
    assert list(marker["chosen date"]) == ["2012-01-01"]
    steps = next(f for f in frames if "UN members recognising" in f.columns)
    assert set(steps["territory"]) == {"Abkhazia", "South Ossetia"}
    table = at.dataframe[0]  # the events; the stale-facts list follows
    days = list(table.value["date"])
    assert days and max(days) <= "2012-01-01" and "2011-09-18" in days


def test_a_day_already_shown_replays_its_map_without_building_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Switching back to a day shows the page prepared for it, byte for byte."""
    built: list[date] = []
    real_build = layers.map.build_map

    def counting_build(snapshot: Any, **kwargs: Any) -> Any:
        built.append(snapshot.as_of)
        return real_build(snapshot, **kwargs)

    monkeypatch.setattr(layers.map, "build_map", counting_build)
    days = [date(2016, 7, 19), date(2010, 2, 3)]  # shown by no other test: caches are per process
    at = open_app(date=days[0].isoformat())
    first = map_args(at)
    set_day(at, days[1])
    set_day(at, days[0])
    no_errors(at)
    assert built == days
    assert map_args(at) == first


@pytest.mark.parametrize("tiles", ["OpenStreetMap.Mapnik", "Esri.WorldGrayCanvas"])
def test_an_online_tile_background_is_a_choice(tiles: str) -> None:
    at = open_app(date="2015-06-01")
    offline_page = map_args(at)["html"]
    at.sidebar.selectbox(key="tiles").set_value(tiles)
    at.run()
    no_errors(at)
    tile_host = str(layers.map.tile_provider(tiles)["url"]).split("/")[2]
    assert tile_host in map_args(at)["html"] and tile_host not in offline_page


@pytest.fixture
def fresh_caches() -> Iterator[None]:
    """The record is cached per process (it is read when the server starts): clear the
    caches around a test that points GEOMAP_RECORD elsewhere."""
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


def test_the_dashboard_shows_the_record_named_by_geomap_record(
    fresh_caches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from geodata.loader import load_record
    from geodata.timeline import key_dates

    mini = Path(__file__).parent / "data" / "mini_record"
    monkeypatch.setenv("GEOMAP_RECORD", str(mini))
    at = open_app(date="2015-01-23")
    no_errors(at)
    picks = at.sidebar.selectbox(key="key_date")
    assert len(picks.options) == len(key_dates(load_record(mini))) != len(key_dates())


def test_a_record_folder_that_does_not_validate_is_named_in_plain_text(
    fresh_caches: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import shutil

    folder = tmp_path / "record"
    shutil.copytree(Path(__file__).parent / "data" / "mini_record", folder)
    entities = folder / "entities.toml"
    entities.write_text(
        entities.read_text().replace(
            'name = "Georgia"', 'name = "Georgia"\nflag = "[x](https://evil.example)"'
        )
    )
    monkeypatch.setenv("GEOMAP_RECORD", str(folder))
    at = open_app()
    no_errors(at)
    assert at.error and not at.get("component_instance")
    (shown,) = [t.value for t in at.text]
    assert "entities.toml" in shown and "flag" in shown and "does not validate" in shown
    assert not any("evil.example" in m.value for m in at.markdown)


def test_the_dashboard_lists_facts_not_confirmed_for_longer_than_the_limit() -> None:
    at = open_app()
    no_errors(at)
    table = at.dataframe[-1].value
    assert "last checked" in table.columns
    assert len(table) > 0  # with the default of a year, some statuses are older
    at.number_input[0].set_value(36_500).run()
    no_errors(at)
    assert len(at.dataframe[-1].value) == 0  # every fact in force has a checked date


def test_a_stale_display_artifact_stops_the_page_with_the_command_that_fixes_it(
    fresh_caches: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import geodata.display

    manifest = json.loads(geodata.display.DISPLAY_MANIFEST.read_text(encoding="utf-8"))
    manifest["parameters"]["island_decimals"] = -1
    stale = tmp_path / "DISPLAY.json"
    stale.write_text(json.dumps(manifest), encoding="utf-8")
    monkeypatch.setattr(geodata.display, "DISPLAY_MANIFEST", stale)
    geodata.display._display.cache_clear()
    try:
        at = open_app()
        no_errors(at)
        assert at.error and not at.get("component_instance")
        (shown,) = [t.value for t in at.text]
        assert "`geomap build-data`" in shown
    finally:
        monkeypatch.undo()
        geodata.display._display.cache_clear()
