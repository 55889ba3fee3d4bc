"""The few Leaflet elements the layers are made of, each a call of a function of `layers/js/`.

Why not folium.GeoJson: it embeds its data in every layer that uses it (the world would be
in the page twice, once per layer), as GeoJSON (three times the work for the browser, see
`layers.shapes`), and its GeoJsonTooltip/GeoJsonPopup print property values as HTML. Here
geometry is embedded once (`ShapeData`) and any number of layers draw it with their own
styles (`ShapeLayer`); tooltip and popup HTML comes ready-escaped from
`layers.popups`, and names taken from the geometry are only ever set as DOM text.
The functions are defined once per map (`ScriptLibrary`); an element's script only calls one
with its configuration, and every value reaches it as JSON through `to_js`, which cannot close
the <script> element.
Everything is plain Leaflet: no plugin, no network.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any

from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from layers.script import js_source, to_js
from layers.shapes import Features

__all__ = [
    "LabelLayer",
    "MapFrame",
    "MarkerLayer",
    "POPUP_OPTIONS",
    "PolylineLayer",
    "SCRIPT_FILES",
    "ScriptLibrary",
    "ShapeData",
    "ShapeLayer",
    "css_token",
]

POPUP_OPTIONS: dict[str, Any] = {}
"""Every popup's own options. Its size limits and autoPan padding are the map's (see
`MapFrame`, `POPUP_FIT`): they depend on the map's size, how tall the title is and whether
the legend is open."""


def css_token(value: str) -> str:
    """`value` reduced to characters a CSS class name can hold without quoting."""
    return re.sub(r"[^A-Za-z0-9_-]", "", value)


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


SCRIPT_FILES: tuple[str, ...] = (
    "shapes.js",
    "shape_layer.js",
    "polyline_layer.js",
    "marker_layer.js",
    "label_layer.js",
    "map_frame.js",
)
"""The files of `layers/js/` that define the functions the elements below call."""


@functools.cache
def _library() -> str:
    return "\n".join(js_source(name) for name in SCRIPT_FILES)


class ScriptLibrary(_ScriptElement):
    """`SCRIPT_FILES`, added to a map once, before any element that calls them."""

    _template = Template("""{% macro script(this, kwargs) %}
{{ this.text }}
{% endmacro %}""")

    def __init__(self) -> None:
        super().__init__()
        self._name = "geomap_scripts"
        self.text = _library()


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
    window.geomapShapeLayer(
        {{ this.config }},
        {{ this.data.get_name() }}, {{ this._parent.get_name() }},
        {{ this._parent._parent.get_name() }},
        {% if this.yields_to %}function () { return {{ this.yields_to.get_name() }}; }
        {%- else %}null{% endif %});
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
    window.geomapPolylineLayer(
        {{ this.config }},
        {{ this._parent.get_name() }});
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
    window.geomapMarkerLayer(
        {{ this.config }},
        {{ this._parent.get_name() }});
{% endmacro %}""")

    def __init__(self, name: str, items: list[dict[str, Any]], *, pane: str) -> None:
        super().__init__(name, {"items": items, "pane": pane, "popup": POPUP_OPTIONS})


class LabelLayer(_Configured):
    """Names written on the map: per zoom (`zooms`: zoom -> placements, highest priority
    first, see `layers.label_layer`), in `pane`, set in `font`, as DOM text with a halo.

    Calls `geomapLabelLayer` (`layers/js/label_layer.js`) with its group and the map: the
    names follow the map's zoom, and are hidden where they would leave it or run under the
    title or legend.
    """

    _template = Template("""{% macro script(this, kwargs) %}
    window.geomapLabelLayer(
        {{ this.config }},
        {{ this._parent.get_name() }},
        {{ this._parent._parent.get_name() }});
{% endmacro %}""")

    def __init__(
        self,
        zooms: Mapping[int, list[dict[str, Any]]],
        *,
        pane: str,
        font: str,
        line_height: float,
        leader_color: str,
    ) -> None:
        super().__init__(
            "geomap_labels",
            {
                "zooms": {str(z): v for z, v in zooms.items()},
                "pane": pane,
                "font": font,
                "lineHeight": line_height,
                "leaderColor": leader_color,
            },
        )


POPUP_GAP = 12
"""Px an auto-panned popup keeps from the title, the open legend and the map's edges."""
LEGEND_FIT: dict[str, int] = {"reserved": 190, "min": 120, "openWidth": 700, "openHeight": 560}
"""Legend sizing in px: the map height minus `reserved` (zoom buttons, legend heading, scale
bar, margins) is the most its list may take; it starts open on maps at least this large."""


POPUP_FIT: dict[str, int] = {"width": 360, "height": 320, "least": 120, "frameX": 46, "frameY": 56}
"""Popup content size in px: at most `width` x `height`, less on a map too small for that
(a phone), where the map's size minus the popup's own frame (`frameX`: the content's margins
and border; `frameY`: those and the tip) and the gaps is the most, but never under `least`."""


class MapFrame(_Configured):
    """What the map itself needs: background, panes in drawing order, SVG hatch patterns,
    a stylesheet, and the title and legend (HTML already escaped by the caller).

    All of it is set from the script, so a host that keeps only the map's scripts
    (streamlit-folium) shows it as well as the static export does.
    """

    _template = Template("""{% macro script(this, kwargs) %}
    window.geomapMapFrame(
        {{ this.config }},
        {{ this._parent.get_name() }});
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
                "popupFit": POPUP_FIT,
            },
        )
