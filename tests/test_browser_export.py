"""The exported HTML in a real Chromium, opened from `file://` with the network cut off.

Every test's page is checked afterwards (in the `offline_page` fixture) for blocked requests
and page errors; screenshots go to `test-output/screenshots/` for a person to look at.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import shapely
import shapely.geometry
from offline_browser import (
    BORDER_VIEWS,
    OfflinePage,
    click_inside,
    drawn_border_gaps,
    hover_inside,
    open_map,
    show,
)

from geodata.display import display_boundaries, display_disputed_lines
from geodata.loader import RecordError, default_record, load_record
from geodata.model import Source
from geodata.snapshot import StanceKind, as_of
from layers.export import export_html
from layers.shapes import encode_geometry
from layers.style import STANCES

pytestmark = pytest.mark.browser

MINI_RECORD = Path(__file__).parent / "data" / "mini_record"
ALLIANCE = "rus-abk-alliance-2014"  # the Russia–Abkhazia alliance the Duma ratified 2015-01-23
WORLD = ((-58.0, -170.0), (78.0, 190.0))

Exporter = Callable[..., Path]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Exporter:
    """Exports a map once per (day, worldview, record) and returns its path."""
    folder = tmp_path_factory.mktemp("export")
    made: dict[tuple[Any, ...], Path] = {}

    def make(
        day: str = "2015-01-23",
        worldview: str = "de-facto",
        record: Any = None,
        name: str | None = None,
    ) -> Path:
        key = (day, worldview, id(record))
        if key not in made:
            path = folder / (name or f"{worldview}-{day}.html")
            export_html(as_of(date.fromisoformat(day), worldview, record), path)
            made[key] = path
        return made[key]

    return make


# --- what the default map shows -----------------------------------------------------------


@pytest.mark.parametrize("territory", ["ABK", "SOS", "GEO", "RUS"])
def test_draws_the_territory(territory: str, exported: Exporter, offline_page: OfflinePage) -> None:
    page = open_map(offline_page, exported())
    show(page)
    boxes = [p.bounding_box() for p in page.locator(f"path.geomap-{territory}").all()]
    assert boxes, f"no path with class geomap-{territory}"
    assert any(b and b["width"] > 0 and b["height"] > 0 for b in boxes)


def test_hovering_abkhazia_shows_its_tooltip(
    exported: Exporter, offline_page: OfflinePage, screenshot_dir: Path
) -> None:
    page = open_map(offline_page, exported())
    show(page)
    hover_inside(page, "path.geomap-territory.geomap-ABK")
    tooltip = page.locator(".leaflet-tooltip").first
    tooltip.wait_for(state="visible")
    assert "Abkhazia" in tooltip.inner_text()
    page.screenshot(path=str(screenshot_dir / "de-facto-2015-01-23-tooltip.png"))


def test_clicking_abkhazia_shows_the_popup_with_sources(
    exported: Exporter, offline_page: OfflinePage, screenshot_dir: Path
) -> None:
    page = open_map(offline_page, exported())
    show(page)
    click_inside(page, "path.geomap-territory.geomap-ABK")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible")
    assert "Abkhazia" in popup.inner_text()
    links = popup.locator("a[href]")
    assert links.count() >= 1, "the popup cites no source"
    for href in links.evaluate_all("links => links.map(a => a.href)"):
        assert re.match(r"https?://", href), href
    page.screenshot(path=str(screenshot_dir / "de-facto-2015-01-23-popup.png"))


def test_the_legend_and_title_are_visible(
    exported: Exporter, offline_page: OfflinePage, screenshot_dir: Path
) -> None:
    page = open_map(offline_page, exported())
    assert page.locator("#geomap-legend").is_visible()
    title = page.locator("#geomap-title, .geomap-title").first
    assert title.is_visible()
    assert "2015" in title.inner_text()
    show(page, WORLD)
    page.screenshot(path=str(screenshot_dir / "de-facto-2015-01-23-world.png"))
    show(page)
    page.screenshot(path=str(screenshot_dir / "de-facto-2015-01-23-caucasus.png"))


@pytest.mark.parametrize(("day", "drawn"), [("2015-01-23", True), ("2014-11-01", False)])
def test_the_alliance_link_exists_only_once_signed(
    day: str, drawn: bool, exported: Exporter, offline_page: OfflinePage
) -> None:
    """Russia–Abkhazia is one link on both days (the 2008 treaties bind them already); only
    once the alliance is signed does that link carry it."""
    page = open_map(offline_page, exported(day))
    show(page)
    pair = page.locator("path.geomap-link.geomap-pair-RUS-ABK")
    assert pair.count() == 1
    box = pair.first.bounding_box()
    assert box and (box["width"] > 0 or box["height"] > 0)
    assert (page.locator(f"path.geomap-link-{ALLIANCE}").count() == 1) is drawn
    assert page.locator(f"path.geomap-link-{ALLIANCE}:not(.geomap-pair-RUS-ABK)").count() == 0
    hover_inside(page, "path.geomap-pair-RUS-ABK")
    tooltip = page.locator(".leaflet-tooltip").first
    tooltip.wait_for(state="visible")
    said = tooltip.inner_text()
    assert "Russia – Abkhazia" in said and ("mutual defence" in said) is drawn


LEGEND_LAYOUT = """() => {
    const box = el => el.getBoundingClientRect();
    const legend = box(document.querySelector('#geomap-legend'));
    const body = document.querySelector('.geomap-legend-body');
    const last = box([...document.querySelectorAll('#geomap-legend li')].pop());
    return {open: !document.querySelector('#geomap-legend-body').hidden,
            legend: [legend.top, legend.bottom], last: [last.top, last.bottom],
            scrolls: body.scrollHeight > body.clientHeight + 1,
            zoom: box(document.querySelector('.leaflet-control-zoom')).bottom,
            scale: box(document.querySelector('.leaflet-control-scale')).top,
            behind: document.querySelectorAll('.leaflet-bottom.leaflet-left > *').length};
}"""


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (1200, 760), (1280, 900)])
def test_the_legend_fits_between_the_zoom_buttons_and_the_scale(
    width: int, height: int, exported: Exporter, offline_page: OfflinePage
) -> None:
    page = offline_page.page
    page.set_viewport_size({"width": width, "height": height})
    page = open_map(offline_page, exported())
    layout = page.evaluate(LEGEND_LAYOUT)
    assert layout["open"], "a large screen opens the legend"
    assert layout["zoom"] < layout["legend"][0] < layout["legend"][1] <= layout["scale"]
    assert layout["last"][1] <= layout["legend"][1], "the last entry is cut off"
    assert not layout["scrolls"], "the whole legend fits on a laptop screen"
    assert layout["behind"] == 2  # the legend and the scale, nothing peeking out


def test_switching_a_layer_off_takes_its_legend_section(
    exported: Exporter, offline_page: OfflinePage
) -> None:
    page = open_map(offline_page, exported())
    section = page.locator('#geomap-legend section[data-layer="alliances"]')
    assert section.is_visible()
    page.hover(".leaflet-control-layers")
    page.get_by_text("Treaties and alliances").click()
    assert section.is_hidden()
    page.get_by_text("Treaties and alliances").click()
    assert section.is_visible()


def test_each_polygon_is_drawn_once_and_the_world_fills_in_without_territories(
    exported: Exporter, offline_page: OfflinePage
) -> None:
    """The world layer leaves the territories layer's polygons to it, and draws them itself
    (in their stance colours) while the reader has the territories layer switched off."""
    page = open_map(offline_page, exported())
    focal = ["ABK", "SOS", "GEO", "RUS"]
    drawn = "ids => ids.map(id => document.querySelectorAll('path.geomap-' + id).length)"
    world = (
        "ids => ids.map(id => document.querySelectorAll('path.geomap-country.geomap-' + id).length)"
    )
    assert page.evaluate(drawn, focal) == [1, 1, 1, 1]
    page.hover(".leaflet-control-layers")
    page.locator(".leaflet-control-layers").get_by_text("Territories", exact=True).click()
    assert page.evaluate(world, focal) == [1, 1, 1, 1]
    assert page.evaluate(drawn, focal) == [1, 1, 1, 1]
    page.locator(".leaflet-control-layers").get_by_text("Territories", exact=True).click()
    assert page.evaluate(world, focal) == [0, 0, 0, 0]
    assert page.evaluate(drawn, focal) == [1, 1, 1, 1]


def test_a_popup_opens_clear_of_the_title_and_the_legend(
    exported: Exporter, offline_page: OfflinePage, screenshot_dir: Path
) -> None:
    """At 1200x760 Abkhazia's popup used to open under the title box."""
    offline_page.page.set_viewport_size({"width": 1200, "height": 760})
    page = open_map(offline_page, exported())
    show(page)
    click_inside(page, "path.geomap-territory.geomap-ABK")
    page.wait_for_timeout(400)  # the auto-pan
    popup = page.locator(".leaflet-popup").bounding_box()
    title = page.locator("#geomap-title").bounding_box()
    legend = page.locator("#geomap-legend").bounding_box()
    assert popup and title and legend
    assert popup["y"] >= title["y"] + title["height"]
    assert popup["x"] >= legend["x"] + legend["width"]
    page.screenshot(path=str(screenshot_dir / "de-facto-2015-01-23-popup-1200x760.png"))


