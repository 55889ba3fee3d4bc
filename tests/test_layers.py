"""The layers rendered to HTML (no browser): what is drawn on which day, in which worldview."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from geodata.loader import RecordError, default_record, load_record
from geodata.model import Source
from geodata.snapshot import as_of
from geodata.worldviews import Worldview
from layers.alliances import arc
from layers.map import DEFAULT_LAYERS, LAYER_NAMES, build_map
from layers.style import LEGEND_SECTIONS

MINI = Path(__file__).parent / "data" / "mini_record"
ALLIANCE = {"mini": "rus-abk-alliance", "real": "rus-abk-alliance-2014"}
# Each layer's script calls its function of layers/js/ with its config, a line of JSON.
CONFIG = re.compile(r"window\.geomap(?:Shape|Polyline|Marker)Layer\(\n\s*(\{.*\}),\n")


@cache
def record(name: str):
    if name == "mini":
        return load_record(MINI)
    try:
        return default_record()
    except RecordError:
        pytest.skip("the real record does not validate yet")


@cache
def render(name: str, day: str, worldview: str = "de-facto") -> str:
    snapshot = as_of(date.fromisoformat(day), worldview, record(name))
    return build_map(snapshot).get_root().render()


def configs(page: str) -> list[dict]:
    return [json.loads(c) for c in CONFIG.findall(page)]


@pytest.mark.parametrize("name", ["mini", "real"])
@pytest.mark.parametrize(("day", "drawn"), [("2015-01-23", True), ("2014-11-01", False)])
def test_the_alliance_link_appears_once_signed(name: str, day: str, drawn: bool) -> None:
    assert (f"geomap-link-{ALLIANCE[name]} " in render(name, day)) is drawn


@pytest.mark.parametrize("name", ["mini", "real"])
def test_no_un_member_recognises_before_the_war(name: str) -> None:
    page = render(name, "2008-08-01")
    members = {e.boundary_id for e in record(name).entities.values() if e.un_member}
    world = next(c for c in configs(page) if c.get("cls") == "geomap-country")
    recognising = {i for i, key in world["categories"].items() if key.startswith("recognises")}
    assert not recognising & members
    assert world["fallback"] == "never"


@pytest.mark.parametrize("worldview", list(Worldview))
def test_each_worldview_draws_its_convention(worldview: Worldview) -> None:
    page = render("mini", "2015-01-23", worldview.value)
    assert json.dumps(worldview.convention)[1:-1] in page or worldview.convention in page
    borders = next(c for c in configs(page) if c.get("cls") == "geomap-border")["categories"]
    expected = {
        "de-facto": "disputed",
        "recognising": "international",
        "de-jure": "administrative",
    }[worldview.value]
    assert borders == {"GEO-ABK": expected, "GEO-SOS": expected}
    fills = next(c for c in configs(page) if c.get("cls") == "geomap-territory")
    hatched = "url(#geomap-hatch-" in json.dumps(fills["styles"])
    assert hatched is (worldview is Worldview.DE_JURE)
    assert set(fills["only"]) >= {"ABK", "SOS", "GEO", "RUS"}


def test_the_legend_lists_the_style_table() -> None:
    page = render("mini", "2015-01-23")
    shown = re.findall(r'data-category=\\"([\w-]+)\\"', page)
    assert shown == [c.key for s in LEGEND_SECTIONS for c in s.categories]
    assert "geomap-legend" in page and "geomap-title" in page
    assert "Natural Earth" in page
    assert "too far south near Tskhinvali" in page  # the boundary caveat travels with the map


def test_the_world_is_embedded_once() -> None:
    page = render("mini", "2015-01-23")
    assert page.count('\\"id\\":\\"ABK\\",\\"name\\"') == 1  # inside the string for JSON.parse
    assert set(DEFAULT_LAYERS) == set(LAYER_NAMES)


def test_a_tile_layer_is_added_only_when_asked() -> None:
    snapshot = as_of(date(2015, 1, 23), record=record("mini"))
    assert "tile.openstreetmap" not in build_map(snapshot).get_root().render()
    assert (
        "tile.openstreetmap.org"
        in build_map(snapshot, tiles="OpenStreetMap.Mapnik").get_root().render()
    )
    with pytest.raises(ValueError):
        build_map(snapshot, layers=["nonsense"])


def test_links_cross_the_antimeridian_the_short_way() -> None:
    points = arc((-8.5, 179.2), (-17.7, -168.3), bend=0.1)
    lons = [lon for _, lon in points]
    assert all(abs(b - a) < 5 for a, b in zip(lons, lons[1:], strict=False))
    assert lons[-1] == pytest.approx(191.7)


PAYLOAD = "<script>alert(1)</script>"
HOSTILE_URL = "javascript:alert(1)"


def _hostile(value):
    """Every name and note in `value` with PAYLOAD appended; every source list with a
    `javascript:` source added (the loader would refuse it; the map must not rely on that)."""
    if isinstance(value, tuple) and value and all(isinstance(v, Source) for v in value):
        return tuple(dataclasses.replace(s, title=s.title + PAYLOAD) for s in value) + (
            Source(title="hostile" + PAYLOAD, url=HOSTILE_URL),
        )
    if isinstance(value, tuple):
        return tuple(_hostile(v) for v in value)
    if isinstance(value, dict):
        return {k: _hostile(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, Source):
        changes = {f.name: _hostile(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for text_field in ("name", "short_name", "note"):
            if isinstance(changes.get(text_field), str):
                changes[text_field] += PAYLOAD
        return dataclasses.replace(value, **changes)
    return value


@pytest.mark.parametrize("worldview", list(Worldview))
def test_hostile_strings_stay_text(worldview: Worldview) -> None:
    hostile = _hostile(record("mini"))
    assert PAYLOAD in hostile.entities["ABK"].name
    page = build_map(as_of(date(2015, 1, 23), worldview, hostile)).get_root().render()
    assert PAYLOAD not in page
    assert "<script>alert" not in page
    assert not re.search(r"href=\\?[\"']?\s*javascript:", page, re.IGNORECASE)
    assert "alert(1)" in page  # shown, as text


def _link_classes(page: str) -> list[set[str]]:
    """The CSS classes of every treaty link drawn on the page."""
    links = next(c for c in configs(page) if "items" in c and "halo" in c)["items"]
    return [set(item["style"]["className"].split()) for item in links]


@pytest.mark.parametrize(("day", "alliance"), [("2015-01-23", True), ("2014-11-01", False)])
def test_one_link_per_pair_carries_every_treaty_of_the_pair(day: str, alliance: bool) -> None:
    """Russia–Abkhazia is one link on both days (the 2008 treaties); only from the 2014
    alliance's signature does it carry that treaty, and take its colour and dash."""
    links = _link_classes(render("real", day))
    pairs = [sorted(c for c in classes if c.startswith("geomap-pair-")) for classes in links]
    assert sorted(p for [p] in pairs) == [
        "geomap-pair-ABK-SOS",
        "geomap-pair-RUS-ABK",
        "geomap-pair-RUS-SOS",
    ]
    rus_abk = next(c for c in links if "geomap-pair-RUS-ABK" in c)
    assert "geomap-link-rus-abk-friendship-2008" in rus_abk
    assert (f"geomap-link-{ALLIANCE['real']}" in rus_abk) is alliance
    assert ("geomap-mutual_defence" in rus_abk) is alliance
    assert ("geomap-military" in rus_abk) is not alliance  # before: the 2008 bases and borders
    assert not any(f"geomap-link-{ALLIANCE['real']}" in c for c in links if c is not rus_abk)


