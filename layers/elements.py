"""The few Leaflet elements the layers are made of, each a small JavaScript template.

Why not folium.GeoJson: it embeds its data in every layer that uses it (the world would be
in the page twice, once per layer), as GeoJSON (three times the work for the browser, see
`layers.shapes`), and its GeoJsonTooltip/GeoJsonPopup print property values as HTML. Here
geometry is embedded once (`ShapeData`) and any number of layers draw it with their own
styles (`ShapeLayer`); tooltip and popup HTML comes ready-escaped from
`layers.popups`, and names taken from the geometry are only ever set as DOM text.
Every value reaches the script through `to_js`, which cannot close the <script> element.
Everything is plain Leaflet: no plugin, no network.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from layers.shapes import SHAPES_JS, Features

__all__ = [
    "MapFrame",
    "MarkerLayer",
    "POPUP_OPTIONS",
    "PolylineLayer",
    "ShapeData",
    "ShapeLayer",
    "ShapeScript",
    "css_token",
    "to_js",
]

POPUP_OPTIONS: dict[str, Any] = {"maxWidth": 360, "maxHeight": 320}
"""Every popup's own options. Its autoPan padding is the map's (see `MapFrame`): it depends
on how tall the title is and whether the legend is open."""

_UNSAFE_IN_SCRIPT = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def css_token(value: str) -> str:
    """`value` reduced to characters a CSS class name can hold without quoting."""
    return re.sub(r"[^A-Za-z0-9_-]", "", value)


def _script_safe(text: str) -> str:
    """`text` with every character that could end a <script> (or a JS line) escaped.

    One `str.replace` per character: the world's geometry (most of the page) goes through here,
    and a per-character join cost about 0.1 s of every export.
    """
    for char, escaped in _UNSAFE_IN_SCRIPT.items():
        text = text.replace(char, escaped)
    return text


def to_js(value: Any) -> str:
    """`value` as a JavaScript literal that is safe inside <script> (and stable: keys sorted)."""
    return _script_safe(
        json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    )


class _RenderedScript(Element):
    """A script that is already rendered, printed as it is.

    branca's `MacroElement.render` wraps each rendered macro in `Element(text)`, which
    compiles the text as a Jinja template: for the world's geometry that is most of a
    dashboard rerun (about 0.2 s), and text that looked like Jinja would be read as Jinja.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text.removesuffix("\n")  # as the Jinja template did (keep_trailing_newline)

    def render(self, **kwargs: Any) -> str:
        return self.text


class _ScriptElement(MacroElement):
    """A MacroElement with only a `script` macro, rendered without compiling its output."""

    def render(self, **kwargs: Any) -> str:
        script = self._template.module.__dict__["script"]
        root = self.get_root()
        assert isinstance(root, Figure), "a script element renders inside a Figure"
        root.script.add_child(_RenderedScript(script(self, kwargs)), name=self.get_name())
        return ""
        for child in self._children.values():
            child.render(**kwargs)


@functools.lru_cache(maxsize=4)
def _json_parse_argument(features: Features) -> str:
    """The features' text as a string literal for JSON.parse, made once per `Features`.

    A string rather than an object literal: V8 compiles a literal this size (most of the
    page) as code, while JSON.parse only scans it.
    """
    return to_js(features.text)


class ShapeScript(_ScriptElement):
    """`SHAPES_JS`, added to a map once, before any `ShapeLayer` draws."""

    _template = Template("""{% macro script(this, kwargs) %}
{{ this.text }}
{% endmacro %}""")

    def __init__(self) -> None:
        super().__init__()
        self._name = "geomap_shape_script"
        self.text = SHAPES_JS


class ShapeData(_ScriptElement):
    """Shapes embedded once as a script variable, drawn by any number of `ShapeLayer`s."""

    _template = Template("""{% macro script(this, kwargs) %}
    var {{ this.get_name() }} = JSON.parse({{ this.literal }});
{% endmacro %}""")

    def __init__(self, features: Features, name: str) -> None:
        super().__init__()
        self._name = name
        self.literal = _json_parse_argument(features)
        self.ids = tuple(features.frame["id"])
        self.frame = features.frame