SAME_AS_LEAFLET = """() => {
    const map = Object.values(window).find(v => v instanceof L.Map);
    const xy = rings => JSON.stringify(rings.map(r => r.map(p => [p.x, p.y])));
    const result = {projected: [], waiting: [], differ: []};
    map.eachLayer(layer => {
        if (!layer._view) return;  // our shapes (layers/shapes.py) only
        const id = layer.feature.properties.id, theirs = [], bounds = new L.Bounds();
        L.Polyline.prototype._projectLatlngs.call(layer, layer.getLatLngs(), theirs, bounds);
        if (JSON.stringify(bounds) !== JSON.stringify(layer._rawPxBounds)) {
            result.differ.push(id + ": bounds");
        }
        if (layer._rings === null) {
            const b = layer._renderer._bounds, weight = layer.options.weight;
            const w = new L.Point(weight, weight);
            if (layer._pxBounds.intersects(new L.Bounds(b.min.subtract(w), b.max.add(w)))) {
                result.differ.push(id + ": in view, not projected");
            }
            result.waiting.push(id);
        } else {
            if (xy(theirs) !== xy(layer._rings)) result.differ.push(id + ": points");
            result.projected.push(id);
        }
    });
    return result;
}"""


@pytest.mark.parametrize(
    ("view", "zoom"),
    [((42.3, 43.4), 6), ((42.3, 43.4), 2), ((42.3, 43.4), 9), ((-10.0, -52.0), 6)],
    ids=["opening view", "world", "Caucasus close up", "panned to Brazil"],
)
def test_our_shapes_project_leaflets_points_when_in_view(
    view: tuple[float, float], zoom: int, exported: Exporter, offline_page: OfflinePage
) -> None:
    """Each shape's pixel bounds and, once it is in view, its points are exactly those
    Leaflet's own `_projectLatlngs` gives; shapes out of view wait, and panning to one
    draws it."""
    page = open_map(offline_page, exported())
    page.evaluate(  # a block: setView returns the map, which Playwright would serialise
        "([view, zoom]) => { Object.values(window).find(v => v instanceof L.Map)"
        ".setView(view, zoom, {animate: false}); }",
        [list(view), zoom],
    )
    result = page.evaluate(SAME_AS_LEAFLET)
    assert result["differ"] == []
    assert len(result["projected"]) + len(result["waiting"]) > 250
    if zoom == 6:  # most of the world is out of view and is not projected
        assert len(result["waiting"]) > 150
    if view[0] < 0:
        assert "BRA" in result["projected"]
        drawn = page.locator("path.geomap-BRA").get_attribute("d") or ""
        assert drawn.count("L") > 20


