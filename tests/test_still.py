"""Still maps (layers.still) and their labels (layers.labels): real data, real rendering."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date
from functools import cache

import numpy as np
import pytest
import shapely
import shapely.ops
from PIL import Image
from pypdf import PdfReader

from geodata.display import display_boundaries
from geodata.snapshot import as_of
from layers.still import StillMap, render_still

DAYS = (date(2015, 1, 23), date(2008, 8, 1))
SVG = "{http://www.w3.org/2000/svg}"


@cache
def still(day: date, fmt: str, extent: str = "story") -> StillMap:
    return render_still(as_of(day), fmt, extent=extent)


def _rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


@pytest.mark.parametrize("day", DAYS)
def test_png_fills_match_the_style_table(day: date) -> None:
    result = still(day, "png")
    image = Image.open(io.BytesIO(result.data)).convert("RGB")
    scale = image.width / result.width
    shapes = dict(zip(display_boundaries()["id"], display_boundaries().geometry, strict=True))
    for fid in ("ABK", "SOS", "GEO", "RUS"):
        projected = shapely.transform(
            shapes[fid],
            lambda c: np.column_stack(result.to_map(c[:, 0], c[:, 1])),  # type: ignore[operator]
        ).intersection(shapely.box(*result.map_box))
        polygon = max(getattr(projected, "geoms", [projected]), key=lambda g: g.area)
        core = polygon.buffer(-1.5)
        x0, y0, x1, y1 = core.bounds
        grid = shapely.points(
            *(a.ravel() for a in np.meshgrid(np.linspace(x0, x1, 15), np.linspace(y0, y1, 15)))
        )
        inside = [p for p in grid if core.contains(p)]
        assert len(inside) >= 5, fid
        # many points inside the polygon are off the labels, dots and lines drawn over it
        colours = [image.getpixel((int(p.x * scale), int(p.y * scale))) for p in inside]
        category = result.fills[fid]
        expected = {_rgb(category.color)} | ({_rgb(category.stripe)} if category.stripe else set())
        commonest = Counter(colours).most_common(1)[0][0]
        assert commonest in expected, (fid, category.key, Counter(colours).most_common(3))


@pytest.mark.parametrize("day", DAYS)
def test_png_legend_swatches_and_title(day: date) -> None:
    result = still(day, "png")
    image = Image.open(io.BytesIO(result.data)).convert("RGB")
    scale = image.width / result.width
    for key, (x0, y0, x1, y1) in result.swatches.items():
        from layers.style import LEGEND_SECTIONS

        category = next(c for s in LEGEND_SECTIONS for c in s.categories if c.key == key)
        if category.kind != "fill":
            continue
        pixel = image.getpixel((int((x0 + x1) / 2 * scale), int((y0 + y1) / 2 * scale)))
        assert pixel == _rgb(category.color), key
    x0, y0, x1, y1 = (int(v * scale) for v in result.title_box)
    title = np.asarray(image.crop((x0, y0, x1, y1)))
    assert (title < 100).any(), "the title band holds dark text"


@pytest.mark.parametrize("day", DAYS)
def test_svg_is_editable_and_self_contained(day: date) -> None:
    data = still(day, "svg").data
    root = ET.fromstring(data)
    ids = {g.get("id") for g in root.iter(f"{SVG}g")}
    assert {"territories", "recognition", "alliances", "places", "labels", "legend"} <= ids
    labels = next(g for g in root.iter(f"{SVG}g") if g.get("id") == "labels")
    words = {t.text for t in labels.iter(f"{SVG}text")}
    assert {"Abkhazia", "GEORGIA", "RUSSIA", "Sukhumi", "Tskhinvali"} <= words
    assert "paint-order: stroke" in data.decode()
    assert not list(root.iter(f"{SVG}image"))
    assert not re.search(rb'href="(?!#)', data), "only references inside the file"
    title = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert f"{day.day} {day:%B %Y}" in title
    assert render_still(as_of(day), "svg").data == data, "same inputs, same bytes"


@pytest.mark.parametrize("day", DAYS)
def test_pdf_is_vector_and_names_the_territories(day: date) -> None:
    data = still(day, "pdf").data
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert not page.images
    words = page.extract_text()
    for name in ("Abkhazia", "South Ossetia", "GEORGIA", "RUSSIA", f"{day.day} {day:%B %Y}"):
        assert name in words
    assert render_still(as_of(day), "pdf").data == data


def test_de_jure_labels_are_not_state_style() -> None:
    result = render_still(as_of(date(2015, 1, 23), "de-jure"), "svg")
    texts = set(re.findall(rb">([^<]+)</text>", result.data))
    assert b"(occupied)" in b" ".join(texts)
    assert b"ABKHAZIA" not in texts


def test_non_latin_names_measure_and_render() -> None:
    from layers.still import text_width

    assert text_width("აფხაზეთი", 10) > 20 and text_width("Абхазия", 10) > 20


@pytest.mark.parametrize("extent", ["story", "world"])
@pytest.mark.parametrize("day", DAYS)
def test_labels_never_overlap_nor_cover_other_dots(day: date, extent: str) -> None:
    result = still(day, "png", extent)
    boxes = [shapely.box(*label.box) for label in result.labels]
    assert len(boxes) >= 6
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.intersects(b)
    for dot in result.dots:
        x, y = result.to_map(np.array([dot.lon]), np.array([dot.lat]))  # type: ignore[operator]
        disc = shapely.Point(float(x[0]), float(y[0])).buffer(dot.radius - 0.8)
        for label in result.labels:
            if label.key != dot.key:
                assert not shapely.box(*label.box).intersects(disc), (label.key, dot.key)
    names = {" ".join(label.lines) for label in result.labels}
    assert {"Abkhazia", "South Ossetia", "GEORGIA", "RUSSIA"} <= names


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_geomap_export_writes_still_maps(tmp_path, fmt: str) -> None:
    from layers.cli import main

    out = tmp_path / f"map.{fmt}"
    argv = ["export", "--as-of", "2008-08-01", "--format", fmt, "--extent", "caucasus"]
    assert main([*argv, "--size", "800x500", "--dpi", "100", "-o", str(out)]) == 0
    magic = {"svg": b"<?xml", "png": b"\x89PNG", "pdf": b"%PDF"}[fmt]
    assert out.read_bytes().startswith(magic)
    assert [p.name for p in tmp_path.iterdir()] == [out.name], "nothing but the output"
    if fmt == "png":
        assert Image.open(out).size == (800, 500)


@pytest.mark.parametrize(
    "flag, value, message",
    [
        ("--extent", "1,2,3", "bad extent"),
        ("--size", "wide", "bad size"),
        ("--dpi", "0", "bad dpi"),
    ],
)
def test_geomap_export_refuses_bad_still_options(tmp_path, capsys, flag, value, message) -> None:
    from layers.cli import main

    out = tmp_path / "map.png"
    with pytest.raises(SystemExit) as exit_:
        main(["export", "--format", "png", flag, value, "-o", str(out)])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("day, parties", [(date(2008, 8, 1), set()), (date(2015, 1, 23), {"RUS"})])
def test_story_frame_holds_the_days_story_only(day: date, parties: set[str]) -> None:
    """Before Russia's treaties (17 September 2008) the story is Georgia and its two
    territories, so Moscow is out of frame; once Russia is a treaty party it is in."""
    result = still(day, "png")
    snapshot = as_of(day)
    x0, y0, x1, y1 = result.map_box

    def in_view(lon: float, lat: float) -> bool:
        x, y = result.to_map(np.array([lon]), np.array([lat]))  # type: ignore[operator]
        return x0 <= float(x[0]) <= x1 and y0 <= float(y[0]) <= y1

    places = snapshot.record.places
    georgia = dict(zip(display_boundaries()["id"], display_boundaries().geometry, strict=True))
    west, south, east, north = georgia["GEO"].bounds
    for lon, lat in ((west, south), (west, north), (east, south), (east, north)):
        assert in_view(lon, lat), "Georgia's whole outline is in the frame"
    for place in ("sukhumi", "tskhinvali", "tbilisi"):
        assert in_view(places[place].lon, places[place].lat), place
    moscow = places["moscow"]
    assert in_view(moscow.lon, moscow.lat) is ("RUS" in parties)
    from layers.story import story_parts

    assert set(story_parts(snapshot)[1]) == parties


@pytest.mark.parametrize("day", DAYS)
def test_states_too_small_to_see_get_a_ring_and_their_name(day: date) -> None:
    """At world extent Nauru is a fraction of a pixel: a ring of its fill marks it, named."""
    result = still(day, "png", "world")
    image = Image.open(io.BytesIO(result.data)).convert("RGB")
    scale = image.width / result.width
    snapshot = as_of(day)
    shapes = dict(zip(display_boundaries()["id"], display_boundaries().geometry, strict=True))
    expected = {"SOS"} | ({"NRU", "TUV", "VUT"} if day.year == 2015 else set())
    assert expected <= set(result.markers)
    for fid in expected:
        projected = shapely.transform(
            shapes[fid],
            lambda c: np.column_stack(result.to_map(c[:, 0], c[:, 1])),  # type: ignore[operator]
        )
        if fid == "NRU":  # the polygon alone would not show: under one pixel across
            x0, y0, x1, y1 = projected.bounds
            assert max(x1 - x0, y1 - y0) * scale < 1
        x, y, radius = result.markers[fid]
        assert shapely.Point(x, y).distance(projected) < radius, "the ring is on the state"
        centre = image.getpixel((int(x * scale), int(y * scale)))
        assert centre == _rgb(result.fills[fid].color), (fid, centre)
        rim = [image.getpixel((int((x + dx) * scale), int(y * scale))) for dx in (-radius, radius)]
        assert all(max(p) < 90 for p in rim), (fid, rim)  # the dark outline, both sides
        entity = next(e.id for e in snapshot.record.entities.values() if e.boundary_id == fid)
        assert entity in {label.key for label in result.labels}, f"{fid} is named"
    assert not still(day, "png").markers, "at the story's scale every state shows as itself"


NON_LATIN = ("აფხაზეთი", "Абхазия")
"""Abkhazia in Georgian and in Russian."""


def _text_page(fmt: str, texts: tuple[str, ...]) -> bytes:
    """A page holding only `texts`, written as the still maps write theirs."""
    from layers.still import _WRITERS, _Canvas

    canvas = _Canvas(300, 40 + 30 * len(texts))
    group = canvas.group("labels")
    for i, text in enumerate(texts):
        canvas.text(group, 20, 30 + 30 * i, text, 14, ha="left", halo=True)
    import matplotlib

    with matplotlib.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42}):
        return _WRITERS[fmt](canvas, (300, 40 + 30 * len(texts)), 72)


def _ink(text: str) -> np.ndarray:
    """The PNG pixels of `text` alone (rows of the first line, halo included)."""
    image = Image.open(io.BytesIO(_text_page("png", (text,)))).convert("L")
    return np.asarray(image)[10:50, :]


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_georgian_and_cyrillic_render_without_missing_glyphs(fmt: str) -> None:
    """No tofu: the font drawn (DejaVu Sans from the matplotlib wheel) maps every character;
    in the PNG no character is drawn as the box of a missing glyph (two characters the font
    lacks are drawn alike, so the check can see one); the SVG keeps the text as characters
    in that font; the PDF embeds that font and gives the text back."""
    from matplotlib.ft2font import FT2Font

    from layers.still import FONT_FILE

    face = FT2Font(str(FONT_FILE))
    letters = sorted({c for text in NON_LATIN for c in text})
    assert all(face.get_char_index(ord(c)) for c in letters)
    assert face.get_char_index(ord("中")) == 0
    data = _text_page(fmt, NON_LATIN)
    if fmt == "png":
        tofu = _ink("中")
        assert (tofu < 80).any() and np.array_equal(_ink("文"), tofu), "missing glyphs look alike"
        for letter in letters:
            assert not np.array_equal(_ink(letter), tofu), letter
        ink = np.asarray(Image.open(io.BytesIO(data)).convert("L"))
        for i in range(len(NON_LATIN)):
            assert (ink[30 * i + 20 : 30 * i + 40] < 80).sum() > 100, "each line is drawn"
    elif fmt == "svg":
        root = ET.fromstring(data)
        assert [t.text for t in root.iter(f"{SVG}text")] == list(NON_LATIN)
        assert "DejaVu Sans" in data.decode()
    else:
        text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
        assert all(name in text for name in NON_LATIN), text
        assert b"DejaVuSans" in data, "the embedded font is DejaVu Sans"