class _Configured(_ScriptElement):
    """An element whose template reads one JSON object, `config`, built from `settings`."""

    def __init__(self, name: str, settings: dict[str, Any]) -> None:
        super().__init__()
        self._name = name
        self.settings = settings

    @property
    def config(self) -> str:
        return to_js(self.settings)


class ShapeLayer(_Configured):
    """Draws (some of) a `ShapeData` with a style per feature, tooltips and popups.

    `config` keys: `categories` (feature id -> style key), `fallback` (style key for the
    rest), `styles` (style key -> Leaflet path options), `only` (ids to draw, or null for
    all), `cls` (CSS classes of every path; each also gets `geomap-<id>` and
    `geomap-<style key>`), `tooltips`/`popups` (id -> HTML), `labels` (style key -> text
    for a tooltip built as DOM text from the feature's name), `pane`, `interactive`,
    `yields` (ids left to the layer `yields_to`, drawn above: a polygon drawn twice costs
    the browser twice; they are drawn here only while that layer is switched off, and then
    as exactly as there), `exact` (draw every vertex: Leaflet otherwise simplifies each path
    on its own, by up to a pixel, so two neighbours' shared border would drift apart into
    slivers).
    """

    _template = Template("""{% macro script(this, kwargs) %}
    (function () {
        var c = {{ this.config }};
        var parent = {{ this._parent.get_name() }};
        var clean = function (s) { return String(s).replace(/[^A-Za-z0-9_-]/g, ""); };
        var draw = function (yielded) { return window.geomapShapes({{ this.data.get_name() }}, {
            pane: c.pane,
            interactive: c.interactive,
            filter: function (f) {
                var id = f.properties.id;
                var shown = !c.only || c.only.indexOf(id) >= 0;
                return shown && (c.yields.indexOf(id) >= 0) === yielded;
            },
            style: function (f) {
                var key = c.categories[f.properties.id] || c.fallback;
                var s = Object.assign({}, c.styles[key]);
                s.className = c.cls + " geomap-" + clean(f.properties.id) + " geomap-" + clean(key);
                if (c.exact || yielded) { s.smoothFactor = 0; }  // yielded: drawn above exactly
                return s;
            },
            onEachFeature: function (f, layer) {
                var id = f.properties.id, key = c.categories[id] || c.fallback;
                if (c.tooltips[id]) {
                    layer.bindTooltip(c.tooltips[id], {sticky: true});
                } else if (c.labels && c.labels[key]) {
                    layer.bindTooltip(function () {
                        var box = document.createElement("div"), name = document.createElement("b");
                        name.textContent = f.properties.name || id;
                        box.appendChild(name);
                        box.appendChild(document.createElement("br"));
                        box.appendChild(document.createTextNode(c.labels[key]));
                        return box;
                    }, {sticky: true});
                }
                if (c.popups[id]) { layer.bindPopup(c.popups[id], c.popup); }
            }
        }); };
        draw(false).addTo(parent);
        {%- if this.yields_to %}
        // The yielded features come back (built on first need) while the reader has
        // switched the layer that draws them off in the layer control.
        var back = null;
        {{ this._parent._parent.get_name() }}.on("overlayadd overlayremove", function (e) {
            if (e.layer !== {{ this.yields_to.get_name() }}) { return; }
            if (e.type === "overlayremove") { parent.addLayer(back || (back = draw(true))); }
            else if (back) { parent.removeLayer(back); }
        });
        {%- endif %}
    })();
{% endmacro %}""")

    def __init__(
        self,
        data: ShapeData,
        name: str,
        *,
        styles: Mapping[str, Mapping[str, Any]],
        categories: Mapping[str, str],
        fallback: str | None = None,
        cls: str,
        pane: str,
        only: list[str] | None = None,
        tooltips: Mapping[str, str] = {},
        popups: Mapping[str, str] = {},
        labels: Mapping[str, str] | None = None,
        interactive: bool = True,
        exact: bool = False,
        yields: Sequence[str] = (),
        yields_to: Element | None = None,
    ) -> None:
        if bool(yields) != (yields_to is not None):
            raise ValueError("yields and yields_to go together")
        super().__init__(
            name,
            {
                "styles": dict(styles),
                "categories": dict(categories),
                "fallback": fallback,
                "cls": cls,
                "pane": pane,
                "only": only,
                "tooltips": dict(tooltips),
                "popups": dict(popups),
                "labels": labels,
                "interactive": interactive,
                "exact": exact,
                "popup": POPUP_OPTIONS,
                "yields": sorted(yields),
            },
        )
        self.data = data
        self.yields_to = yields_to


