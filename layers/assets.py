"""Offline assets: Leaflet from the `xstatic-leaflet` package, inlined, and no CDN at all.

folium loads Leaflet, jQuery, Bootstrap and Font Awesome from CDNs, so a saved map is a white
page without a network. Our maps need only Leaflet (polygons, tooltips, popups, the layer
control), so every asset comes from the registry package at run time (never pasted into the
repository) and travels inside the page. The same list feeds folium's `default_js`/
`default_css` as `data:` URIs, which both `Figure.render` and streamlit-folium read, so the
export and the dashboard load the same Leaflet; the static export then inlines them as
literal `<script>`/`<style>` text (`inline_offline_assets`), which Chromium parses faster.

folium's own templates still call two jQuery idioms (`$(html)[0]` to build popup content and
`$(document).ready(fn)`); `layers/js/shim.js` is our few-line stand-in for exactly those.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import folium
from branca.element import Element
from folium.elements import JSCSSMixin
from xstatic.pkg import leaflet as xstatic_leaflet

from layers.script import js_source, to_js

__all__ = [
    "CDN_DEFAULTS",
    "FOCUS_CSS",
    "OfflineAssetError",
    "assert_offline",
    "inline_asset_tags",
    "inline_offline_assets",
    "make_offline",
    "offline_css",
    "offline_js",
    "remote_asset_urls",
]

LEAFLET_DIR = Path(xstatic_leaflet.BASE_DIR)

CDN_DEFAULTS: frozenset[str] = frozenset(
    {
        "jquery",
        "bootstrap",
        "awesome_markers",
        "bootstrap_css",
        "glyphicons_css",
        "awesome_markers_font_css",
        "awesome_markers_css",
        "awesome_rotate_css",
    }
)
"""Names of folium `Map` defaults our maps never use: dropped, not replaced."""

FOCUS_CSS = """\
/* Chromium rings a clicked SVG path with its bounding box; keep the ring for keyboard users. */
.leaflet-container .leaflet-interactive:focus:not(:focus-visible) { outline: none; }
"""
"""Our one rule on top of leaflet.css."""


class OfflineAssetError(RuntimeError):
    """A page would fetch a script or stylesheet from the network."""


def _data_uri(mime: str, payload: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(payload).decode('ascii')}"


def _image_uri(name: str) -> str:
    return _data_uri("image/png", (LEAFLET_DIR / "images" / name).read_bytes())


@lru_cache(maxsize=1)
def _leaflet_js() -> str:
    """leaflet.js without its source-map comment (a browser with dev tools would fetch it)."""
    text = (LEAFLET_DIR / "leaflet.js").read_text(encoding="utf-8")
    return re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", text)


@lru_cache(maxsize=1)
def _leaflet_css() -> str:
    """leaflet.css with every `url(images/...)` replaced by the image itself."""
    text = (LEAFLET_DIR / "leaflet.css").read_text(encoding="utf-8")
    return re.sub(
        r"url\((['\"]?)images/([\w.-]+\.png)\1\)",
        lambda m: f'url("{_image_uri(m.group(2))}")',
        text,
    )


@lru_cache(maxsize=1)
def _shim_js() -> str:
    """`layers/js/shim.js` and its call, with Leaflet's marker images as its data."""
    icons = {
        "iconUrl": _image_uri("marker-icon.png"),
        "iconRetinaUrl": _image_uri("marker-icon-2x.png"),
        "shadowUrl": _image_uri("marker-shadow.png"),
    }
    return f"{js_source('shim.js')}window.geomapShim({to_js(icons)});\n"


@lru_cache(maxsize=1)
def offline_js() -> tuple[tuple[str, str], ...]:
    """(name, data: URI) pairs in load order, shaped like folium's `default_js`."""
    return (
        ("leaflet", _data_uri("text/javascript", _leaflet_js().encode())),
        ("geomap_shim", _data_uri("text/javascript", _shim_js().encode())),
    )


@lru_cache(maxsize=1)
def offline_css() -> tuple[tuple[str, str], ...]:
    """(name, data: URI) pairs shaped like folium's `default_css`."""
    return (
        ("leaflet_css", _data_uri("text/css", _leaflet_css().encode())),
        ("geomap_css", _data_uri("text/css", FOCUS_CSS.encode())),
    )


