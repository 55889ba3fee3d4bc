"""Time from navigation to every territory drawn, in Debian's Chromium via Playwright.

"Drawn" means the same on every page: the number of `path.leaflet-interactive` elements
(Leaflet's SVG renderer makes one per polygon feature, in the same task that adds the
layer) has reached the page's full count, and the browser has then rendered one frame.
The full count is found once per page by loading it and waiting until the count stops
changing; each timed load then waits for that count. The clock is the page's own
`performance.now()` (zero at navigation start), read by a requestAnimationFrame loop that
an init script starts before any of the page's scripts run, so Playwright's polling does
not enter the figure.

folium's default page (the baseline) loads its scripts and styles from CDNs and its
basemap from OpenStreetMap. Nothing outside this machine is reached: `CdnRoute` answers
each of those requests from a local copy from a registry package where one is installed
(see `LOCAL_ASSETS`), and with an empty body of the right content type otherwise; tiles get
a 1x1 transparent PNG. The route records what it did, and the report says so.
"""

from __future__ import annotations

import base64
import importlib
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "CdnRoute",
    "browser",
    "count_paths",
    "drawn_count",
    "time_to_drawn",
]

VIEWPORT = {"width": 1280, "height": 800}
PATHS = "path.leaflet-interactive"
TIMEOUT_MS = 180_000

#: Runs before the page's own scripts: records in `window.__drawnAt` the frame after the
#: one in which the count of paths first reached the expected count (filled in below).
_WATCH = """
(() => {
  const expected = %d;
  if (window.top !== window) return;
  const tick = () => {
    if (document.querySelectorAll('%s').length >= expected) {
      requestAnimationFrame(() => { window.__drawnAt = performance.now(); });
    } else {
      requestAnimationFrame(tick);
    }
  };
  requestAnimationFrame(tick);
})();
"""

_PNG_1x1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

CONTENT_TYPES = {
    ".js": "application/javascript",
    ".css": "text/css",
    ".png": "image/png",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".svg": "image/svg+xml",
    ".map": "application/json",
}


def _package_dir(module: str, *parts: str) -> Path | None:
    """`BASE_DIR` of an installed xstatic package (joined with `parts`), else None."""
    try:
        base = Path(importlib.import_module(module).BASE_DIR)
    except ImportError:
        return None
    return base.joinpath(*parts)


def _debian_dir(path: str) -> Path | None:
    return Path(path) if Path(path).is_dir() else None


#: CDN URL pattern -> (where the local copy comes from, its folder, how the file under it is
#: named from the URL's last path segments). First match wins.
LOCAL_ASSETS: list[tuple[re.Pattern[str], str, Callable[[], Path | None]]] = [
    (
        re.compile(r"/npm/leaflet@[^/]+/dist/(?P<file>.+)$"),
        "PyPI xstatic-leaflet",
        lambda: _package_dir("xstatic.pkg.leaflet"),
    ),
    (
        re.compile(r"code\.jquery\.com/jquery-[\d.]+\.min\.js$"),
        "PyPI xstatic-jquery",
        lambda: _package_dir("xstatic.pkg.jquery"),
    ),
    (
        re.compile(r"fontawesome-free@[^/]+/(?P<file>(css|webfonts)/.+)$"),
        "PyPI xstatic-font-awesome",
        lambda: _package_dir("xstatic.pkg.font_awesome"),
    ),
    (
        re.compile(r"/npm/bootstrap@5[^/]*/dist/(?P<file>(css|js)/.+)$"),
        "Debian libjs-bootstrap5",
        lambda: _debian_dir("/usr/share/javascript/bootstrap5"),
    ),
]


def _local_file(url: str) -> tuple[Path | None, str | None]:
    """The local copy of a CDN file and where it comes from; (None, source) if the package
    that would hold it is not installed, (None, None) if no package holds it."""
    path = urlsplit(url).path
    for pattern, source, folder in LOCAL_ASSETS:
        match = pattern.search(url)
        if not match:
            continue
        base = folder()
        name = match.groupdict().get("file") or ("jquery.min.js" if "jquery" in path else "")
        candidate = base / name if base is not None else None
        return (
            (candidate, source) if candidate is not None and candidate.is_file() else (None, source)
        )
    return None, None


