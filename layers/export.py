"""Static export: one self-contained HTML file, or the styled snapshot as GeoJSON.

Exports are meant to be diffed and versioned, so the same inputs give the same bytes:
folium names every element with 32 random hex digits, and `assign_stable_ids` replaces them
with names counted per kind in tree order (`map_0`, `geo_json_3`) before rendering. Exports
are written to a temporary file beside the target and renamed over it, so a reader (or a
web server) only ever sees the old file or the complete new one.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import folium
from branca.element import Element, Figure

from geodata.snapshot import Snapshot
from layers.assets import assert_offline, inline_offline_assets, make_offline
from layers.output import ExportError, check_writable, write_atomic

__all__ = [
    "ExportError",
    "assign_stable_ids",
    "check_writable",
    "content_security_policy",
    "export_geojson",
    "export_html",
    "map_to_html",
    "render_geojson",
    "render_html",
    "snapshot_to_geojson",
    "write_atomic",
]

RANDOM_ID = re.compile(r"_[0-9a-f]{32}\b")
"""What folium's `Element._generate_id` leaves in a name (`map_3f2a...`)."""

OFFLINE_POLICY = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"
)
"""The page's own scripts and styles are inline and Leaflet's images `data:` URIs (see
`layers.assets`), so the page needs nothing else: every fetch, beacon or remote image is
blocked by the browser itself, whatever text reaches the page."""


def _elements(root: Element) -> Iterator[Element]:
    """Every element reachable from `root`, in render order, each once.

    Children are not the only route: a Figure keeps header/html/script and a Popup its
    html/script as plain attributes, and their names reach the page too.
    """
    seen: set[int] = set()
    stack = [root]
    while stack:
        element = stack.pop()
        if id(element) in seen:
            continue
        seen.add(id(element))
        yield element
        linked = [
            value
            for key, value in vars(element).items()
            if key != "_parent" and isinstance(value, Element)
        ]
        stack.extend(reversed(linked + list(element._children.values())))


def assign_stable_ids(root: Element) -> None:
    """Replaces folium's random element ids with `<kind>_<n>` counted in tree order.

    Parents key their children by name (and folium's Popup template prints those keys as
    JavaScript variables), so the keys are renamed along with the ids.
    """
    elements = list(_elements(root))
    old_names = {id(e): e.get_name() for e in elements}
    counts: Counter[str] = Counter()
    for element in elements:
        element._id = str(counts[element._name])
        counts[element._name] += 1
    for element in elements:
        element._children = type(element._children)(
            (child.get_name() if key == old_names.get(id(child)) else key, child)
            for key, child in element._children.items()
        )


def content_security_policy(tile_url: str | None = None) -> str:
    """`OFFLINE_POLICY`, plus the host of `tile_url` (an xyz template) for images if given.

    A `{s}` subdomain label becomes the `*.` wildcard CSP allows in the leftmost place.
    """
    if tile_url is None:
        return OFFLINE_POLICY
    parts = urlsplit(tile_url if "//" in tile_url else f"https://{tile_url}")
    host = parts.netloc.rsplit("}.", 1)[-1]
    if host != parts.netloc:
        host = f"*.{host}"
    return f"{OFFLINE_POLICY} {parts.scheme or 'https'}://{host}"


def with_policy(page: str, policy: str) -> str:
    """`page` with `lang="en"` and the policy as the first element of its head.

    A `<meta>` policy governs only what follows it, so it goes before every script.
    """
    head = "<html>\n<head>\n"
    if head not in page:
        raise ExportError("the page has no <html><head> to carry its security policy")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{html.escape(policy)}">\n'
    return page.replace(head, f'<html lang="en">\n<head>\n{meta}', 1)