def test_the_pair_link_says_what_binds_the_pair() -> None:
    snapshot = as_of(date(2015, 1, 23), record=record("real"))
    pair, states = next(p for p in snapshot.treaty_pairs() if p[0] == ("RUS", "ABK"))
    items = next(c for c in configs(render("real", "2015-01-23")) if "halo" in c)["items"]
    link = next(i for i in items if "geomap-pair-RUS-ABK" in i["style"]["className"])
    assert re.sub("<[^>]+>", " ", link["tooltip"]).split() == [
        "Russia",
        "–",
        "Abkhazia",
        "5",
        "treaties;",
        "strongest:",
        "mutual",
        "defence",
        "(in",
        "ratification:",
        "Russia:",
        "State",
        "Duma",
        "so",
        "far;",
        "ratified",
        "by",
        "Abkhazia)",
    ]
    assert link["style"]["color"] == "#000000" and link["style"]["dashArray"] == "10 6"
    for state in states:  # every treaty of the pair, each with its sources as links
        assert state.treaty.name in link["popup"].replace("&#x27;", "'")
        assert f'href="{state.treaty.sources[0].url}"' in link["popup"]
    assert link["popup"].index("Alliance") < link["popup"].index("Friendship")


def test_capitals_appear_when_their_state_enters_the_story() -> None:
    def capitals(day: str) -> set[str]:
        markers = next(c for c in configs(render("real", day)) if c.get("pane") == "geomap-places")
        return {
            m["style"]["className"].split()[1].removeprefix("geomap-place-")
            for m in markers["items"]
            if m["shape"] == "circle"
        }

    before = capitals("2008-08-01")
    assert {"sukhumi", "tskhinvali", "tbilisi"} <= before
    assert not {"managua", "caracas", "yaren", "funafuti", "port-vila", "moscow"} & before
    after = capitals("2015-01-23")
    assert {"moscow", "managua", "caracas", "yaren", "funafuti", "port-vila"} <= after
    assert "damascus" not in after  # Syria recognised in 2018
    assert "baku" not in after  # Azerbaijan is no party to this story


