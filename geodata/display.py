"""The geometry the maps draw: a light world that stays precise around the Caucasus.

The committed boundary artifact (:mod:`geodata.boundaries`) holds about 550 k
vertices; drawn as it is, it makes a 20 MB page. The build
(:mod:`geodata.display_build`, run by ``geomap build-data``) therefore derives a
display geometry once, simplified zone by zone with the parameters below, and
commits it as ``geodata/data/display.parquet`` with its parameters and checksums
in ``geodata/data/DISPLAY.json``.

This module is the run-time side: it reads that artifact (milliseconds, cached
per process) and refuses a missing or stale one with an error naming the command
that rebuilds it. It never derives geometry itself, so a dashboard process cannot
spend a minute rebuilding the world behind a reader's back.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shapely

from geodata.boundaries import (
    DATA_DIR,
    control_lines,
    lines_of_control,
    load_manifest,
    read_geometries,
)

if TYPE_CHECKING:  # imported where a frame is built: geopandas and pandas cost ~0.3 s
    import geopandas as gpd

__all__ = [
    "CAUCASUS_IDS",
    "DISPLAY_ARTIFACT",
    "DISPLAY_MANIFEST",
    "DISPLAY_ZONES",
    "FIDELITY_CRS",
    "ISLAND_DECIMALS",
    "ISLAND_MARGIN_DEG",
    "ISLAND_MAX_AREA_DEG2",
    "ISLAND_TOLERANCE_DEG",
    "SPECK_KEEPING_AREA_DEG2",
    "SPECK_MAX_AREA_DEG2",
    "StaleDisplayArtifact",
    "Zone",
    "display_boundaries",
    "display_disputed_lines",
    "display_geometries",
    "display_line_geometries",
    "display_parameters",
]

DISPLAY_ARTIFACT: Path = DATA_DIR / "display.parquet"
DISPLAY_MANIFEST: Path = DATA_DIR / "DISPLAY.json"

Bounds = tuple[float, float, float, float]


@dataclass(frozen=True)
class Zone:
    """A rectangle of the world and how finely it is drawn.

    ``bounds`` is (west, south, east, north) in degrees, or None for the rest of
    the world. ``tolerance`` is the coverage-simplification tolerance in degrees
    (roughly the square root of the largest triangle removed); ``decimals`` is how
    many decimals the coordinates of vertices inside the zone keep.
    """

    name: str
    bounds: Bounds | None
    tolerance: float
    decimals: int

    @property
    def rectangle(self) -> Bounds:
        """``bounds``, for a zone that is not the rest of the world."""
        if self.bounds is None:
            raise ValueError(f"zone {self.name!r} is the rest of the world: it has no rectangle")
        return self.bounds


#: Innermost first; each zone's rectangle must contain the previous one.
#: The Caucasus zone holds Georgia and its pieces, Armenia, Azerbaijan, the
#: Russian North Caucasus and north-eastern Turkey: at zoom 10 a pixel is about
#: 150 m there, and the tolerance keeps every border within 250 m. The region
#: around it (Black Sea, Caspian, Anatolia) is seen at zoom 5-6, where a pixel is
#: 2.5-5 km; the rest of the world is seen at zoom 2-4 (10-40 km a pixel).
#: Corners lie at sea or far from any border, so no node sits next to one.
#: The world keeps 3 decimals: on a 2-decimal grid microstates such as
#: Vatican and Monaco collapse to lines.
DISPLAY_ZONES: tuple[Zone, ...] = (
    Zone("caucasus", (36.5, 38.0, 52.5, 45.5), 0.001, 5),
    Zone("region", (24.0, 33.0, 62.0, 52.0), 0.02, 3),
    Zone("world", None, 0.2, 3),
)

#: A country that touches no other and is smaller than this (square degrees,
#: about 1,200 km² at the equator) is an island state: Nauru, Tuvalu, Malta, ...
#: Simplified with the world tolerance it would shrink to a triangle or vanish
#: under rounding, so it gets its own fine tolerance and decimals instead; it
#: shares no edge, so this cannot open a gap.
ISLAND_MAX_AREA_DEG2 = 0.1
ISLAND_TOLERANCE_DEG = 0.003
ISLAND_DECIMALS = 4
ISLAND_MARGIN_DEG = 0.5

#: A part of a country lying wholly in the world zone, touching no other
#: country and smaller than the world tolerance squared (square degrees) is a
#: speck: under a pixel at the zooms the world zone is seen at, yet each one
#: costs the browser a polygon ring to project and draw. Such parts are dropped,
#: but never a country's largest part, so no country vanishes, and none of a
#: small country's (under :data:`SPECK_KEEPING_AREA_DEG2`): an archipelago
#: state such as Vanuatu is its islands, and maps mark it with a halo.
SPECK_MAX_AREA_DEG2 = DISPLAY_ZONES[-1].tolerance ** 2
SPECK_KEEPING_AREA_DEG2 = 2.0

#: Where distances are measured for the fidelity report: UTM zone 38N covers the
#: Caucasus with a scale error under 0.1 %.
FIDELITY_CRS = "EPSG:32638"

#: The boundaries whose fidelity matters most: Georgia's pieces, Russia, and
#: Georgia's other neighbours. Russia and Turkey are measured inside the
#: Caucasus zone only (their far ends are drawn coarsely on purpose).
CAUCASUS_IDS: tuple[str, ...] = ("GEO", "ABK", "SOS", "RUS", "ARM", "AZE", "TUR")


def display_parameters() -> dict[str, Any]:
    """Every number the derivation depends on, as recorded in the manifest."""
    return {
        "zones": [dataclasses.asdict(zone) for zone in DISPLAY_ZONES],
        "island_max_area_deg2": ISLAND_MAX_AREA_DEG2,
        "island_tolerance_deg": ISLAND_TOLERANCE_DEG,
        "island_decimals": ISLAND_DECIMALS,
        "island_margin_deg": ISLAND_MARGIN_DEG,
        "speck_max_area_deg2": SPECK_MAX_AREA_DEG2,
        "speck_keeping_area_deg2": SPECK_KEEPING_AREA_DEG2,
    }


class StaleDisplayArtifact(RuntimeError):
    """The committed display artifact is missing or was derived from other inputs."""


def _artifact_is_current() -> bool:
    """True when the committed artifact matches the boundary artifact and the parameters."""
    if not (DISPLAY_ARTIFACT.exists() and DISPLAY_MANIFEST.exists()):
        return False
    manifest = json.loads(DISPLAY_MANIFEST.read_text(encoding="utf-8"))
    return manifest["derived_from"]["sha256"] == load_manifest()["artifact"]["sha256"] and manifest[
        "parameters"
    ] == json.loads(json.dumps(display_parameters()))


@functools.lru_cache(maxsize=1)
def _display() -> gpd.GeoDataFrame:
    import geopandas as gpd

    _check_current()
    return gpd.read_parquet(DISPLAY_ARTIFACT)


def _check_current() -> None:
    if not _artifact_is_current():
        raise StaleDisplayArtifact(
            "geodata/data/display.parquet is missing or does not match "
            "geodata/data/boundaries.parquet and the parameters in geodata/display.py; "
            "rebuild it with `geomap build-data`"
        )


@functools.lru_cache(maxsize=1)
def _display_geometries() -> dict[str, shapely.Geometry]:
    _check_current()
    return read_geometries(DISPLAY_ARTIFACT)


def display_geometries() -> dict[str, shapely.Geometry]:
    """``id`` -> geometry of ``display_boundaries()``, read without geopandas (the still
    maps draw from shapes alone and start faster so). Each call returns a new dict."""
    return dict(_display_geometries())


def display_line_geometries() -> dict[str, shapely.Geometry]:
    """``"GEO-ABK"`` -> line of ``display_disputed_lines()``, without geopandas."""
    return control_lines(_display_geometries())


def display_boundaries() -> gpd.GeoDataFrame:
    """The boundaries as maps draw them: rows and columns of ``load_boundaries()``.

    Read from the committed artifact once per process; raises
    `StaleDisplayArtifact` if it is missing or stale. Each call returns a copy.
    """
    return _display().copy()


@functools.lru_cache(maxsize=1)
def _display_disputed_lines() -> gpd.GeoDataFrame:
    return lines_of_control(_display())  # not disputed_lines(): that reads the 550 k vertices


def display_disputed_lines() -> gpd.GeoDataFrame:
    """GEO-ABK and GEO-SOS as maps draw them, dashed on top of the fills.

    Taken from the shared edges of the *displayed* polygons (not the committed
    ones), so the dashes coincide exactly with the drawn borders at every zoom.
    Columns as ``disputed_lines()``. Each call returns a copy.
    """
    return _display_disputed_lines().copy()