@pytest.mark.parametrize("line", sorted(BORDER_VIEWS))
def test_shared_borders_stay_shared_as_drawn(
    line: str, exported: Exporter, offline_page: OfflinePage
) -> None:
    """Leaflet simplifies each path on its own; the territories and their lines are drawn
    unsimplified, so every drawn point of a disputed line is a drawn point of both
    neighbours at every zoom: no sliver opens between them."""
    page = open_map(offline_page, exported())
    for zoom, drawn in drawn_border_gaps(page, line).items():
        assert drawn["points"] > 3 and drawn["missing"] == [0, 0], (zoom, drawn)


AS_GEOJSON = """ids => {
    const map = Object.values(window).find(v => v instanceof L.Map), found = {};
    map.eachLayer(layer => {
        if (layer._view && ids.includes(layer.feature.properties.id)) {
            found[layer.feature.properties.id] = layer.toGeoJSON();
        }
    });
    return found;
}"""


def test_our_shapes_give_back_the_display_geometry(
    exported: Exporter, offline_page: OfflinePage
) -> None:
    """`toGeoJSON` (streamlit-folium sends it on a click) rebuilds each shape vertex for
    vertex: a polygon, one with a hole (South Africa), islands (Greece), a line."""
    display = pd.concat([display_boundaries(), display_disputed_lines()]).set_index("id")
    ids = ["ABK", "SOS", "ZAF", "GRC", "GEO-ABK"]
    page = open_map(offline_page, exported())
    found = page.evaluate(AS_GEOJSON, ids)
    assert sorted(found) == sorted(ids)
    for fid, feature in found.items():
        assert feature["properties"]["id"] == fid
        shape = shapely.geometry.shape(feature["geometry"])
        assert shapely.equals_exact(shape, display.geometry[fid], tolerance=0), fid
    assert len(shapely.geometry.shape(found["ZAF"]["geometry"]).interiors) == 1


