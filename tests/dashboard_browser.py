"""Running the real dashboard (`streamlit run app.py`) and driving it in Chromium.

Shared by the browser test and `scripts/dashboard_screenshot.py`, so the README picture is
taken the way the test looks at the dashboard. The map is the exported page, shown in a
frame inside the dashboard's own component iframe (`dashboard/component.py`); clicks are
made with the page's mouse at a point found inside that frame, because that is what a
reader does (and what makes the component report back).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from offline_browser import OfflinePage, point_inside

__all__ = [
    "ABKHAZIA",
    "APP",
    "COMPONENT_FRAME",
    "MAP_FRAME",
    "click_on_map",
    "details_section",
    "fit_map",
    "leave_date_field",
    "map_box",
    "map_frame",
    "map_frames",
    "run_dashboard",
    "save_clean_screenshot",
    "set_date",
    "type_date",
    "wait_for_map",
]

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
COMPONENT_FRAME = 'iframe[title="dashboard.component.map"]'  # Streamlit titles it by name
MAP_FRAME = "iframe#geomap-map"  # inside COMPONENT_FRAME: the exported page
ABKHAZIA = ((42.35, 39.9), (43.6, 42.2))  # south-west, north-east
START_TIMEOUT = 90.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def run_dashboard(
    app: Path = APP, extra_args: Sequence[str] = (), env: dict[str, str] | None = None
) -> Iterator[str]:
    """Starts `streamlit run` on a free loopback port (with `env` added to the environment);
    yields its URL; stops it afterwards.

    The server's output goes to a log file next to the test output, so that a failure to
    start can be read rather than guessed.
    """
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_dir = ROOT / "test-output"
    log_dir.mkdir(exist_ok=True)
    log = (log_dir / "dashboard-server.log").open("w")
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        *extra_args,
    ]
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _healthy(url):
            if server.poll() is not None:
                raise RuntimeError(f"streamlit exited with {server.returncode}; see {log.name}")
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"streamlit did not answer {url}/_stcore/health in "
                    f"{START_TIMEOUT:.0f} s; see {log.name}"
                )
            time.sleep(0.25)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def map_frames(page: Any) -> Any:
    """A FrameLocator into the map's page (for locating elements of the map)."""
    return page.frame_locator(COMPONENT_FRAME).frame_locator(MAP_FRAME)


def map_box(page: Any) -> Any:
    """The map's frame on the page (x, y, width, height in the page's viewport)."""
    return page.frame_locator(COMPONENT_FRAME).locator(MAP_FRAME).bounding_box()


def map_frame(page: Any) -> Any:
    """The Frame of the map's page (for evaluating inside it)."""
    return page.frame_locator(COMPONENT_FRAME).locator(MAP_FRAME).element_handle().content_frame()


def wait_for_map(page: Any, timeout: float = 60_000) -> Any:
    """Waits until Leaflet has drawn the territories inside the component; returns the frame."""
    map_frames(page).locator(".leaflet-container path.geomap-territory").first.wait_for(
        state="attached", timeout=timeout
    )
    return map_frame(page)


def fit_map(page: Any, bounds: tuple[tuple[float, float], tuple[float, float]]) -> None:
    """Shows (south-west, north-east) at once, through Leaflet in the map's page (`map_0`:
    export ids are stable). Moving the view sends nothing back: no rerun."""
    map_frame(page).evaluate(
        # a block: fitBounds returns the map, which Playwright would serialise back to Python
        "b => { map_0.fitBounds(b, {animate: false}); }",
        [list(bounds[0]), list(bounds[1])],
    )
    page.wait_for_timeout(300)  # Leaflet redraws the SVG on the next animation frame


def click_on_map(page: Any, selector: str, *, tap: bool = False) -> None:
    """Clicks (or, on a touch screen, taps) a visible point of the first shape matching
    `selector` inside the map iframe."""
    frame = map_frame(page)
    x, y = point_inside(frame, selector)
    box = map_box(page)
    (page.touchscreen.tap if tap else page.mouse.click)(box["x"] + x, box["y"] + y)


def details_section(page: Any, item: str, section: str, timeout: float = 30_000) -> str:
    """The text of one section of the details panel, once the panel shows `item`."""
    locator = page.locator(f'.geomap-details[data-item="{item}"] section[data-section="{section}"]')
    locator.wait_for(state="visible", timeout=timeout)
    return " ".join(locator.inner_text().split())


def set_date(page: Any, day: str) -> None:
    """Types a day (YYYY-MM-DD) into the sidebar's date field, one segment at a time, as people do.

    Streamlit's date field is a row of year, month and day spin buttons (react-aria); typing
    into the year moves on to the month and the day by itself, and leaving the field commits
    the value (Enter does not).
    """
    type_date(page, day)
    leave_date_field(page)
    page.locator(f'[data-testid="stCaptionContainer"]:has-text("{day}")').first.wait_for(
        timeout=30_000
    )


def type_date(page: Any, day: str) -> None:
    """Types a day (YYYY-MM-DD) into the date field; nothing is sent until the field is left."""
    field = page.locator('[data-testid="stSidebar"] [data-testid="stDateInput"]')
    field.locator('[data-type="year"]').click()
    page.keyboard.type(day.replace("-", ""), delay=40)


def leave_date_field(page: Any) -> None:
    """Commits a typed date, as a reader does: by clicking elsewhere (Enter does not)."""
    page.locator('[data-testid="stSidebar"] h2').first.click()


def save_clean_screenshot(opened: OfflinePage, output: Path) -> None:
    """Saves the page as `output`, unless it tried to reach the network or raised an error."""
    if opened.blocked or opened.errors:
        raise RuntimeError(f"not saved: requests {opened.blocked}, errors {opened.errors}")
    output.parent.mkdir(parents=True, exist_ok=True)
    opened.page.screenshot(path=str(output))
