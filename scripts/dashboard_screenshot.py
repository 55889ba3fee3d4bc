"""Regenerates the README screenshot `docs/dashboard.png` from the running dashboard.

    .venv/bin/python scripts/dashboard_screenshot.py [--date 2015-06-01] [-o docs/dashboard.png]

Starts `streamlit run app.py` on a free loopback port, opens it in Debian's Chromium with
every non-loopback request refused (the helpers the browser tests use), clicks Abkhazia on
the map and saves the page with its details open. A page that tried to reach the network
or raised an error is not saved.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from dashboard_browser import (  # noqa: E402
    click_on_map,
    details_section,
    map_frame,
    run_dashboard,
    save_clean_screenshot,
    wait_for_map,
)
from offline_browser import launch, open_offline  # noqa: E402

__all__ = ["main", "take_screenshot"]

VIEWPORT = {"width": 1400, "height": 980}


def take_screenshot(output: Path, day: str, worldview: str) -> None:
    """Saves the dashboard of `day` with Abkhazia's details panel open beside the map."""
    from playwright.sync_api import sync_playwright

    with run_dashboard() as url, sync_playwright() as playwright:
        browser = launch(playwright)
        opened = open_offline(browser, allow_loopback=True, viewport=VIEWPORT)
        page = opened.page
        page.goto(f"{url}/?date={day}&worldview={worldview}")
        wait_for_map(page)
        click_on_map(page, "path.geomap-territory.geomap-ABK")
        details_section(page, "ABK", "recognised-un")
        wait_for_map(page)
        # The panel says what the popup says; closing it, and undoing the pan it made to fit,
        # shows the map as it opened.
        map_frame(page).evaluate("""() => { const map = map_0; map.closePopup();
            map.setView(map.options.center, map.options.zoom, {animate: false}); }""")
        page.mouse.move(5, VIEWPORT["height"] - 5)  # off the map: no hover tooltip
        page.wait_for_timeout(1500)  # the chart draws itself in
        save_clean_screenshot(opened, output)
        browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", default="2015-06-01", help="the day to show (YYYY-MM-DD)")
    parser.add_argument("--worldview", default="de-facto", help="de-facto, recognising or de-jure")
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "dashboard.png")
    options = parser.parse_args(argv)
    take_screenshot(options.output, options.date, options.worldview)
    print(f"wrote {options.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
