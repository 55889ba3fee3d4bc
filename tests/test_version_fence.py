"""The overrides of other projects' internals hold only for the versions they were written for.

`layers/js/shapes.js` replaces parts of Leaflet's path machinery, `layers/elements.py` and
`layers/assets.py` lean on branca's element tree. pyproject.toml caps these packages; this
test fails on any other installed version and names what to re-check before the pin is moved.
(The dashboard's map is a Streamlit component of its own, `dashboard/component.py`, through
Streamlit's public components API: nothing of streamlit-folium is used any more.)
"""

from __future__ import annotations

from importlib.metadata import version

import pytest

WRITTEN_FOR: dict[str, tuple[str, str]] = {
    "xstatic-leaflet": (
        "1.9.3.0",
        "layers/js/shapes.js: L.Polyline/L.Polygon internals _project, _projectLatlngs, "
        "_updateBounds, _clipPoints, _parts, _pxBounds, _rawPxBounds, _bounds, _latlngs, "
        "_renderer, _map and L.Transformation's _a/_b/_c/_d; the browser tests in "
        "tests/test_browser_export.py check them point for point",
    ),
    "folium": (
        "0.20.0",
        "layers/elements.py: MacroElement templates with a `script` macro, the map's "
        "font_size option and LayerControl's _name; layers/assets.py: make_offline's asset lists",
    ),
    "branca": (
        "0.8.2",
        "layers/elements.py: Element._children/_parent/_name/_template and the root's "
        "`script` element that _ScriptElement.render writes into",
    ),
}


@pytest.mark.parametrize("package", sorted(WRITTEN_FOR))
def test_installed_version_is_the_one_the_overrides_were_written_for(package: str) -> None:
    expected, recheck = WRITTEN_FOR[package]
    installed = version(package)
    assert installed == expected, (
        f"{package} {installed} is installed, but the overrides were written for {expected}. "
        f"Re-check {recheck}; then update WRITTEN_FOR here and the cap in pyproject.toml."
    )
