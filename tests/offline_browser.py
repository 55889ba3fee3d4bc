"""Driving Debian's Chromium with Playwright, cut off from the network.

Shared by the browser tests (through `conftest.py`) and `scripts/screenshots.py`, so the
README picture is taken exactly the way the tests look at the map.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "INSTALL_HINT",
    "PHONE",
    "OfflinePage",
    "BORDER_VIEWS",
    "click_inside",
    "drawn_border_gaps",
    "hover_inside",
    "launch",
    "open_map",
    "open_offline",
    "point_inside",
    "show",
]

CHROMIUM = Path(os.environ.get("GEOMAP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_HINT = (
    "install it with `apt-get install -y chromium` (Debian's Chromium at "
    "/usr/bin/chromium) and `uv sync --group dev` (Python playwright); "
    "`playwright install` is neither needed nor possible"
)
LOCAL_SCHEMES = {"file", "data", "blob", "about"}
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 3,
}
"""`open_offline` device options of a touch phone (an iPhone 14's screen in CSS pixels)."""
CAUCASUS = ((40.0, 39.8), (44.6, 46.9))  # south-west, north-east: Georgia and its pieces


def launch(playwright: Any) -> Any:
    """Debian's Chromium, headless, with its own background traffic switched off."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@dataclass
class OfflinePage:
    """A page whose outside world is cut off, and what it tried to reach or do."""

    page: Any
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _is_local(url: str, allow_loopback: bool) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return allow_loopback and parts.hostname in LOOPBACK_HOSTS


def open_offline(
    browser: Any,
    *,
    allow_loopback: bool = False,
    viewport: dict[str, int] | None = None,
    **device: Any,
) -> OfflinePage:
    """A new context and page that abort and count every non-local request.

    `device` goes to the context as it is (`has_touch=True, is_mobile=True`: a phone).

    Requests are counted both where they are routed (and aborted) and where they are
    issued, so one that slipped past routing would still be seen; each is counted once.
    Dialogs are counted and dismissed; uncaught page errors are kept.
    """
    context = browser.new_context(
        viewport=viewport or {"width": 1280, "height": 800}, service_workers="block", **device
    )
    result = OfflinePage(page=context.new_page())
    counted: set[int] = set()

    def count(request: Any) -> None:
        if id(request) not in counted:
            counted.add(id(request))
            result.blocked.append(request.url)

    def route(route: Any) -> None:
        if _is_local(route.request.url, allow_loopback):
            route.continue_()
        else:
            count(route.request)
            route.abort()

    def on_request(request: Any) -> None:
        if not _is_local(request.url, allow_loopback):
            count(request)

    def on_dialog(dialog: Any) -> None:
        result.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    context.route("**/*", route)
    result.page.on("request", on_request)
    result.page.on("dialog", on_dialog)
    result.page.on("pageerror", lambda error: result.errors.append(str(error)))
    result.page.set_default_timeout(15_000)
    return result


def open_map(opened: OfflinePage, path: Path) -> Any:
    """Loads an exported map from `file://` and waits until Leaflet has drawn it."""
    page = opened.page
    page.goto(Path(path).resolve().as_uri())
    page.wait_for_selector(".leaflet-container path", state="attached")
    return page


def show(page: Any, bounds: tuple[tuple[float, float], tuple[float, float]] = CAUCASUS) -> None:
    """Fits the map (`map_0`: export ids are stable) to (south-west, north-east) at once."""
    page.evaluate(
        "b => { map_0.closePopup(); map_0.fitBounds(b, {animate: false}); }",
        [list(bounds[0]), list(bounds[1])],
    )
    page.wait_for_timeout(300)  # Leaflet redraws the SVG on the next animation frame


def point_inside(page: Any, selector: str) -> tuple[float, float]:
    """A viewport point where the topmost element is one matched by `selector`.

    The centre of a bounding box can be outside a concave shape or under a marker, so
    this scans a grid over every match and asks the browser what it would hit.
    """
    point = page.evaluate(
        """selector => {
            const targets = [...document.querySelectorAll(selector)];
            for (const target of targets) {
                const box = target.getBoundingClientRect();
                for (let i = 1; i < 12; i++) for (let j = 1; j < 12; j++) {
                    const x = box.left + box.width * i / 12, y = box.top + box.height * j / 12;
                    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
                    if (targets.includes(document.elementFromPoint(x, y))) return [x, y];
                }
            }
            return null;
        }""",
        selector,
    )
    if point is None:
        raise AssertionError(f"no visible, uncovered point of {selector!r} on the page")
    return point[0], point[1]


def hover_inside(page: Any, selector: str) -> None:
    page.mouse.move(*point_inside(page, selector))


def click_inside(page: Any, selector: str) -> None:
    """Clicks a visible point of `selector`, then waits out Leaflet's 0.2 s popup fade-in."""
    page.mouse.click(*point_inside(page, selector))
    page.wait_for_timeout(400)


#: A disputed line, and a view centre from which the whole line is on screen up to zoom 9.
BORDER_VIEWS: dict[str, tuple[float, float]] = {"GEO-ABK": (42.75, 41.9), "GEO-SOS": (42.3, 44.0)}
BORDER_ZOOMS = (4, 6, 8, 9)

_SHARED_BORDER = """([line, sides]) => {
    const map = Object.values(window).find(v => v instanceof L.Map), drawn = {};
    map.eachLayer(layer => {
        const id = layer.feature && layer.feature.properties.id;
        if (layer._parts && [line, ...sides].includes(id)) {
            drawn[id] = new Set(layer._parts.flat().map(p => p.x + "," + p.y));
        }
    });
    const points = [...drawn[line]];
    return {points: points.length,
            missing: sides.map(side => points.filter(p => !drawn[side].has(p)).length)};
}"""


def drawn_border_gaps(page: Any, line: str) -> dict[int, dict[str, Any]]:
    """Per zoom: how many pixel points the disputed `line` ("GEO-ABK") is drawn with, and
    how many of them each of its two sides is not drawn through (0 and 0: no sliver)."""
    found = {}
    for zoom in BORDER_ZOOMS:
        page.evaluate(  # a block, not an expression: setView returns the map, Playwright would
            # serialise all of it back to Python (seconds per call)
            "([centre, zoom]) => { Object.values(window).find(v => v instanceof L.Map)"
            ".setView(centre, zoom, {animate: false}); }",
            [list(BORDER_VIEWS[line]), zoom],
        )
        page.wait_for_timeout(300)  # Leaflet redraws on the next animation frame
        found[zoom] = page.evaluate(_SHARED_BORDER, [line, line.split("-")])
    return found
