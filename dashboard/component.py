"""The dashboard's map: the exported page of the view in a Streamlit component of our own.

A supported way (Streamlit's components API, `declare_component` with a local `path`)
instead of capturing streamlit-folium's private frontend call. The frontend
(`dashboard/frontend/`: a plain `index.html` and `map.js`, no build step, nothing from a
CDN) shows the page `geomap export` writes in an inner frame and sends back only what a
click selects, `{"id": ..., "click": ...}`: panning and zooming send nothing, so they
never rerun the script. A page that did not change between runs is not reloaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from streamlit.components.v1 import declare_component

__all__ = ["FRONTEND", "clicked_id", "map_page"]

FRONTEND = Path(__file__).with_name("frontend")
_component = declare_component("map", path=str(FRONTEND))


def map_page(html: str, *, height: int, key: str) -> dict[str, Any] | None:
    """Shows `html` (a whole, self-contained page) `height` px high; returns the last click
    (None before the first): `{"id": item id, "click": a token unique to each click}`."""
    value = _component(html=html, height=height, key=key, default=None)
    return value if isinstance(value, dict) else None


def clicked_id(value: dict[str, Any] | None) -> str | None:
    """The id of what the reader clicked, by id alone (nothing is read from geometry or text).

    >>> clicked_id({"id": "ABK", "click": "1.5:1"}), clicked_id({"click": "1.5:2"})
    ('ABK', None)
    >>> clicked_id(None)
    """
    item = (value or {}).get("id")
    return str(item) if item else None