class PolylineLayer(_Configured):
    """Lines with a white halo under each, so they read over any fill (treaty links).

    Each item: `id` (the item a click on it selects, in its GeoJSON properties), `latlngs`,
    `style` (Leaflet options incl. `className`), `tooltip`, `popup`.
    """

    _template = Template("""{% macro script(this, kwargs) %}
    (function () {
        var c = {{ this.config }};
        c.items.forEach(function (item) {
            L.polyline(item.latlngs, Object.assign({pane: c.pane, interactive: false}, c.halo))
                .addTo({{ this._parent.get_name() }});
            var line = L.polyline(item.latlngs, Object.assign({pane: c.pane}, item.style))
                .bindTooltip(item.tooltip, {sticky: true})
                .bindPopup(item.popup, c.popup);
            line.feature = {type: "Feature", properties: {id: item.id}};  // in its toGeoJSON()
            line.addTo({{ this._parent.get_name() }});
        });
    })();
{% endmacro %}""")

    def __init__(
        self, name: str, items: list[dict[str, Any]], *, halo: Mapping[str, Any], pane: str
    ) -> None:
        super().__init__(
            name, {"items": items, "halo": dict(halo), "pane": pane, "popup": POPUP_OPTIONS}
        )


class MarkerLayer(_Configured):
    """Point symbols drawn as vector shapes (no marker images, so nothing to fetch).

    Each item: `id` (in its GeoJSON properties, as for `PolylineLayer`), `lat`, `lon`,
    `shape` ("circle" or "triangle"), `style` (Leaflet path options incl. `className` and,
    for circles, `radius`), optional `tooltip`/`popup` HTML.
    """

    _template = Template("""{% macro script(this, kwargs) %}
    (function () {
        var c = {{ this.config }};
        var triangle = function (s) {
            return '<svg width="16" height="16" viewBox="0 0 16 16"><path d="M8 1 L15 14 L1 14 Z" '
                + 'fill="' + s.fillColor + '" stroke="' + s.color + '" stroke-width="' + s.weight
                + '"/></svg>';
        };
        c.items.forEach(function (item) {
            var marker = item.shape === "triangle"
                ? L.marker([item.lat, item.lon], {pane: c.pane, icon: L.divIcon({
                    className: item.style.className, html: triangle(item.style),
                    iconSize: [16, 16], iconAnchor: [8, 10]})})
                : L.circleMarker([item.lat, item.lon], Object.assign({pane: c.pane}, item.style));
            marker.feature = {type: "Feature", properties: {id: item.id}};  // as toGeoJSON() says
            if (item.tooltip) { marker.bindTooltip(item.tooltip); }
            if (item.popup) { marker.bindPopup(item.popup, c.popup); }
            marker.addTo({{ this._parent.get_name() }});
        });
    })();
{% endmacro %}""")

    def __init__(self, name: str, items: list[dict[str, Any]], *, pane: str) -> None:
        super().__init__(name, {"items": items, "pane": pane, "popup": POPUP_OPTIONS})


POPUP_GAP = 12
"""Px an auto-panned popup keeps from the title, the open legend and the map's edges."""
LEGEND_FIT: dict[str, int] = {"reserved": 190, "min": 120, "openWidth": 700, "openHeight": 560}
"""Legend sizing in px: the map height minus `reserved` (zoom buttons, legend heading, scale
bar, margins) is the most its list may take; it starts open on maps at least this large."""


