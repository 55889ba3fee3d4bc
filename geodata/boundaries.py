"""The committed world boundary artifact: where it lives and how to read it.

The artifact is built rarely, from registry packages only, by
:mod:`geodata.boundaries_build`; everything else in the project reads it through
this module so that every view draws the same polygons. ``geodata/data/README.md``
says where each line comes from.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shapely

if TYPE_CHECKING:  # imported where a frame is built: geopandas and pandas cost ~0.3 s
    import geopandas as gpd

__all__ = [
    "BOUNDARY_ARTIFACT",
    "BOUNDARY_CAVEAT",
    "BOUNDARY_MANIFEST",
    "DATA_DIR",
    "DE_FACTO_LINES",
    "EQUAL_AREA_CRS",
    "GEORGIA_PIECES",
    "PARQUET_OPTIONS",
    "area_km2",
    "artifact_record",
    "control_lines",
    "disputed_lines",
    "lines_of_control",
    "load_boundaries",
    "load_manifest",
    "read_geometries",
    "sha256_file",
    "shared_edge",
    "write_artifact",
]

DATA_DIR: Path = Path(__file__).parent / "data"
BOUNDARY_ARTIFACT: Path = DATA_DIR / "boundaries.parquet"
BOUNDARY_MANIFEST: Path = DATA_DIR / "MANIFEST.json"

#: Lambert azimuthal equal-area centred on the Caucasus: areas of Georgia's pieces
#: are measured here (distortion of area is nil by construction).
EQUAL_AREA_CRS = "+proj=laea +lat_0=42.3 +lon_0=43.5 +datum=WGS84 +units=m +no_defs"

#: What every map drawn from the artifact must say about its lines of control (the reasons
#: for this choice are in geodata/data/README.md and MANIFEST.json).
BOUNDARY_CAVEAT = (
    "Lines of control are approximate (Natural Earth 1:10m); South Ossetia's "
    "runs about 5 km too far south near Tskhinvali."
)

#: Georgia's three de facto pieces, by id, with the name the map shows.
GEORGIA_PIECES: dict[str, str] = {
    "GEO": "Georgia",
    "ABK": "Abkhazia",
    "SOS": "South Ossetia",
}

#: The de facto lines of control, as pairs of piece ids (drawn dashed on maps).
DE_FACTO_LINES: tuple[tuple[str, str], ...] = (("GEO", "ABK"), ("GEO", "SOS"))


@functools.lru_cache(maxsize=1)
def _read_artifact() -> gpd.GeoDataFrame:
    """Read the artifact once per process: it holds about 550 k vertices."""
    import geopandas as gpd

    return gpd.read_parquet(BOUNDARY_ARTIFACT)


def read_geometries(path: Path, ids: Collection[str] | None = None) -> dict[str, shapely.Geometry]:
    """``id`` -> geometry of a GeoParquet artifact (only `ids`, if given), read with pyarrow
    and shapely alone.

    For the paths that need shapes and nothing else (record checks, still maps): no
    pandas, so a fresh process spends ~0.05 s here instead of ~0.4 s importing geopandas.
    """
    import pyarrow.parquet as pq  # type: ignore[import-untyped]  # not read_table: it imports pandas

    table = pq.ParquetFile(path).read(columns=["id", "geometry"])
    every = zip(table.column("id").to_pylist(), table.column("geometry").to_pylist(), strict=True)
    rows = [(i, wkb) for i, wkb in every if ids is None or i in ids]
    shapes = shapely.from_wkb([wkb for _, wkb in rows])
    return dict(zip([i for i, _ in rows], shapes, strict=True))


def load_boundaries() -> gpd.GeoDataFrame:
    """Every country of the world plus Georgia split into GEO, ABK and SOS.

    Columns: ``id``, ``name``, ``iso3`` (None where ISO 3166-1 has no code),
    ``adm0_a3`` (Natural Earth), ``de_jure`` (the id of the state the feature
    belongs to under international law) and ``geometry`` (EPSG:4326).
    The file is read once and cached; each call returns a copy, so callers
    may change what they get without touching the cache.
    """
    return _read_artifact().copy()


def load_manifest() -> dict[str, Any]:
    """The provenance record written next to the artifact by the build."""
    return json.loads(BOUNDARY_MANIFEST.read_text(encoding="utf-8"))


def area_km2(frame: gpd.GeoDataFrame | gpd.GeoSeries) -> Any:
    """Areas in km² in :data:`EQUAL_AREA_CRS` (a Series aligned with ``frame``)."""
    return frame.to_crs(EQUAL_AREA_CRS).area / 1e6


def shared_edge(a: shapely.Geometry, b: shapely.Geometry) -> shapely.Geometry:
    """The edge two polygons of a coverage share, merged into as few lines as possible.

    Built from the polygons' own vertices, so a line drawn from it coincides
    exactly with both polygons' outlines.
    """
    common = shapely.intersection(shapely.boundary(a), shapely.boundary(b))
    lines = shapely.get_parts(common)
    lines = lines[shapely.get_type_id(lines) == shapely.GeometryType.LINESTRING]
    return shapely.line_merge(shapely.multilinestrings(lines))


def lines_of_control(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The de facto lines of control as the shared edges of `frame`'s GEO/ABK/SOS polygons.

    Takes the frame whose polygons the lines must lie on (committed or displayed), so
    callers never pay for a second set of boundaries they do not draw.
    """
    import geopandas as gpd

    pieces = frame.set_index("id").geometry
    lines = control_lines(pieces.to_dict())
    rows = [
        {
            "id": f"{left}-{right}",
            "between": f"{GEORGIA_PIECES[left]} – {GEORGIA_PIECES[right]}",
            "geometry": lines[f"{left}-{right}"],
        }
        for left, right in DE_FACTO_LINES
    ]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=pieces.crs)


