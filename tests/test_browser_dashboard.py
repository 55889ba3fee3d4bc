"""The real dashboard in Debian's Chromium, every non-loopback request blocked and counted.

`streamlit run app.py` on a free loopback port; the map must draw inside the dashboard's
map component with no network (Leaflet comes inline, not from a CDN), a click on Abkhazia must
open its details, the date control must change them, and panning and zooming must not
rerun the script. Screenshots go to test-output/screenshots/ for a person to look at.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dashboard_browser import (
    ABKHAZIA,
    click_on_map,
    details_section,
    fit_map,
    map_box,
    map_frames,
    run_dashboard,
    set_date,
    wait_for_map,
)
from offline_browser import PHONE, OfflinePage, open_offline

pytestmark = pytest.mark.browser

UN_RECOGNISERS_2015 = ("Russia", "Nicaragua", "Venezuela", "Nauru")
VIEWPORT = {"width": 1400, "height": 1000}


@pytest.fixture(scope="module")
def dashboard_url() -> Iterator[str]:
    with run_dashboard() as url:
        yield url


@pytest.fixture
def dashboard_page(browser: Any) -> Iterator[OfflinePage]:
    """A page that may reach the local server and nothing else; every other request counted."""
    opened = open_offline(browser, allow_loopback=True, viewport=VIEWPORT)
    yield opened
    opened.page.context.close()


def count_sent_frames(page: Any) -> list[int]:
    """A live count of websocket messages the page sends: each rerun request is one."""
    sent = [0]
    page.on(
        "websocket", lambda ws: ws.on("framesent", lambda _frame: sent.__setitem__(0, sent[0] + 1))
    )
    return sent


def test_dashboard_offline_click_date_and_no_rerun_on_pan(
    dashboard_url: str, dashboard_page: OfflinePage, screenshot_dir: Path
) -> None:
    page = dashboard_page.page
    sent = count_sent_frames(page)
    started = time.perf_counter()
    page.goto(f"{dashboard_url}/?date=2015-06-01&worldview=de-facto")
    wait_for_map(page)
    drawn = time.perf_counter() - started
    print(f"time to map drawn: {drawn:.2f} s")
    page.wait_for_timeout(1500)  # let the page settle (the component reports its first value)

    # Pan and zoom: the map reports clicks only, so the script must not run again.
    before = sent[0]
    box = map_box(page)
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.move(*centre)
    page.mouse.down()
    page.mouse.move(centre[0] + 120, centre[1] + 60, steps=8)
    page.mouse.up()
    page.mouse.wheel(0, -300)
    page.wait_for_timeout(800)
    map_frames(page).locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(2000)
    reruns = sent[0] - before
    print(f"messages sent to the server on pan and zoom: {reruns}")
    assert reruns == 0, f"panning and zooming sent {reruns} message(s): the script reran"
    fit_map(page, ABKHAZIA)
    page.wait_for_timeout(500)
    assert sent[0] == before, "fitting the view sent a message"

    before = sent[0]
    click_on_map(page, "path.geomap-territory.geomap-ABK")
    recognised = details_section(page, "ABK", "recognised-un")
    assert sent[0] > before, "a click reached the server without a message: the count is blind"
    for state in UN_RECOGNISERS_2015:
        assert state in recognised, f"{state} missing from the 2015 panel: {recognised}"
    page.screenshot(path=str(screenshot_dir / "dashboard-2015-06-01-abkhazia.png"))

    set_date(page, "2008-08-01")
    page.locator(
        '.geomap-details[data-item="ABK"] section[data-section="recognised-un"]'
        ':has-text("No UN member state")'
    ).wait_for(timeout=30_000)
    recognised = details_section(page, "ABK", "recognised-un")
    for state in UN_RECOGNISERS_2015 + ("Syria", "Tuvalu", "Vanuatu"):
        assert state not in recognised, f"{state} listed on 2008-08-01: {recognised}"
    wait_for_map(page)
    assert "date=2008-08-01" in page.url
    page.screenshot(path=str(screenshot_dir / "dashboard-2008-08-01-abkhazia.png"))

    assert dashboard_page.blocked == [], f"the dashboard reached out: {dashboard_page.blocked}"
    assert dashboard_page.errors == [], f"the page raised: {dashboard_page.errors}"


def test_on_a_phone_a_tapped_territorys_details_come_into_view(
    dashboard_url: str, browser: Any, screenshot_dir: Path
) -> None:
    """Streamlit stacks the columns on a phone; the details of a tapped territory must then
    be on the screen, not below the map."""
    opened = open_offline(browser, allow_loopback=True, **PHONE)
    try:
        page = opened.page
        page.goto(f"{dashboard_url}/?date=2015-06-01")
        wait_for_map(page)
        frame = map_box(page)
        assert frame and frame["y"] + frame["height"] < 844, "the map fills the whole phone"
        fit_map(page, ABKHAZIA)
        click_on_map(page, "path.geomap-territory.geomap-ABK", tap=True)
        details_section(page, "ABK", "recognised-un")
        page.wait_for_timeout(500)
        heading = page.locator('.geomap-details[data-item="ABK"] h3').bounding_box()
        assert heading and heading["y"] >= 0 and heading["y"] + heading["height"] <= 844, heading
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(screenshot_dir / "dashboard-phone-2015-06-01-abkhazia.png"))
        assert opened.blocked == [] and opened.errors == []
    finally:
        opened.page.context.close()


def test_clicking_a_treaty_link_opens_the_treaty(
    dashboard_url: str, dashboard_page: OfflinePage, screenshot_dir: Path
) -> None:
    page = dashboard_page.page
    page.goto(f"{dashboard_url}/?date=2015-06-01&layers=alliances")
    map_frames(page).locator("path.geomap-link").first.wait_for(state="attached", timeout=60_000)
    fit_map(page, ((41.5, 36.0), (56.5, 46.0)))  # Sukhumi to Moscow
    click_on_map(page, "path.geomap-link.geomap-link-rus-abk-alliance-2014")
    treaties = details_section(page, "RUS+ABK", "treaties")
    assert "Russia–Abkhazia alliance (2014)" in treaties and "in force since 2015-03-05" in treaties
    page.screenshot(path=str(screenshot_dir / "dashboard-2015-06-01-treaty.png"))
    assert dashboard_page.blocked == []


def test_a_bad_link_shows_a_notice_in_the_browser(
    dashboard_url: str, dashboard_page: OfflinePage
) -> None:
    """The link's values come back as plain text: a Markdown link in it is no link, a
    Markdown image loads nothing (every request off the loopback would be counted)."""
    page = dashboard_page.page
    page.goto(
        f"{dashboard_url}/?date=![](http://host.example/p.png)"
        "&worldview=[OFFICIAL MAP](https://evil.example/x)&layers=places&layers=territories"
    )
    # The notices are drawn one by one: wait for each of them, not for the first warning.
    for expected in ("![](http://host.example/p.png)", "(https://evil.example/x)", "2 times"):
        notice = page.locator('[data-testid="stText"]', has_text=expected).first
        notice.wait_for(timeout=60_000)
    notices = page.locator('[data-testid="stText"]').all_inner_texts()
    assert any("![](http://host.example/p.png)" in n for n in notices), notices
    assert any("[OFFICIAL MAP](https://evil.example/x)" in n for n in notices), notices
    assert any("'layers' 2 times" in n for n in notices), notices
    assert page.locator('a[href*="evil.example"]').count() == 0
    assert page.locator('img[src*="host.example"]').count() == 0
    wait_for_map(page)
    assert dashboard_page.blocked == []


# --- text from a record file stays text in every widget that shows it --------------------

HOSTILE = "[x](https://evil.example/t) ![](http://host.example/t.png) <b>bold</b> **strong**"
MINI_RECORD = Path(__file__).parent / "data" / "mini_record"


@pytest.fixture(scope="module")
def hostile_dashboard_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard over a copy of the test record in which a state's name and an event's
    title hold a Markdown link, a Markdown image (which would fetch), HTML and emphasis."""
    folder = tmp_path_factory.mktemp("hostile") / "record"
    shutil.copytree(MINI_RECORD, folder)
    for name, old in (
        ("entities.toml", 'name = "Tuvalu"'),
        ("events.toml", 'title = "Five-day war"'),
    ):
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"the test record changed: {old} not in {name}"
        path.write_text(text.replace(old, f'{old[:-1]} {HOSTILE}"'), encoding="utf-8")
    with run_dashboard(env={"GEOMAP_RECORD": str(folder)}) as url:
        yield url


