"""Export without a browser: determinism, atomic writes, offline assets, GeoJSON, CLI errors."""

from __future__ import annotations

import html
import json
import os
import re
import stat
from datetime import date
from pathlib import Path

import folium
import folium.plugins
import pytest

from layers import assets, export
from layers.cli import main
from layers.elements import SCRIPT_FILES
from layers.export import RANDOM_ID, map_to_html, write_atomic
from layers.output import TEMP_MARKER

JS_DIR = Path(__file__).parent.parent / "layers" / "js"
ABKHAZIA = {
    "type": "Feature",
    "properties": {"name": "Abkhazia"},
    "geometry": {
        "type": "Polygon",
        "coordinates": [[[40, 43], [41.5, 43], [41.5, 43.5], [40, 43.5], [40, 43]]],
    },
}


def sample_map() -> folium.Map:
    """Every kind of element our layers use: GeoJSON with tooltip and popup, markers, lines."""
    m = folium.Map(location=[42.5, 43], zoom_start=6, tiles=None)
    group = folium.FeatureGroup(name="territories").add_to(m)
    folium.GeoJson(
        {"type": "FeatureCollection", "features": [ABKHAZIA]},
        tooltip=folium.GeoJsonTooltip(["name"]),
        popup=folium.GeoJsonPopup(["name"]),
    ).add_to(group)
    folium.Marker([43.25, 41.4], popup=folium.Popup("<b>Sukhumi</b>"), tooltip="Sukhumi").add_to(
        group
    )
    folium.PolyLine([[55.75, 37.62], [43.0, 41.02]], popup="treaty").add_to(m)
    folium.LayerControl().add_to(m)
    return m


# --- determinism -----------------------------------------------------------------------


def test_two_renders_are_byte_identical_and_free_of_random_ids() -> None:
    first, second = map_to_html(sample_map()), map_to_html(sample_map())
    assert first == second
    assert not RANDOM_ID.search(first)
    assert not re.search(r"[0-9a-f]{32}", first)
    assert "map_0" in first and "geo_json_0" in first


def test_popup_variables_follow_the_renamed_ids() -> None:
    """folium prints a Popup's child keys as JavaScript variables; they must be renamed too."""
    page = map_to_html(sample_map())
    declared = set(re.findall(r"var (html_\d+) =", page))
    assert declared, "popups declare their content as variables"
    for name in declared:
        assert page.count(name) >= 2, f"{name} is declared but never used"


def test_folium_element_created_during_render_is_reported() -> None:
    """If a layer prints a name made at render time, the export must refuse, not drift."""

    class LateChild(folium.MacroElement):
        _template = folium.template.Template(
            "{% macro script(this, kwargs) %}var {{ this.late.get_name() }} = 1;{% endmacro %}"
        )

        def render(self, **kwargs: object) -> None:
            self.late = folium.MacroElement()
            super().render(**kwargs)

    m = sample_map()
    m.add_child(LateChild())
    with pytest.raises(export.ExportError, match="random element ids"):
        map_to_html(m)


# --- offline assets --------------------------------------------------------------------


def test_page_loads_nothing_from_the_network() -> None:
    page = map_to_html(sample_map())
    assert assets.remote_asset_urls(page) == []
    assert not re.search(r"<(script|link)\b[^>]*(src|href)=[\"']?(https?:)?//", page, re.I)
    for cdn in (
        "jquery",
        "bootstrap",
        "font-awesome",
        "fontawesome",
        "awesome-markers",
        "cdn.jsdelivr",
        "cdnjs",
    ):
        assert cdn not in page.lower()
    # Leaflet and our shim inlined as literal tags, not as data: URIs (faster to parse)
    assert "data:text/javascript" not in page and "data:text/css" not in page
    assert page.count(assets._leaflet_js()) == 1 and page.count(assets._shim_js()) == 1


def test_class_defaults_shared_by_other_maps_are_untouched() -> None:
    before_js, before_css = list(folium.Map.default_js), list(folium.Map.default_css)
    map_to_html(sample_map())
    assert folium.Map.default_js == before_js and folium.Map.default_css == before_css


def test_a_layer_pulling_a_cdn_fails_loudly_unless_tiles_were_chosen() -> None:
    m = sample_map()
    folium.plugins.Fullscreen().add_to(m)
    with pytest.raises(assets.OfflineAssetError, match="Control.FullScreen"):
        map_to_html(m)
    m = sample_map()
    folium.plugins.Fullscreen().add_to(m)
    assert "Control.FullScreen" in map_to_html(m, tile_url="https://tile.example/{z}/{x}/{y}.png")