def test_the_page_decodes_seven_decimals_at_the_antimeridian(
    exported: Exporter, offline_page: OfflinePage
) -> None:
    """Steps beyond 31 bits (1.79e9 units of 1e-7 degree) come back exact, not wrapped."""
    corners = [(179.1234567, -85.0000001), (-179.9999999, 84.9999999)]
    feature = {"properties": {"id": "x"}, "geometry": encode_geometry(shapely.LineString(corners))}
    assert feature["geometry"]["scale"] == 10_000_000
    page = open_map(offline_page, exported())
    decoded = page.evaluate(
        """feature => window.geomapShapes({features: [feature]}, {})
        .getLayers()[0].getLatLngs().map(p => [p.lng, p.lat])""",
        feature,
    )
    assert decoded == [list(corner) for corner in corners]


RECOGNISING = [STANCES[StanceKind.RECOGNISES_ALL], STANCES[StanceKind.RECOGNISES_SOME]]
COLOURED = """keys => [...document.querySelectorAll(
    'path.geomap-country, path.geomap-territory, .leaflet-geomap-halos-pane path')]
    .map(p => ({classes: [...p.classList], fill: (p.getAttribute('fill') || '').toUpperCase()}))"""


def recognising_un_members(page: Any) -> list[str]:
    """UN members drawn with a recognising stance's class or colour."""
    un_members = {e.boundary_id for e in default_record().entities.values() if e.un_member}
    keys = {f"geomap-{c.key}" for c in RECOGNISING}
    colours = {c.color.upper() for c in RECOGNISING}
    found = []
    for path in page.evaluate(COLOURED, sorted(keys)):
        ids = {c.removeprefix("geomap-") for c in path["classes"]} & un_members
        if ids and (keys & set(path["classes"]) or path["fill"] in colours):
            found += sorted(ids)
    return found


