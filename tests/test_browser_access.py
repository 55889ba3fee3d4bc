"""The exported map on a phone, by keyboard, for a screen reader and on paper (issue 12).

One export for the module; each test opens it in a fresh, offline context (a touch phone of
390x844 at device scale 3, or a desktop), and the `offline_page`-style checks run after each.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from offline_browser import OfflinePage, open_map, point_inside, show

from geodata.snapshot import as_of
from layers.export import export_html

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("access") / "de-facto-2015-01-23.html"
    export_html(as_of(date(2015, 1, 23), "de-facto"), path)
    return path


OUTSIDE_THE_SCREEN = """() => {
    // What the reader can see or touch: everything but the map's own drawing, which Leaflet
    // draws beyond the frame on purpose and its container clips, and a popup's content,
    // which scrolls inside the popup.
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
        if (el.closest('.leaflet-map-pane') && !el.closest('.leaflet-popup')) continue;
        if (el.parentElement.closest('.leaflet-popup-content')) continue;
        const box = el.getBoundingClientRect(), style = getComputedStyle(el);
        if (!box.width || !box.height || style.visibility === 'hidden') continue;
        if (box.left < -0.5 || box.right > innerWidth + 0.5 || box.top < -0.5
            || box.bottom > innerHeight + 0.5) {
            out.push(el.tagName + '.' + (el.getAttribute('class') || '') + ' '
                     + JSON.stringify([box.left, box.top, box.right, box.bottom]));
        }
    }
    return {out, scrollWidth: document.documentElement.scrollWidth, innerWidth};
}"""


def _box(locator: Any) -> dict[str, float]:
    box = locator.bounding_box()
    assert box, f"{locator} is not laid out"
    return box


def _inside(box: dict[str, float], width: float, height: float) -> bool:
    return (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= width
        and box["y"] + box["height"] <= height
    )


def test_on_a_phone_nothing_is_wider_than_the_screen(
    exported: Path, phone_page: OfflinePage, screenshot_dir: Path
) -> None:
    page = open_map(phone_page, exported)
    page.wait_for_timeout(300)
    found = page.evaluate(OUTSIDE_THE_SCREEN)
    assert found["scrollWidth"] <= 390 and found["innerWidth"] == 390
    assert found["out"] == []
    title = _box(page.locator("#geomap-title"))
    assert title["height"] < 844 / 6, "the title takes a sixth of the phone's screen"
    page.screenshot(path=str(screenshot_dir / "phone-2015-01-23.png"))


def test_on_a_phone_the_legend_opens_from_its_button_and_closes(
    exported: Path, phone_page: OfflinePage, screenshot_dir: Path
) -> None:
    page = open_map(phone_page, exported)
    button = page.get_by_role("button", name="Legend")
    body = page.locator("#geomap-legend-body")
    assert button.get_attribute("aria-expanded") == "false" and body.is_hidden()
    button.tap()
    assert button.get_attribute("aria-expanded") == "true" and body.is_visible()
    assert _inside(_box(page.locator("#geomap-legend")), 390, 844)
    assert page.evaluate(OUTSIDE_THE_SCREEN)["out"] == []
    page.screenshot(path=str(screenshot_dir / "phone-2015-01-23-legend.png"))
    button.tap()
    assert button.get_attribute("aria-expanded") == "false" and body.is_hidden()
    button.focus()
    page.keyboard.press("Enter")
    assert body.is_visible()
    page.keyboard.press("Space")
    assert body.is_hidden()


@pytest.mark.parametrize("territory", ["ABK", "RUS"])
def test_on_a_phone_a_tapped_territorys_popup_fits_and_no_tooltip_sticks(
    territory: str, exported: Path, phone_page: OfflinePage, screenshot_dir: Path
) -> None:
    page = open_map(phone_page, exported)
    show(page)
    page.touchscreen.tap(*point_inside(page, f"path.geomap-territory.geomap-{territory}"))
    popup = page.locator(".leaflet-popup")
    popup.wait_for(state="visible")
    page.wait_for_timeout(600)  # the fade-in and the auto-pan
    assert _inside(_box(popup), 390, 844), _box(popup)
    close = page.locator(".leaflet-popup-close-button")
    assert _inside(_box(close), 390, 844)
    assert page.evaluate(OUTSIDE_THE_SCREEN)["out"] == []
    assert page.locator(".leaflet-tooltip").count() == 0, "a tooltip stayed after the tap"
    page.screenshot(path=str(screenshot_dir / f"phone-2015-01-23-popup-{territory}.png"))
    close.tap()
    popup.wait_for(state="detached")
    assert page.locator(".leaflet-tooltip").count() == 0