def control_lines(pieces: Mapping[str, shapely.Geometry]) -> dict[str, shapely.Geometry]:
    """``"GEO-ABK"`` -> the shared edge of those two of `pieces` (id -> polygon), for each
    of :data:`DE_FACTO_LINES`: the geometry of :func:`lines_of_control`, without a frame."""
    return {
        f"{left}-{right}": shared_edge(pieces[left], pieces[right])
        for left, right in DE_FACTO_LINES
    }


@functools.lru_cache(maxsize=1)
def _disputed_lines() -> gpd.GeoDataFrame:
    return lines_of_control(_read_artifact())


def disputed_lines() -> gpd.GeoDataFrame:
    """The de facto lines of control (GEO-ABK, GEO-SOS) that maps draw dashed.

    Columns ``id`` ("GEO-ABK"), ``between`` ("Georgia – Abkhazia") and a
    LineString ``geometry`` taken from the shared edge of the two polygons, so
    the dashes lie exactly on the fills. Cached; each call returns a copy.
    """
    return _disputed_lines().copy()


PARQUET_OPTIONS: dict[str, Any] = {"compression": "zstd", "compression_level": 19}


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in chunks (the deb is 23 MB)."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_artifact(frame: gpd.GeoDataFrame, path: Path) -> None:
    """GeoParquet, WKB geometry, zstd 19: 3.9 MB for full 10m precision, read in ~0.1 s."""
    frame.to_parquet(path, index=False, **PARQUET_OPTIONS)


def artifact_record(artifact: Path, frame: gpd.GeoDataFrame) -> dict[str, Any]:
    """What a manifest says about a GeoParquet file written by :func:`write_artifact`."""
    return {
        "path": f"geodata/data/{artifact.name}",
        "format": "GeoParquet 1.0 (geopandas to_parquet, WKB, zstd level 19)",
        "sha256": sha256_file(artifact),
        "bytes": artifact.stat().st_size,
        "features": len(frame),
        "vertices": int(shapely.get_num_coordinates(frame.geometry.values).sum()),
        "crs": "EPSG:4326",
    }