@pytest.mark.parametrize(("day", "recognisers"), [("2008-08-01", []), ("2015-01-23", ["RUS"])])
def test_recognising_states_on_the_day(
    day: str,
    recognisers: list[str],
    exported: Exporter,
    offline_page: OfflinePage,
    screenshot_dir: Path,
) -> None:
    """Before Russia's recognition (2008-08-26) no UN member is coloured as recognising."""
    page = open_map(offline_page, exported(day))
    show(page, WORLD)
    assert set(recognisers) <= set(recognising_un_members(page))
    if not recognisers:
        assert recognising_un_members(page) == []
    page.screenshot(path=str(screenshot_dir / f"de-facto-{day}-world.png"))


@pytest.mark.parametrize("worldview", ["de-jure", "recognising"])
def test_other_worldviews_open_cleanly(
    worldview: str, exported: Exporter, offline_page: OfflinePage, screenshot_dir: Path
) -> None:
    page = open_map(offline_page, exported(worldview=worldview))
    show(page)
    assert page.locator("path.geomap-ABK").count() > 0
    page.screenshot(path=str(screenshot_dir / f"{worldview}-2015-01-23-caucasus.png"))


def test_nothing_was_requested_from_the_network(
    exported: Exporter, offline_page: OfflinePage
) -> None:
    """Load, pan the world, hover and click: zero requests leave the machine."""
    page = open_map(offline_page, exported())
    show(page, WORLD)
    show(page)
    hover_inside(page, "path.geomap-territory.geomap-SOS")
    click_inside(page, "path.geomap-territory.geomap-SOS")
    page.wait_for_timeout(300)
    assert offline_page.blocked == []


# --- escaping: hostile strings in the record stay text ---------------------------------------

PAYLOAD = (
    "<script>window.__xss=1;alert('script')</script>"
    "<img src=x onerror=\"window.__xss=1;alert('img')\">"
    "</script><script>window.__xss=1</script>"
    "${window.__xss=1}`+(window.__xss=1)+`"
    '"><svg onload="window.__xss=1">\'-(window.__xss=1)-\''
)
HOSTILE_URLS = (
    "javascript:window.__xss=1;alert('url')",
    " JaVaScRiPt:window.__xss=1",
    "data:text/html,<script>window.__xss=1</script>",
)
TOML_STRING_FIELDS = re.compile(
    r'^(name|short_name|note|title|publisher|body|unit) = ".*"$', re.MULTILINE
)


def hostile_record(folder: Path) -> Any:
    """The mini record with PAYLOAD in every name, note and source title.

    The loader refuses non-http(s) source URLs (a first line of defence), so `javascript:`
    URLs are put into the loaded record afterwards, to prove the map does not rely on it.
    """
    copy = folder / "hostile_record"
    shutil.copytree(MINI_RECORD, copy)
    for file in copy.glob("*.toml"):
        text = file.read_text(encoding="utf-8")
        text = TOML_STRING_FIELDS.sub(
            lambda m: f"{m.group(1)} = {json.dumps(m.group(0).split(' = ', 1)[1][1:-1] + PAYLOAD)}",
            text,
        )
        text = text.replace(
            '{ title = "Test source"', "{ title = " + json.dumps("Test source" + PAYLOAD)
        )
        file.write_text(text, encoding="utf-8")
    bad = copy / "entities.toml"
    original = bad.read_text(encoding="utf-8")
    bad.write_text(
        original.replace("https://example.org/fact", HOSTILE_URLS[0], 1), encoding="utf-8"
    )
    with pytest.raises(RecordError):
        load_record(copy)
    bad.write_text(original, encoding="utf-8")
    return _with_hostile_urls(load_record(copy))