@pytest.mark.parametrize(
    "tag",
    [
        '<script src="https://cdn.example/x.js"></script>',
        "<link rel='stylesheet' href='//cdn.example/x.css'>",
        "<style>@import url(http://cdn.example/y.css);</style>",
    ],
)
def test_remote_assets_are_recognised(tag: str) -> None:
    with pytest.raises(assets.OfflineAssetError):
        assets.assert_offline(f"<html><head>{tag}</head></html>")


def test_cited_links_are_not_assets() -> None:
    assets.assert_offline('<a href="https://example.org/source" target="_blank">source</a>')


def test_inline_tags_carry_leaflet_and_its_images() -> None:
    tags = assets.inline_asset_tags()
    assert "window.L" in tags and ".leaflet-container" in tags
    assert "url(images/" not in tags and "data:image/png;base64," in tags
    assert "sourceMappingURL" not in tags
    assert assets.remote_asset_urls(tags) == []


# --- atomic writes ---------------------------------------------------------------------


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if TEMP_MARKER in p.name)


def test_write_creates_a_readable_file(tmp_path: Path) -> None:
    target = tmp_path / "map.html"
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert leftovers(tmp_path) == []


def test_failure_mid_write_leaves_the_old_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "map.html"
    target.write_bytes(b"old complete map")
    os.chmod(target, 0o640)

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)  # after the bytes went to the temp file
    with pytest.raises(OSError, match="No space"):
        write_atomic(target, b"new map, half written")
    assert target.read_bytes() == b"old complete map"
    assert leftovers(tmp_path) == []

    monkeypatch.undo()
    write_atomic(target, b"new map")
    assert target.read_bytes() == b"new map"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640, "an existing file keeps its mode"


def test_failure_while_rendering_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "map.html"
    target.write_bytes(b"old")

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("layer failed")

    monkeypatch.setattr(export, "render_html", broken)
    with pytest.raises(RuntimeError):
        export.export_html(None, target)  # type: ignore[arg-type]
    assert target.read_bytes() == b"old" and leftovers(tmp_path) == []


