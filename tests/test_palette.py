"""The palette stays tellable apart under deuteranopia and protanopia, measured, not eyeballed.

Colours are simulated with colorspacious (Machado et al. 2009, severity 100 = full
dichromacy) and compared in CAM02-UCS, where a distance of about 1 is just noticeable for
large patches. Map classes must be told apart at a glance from a legend swatch, so the bar
is set much higher: 15, more than a step between neighbouring classes of ColorBrewer's
7-class sequential schemes (about 8 to 18), which cartographers use as distinct classes.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest
from colorspacious import cspace_convert, deltaE

from layers.style import HATCH_STRIPE, OBLIGATIONS, OCCUPIED, STANCES, STATUSES

THRESHOLD = 15.0
VISIONS = {"normal": None, "deuteranopia": "deuteranomaly", "protanopia": "protanomaly"}

FILLS = {
    c.key: c.color for c in (*STANCES.values(), *STATUSES.values()) if c.key != "subject"
}  # "subject" is the same purple as "partially_recognised" on purpose
"""Every fill on the map: stances of states and statuses of territories, side by side."""
LINKS = {c.key: c.color for c in OBLIGATIONS}


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])


def distance(a: str, b: str, cvd: str | None) -> float:
    pair = [_rgb(a), _rgb(b)]
    if cvd is not None:
        space = {"name": "sRGB1+CVD", "cvd_type": cvd, "severity": 100}
        pair = [np.clip(cspace_convert(c, space, "sRGB1"), 0, 1) for c in pair]
    return float(deltaE(pair[0], pair[1], input_space="sRGB1", uniform_space="CAM02-UCS"))


@pytest.mark.parametrize("vision", VISIONS)
@pytest.mark.parametrize("group", [FILLS, LINKS], ids=["fills", "links"])
def test_every_pair_stays_apart(group: dict[str, str], vision: str) -> None:
    close = [
        (a, b, round(distance(group[a], group[b], VISIONS[vision]), 1))
        for a, b in combinations(group, 2)
        if distance(group[a], group[b], VISIONS[vision]) < THRESHOLD
    ]
    assert close == []


@pytest.mark.parametrize("vision", VISIONS)
def test_hatch_stripes_show_on_their_background(vision: str) -> None:
    assert distance(OCCUPIED.color, HATCH_STRIPE, VISIONS[vision]) >= THRESHOLD


def test_the_subject_purple_is_the_status_purple() -> None:
    assert STANCES["subject"].color == STATUSES["partially_recognised"].color