FRAME = re.compile(r"window\.geomapMapFrame\(\n\s*(\{.*\}),\n")


def test_the_legend_folds_and_follows_the_layers() -> None:
    """A panel behind a button with one marked section per layer on the map, each tied to the
    layer's name in the layer control so switching a layer off hides its section."""
    frame = json.loads(FRAME.search(render("mini", "2015-01-23")).group(1))
    assert frame["legend"].startswith('<button type="button" class="geomap-legend-toggle" ')
    assert 'aria-expanded="false" aria-controls="geomap-legend-body"' in frame["legend"]
    assert sorted(frame["legendLayers"].values()) == sorted(LAYER_NAMES)
    only_places = build_map(as_of(date(2015, 1, 23), record=record("mini")), layers=["places"])
    frame = json.loads(FRAME.search(only_places.get_root().render()).group(1))
    assert re.findall(r'data-layer="(\w+)"', frame["legend"]) == ["places"]
    assert list(frame["legendLayers"].values()) == ["places"]


def test_every_clickable_item_carries_an_id_that_names_it() -> None:
    """Treaty links, place markers and halos carry the id of their item (a click is resolved
    by it alone); the ids the shapes carry are in the embedded world data."""
    from geodata.details import details

    snapshot = as_of(date(2015, 1, 23), record=record("real"))
    items = [
        item
        for c in configs(render("real", "2015-01-23"))
        if c.get("pane") in ("geomap-links", "geomap-places", "geomap-halos")
        for item in c["items"]
    ]
    kinds = {c.get("pane") for c in configs(render("real", "2015-01-23")) if "items" in c}
    assert kinds == {"geomap-links", "geomap-places", "geomap-halos"}
    for item in items:
        panel = details(snapshot, item["id"])
        assert panel is not None and panel.id == item["id"], item["style"]["className"]
    ids = {item["id"] for item in items}
    assert {"RUS+ABK", "ABK+SOS", "sukhumi", "moscow", "NRU"} <= ids
    page = render("real", "2015-01-23")
    assert 'line.feature = { type: "Feature", properties: { id: item.id } }' in page
    assert 'marker.feature = { type: "Feature", properties: { id: item.id } }' in page