# --- command line ----------------------------------------------------------------------


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Runs `geomap ...` in-process; returns the exit status and stderr."""
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--worldview", "martian"], "invalid choice: 'martian'"),
        (["--as-of", "23/01/2015"], "write it as YYYY-MM-DD"),
        (["--as-of", "2015-02-30"], "write it as YYYY-MM-DD"),
        (["--layers", "territories,dragons"], "unknown layer 'dragons'"),
        (["--tiles", "NoSuch.Provider"], "unknown tile layer"),
        (["--format", "tiff"], "invalid choice: 'tiff'"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(
    args: list[str], expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "map.html"
    code, err = run_cli(["export", *args, "-o", str(target)], capsys)
    assert code == 2
    assert expected in err
    assert len(err.strip().splitlines()) == 1, err
    assert not target.exists()


@pytest.mark.parametrize("where", ["missing-folder/map.html", "."])
def test_unwritable_path_gives_one_line_and_exit_2(
    where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run_cli(["export", "--as-of", "2015-01-23", "-o", str(tmp_path / where)], capsys)
    assert code == 2
    assert err.startswith("geomap export: cannot write")
    assert len(err.strip().splitlines()) == 1, err
    assert leftovers(tmp_path) == []


# --- the real map and the styled GeoJSON -------------------------------------------------

DAY = date(2015, 1, 23)


@pytest.fixture(scope="module")
def default_page() -> str:
    from geodata.snapshot import as_of

    return export.render_html(as_of(DAY, "de-facto"))


def test_every_script_of_the_package_reaches_the_page_and_cannot_end_its_tag(
    default_page: str,
) -> None:
    """Each file of layers/js/ is in the library a map carries or is the shim, once each,
    and none holds `</script` or `<!--` (either would end or derail the inline script)."""
    files = {p.name: p.read_text(encoding="utf-8") for p in JS_DIR.glob("*.js")}
    assert sorted(files) == sorted([*SCRIPT_FILES, "shim.js"])
    for name, text in files.items():
        assert "</script" not in text.lower() and "<!--" not in text, name
    assert all(default_page.count(text) == 1 for text in files.values())


def test_default_map_renders_identically_twice(default_page: str) -> None:
    from geodata.snapshot import as_of

    assert export.render_html(as_of(DAY, "de-facto")) == default_page
    assert not re.search(r"_[0-9a-f]{32}\b", default_page)  # folium's random element ids
    assert assets.remote_asset_urls(default_page) == []
    assert (
        "<title>Abkhazia and South Ossetia — 2015-01-23 — De facto control</title>" in default_page
    )


def test_cli_writes_the_map(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], default_page: str
) -> None:
    target = tmp_path / "map.html"
    code, err = run_cli(["export", "--as-of", "2015-01-23", "-o", str(target)], capsys)
    assert code == 0, err
    assert target.read_text(encoding="utf-8") == default_page
    assert f"{len(default_page.encode()):,} bytes" in err


def feature_collection(worldview: str = "de-facto") -> dict:
    from geodata.snapshot import as_of

    return json.loads(export.render_geojson(as_of(DAY, worldview)))


def test_geojson_carries_the_styled_territories() -> None:
    from geodata.serialize import snapshot_to_dict
    from geodata.snapshot import as_of

    collection = feature_collection()
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    features = {f["id"]: f for f in collection["features"]}
    assert {"ABK", "SOS", "GEO", "RUS"} <= set(features)
    facts = {t["id"]: t for t in snapshot_to_dict(as_of(DAY, "de-facto"))["territories"]}
    for territory_id, feature in features.items():
        properties = feature["properties"]
        assert properties["name"] == facts[territory_id]["name"]  # English, as `geomap facts`
        for key in ("status", "sovereign", "recognized_by", "withdrawn"):
            assert properties[key] == facts[territory_id][key]
        assert properties["style"], f"{territory_id} has no style"
    abkhazia = features["ABK"]["properties"]
    assert abkhazia["name"] == "Abkhazia" and abkhazia["sovereign"] == "ABK"
    assert "RUS" in {r["id"] for r in abkhazia["recognized_by"]}


def test_geojson_is_wgs84_with_display_geometry() -> None:
    import shapely.geometry

    for feature in feature_collection()["features"]:
        if feature["geometry"] is None:
            continue
        west, south, east, north = shapely.geometry.shape(feature["geometry"]).bounds
        assert -180 <= west <= east <= 180 and -90 <= south <= north <= 90
    georgia = next(f for f in feature_collection()["features"] if f["id"] == "GEO")
    lon, lat = shapely.geometry.shape(georgia["geometry"]).representative_point().coords[0]
    assert 40 < lon < 47 and 41 < lat < 44


def test_geojson_follows_the_worldview() -> None:
    features = {f["id"]: f["properties"] for f in feature_collection("de-jure")["features"]}
    assert features["ABK"]["sovereign"] == "GEO" and features["SOS"]["sovereign"] == "GEO"


def test_cli_writes_geojson(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "map.geojson"
    code, err = run_cli(
        ["export", "--as-of", "2015-01-23", "--format", "geojson", "-o", str(target)], capsys
    )
    assert code == 0, err
    assert json.loads(target.read_text(encoding="utf-8")) == feature_collection()


def test_an_interrupt_mid_write_removes_the_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "map.html"
    target.write_bytes(b"old")

    def interrupted(fd: int) -> None:
        assert leftovers(tmp_path) == [f".map.html{TEMP_MARKER}{os.getpid()}"]
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old" and leftovers(tmp_path) == []


def csp_of(page: str) -> str:
    found = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert found, "no Content-Security-Policy meta"
    return html.unescape(found.group(1))


def test_offline_page_declares_english_and_a_policy_before_any_script() -> None:
    page = map_to_html(sample_map())
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert page.index("Content-Security-Policy") < page.index("<script")
    policy = csp_of(page)
    assert policy == (
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"
    )


def test_tiles_open_the_policy_to_the_tile_host_only() -> None:
    from geodata.snapshot import as_of

    page = export.render_html(as_of(date(2015, 1, 23)), tiles="CartoDB.Positron")
    policy = csp_of(page)
    assert policy.endswith("img-src data: https://*.basemaps.cartocdn.com")
    assert "connect-src" not in policy and "default-src 'none'" in policy


def test_the_page_declares_its_language_and_an_offline_policy(default_page: str) -> None:
    head = default_page.split("<script", 1)[0]
    assert '<html lang="en">' in head
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', head)
    assert policy, "the policy must come before the first script"
    assert html.unescape(policy.group(1)) == export.OFFLINE_POLICY


def test_with_tiles_only_the_tile_host_is_added_to_images() -> None:
    from geodata.snapshot import as_of

    page = export.render_html(as_of(DAY, "de-facto"), tiles="OpenStreetMap.Mapnik")
    policy = html.unescape(re.search(r'Security-Policy" content="([^"]*)"', page).group(1))  # type: ignore[union-attr]
    assert policy == f"{export.OFFLINE_POLICY} https://tile.openstreetmap.org"
    subdomains = export.content_security_policy("https://{s}.tile.opentopomap.org/{z}/{x}/{y}.png")
    assert subdomains.endswith("img-src data: https://*.tile.opentopomap.org")
