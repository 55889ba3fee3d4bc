"""Names on the exported map, in Chromium: at every zoom and on a desktop and a phone, each
name shown is visible, inside the map and clear of every other name and of every dot it does
not name (`layers/label_layer.py` places them, `layers/js/label_layer.js` shows them)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from offline_browser import PHONE, open_map, open_offline

from geodata.snapshot import as_of
from layers.export import export_html

pytestmark = pytest.mark.browser

DESKTOP: dict[str, Any] = {"viewport": {"width": 1400, "height": 900}}
VIEWS = {3: (45.0, 43.0), 5: (42.6, 43.4), 7: (42.6, 43.0), 9: (42.25, 43.97)}
"""Zoom -> map centre: the Caucasus, and at zoom 9 Tskhinvali, so each view holds names."""

# Every name shown (the text's own boxes, not its element's), checked in the page so that
# only plain numbers and strings come back.
_CHECK = """() => {
    const rects = (el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        return [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
    };
    const meets = (a, b) =>
        a.left < b.right - 0.5 && b.left < a.right - 0.5 &&
        a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
    const labels = [...document.querySelectorAll(".geomap-label")].map((el) => ({
        key: el.getAttribute("data-key"), text: el.textContent, rects: rects(el),
        style: getComputedStyle(el),
    }));
    const dots = [...document.querySelectorAll(".geomap-place")].map((el) => ({
        cls: el.getAttribute("class"), rect: el.getBoundingClientRect(),
    }));
    const problems = [];
    labels.forEach((a, i) => {
        if (!a.rects.length || a.style.visibility !== "visible" || a.style.opacity === "0") {
            problems.push(`${a.text}: not visible`);
        }
        a.rects.forEach((r) => {
            if (r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight) {
                problems.push(`${a.text}: outside the viewport`);
            }
            labels.slice(i + 1).forEach((b) => {
                if (b.rects.some((s) => meets(r, s))) problems.push(`${a.text} overlaps ${b.text}`);
            });
            dots.forEach((d) => {
                const own = d.cls.split(" ").includes(`geomap-place-${a.key}`);
                if (!own && meets(r, d.rect)) problems.push(`${a.text} covers ${d.cls}`);
            });
        });
    });
    return {shown: labels.map((l) => l.text), problems};
}"""


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("labels")
    paths = {}
    for worldview in ("de-facto", "de-jure"):
        paths[worldview] = folder / f"{worldview}.html"
        export_html(as_of(date(2015, 1, 23), worldview), paths[worldview])
    return paths


@pytest.mark.parametrize("device", [DESKTOP, PHONE], ids=["1400x900", "390x844"])
def test_names_are_visible_inside_the_map_and_collide_with_nothing(
    device: dict[str, Any], exported: dict[str, Path], browser: Any
) -> None:
    opened = open_offline(browser, **device)
    try:
        page = open_map(opened, exported["de-facto"])
        for zoom, centre in VIEWS.items():
            page.evaluate(
                "([c, z]) => { map_0.setView(c, z, {animate: false}); }", [list(centre), zoom]
            )
            page.wait_for_timeout(250)
            found = page.evaluate(_CHECK)
            assert found["shown"], f"no name at zoom {zoom}"
            assert found["problems"] == [], f"zoom {zoom}: {found['problems']}"
            if zoom == 5:
                assert {"Abkhazia", "South Ossetia", "Sukhumi", "Tbilisi", "Tskhinvali"} <= set(
                    found["shown"]
                )
        assert opened.errors == []
    finally:
        opened.page.context.close()


def test_names_follow_the_worldview_and_are_text(
    exported: dict[str, Path], offline_page: Any
) -> None:
    """De jure, the territories are named as occupied regions, not as states; de facto the
    recognisers are named at world zoom. Names are DOM text: no markup inside."""
    page = open_map(offline_page, exported["de-jure"])
    page.evaluate("() => { map_0.setView([42.6, 43.4], 6, {animate: false}); }")
    page.wait_for_timeout(250)
    names = page.evaluate(
        "() => [...document.querySelectorAll('.geomap-label')].map((e) => "
        "[e.textContent, e.className, e.querySelectorAll(':not(br)').length])"
    )
    by_text = {
        text.replace("(occupied)", " (occupied)").replace("  ", " "): c for text, c, _ in names
    }
    assert "geomap-label-region" in by_text["Abkhazia (occupied)"]
    assert not any(t.upper() == t and "ABKHAZIA" in t for t in by_text)
    assert all(children == 0 for _, _, children in names)
    page.goto(exported["de-facto"].resolve().as_uri())
    page.evaluate("() => { map_0.setView([20, 10], 2, {animate: false}); }")
    page.wait_for_timeout(250)
    shown = page.evaluate(
        "() => [...document.querySelectorAll('.geomap-label')].map((e) => e.textContent)"
    )
    assert {"Nicaragua", "Venezuela"} <= set(shown)