class MapFrame(_Configured):
    """What the map itself needs: background, panes in drawing order, SVG hatch patterns,
    a stylesheet, and the title and legend (HTML already escaped by the caller).

    All of it is set from the script, so a host that keeps only the map's scripts
    (streamlit-folium) shows it as well as the static export does.
    """

    _template = Template("""{% macro script(this, kwargs) %}
    (function () {
        var c = {{ this.config }}, map = {{ this._parent.get_name() }}, box = map.getContainer();
        box.style.background = c.background;
        c.panes.forEach(function (p) { map.createPane(p[0]).style.zIndex = p[1]; });
        var style = document.createElement("style");
        style.textContent = c.css;
        document.head.appendChild(style);
        var ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg");
        svg.setAttribute("width", "0"); svg.setAttribute("height", "0");
        svg.setAttribute("aria-hidden", "true");
        svg.style.position = "absolute";
        var defs = document.createElementNS(ns, "defs");
        c.patterns.forEach(function (p) {
            var pattern = document.createElementNS(ns, "pattern");
            pattern.setAttribute("id", p.id);
            pattern.setAttribute("patternUnits", "userSpaceOnUse");
            pattern.setAttribute("width", "8"); pattern.setAttribute("height", "8");
            pattern.setAttribute("patternTransform", "rotate(45)");
            [[p.background, 8], [p.stripe, 3]].forEach(function (band) {
                var rect = document.createElementNS(ns, "rect");
                rect.setAttribute("width", String(band[1])); rect.setAttribute("height", "8");
                rect.setAttribute("fill", band[0]);
                pattern.appendChild(rect);
            });
            defs.appendChild(pattern);
        });
        svg.appendChild(defs);
        box.appendChild(svg);
        var title = document.createElement("div");
        title.id = "geomap-title"; title.className = "geomap-title";
        title.innerHTML = c.title;
        box.appendChild(title);
        var legend = L.control({position: "bottomleft"}), div;
        legend.onAdd = function () {
            div = L.DomUtil.create("div", "geomap-legend");
            div.id = "geomap-legend";
            div.innerHTML = c.legend;
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        legend.addTo(map);
        // Open on screens with room for it; never taller than the space between the zoom
        // buttons above and the scale bar below, so nothing is cut off or covered.
        var panel = div.querySelector("details"), body = div.querySelector(".geomap-legend-body");
        var fit = function () {
            var size = map.getSize();
            body.style.maxHeight = Math.max(c.legendFit.min, size.y - c.legendFit.reserved) + "px";
        };
        fit();
        map.on("resize", fit);
        // The map's size as Leaflet measured it when it was made (reading the box again
        // here would force a layout of everything added since).
        if (panel) { panel.open = map.getSize().x >= c.legendFit.openWidth
                                  && map.getSize().y >= c.legendFit.openHeight; }
        // Popups pan clear of the title above and of the open legend on the left. The
        // padding is Leaflet's class default (a page holds one map: export, Streamlit and
        // notebooks each give it its own frame): a point whose x and y are measured when a
        // popup reads them, i.e. when one opens, never at load (measuring then forces a
        // layout), and again only after the title or the legend may have changed size.
        var clear = null, measure = function () {
            if (!clear) {
                var origin = box.getBoundingClientRect();
                clear = [(panel && panel.open ? div.getBoundingClientRect().right - origin.left : 0)
                         + c.popupGap,
                         title.getBoundingClientRect().bottom - origin.top + c.popupGap];
            }
            return clear;
        };
        L.Popup.mergeOptions({
            autoPanPaddingTopLeft: {
                get x() { return measure()[0]; },
                get y() { return measure()[1]; }
            },
            autoPanPaddingBottomRight: [c.popupGap, c.popupGap]});
        var clearance = function () { clear = null; };
        map.on("resize", clearance);
        if (panel) { panel.addEventListener("toggle", clearance); }
        // A layer switched off in the layer control takes its legend section with it.
        map.on("overlayadd overlayremove", function (e) {
            var key = c.legendLayers[e.name];
            div.querySelectorAll("[data-layer]").forEach(function (section) {
                if (section.getAttribute("data-layer") === key) {
                    section.hidden = e.type === "overlayremove";
                }
            });
        });
    })();
{% endmacro %}""")

    def __init__(
        self,
        *,
        background: str,
        panes: list[tuple[str, int]],
        patterns: list[dict[str, str]],
        css: str,
        title: str,
        legend: str,
        legend_layers: Mapping[str, str],
    ) -> None:
        """`legend_layers` maps a layer's name in the layer control to its legend section."""
        super().__init__(
            "geomap_frame",
            {
                "background": background,
                "panes": panes,
                "patterns": patterns,
                "css": css,
                "title": title,
                "legend": legend,
                "legendLayers": dict(legend_layers),
                "legendFit": LEGEND_FIT,
                "popupGap": POPUP_GAP,
            },
        )
