"""The display geometry: small, valid, a coverage, and precise where the reader looks.

These read the committed artifact (milliseconds); deriving it again is the
build's job (`geomap build-data`, `geodata.display_build`), checked here only through the
manifest that ties it to the boundary artifact.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import shapely

from geodata.boundaries import load_boundaries, load_manifest
from geodata.display import (
    CAUCASUS_IDS,
    DISPLAY_MANIFEST,
    StaleDisplayArtifact,
    display_boundaries,
    display_disputed_lines,
    display_parameters,
)
from geodata.display_build import fidelity_report

#: What the world may weigh as compact GeoJSON: even embedded that way, a page stays under 1.5 MB.
GEOJSON_BUDGET_BYTES = 900_000
CAUCASUS_HAUSDORFF_LIMIT_M = 250.0


@pytest.fixture(scope="module")
def display() -> gpd.GeoDataFrame:
    return display_boundaries()


@pytest.fixture(scope="module")
def report(display: gpd.GeoDataFrame) -> dict[str, Any]:
    return fidelity_report(display)


def test_artifact_is_derived_from_the_committed_boundaries_with_current_parameters() -> None:
    manifest = json.loads(DISPLAY_MANIFEST.read_text(encoding="utf-8"))
    assert manifest["derived_from"]["sha256"] == load_manifest()["artifact"]["sha256"]
    assert manifest["parameters"] == json.loads(json.dumps(display_parameters()))


def test_same_rows_and_columns_as_the_boundaries(display: gpd.GeoDataFrame) -> None:
    boundaries = load_boundaries()
    assert list(display.columns) == list(boundaries.columns)
    assert display["id"].tolist() == boundaries["id"].tolist()
    assert display.drop(columns="geometry").equals(boundaries.drop(columns="geometry"))
    assert display.crs == boundaries.crs


def test_every_geometry_is_valid_and_the_world_is_a_coverage(report: dict[str, Any]) -> None:
    assert report["all_valid"]
    assert report["coverage_valid"]


def test_caucasus_stays_within_250_m(report: dict[str, Any]) -> None:
    assert set(report["hausdorff_m"]) == set(CAUCASUS_IDS)
    for territory, metres in report["hausdorff_m"].items():
        assert metres <= CAUCASUS_HAUSDORFF_LIMIT_M, territory


def test_georgia_its_pieces_and_russia_share_borders_exactly(report: dict[str, Any]) -> None:
    shared = report["borders_shared"]
    assert all(area == 0 for area in shared["overlap_m2"].values()), shared["overlap_m2"]
    assert shared["georgia_parts"] == 1 and shared["georgia_holes"] == 0
    assert shared["no_gaps_1km"]


def test_tiny_states_are_present_and_not_degenerate(display: gpd.GeoDataFrame) -> None:
    by_id = display.set_index("id").geometry
    committed = load_boundaries().set_index("id").geometry
    for state in ("NRU", "TUV", "VUT", "VAT", "MCO", "SMR", "MDV", "SGP"):
        assert by_id[state].is_valid and by_id[state].area > 0, state
        assert shapely.get_num_geometries(by_id[state]) == shapely.get_num_geometries(
            committed[state]
        ), state


def test_russia_stays_within_the_antimeridian(display: gpd.GeoDataFrame) -> None:
    west, _, east, _ = display.set_index("id").geometry["RUS"].bounds
    assert west >= -180 and east <= 180


def test_world_fits_the_page_budget(report: dict[str, Any]) -> None:
    assert report["geojson_bytes"] <= GEOJSON_BUDGET_BYTES
    assert report["vertices"] < report["committed_vertices"] / 10


def test_disputed_lines_lie_on_the_displayed_borders(display: gpd.GeoDataFrame) -> None:
    by_id = display.set_index("id").geometry
    lines = display_disputed_lines().set_index("id").geometry
    assert sorted(lines.index) == ["GEO-ABK", "GEO-SOS"]
    for line_id, line in lines.items():
        left, right = line_id.split("-")
        assert line.length > 0
        assert shapely.covers(shapely.boundary(by_id[left]), line), line_id
        assert shapely.covers(shapely.boundary(by_id[right]), line), line_id
        line_vertices = set(map(tuple, shapely.get_coordinates(line)))
        assert line_vertices <= set(map(tuple, shapely.get_coordinates(by_id[left]))), line_id


@pytest.fixture
def stale_manifest(tmp_path: Path) -> Path:
    """A copy of DISPLAY.json that claims another boundary artifact."""
    manifest = json.loads(DISPLAY_MANIFEST.read_text(encoding="utf-8"))
    manifest["derived_from"]["sha256"] = "0" * 64
    stale = tmp_path / "DISPLAY.json"
    stale.write_text(json.dumps(manifest), encoding="utf-8")
    return stale


def test_a_stale_display_artifact_is_refused_never_rebuilt_at_run_time(
    stale_manifest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import geodata.display

    monkeypatch.setattr(geodata.display, "DISPLAY_MANIFEST", stale_manifest)
    geodata.display._display.cache_clear()
    try:
        with pytest.raises(StaleDisplayArtifact, match="`geomap build-data`"):
            display_boundaries()
    finally:
        monkeypatch.undo()
        geodata.display._display.cache_clear()
    assert len(display_boundaries()) > 200  # the committed artifact is current


def test_export_with_a_stale_display_artifact_says_which_command_fixes_it(
    stale_manifest: Path, tmp_path: Path
) -> None:
    output = tmp_path / "map.html"
    program = (
        "import sys; from pathlib import Path; import geodata.display as display; "
        f"display.DISPLAY_MANIFEST = Path({str(stale_manifest)!r}); "
        "from layers.cli import main; "
        f"sys.exit(main(['export', '--as-of', '2015-01-23', '-o', {str(output)!r}]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("geomap export: ") and "`geomap build-data`" in line
    assert not output.exists() and list(tmp_path.iterdir()) == [stale_manifest]