def _with_hostile_urls(value: Any) -> Any:
    """Every source in `value` (a record or any part of it), cited also at hostile URLs."""
    if isinstance(value, Source):
        return value
    if isinstance(value, tuple) and value and all(isinstance(v, Source) for v in value):
        return value + tuple(
            dataclasses.replace(value[0], title=f"hostile {url}", url=url) for url in HOSTILE_URLS
        )
    if isinstance(value, tuple):
        return tuple(_with_hostile_urls(v) for v in value)
    if isinstance(value, dict):
        return {k: _with_hostile_urls(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value):
        return dataclasses.replace(
            value,
            **{
                f.name: _with_hostile_urls(getattr(value, f.name))
                for f in dataclasses.fields(value)
                if f.init
            },
        )
    return value


CITED_LINKS_NOT_WEB = """[...document.querySelectorAll('a[href]')]
    .filter(a => !a.getAttribute('href').startsWith('#'))  // Leaflet's own zoom and close buttons
    .filter(a => !['http:', 'https:'].includes(a.protocol))
    .map(a => a.getAttribute('href'))"""

OPEN_EVERYTHING = """() => {
    const layers = [];
    map_0.eachLayer(layer => layers.push(layer));
    for (const layer of layers) {
        if (layer.getTooltip && layer.getTooltip()) { layer.openTooltip(); }
        if (layer.getPopup && layer.getPopup()) { layer.openPopup(); }
    }
    return layers.length;
}"""


@pytest.mark.parametrize("day", ["2015-01-23", "2009-01-01"])
def test_hostile_strings_never_run_and_no_javascript_link_exists(
    day: str, exported: Exporter, offline_page: OfflinePage, tmp_path: Path, screenshot_dir: Path
) -> None:
    record = hostile_record(tmp_path)
    assert PAYLOAD in record.entities["ABK"].name
    page = open_map(offline_page, exported(day, record=record, name=f"hostile-{day}.html"))
    show(page)
    hover_inside(page, "path.geomap-territory.geomap-ABK")
    click_inside(page, "path.geomap-territory.geomap-ABK")
    if day == "2015-01-23":
        page.screenshot(path=str(screenshot_dir / "hostile-record-popup.png"))
    assert page.evaluate(OPEN_EVERYTHING) > 0
    page.wait_for_timeout(500)  # let any injected image fail and any handler run
    assert offline_page.dialogs == []
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator('a[href^="javascript:" i], a[href^=" javascript:" i]').count() == 0
    assert page.evaluate(CITED_LINKS_NOT_WEB) == []
    assert page.locator(".leaflet-container script, .leaflet-container iframe").count() == 0
    assert "window.__xss" in page.locator(".leaflet-popup-content").first.inner_text(), (
        "the payload should be shown as text"
    )


# --- the page's Content-Security-Policy -------------------------------------------------------


def test_the_page_policy_blocks_every_fetch_and_the_map_still_draws(
    exported: Exporter, offline_page: OfflinePage
) -> None:
    """The browser itself refuses each fetch, before the network (cut off here anyway)."""
    page = offline_page.page
    console: list[str] = []
    failed: dict[str, str] = {}
    page.on("console", lambda message: console.append(message.text))
    page.on("requestfailed", lambda request: failed.update({request.url: request.failure}))
    page = open_map(offline_page, exported())
    assert page.locator(".leaflet-container path").count() > 50, "the map did not draw"
    outcome = page.evaluate(
        """async () => {
            const violations = [];
            document.addEventListener('securitypolicyviolation',
                e => violations.push(e.effectiveDirective + ' ' + e.blockedURI));
            let fetched;
            try { await fetch('https://tiles.example.org/probe.json'); fetched = 'loaded'; }
            catch (error) { fetched = 'rejected: ' + error.name; }
            const image = new Image();
            const loaded = new Promise(done => { image.onload = () => done('loaded');
                                                 image.onerror = () => done('refused'); });
            image.src = 'https://tiles.example.org/probe.png';
            const imaged = await loaded;
            await new Promise(done => setTimeout(done, 100));
            return {fetched, imaged, violations};
        }"""
    )
    assert outcome["fetched"] == "rejected: TypeError"
    assert outcome["imaged"] == "refused"
    assert "connect-src https://tiles.example.org/probe.json" in outcome["violations"]
    assert "img-src https://tiles.example.org/probe.png" in outcome["violations"]
    assert any("Content Security Policy" in line for line in console), console
    # Chromium reports the refused image as a request failed with "csp": not the network's
    # refusal (the fixture's), the page's own.
    for url in offline_page.blocked:
        assert failed.get(url) == "csp", (url, failed)
    offline_page.blocked.clear()
