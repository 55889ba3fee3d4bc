"""Regenerates the README screenshot `docs/export.png` from a real export.

    .venv/bin/python scripts/screenshots.py [--as-of 2015-01-23] [--worldview de-facto]

The map is exported exactly as `geomap export` writes it, opened from `file://` in Debian's
Chromium with the network cut off (the same helpers the browser tests use), and the script
refuses to save a picture of a page that tried to reach the network or raised an error.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from offline_browser import click_inside, launch, open_map, open_offline, show  # noqa: E402

from geodata.snapshot import as_of  # noqa: E402
from layers.export import export_html  # noqa: E402

__all__ = ["main", "take_screenshot"]

README_VIEW = ((40.5, 30.0), (50.5, 56.0))  # Georgia low in the frame: room for the popup above it
VIEWPORT = {"width": 1280, "height": 900}


def take_screenshot(output: Path, day: date, worldview: str) -> None:
    """Exports the map of `day` and saves a picture with Abkhazia's popup open."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        page_file = Path(folder) / "map.html"
        export_html(as_of(day, worldview), page_file)
        browser = launch(playwright)
        opened = open_offline(browser, viewport=VIEWPORT)
        page = open_map(opened, page_file)
        show(page, README_VIEW)
        click_inside(page, "path.geomap-territory.geomap-ABK")
        page.locator(".leaflet-popup-content").wait_for(state="visible")
        # Rest the pointer on the legend, off every shape: a pointer left over a country
        # would leave its sticky tooltip peeking out from behind the legend.
        page.hover("#geomap-legend")
        page.wait_for_timeout(300)
        if opened.blocked or opened.errors:
            raise SystemExit(f"not saved: requests {opened.blocked}, errors {opened.errors}")
        output.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(output))
        browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2015, 1, 23))
    parser.add_argument("--worldview", default="de-facto")
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "export.png")
    args = parser.parse_args(argv)
    take_screenshot(args.output, args.as_of, args.worldview)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