def open_selectbox(page: Any, label: str) -> list[str]:
    """Opens the select box named `label`; returns the text of its options as drawn."""
    page.get_by_label(label, exact=False).first.click()
    options = page.get_by_role("option")
    options.first.wait_for(timeout=30_000)
    return options.all_inner_texts()


def test_record_text_is_plain_text_in_select_boxes_panel_and_events_table(
    hostile_dashboard_url: str, dashboard_page: OfflinePage
) -> None:
    page = dashboard_page.page
    page.goto(f"{hostile_dashboard_url}/?date=2012-01-01")
    wait_for_map(page)
    key_dates = open_selectbox(page, "Jump to a key date")
    assert any(f"Tuvalu {HOSTILE}" in option for option in key_dates), key_dates
    page.keyboard.press("Escape")
    items = open_selectbox(page, "Details for")
    tuvalu = next(option for option in items if option.startswith("Tuvalu"))
    assert tuvalu == f"Tuvalu {HOSTILE}", items
    page.get_by_role("option", name=tuvalu).click()
    panel = page.locator(".geomap-details[data-item='TUV']")
    panel.wait_for(timeout=30_000)
    assert f"Tuvalu {HOSTILE}" in panel.inner_text()
    events = page.locator('[data-testid="stDataFrame"]', has_text="Five-day war").first
    events.wait_for(timeout=30_000)
    assert f"Five-day war {HOSTILE}" in (events.text_content() or "")  # the grid's cell table
    for frame in page.frames:  # the page and the map's iframe alike
        assert frame.locator('a[href*="evil.example"]').count() == 0
        assert frame.locator('img[src*="host.example"]').count() == 0
        assert frame.locator("b", has_text="bold").count() == 0
    assert dashboard_page.blocked == []