@dataclass
class CdnRoute:
    """Answers every non-local request from local copies; records what each got."""

    served: dict[str, str] = field(default_factory=dict)

    def __call__(self, route: Any) -> None:
        url = route.request.url
        scheme = urlsplit(url).scheme
        if scheme in ("file", "data", "blob", "about"):
            route.continue_()
            return
        suffix = Path(urlsplit(url).path).suffix
        if "tile.openstreetmap.org" in url or suffix == ".png" and "/images/" not in url:
            self.served[_short(url)] = "1x1 PNG (tile)"
            route.fulfill(status=200, content_type="image/png", body=_PNG_1x1)
            return
        path, source = _local_file(url)
        if path is not None:
            self.served[_short(url)] = source
            route.fulfill(
                status=200,
                path=str(path),
                content_type=CONTENT_TYPES.get(suffix, "application/octet-stream"),
            )
            return
        self.served[_short(url)] = (
            f"empty body ({source} not installed)" if source else "empty body (no registry package)"
        )
        route.fulfill(status=200, body="", content_type=CONTENT_TYPES.get(suffix, "text/plain"))

    def summary(self) -> dict[str, str]:
        """One entry per CDN file (tiles collapsed to one)."""
        tiles = {u for u, how in self.served.items() if how.startswith("1x1")}
        rest = {u: how for u, how in self.served.items() if u not in tiles}
        if tiles:
            rest[f"tile.openstreetmap.org (x{len(tiles)})"] = "1x1 PNG"
        return dict(sorted(rest.items()))


def _short(url: str) -> str:
    parts = urlsplit(url)
    if "tile.openstreetmap.org" in parts.netloc:
        return url
    return parts.netloc + parts.path


@contextmanager
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, with its background traffic switched off."""
    from offline_browser import launch  # the tests' launcher: same Chromium, same flags
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = launch(playwright)
        try:
            yield instance
        finally:
            instance.close()


@contextmanager
def _page(chromium: Any, route: CdnRoute | None, expected: int | None = None) -> Iterator[Any]:
    context = chromium.new_context(viewport=VIEWPORT, service_workers="block")
    try:
        if route is not None:
            context.route("**/*", route)
        else:  # our export must need nothing: refuse whatever it asks for
            context.route(re.compile(r"^(https?|wss?)://"), lambda r: r.abort())
        if expected is not None:
            context.add_init_script(_WATCH % (expected, PATHS))
        yield context.new_page()
    finally:
        context.close()


def count_paths(frame: Any) -> int:
    return frame.evaluate(f"document.querySelectorAll('{PATHS}').length")


def wait_stable(
    read: Callable[[], int], settle_s: float = 1.5, timeout_s: float = 180
) -> tuple[int, float]:
    """Polls `read()` until it is positive and unchanged for `settle_s`.

    Returns the count and the `time.perf_counter()` at which it was first read.
    """
    deadline = time.monotonic() + timeout_s
    last, since = -1, time.perf_counter()
    while time.monotonic() < deadline:
        now = read()
        if now != last:
            last, since = now, time.perf_counter()
        elif now > 0 and time.perf_counter() - since >= settle_s:
            return now, since
        time.sleep(0.1)
    raise TimeoutError(f"paths never settled (last count {last})")


def drawn_count(chromium: Any, url: str, route: CdnRoute | None = None) -> int:
    """How many territory paths the page ends up with: the count that means "drawn"."""
    with _page(chromium, route) as page:
        page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
        return wait_stable(lambda: count_paths(page))[0]


def time_to_drawn(chromium: Any, url: str, expected: int, route: CdnRoute | None = None) -> float:
    """Milliseconds from navigation start to `expected` paths drawn, in a fresh context."""
    with _page(chromium, route, expected) as page:
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        handle = page.wait_for_function("window.__drawnAt", timeout=TIMEOUT_MS, polling=50)
        return float(handle.json_value())
