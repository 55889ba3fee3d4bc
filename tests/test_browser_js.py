"""The page's own JavaScript on its own: layers/js/shapes.js and shape_layer.js in a blank
page with nothing but Leaflet, fed the Python encoder's output (`layers.shapes`).

The decoder must give back exactly the coordinates Python encoded and project them to exactly
Leaflet's pixels; the lazy shapes must do their work only when it is needed: rings projected
only once in view, `LatLng` objects only when asked for, the features a layer yields drawn
only once the layer that draws them is switched off (and then once).
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest
import shapely
from offline_browser import OfflinePage

from geodata.display import display_boundaries, display_disputed_lines
from layers import assets
from layers.elements import ShapeData, ShapeLayer
from layers.script import js_source
from layers.shapes import Features, encode_geometry

pytestmark = pytest.mark.browser

CAUCASUS = ([42.3, 43.4], 6)  # centre, zoom: Georgia in view, Brazil far out of it

# Counts the LatLng objects our decoder makes: it builds them as `new L.LatLng`, Leaflet's
# own code (the bounding box's two corners, say) through its closure, which this does not see.
COUNT_LATLNGS = """() => {
    const Original = L.LatLng;
    window.latlngsMade = 0;
    L.LatLng = function (lat, lng, alt) {
        window.latlngsMade += 1;
        return new Original(lat, lng, alt);
    };
    L.LatLng.prototype = Original.prototype;
}"""


@pytest.fixture(scope="module")
def display() -> pd.DataFrame:
    return pd.concat([display_boundaries(), display_disputed_lines()]).set_index("id")


@pytest.fixture
def blank(offline_page: OfflinePage) -> Any:
    """A page with Leaflet, the two files, and an 800x600 map on the Caucasus (`map`)."""
    page = offline_page.page
    scripts = [assets._leaflet_js(), *(js_source(name) for name in ("shapes.js", "shape_layer.js"))]
    page.set_content(  # one round trip; none of the scripts can end its tag (test_export.py)
        '<!DOCTYPE html><html><head></head><body style="margin:0">'
        '<div id="map" style="width:800px;height:600px"></div>'
        + "".join(f"<script>{text}</script>" for text in scripts)
        + f"<script>window.map = L.map('map').setView({json.dumps(CAUCASUS[0])}, {CAUCASUS[1]});"
        "</script>"
        "</body></html>"
    )
    return page


def feature(fid: str, shape: shapely.Geometry) -> dict[str, Any]:
    return {"properties": {"id": fid}, "geometry": encode_geometry(shape)}


def nested(shape: shapely.Geometry) -> list[Any]:
    """`shape`'s (lng, lat) pairs nested as Leaflet's getLatLngs nests them (rings open)."""
    if shape.geom_type == "LineString":
        return [list(p) for p in shapely.get_coordinates(shape).tolist()]
    if shape.geom_type == "Polygon":
        return [
            nested(shapely.LineString(r.coords[:-1])) for r in (shape.exterior, *shape.interiors)
        ]
    return [nested(part) for part in shape.geoms]


DECODED = """features => features.map(f => {
    const pairs = a => Array.isArray(a) ? a.map(pairs) : [a.lng, a.lat];
    return pairs(window.geomapShapes({features: [f]}, {}).getLayers()[0].getLatLngs());
})"""


def test_the_decoder_gives_back_the_encoded_coordinates(blank: Any, display: pd.DataFrame) -> None:
    """Vertex for vertex and bit for bit: a polygon, one with a hole (South Africa),
    islands (Greece), a disputed line, and seven decimals across the antimeridian."""
    shapes = {fid: display.geometry[fid] for fid in ("GEO", "ZAF", "GRC", "GEO-ABK")}
    shapes["antimeridian"] = shapely.MultiLineString(
        [[(179.1234567, -85.0000001), (-179.9999999, 84.9999999)], [(0.5, 0.25), (-0.5, 1e-7)]]
    )
    assert encode_geometry(shapes["antimeridian"])["scale"] == 10_000_000
    decoded = blank.evaluate(DECODED, [feature(fid, s) for fid, s in shapes.items()])
    for (fid, shape), got in zip(shapes.items(), decoded, strict=True):
        assert got == nested(shape), fid
    assert len(decoded[1]) == 2  # South Africa: the outline and Lesotho's hole


PROJECTED = """([f, plain]) => {
    const ours = window.geomapShapes({features: [f]}, {smoothFactor: 0}).addTo(map).getLayers()[0];
    const leaflets = L.polygon(plain, {smoothFactor: 0}).addTo(map);
    const points = layer => layer._rings.map(r => r.map(p => [p.x, p.y]));
    return {ours: points(ours), leaflets: points(leaflets),
            bounds: [ours._pxBounds.min, ours._pxBounds.max].map(p => [p.x, p.y]),
            leafletBounds: [leaflets._pxBounds.min, leaflets._pxBounds.max].map(p => [p.x, p.y])};
}"""


def test_a_shape_in_view_projects_to_leaflets_own_pixels(blank: Any, display: pd.DataFrame) -> None:
    """Georgia's rings as our shape projects them are the points Leaflet's own polygon
    gets from the same coordinates, and so are its pixel bounds."""
    georgia = display.geometry["GEO"]
    plain = [[[lat, lng] for lng, lat in ring] for ring in nested(georgia)]
    found = blank.evaluate(PROJECTED, [feature("GEO", georgia), plain])
    assert found["ours"] == found["leaflets"]
    assert sum(len(ring) for ring in found["ours"]) == len(shapely.get_coordinates(georgia)) - 1
    assert found["bounds"] == found["leafletBounds"]


STATE = """() => {
    const state = {};
    shapes.eachLayer(layer => {
        state[layer.feature.properties.id] = {
            projected: layer._rings !== null, parts: layer._parts.length,
            drawn: (layer._path.getAttribute("d") || "").split("L").length - 1};
    });
    return {shapes: state, latlngs: window.latlngsMade};
}"""


def test_shapes_project_only_in_view_and_make_latlngs_only_when_asked(
    blank: Any, display: pd.DataFrame
) -> None:
    """At the opening view Brazil costs its box alone; panning to it projects and draws
    it; no LatLng is made for either until something asks for Georgia's."""
    blank.evaluate(COUNT_LATLNGS)
    features = [feature(fid, display.geometry[fid]) for fid in ("GEO", "BRA")]
    blank.evaluate(
        "features => { window.shapes = window.geomapShapes({features: features}, {}).addTo(map); }",
        features,
    )
    opened = blank.evaluate(STATE)
    assert opened["latlngs"] == 0
    assert opened["shapes"]["GEO"]["projected"] and opened["shapes"]["GEO"]["drawn"] > 20
    assert opened["shapes"]["BRA"] == {"projected": False, "parts": 0, "drawn": 0}
    blank.evaluate("() => { map.setView([-10, -52], 5, {animate: false}); }")
    blank.wait_for_timeout(50)  # the SVG renderer redraws on the next animation frame
    panned = blank.evaluate(STATE)
    assert panned["shapes"]["BRA"]["projected"] and panned["shapes"]["BRA"]["drawn"] > 20
    assert panned["latlngs"] == 0
    vertices = blank.evaluate(
        "() => { let n = 0; shapes.eachLayer(l => {"
        " if (l.feature.properties.id === 'GEO') { n = l.getLatLngs().flat(3).length; } });"
        " return [n, window.latlngsMade]; }"
    )
    georgia = len(shapely.get_coordinates(display.geometry["GEO"])) - 1  # rings left open
    assert vertices == [georgia, georgia]