def map_to_html(m: folium.Map, *, tile_url: str | None = None) -> str:
    """The map as one deterministic, self-contained HTML page.

    A tile layer (`tile_url`, its xyz template) is the only thing the page may fetch;
    otherwise a remote script or stylesheet raises `OfflineAssetError`, and the page's
    Content-Security-Policy forbids the browser every fetch.
    """
    make_offline(m)
    figure = m.get_root()
    if not isinstance(figure, Figure):
        figure = Figure()
        figure.add_child(m)
    assign_stable_ids(figure)
    page = inline_offline_assets(figure.render())
    leaked = sorted(set(RANDOM_ID.findall(page)))
    if leaked:
        raise ExportError(
            f"random element ids reached the page ({', '.join(leaked[:3])}); "
            "an element was created during rendering"
        )
    if tile_url is None:
        assert_offline(page)
    return with_policy(page, content_security_policy(tile_url))


def _page_title(snapshot: Snapshot) -> str:
    subject = " and ".join(snapshot.name(s) for s in snapshot.subject)
    return f"{subject} — {snapshot.as_of.isoformat()} — {snapshot.worldview.label}"


def render_html(
    snapshot: Snapshot, layers: Sequence[str] | None = None, tiles: str | None = None
) -> str:
    """The map of `snapshot` as HTML; `layers=None` means the default layers."""
    from layers.map import DEFAULT_LAYERS, build_map, tile_provider  # layers' entry point

    m = build_map(
        snapshot, layers=tuple(layers) if layers is not None else DEFAULT_LAYERS, tiles=tiles
    )
    figure = m.get_root()
    if isinstance(figure, Figure) and not figure.title:
        figure.title = html.escape(_page_title(snapshot))  # branca prints it unescaped
    tile_url = str(tile_provider(tiles)["url"]) if tiles else None
    return map_to_html(m, tile_url=tile_url)


def snapshot_to_geojson(snapshot: Snapshot) -> dict[str, Any]:
    """The territories as a GeoJSON FeatureCollection (WGS 84, display geometry).

    Properties are those `geomap facts --format json` prints for each territory, plus the
    style the map draws it with, so other tools can reproduce the map's colours.
    """
    from geodata.display import display_boundaries
    from geodata.serialize import territory_to_dict
    from layers.style import territory_style

    frame = display_boundaries().to_crs(4326)
    geometry = dict(zip(frame["id"], frame.geometry, strict=True))
    features = []
    for state in snapshot.territories:
        shape = geometry.get(state.entity.boundary_id)
        if shape is None:
            continue
        features.append(
            {
                "type": "Feature",
                "id": state.entity.id,
                "properties": {
                    **territory_to_dict(snapshot, state),
                    "style": territory_style(snapshot, state),
                },
                "geometry": shape.__geo_interface__,
            }
        )
    return {
        "type": "FeatureCollection",
        "as_of": snapshot.as_of.isoformat(),
        "worldview": snapshot.worldview.value,
        "features": features,
    }


def render_geojson(snapshot: Snapshot) -> str:
    """GeoJSON text with one feature per line, so that versions diff by territory."""
    collection = snapshot_to_geojson(snapshot)
    features = collection.pop("features")
    dump = lambda value: json.dumps(value, ensure_ascii=False, separators=(",", ":"))  # noqa: E731
    head = dump(collection)[:-1]
    body = ",\n".join(dump(f) for f in features)
    return f'{head},"features":[\n{body}\n]}}\n'


def export_html(
    snapshot: Snapshot, path: Path, layers: Sequence[str] | None = None, tiles: str | None = None
) -> int:
    """Writes the map to `path` atomically; returns the number of bytes written."""
    check_writable(Path(path))
    data = render_html(snapshot, layers, tiles).encode("utf-8")
    write_atomic(Path(path), data)
    return len(data)


def export_geojson(snapshot: Snapshot, path: Path) -> int:
    """Writes the styled territories to `path` atomically; returns the number of bytes."""
    check_writable(Path(path))
    data = render_geojson(snapshot).encode("utf-8")
    write_atomic(Path(path), data)
    return len(data)