def _checked_inline(tag: str, text: str) -> str:
    """`text` as the body of a literal `<tag>` element, refused if it could end it early.

    Neither of our assets can (checked here: the check is cheap and the failure would be
    silent); `<!--` is refused too, as it switches a script's body to the escaped states.
    """
    lowered = text.lower()
    if f"</{tag}" in lowered or (tag == "script" and "<!--" in lowered):
        raise OfflineAssetError(
            f"an inlined asset contains '</{tag}' or '<!--' and would end the tag early"
        )
    return f"<{tag}>\n{text}\n</{tag}>"


def inline_asset_tags() -> str:
    """The same assets as literal `<style>`/`<script>` tags, for pages folium does not render."""
    parts = [
        ("style", _leaflet_css()),
        ("style", FOCUS_CSS),
        ("script", _leaflet_js()),
        ("script", _shim_js()),
    ]
    return "\n".join(_checked_inline(tag, text) for tag, text in parts)


def inline_offline_assets(page: str) -> str:
    """`page` with our `data:` URI script and stylesheet links replaced by literal tags.

    For the static export: Chromium parses a 150 kB script faster as the page's own text
    than as a base64 `data:` URI it must decode and load (about 70 ms less to the map
    drawn, measured by `benchmarks/run.py`), and the page is 6 % smaller. The dashboard
    keeps the links (`make_offline`): streamlit-folium reads them from `default_js`.
    Each link folium rendered is replaced exactly once; a missing one is an error.
    """
    texts = {
        "leaflet": _leaflet_js(),
        "geomap_shim": _shim_js(),
        "leaflet_css": _leaflet_css(),
        "geomap_css": FOCUS_CSS,
    }
    links = [(name, f'<script src="{uri}"></script>', "script") for name, uri in offline_js()]
    links += [
        (name, f'<link rel="stylesheet" href="{uri}"/>', "style") for name, uri in offline_css()
    ]
    for name, link, tag in links:
        if page.count(link) != 1:
            raise OfflineAssetError(f"the page does not link {name} exactly once")
        page = page.replace(link, _checked_inline(tag, texts[name]))
    return page


def _asset_elements(root: Element) -> Iterator[JSCSSMixin]:
    """Every element under `root` that declares script or stylesheet links."""
    if isinstance(root, JSCSSMixin):
        yield root
    for child in root._children.values():
        yield from _asset_elements(child)


def make_offline(m: folium.Map) -> folium.Map:
    """Points the map and its layers at inlined Leaflet instead of folium's CDN defaults.

    Per instance (never the class lists, which other maps share). Links a layer adds that
    we have no offline copy of are left in place so that `assert_offline` names them.
    """
    replacements = dict(offline_js() + offline_css())
    for element in _asset_elements(m):
        for attribute in ("default_js", "default_css"):
            kept = [
                (name, replacements.get(name, url))
                for name, url in getattr(element, attribute)
                if name not in CDN_DEFAULTS
            ]
            if element is m:
                present = {name for name, _ in kept}
                ours = offline_js() if attribute == "default_js" else offline_css()
                kept += [pair for pair in ours if pair[0] not in present]
            setattr(element, attribute, kept)
    return m


_REMOTE_LINK = re.compile(
    r"""<(?:script|link|img|iframe|source|embed)\b[^>]*?\b(?:src|href)\s*=\s*["']?((?:https?:)?//[^"'\s>]+)"""
    r"""|@import\s+(?:url\()?\s*["']?((?:https?:)?//[^"')\s;]+)""",
    re.IGNORECASE,
)


def remote_asset_urls(html: str) -> list[str]:
    """URLs the page would fetch by itself: script/link/img sources and CSS @imports.

    Plain `<a href>` links are not fetched, so sources cited in popups do not count.
    """
    return [a or b for a, b in _REMOTE_LINK.findall(html)]


def assert_offline(html: str) -> None:
    """Raises `OfflineAssetError` naming every remote asset left in `html`."""
    remote = remote_asset_urls(html)
    if remote:
        raise OfflineAssetError(
            "the map would load from the network: "
            + ", ".join(sorted(set(remote)))
            + " (give the element an offline copy in layers/assets.py, or choose a tile layer)"
        )