YIELDING = """([config, data]) => {
    window.group = L.layerGroup().addTo(map);
    window.above = L.layerGroup();
    window.draws = 0;
    const draw = window.geomapShapes;
    window.geomapShapes = (d, options) => { window.draws += 1; return draw(d, options); };
    window.geomapShapeLayer(config, data, group, map, () => above);
}"""
DRAWN = """() => group.getLayers().map(
    drawn => drawn.getLayers().map(layer => layer.feature.properties.id).sort())"""


def test_yielded_features_are_drawn_only_while_the_layer_above_is_off(
    blank: Any, display: pd.DataFrame
) -> None:
    """The layer leaves Abkhazia to the layer above; only once that one is switched off
    (overlayremove) does it build Abkhazia's shape, and it builds it once."""
    frame = display_boundaries().set_index("id").loc[["GEO", "ABK", "RUS"]].reset_index()
    features = Features.of(frame)
    data = ShapeData(features, "data")
    layer = ShapeLayer(
        data,
        "layer",
        styles={"land": {"color": "#333333", "fillColor": "#cccccc"}},
        categories={},
        fallback="land",
        cls="geomap-country",
        pane="overlayPane",
        yields=["ABK"],
        yields_to=data,  # the element is only named in the page; here YIELDING passes `above`
    )
    blank.evaluate(YIELDING, [layer.settings, json.loads(features.text)])
    assert blank.evaluate(DRAWN) == [["GEO", "RUS"]]
    assert blank.evaluate("() => draws") == 1
    blank.evaluate("() => { map.fire('overlayremove', {layer: L.layerGroup()}); }")  # another one
    assert blank.evaluate("() => draws") == 1
    for _ in range(2):
        blank.evaluate("() => { map.fire('overlayremove', {layer: above}); }")
        assert blank.evaluate(DRAWN) == [["GEO", "RUS"], ["ABK"]]
        assert blank.evaluate("() => draws") == 2
        blank.evaluate("() => { map.fire('overlayadd', {layer: above}); }")
        assert blank.evaluate(DRAWN) == [["GEO", "RUS"]]
    drawn = blank.evaluate("() => document.querySelectorAll('path.geomap-ABK').length")
    assert drawn == 0
