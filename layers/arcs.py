"""Great-circle arcs for treaty links, shared by the web map and the still maps.

No map library here, so a still map can draw links without importing folium.
"""

from __future__ import annotations

import numpy as np

__all__ = ["BEND", "arc"]

BEND = 0.08
"""Sideways bend of every link, as a share of its length: a curve says "link", not "border"."""


def arc(
    start: tuple[float, float], end: tuple[float, float], bend: float = 0.0, steps: int = 32
) -> list[list[float]]:
    """Points (lat, lon) along the great circle from `start` to `end`, bent sideways.

    `bend` displaces the midpoint by that share of the arc's length (negative: other side).
    Longitudes are continuous (they may pass ±180), which Leaflet draws without a jump.

    >>> arc((0.0, 179.0), (0.0, -179.0), steps=2)
    [[0.0, 179.0], [0.0, 180.0], [0.0, 181.0]]
    """
    a, b = _unit(*start), _unit(*end)
    omega = float(np.arccos(np.clip(a @ b, -1.0, 1.0)))
    if omega < 1e-9:
        return [list(start), list(end)]
    t = np.linspace(0.0, 1.0, steps + 1)[:, None]
    points = (np.sin((1 - t) * omega) * a + np.sin(t * omega) * b) / np.sin(omega)
    normal = np.cross(a, b)
    points = points + np.outer(
        bend * omega * np.sin(np.pi * t[:, 0]), normal / np.linalg.norm(normal)
    )
    points /= np.linalg.norm(points, axis=1)[:, None]
    lat = np.degrees(np.arcsin(points[:, 2]))
    lon = np.degrees(np.unwrap(np.arctan2(points[:, 1], points[:, 0])))
    return [
        [round(float(y), 4) + 0.0, round(float(x), 4) + 0.0] for y, x in zip(lat, lon, strict=True)
    ]


def _unit(lat: float, lon: float) -> np.ndarray:
    phi, lam = np.radians(lat), np.radians(lon)
    return np.array([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])
