"""Build step: derives the display geometry from the boundary artifact and commits it.

Why zones: one simplification tolerance for the whole world cannot give both a
small page and a Caucasus that is right to a few hundred metres (one tolerance
of 0.02 degrees already shifts Georgia by about 1.2 km, as the project's
toolchain notes measure), so the world is cut into nested rectangular zones
(:data:`geodata.display.DISPLAY_ZONES`), each simplified as a coverage of its
own with the tolerance that is invisible at the zoom it is seen at, and the
pieces are stitched back into one feature per country.

Why the stitching is exact: each zone is simplified together with filler
polygons that cover the rest of the plane, split along the zone's diagonals, so
that every point where a border or a coastline crosses a zone edge, and every
zone corner, is a node of the coverage. Coverage simplification never moves a
node and never adds a vertex, so the pieces on both sides of a zone edge keep
the same straight edge with the same vertices, and a coverage union removes it.
Coordinates are then rounded vertex by vertex with a rule that depends only on
where the vertex is, so a border shared by two countries is rounded the same
way in both and stays shared.

Run by ``geomap build-data`` (through :mod:`geodata.boundaries_build`) or on its
own as ``python -m geodata.display_build``; never at map time.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from geodata.boundaries import (
    BOUNDARY_MANIFEST,
    DATA_DIR,
    GEORGIA_PIECES,
    artifact_record,
    load_boundaries,
    write_artifact,
)
from geodata.display import (
    CAUCASUS_IDS,
    DISPLAY_ARTIFACT,
    DISPLAY_MANIFEST,
    DISPLAY_ZONES,
    FIDELITY_CRS,
    ISLAND_DECIMALS,
    ISLAND_MARGIN_DEG,
    ISLAND_MAX_AREA_DEG2,
    ISLAND_TOLERANCE_DEG,
    SPECK_KEEPING_AREA_DEG2,
    SPECK_MAX_AREA_DEG2,
    Bounds,
    Zone,
    display_boundaries,
    display_parameters,
)

__all__ = ["derive_display", "fidelity_report", "geojson_bytes", "main", "write_display_artifact"]

#: Beyond the whole world, so zone fillers cover every coordinate.
_PLANE: Bounds = (-181.0, -91.0, 181.0, 91.0)

# --- derivation -------------------------------------------------------------


def _zone_regions(zones: Sequence[Zone]) -> list[shapely.Geometry]:
    """Each zone's area: its rectangle minus the rectangle inside it."""
    regions = []
    inner = None
    for zone in zones:
        outer = shapely.box(*(zone.bounds or _PLANE))
        regions.append(outer if inner is None else shapely.difference(outer, inner))
        inner = outer
    return regions


def _crossings(coords: np.ndarray, bounds: Bounds) -> tuple[np.ndarray, ...]:
    """Vertices lying exactly on each side of a rectangle (bottom, right, top, left).

    Clipping by an axis-parallel line puts the crossing exactly on it, so the
    test is equality, not a tolerance.
    """
    west, south, east, north = bounds
    x, y = coords[:, 0], coords[:, 1]
    within_x = (x >= west) & (x <= east)
    within_y = (y >= south) & (y <= north)
    return (
        np.unique(x[(y == south) & within_x]),
        np.unique(y[(x == east) & within_y]),
        np.unique(x[(y == north) & within_x]),
        np.unique(y[(x == west) & within_y]),
    )


def _inside_fillers(bounds: Bounds, coords: np.ndarray) -> list[shapely.Polygon]:
    """The rectangle as four triangles meeting at its centre, noded with ``coords``.

    The diagonals make every corner a node (three faces meet there), so
    simplification cannot cut a corner off.
    """
    west, south, east, north = bounds
    centre = ((west + east) / 2, (south + north) / 2)
    bottom, right, top, left = _crossings(coords, bounds)
    return [
        shapely.Polygon([(west, south), *((x, south) for x in bottom), (east, south), centre]),
        shapely.Polygon([(east, south), *((east, y) for y in right), (east, north), centre]),
        shapely.Polygon([(east, north), *((x, north) for x in top[::-1]), (west, north), centre]),
        shapely.Polygon([(west, north), *((west, y) for y in left[::-1]), (west, south), centre]),
    ]


def _outside_fillers(bounds: Bounds, coords: np.ndarray) -> list[shapely.Polygon]:
    """The plane outside the rectangle as four trapezoids, noded with ``coords``."""
    west, south, east, north = bounds
    far_w, far_s, far_e, far_n = _PLANE
    bottom, right, top, left = _crossings(coords, bounds)
    return [
        shapely.Polygon(
            [
                (far_w, far_s),
                (far_e, far_s),
                (east, south),
                *((x, south) for x in bottom[::-1]),
                (west, south),
            ]
        ),
        shapely.Polygon(
            [
                (far_e, far_s),
                (far_e, far_n),
                (east, north),
                *((east, y) for y in right[::-1]),
                (east, south),
            ]
        ),
        shapely.Polygon(
            [
                (far_e, far_n),
                (far_w, far_n),
                (west, north),
                *((x, north) for x in top),
                (east, north),
            ]
        ),
        shapely.Polygon(
            [
                (far_w, far_n),
                (far_w, far_s),
                (west, south),
                *((west, y) for y in left),
                (west, north),
            ]
        ),
    ]


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    """Drop the points and lines a clip leaves where a country touches a zone edge."""
    if shapely.get_type_id(geometry) != shapely.GeometryType.GEOMETRYCOLLECTION:
        return geometry
    parts = shapely.get_parts(shapely.get_parts(geometry))
    return shapely.multipolygons(parts[shapely.get_type_id(parts) == shapely.GeometryType.POLYGON])


def _simplify_zone(
    geometries: np.ndarray, index: int, zones: Sequence[Zone], region: shapely.Geometry
) -> tuple[np.ndarray, np.ndarray]:
    """Clip the coverage to one zone and simplify it there; returns (row numbers, pieces)."""
    clipped = shapely.intersection(geometries, region)
    rows = np.flatnonzero(~shapely.is_empty(clipped) & (shapely.area(clipped) > 0))
    pieces = np.array([_polygonal(piece) for piece in clipped[rows]], dtype=object)
    coords = shapely.get_coordinates(pieces)
    fillers: list[shapely.Polygon] = []
    if zones[index].bounds is not None:
        fillers += _outside_fillers(zones[index].rectangle, coords)
    if index > 0:
        fillers += _inside_fillers(zones[index - 1].rectangle, coords)
    coverage = np.concatenate([pieces, np.array(fillers, dtype=object)])
    simplified = shapely.coverage_simplify(coverage, zones[index].tolerance)
    return rows, simplified[: len(pieces)]


def _decimals_at(coords: np.ndarray, zones: Sequence[Zone]) -> np.ndarray:
    """The decimals of the innermost zone containing each vertex (edges included).

    It depends on the coordinates alone, so a vertex shared by two countries is
    rounded the same way in both.
    """
    decimals = np.full(len(coords), zones[-1].decimals)
    for zone in reversed(zones[:-1]):
        west, south, east, north = zone.rectangle
        inside = (
            (coords[:, 0] >= west)
            & (coords[:, 0] <= east)
            & (coords[:, 1] >= south)
            & (coords[:, 1] <= north)
        )
        decimals[inside] = zone.decimals
    return decimals


def _round_by_zone(coords: np.ndarray, zones: Sequence[Zone]) -> np.ndarray:
    decimals = _decimals_at(coords, zones)
    rounded = coords.copy()
    for places in np.unique(decimals):
        rows = decimals == places
        rounded[rows] = np.round(coords[rows], places)
    return rounded


def _round_coverage(geometries: np.ndarray, zones: Sequence[Zone]) -> np.ndarray:
    """Round every vertex by :func:`_decimals_at`, keeping every country valid.

    On a coarse grid a small islet can collapse (a ring of two distinct points)
    or be pushed into a coast next to it. Where that happens, the country's
    vertices that no other country shares are rounded to :data:`ISLAND_DECIMALS`
    instead; shared vertices keep the zone's rounding, so borders stay shared.
    """
    rounded = shapely.transform(geometries, lambda xy: _round_by_zone(xy, zones))
    broken = np.flatnonzero(~shapely.is_valid(rounded))
    if len(broken):
        shared = _shared_vertices(geometries)
        rounded[broken] = shapely.transform(
            geometries[broken], lambda xy: _round_unshared_finely(xy, shared, zones)
        )
    return shapely.remove_repeated_points(rounded)


def _shared_vertices(geometries: np.ndarray) -> np.ndarray:
    """Coordinates (rows of x, y) that occur in more than one geometry."""
    coords = shapely.get_coordinates(geometries)
    owner = np.repeat(np.arange(len(geometries)), shapely.get_num_coordinates(geometries))
    triples = np.unique(np.column_stack([coords, owner]), axis=0)
    points, counts = np.unique(triples[:, :2], axis=0, return_counts=True)
    return points[counts > 1]


def _round_unshared_finely(
    coords: np.ndarray, shared: np.ndarray, zones: Sequence[Zone]
) -> np.ndarray:
    rounded = np.round(coords, ISLAND_DECIMALS)
    is_shared = _rows_in(coords, shared)
    rounded[is_shared] = _round_by_zone(coords[is_shared], zones)
    return rounded


def _rows_in(rows: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Mask of ``rows`` (x, y) that occur exactly in ``table`` (sorted, unique)."""
    as_complex = rows[:, 0] + 1j * rows[:, 1]
    table_complex = table[:, 0] + 1j * table[:, 1]
    return np.isin(as_complex, table_complex)


def _isolated_islands(geometries: np.ndarray) -> np.ndarray:
    """Mask of small countries with no other country near (see :data:`ISLAND_MAX_AREA_DEG2`).

    "Near" is :data:`ISLAND_MARGIN_DEG`: a neighbour's coast simplified with the
    world tolerance moves less than that, so it cannot cross the island, which
    is simplified outside the coverage (Singapore, next to Johor, is not isolated).
    """
    small = np.flatnonzero(shapely.area(geometries) < ISLAND_MAX_AREA_DEG2)
    candidate, other = shapely.STRtree(geometries).query(
        geometries[small], predicate="dwithin", distance=ISLAND_MARGIN_DEG
    )
    near = np.unique(small[candidate[small[candidate] != other]])
    return np.isin(np.arange(len(geometries)), small) & ~np.isin(np.arange(len(geometries)), near)


def _drop_specks(geometries: np.ndarray, zones: Sequence[Zone]) -> np.ndarray:
    """Each country without its specks (see :data:`SPECK_MAX_AREA_DEG2`).

    A speck touches no other country, so dropping it leaves the others' borders
    and the coverage as they were.
    """
    parts, owner = shapely.get_parts(geometries, return_index=True)
    area = shapely.area(parts)
    largest = np.zeros(len(parts), dtype=bool)
    order = np.lexsort((-area, owner))  # by country, largest part first
    largest[order[np.r_[True, owner[order][1:] != owner[order][:-1]]]] = True
    inner = shapely.box(*zones[-2].rectangle)
    small_country = shapely.area(geometries)[owner] < SPECK_KEEPING_AREA_DEG2
    candidate = np.flatnonzero(
        ~largest & ~small_country & (area < SPECK_MAX_AREA_DEG2) & ~shapely.intersects(parts, inner)
    )
    touching, other = shapely.STRtree(geometries).query(parts[candidate], predicate="intersects")
    touches_other = np.unique(touching[owner[candidate[touching]] != other])
    drop = np.zeros(len(parts), dtype=bool)
    drop[np.delete(candidate, touches_other)] = True
    result = geometries.copy()
    for row in np.unique(owner[drop]):
        kept = parts[~drop & (owner == row)]
        result[row] = kept[0] if len(kept) == 1 else shapely.multipolygons(kept)
    return result


def _simplify_islands(geometries: np.ndarray) -> np.ndarray:
    """Each island state simplified alone, finely, and rounded to :data:`ISLAND_DECIMALS`."""
    simplified = shapely.coverage_simplify(geometries, ISLAND_TOLERANCE_DEG)
    rounded = shapely.transform(simplified, lambda xy: np.round(xy, ISLAND_DECIMALS))
    return shapely.remove_repeated_points(rounded)


def derive_display(
    boundaries: gpd.GeoDataFrame, zones: Sequence[Zone] = DISPLAY_ZONES
) -> gpd.GeoDataFrame:
    """The display geometry for ``boundaries`` (the output of ``load_boundaries()``).

    Same rows, order and columns; the geometry is simplified zone by zone and
    rounded, and the result is checked to be valid and a valid coverage (a
    ``ValueError`` otherwise, rather than a map with slivers). Takes a few seconds.
    """
    geometries = np.asarray(boundaries.geometry.values, dtype=object)
    islands = _isolated_islands(geometries)
    mainland = np.flatnonzero(~islands)
    rows_per_zone, pieces_per_zone = zip(
        *(
            _simplify_zone(geometries[mainland], index, zones, region)
            for index, region in enumerate(_zone_regions(zones))
        ),
        strict=True,
    )
    rows = np.concatenate(rows_per_zone)
    pieces = np.concatenate(pieces_per_zone)
    stitched = np.array(
        [shapely.coverage_union_all(pieces[rows == row]) for row in range(len(mainland))],
        dtype=object,
    )
    rounded = _drop_specks(_round_coverage(stitched, zones), zones)

    result = np.empty(len(geometries), dtype=object)
    result[mainland] = rounded
    result[islands] = _simplify_islands(geometries[islands])
    display = boundaries.copy()
    display["geometry"] = gpd.GeoSeries(result, index=boundaries.index, crs=boundaries.crs)
    _check_display(display)
    return display


def _check_display(display: gpd.GeoDataFrame) -> None:
    geometries = display.geometry.values
    invalid = display["id"][~shapely.is_valid(geometries)].tolist()
    if invalid:
        raise ValueError(f"display geometry is invalid for {invalid}")
    empty = display["id"][shapely.is_empty(geometries)].tolist()
    if empty:
        raise ValueError(f"display geometry lost {empty}")
    if not shapely.coverage_is_valid(geometries):
        raise ValueError("display geometry is not a valid coverage")


# --- the committed artifact ---------------------------------------------------


def write_display_artifact(display: gpd.GeoDataFrame, output_dir: Path = DATA_DIR) -> Path:
    """Write ``display.parquet`` and its manifest ``DISPLAY.json`` into ``output_dir``.

    The manifest ties the artifact to the boundary artifact it was derived from
    (by the sha256 recorded in ``output_dir``'s ``MANIFEST.json``, so call it
    after the boundary build wrote that) and to :func:`display_parameters`, so a
    stale artifact is noticed.
    """
    artifact = output_dir / DISPLAY_ARTIFACT.name
    write_artifact(display, artifact)
    manifest = {
        "artifact": {**artifact_record(artifact, display), "geojson_bytes": geojson_bytes(display)},
        "derived_from": {
            "path": "geodata/data/boundaries.parquet",
            "sha256": json.loads((output_dir / BOUNDARY_MANIFEST.name).read_text(encoding="utf-8"))[
                "artifact"
            ]["sha256"],
        },
        "derivation": "geodata.display_build.derive_display (geomap build-data)",
        "parameters": display_parameters(),
        "licence": "Natural Earth: public domain (see geodata/data/MANIFEST.json)",
    }
    (output_dir / DISPLAY_MANIFEST.name).write_text(
        json.dumps(manifest, indent=2) + "\n", encoding="utf-8"
    )
    return artifact


# --- measurements -------------------------------------------------------------


def geojson_bytes(frame: gpd.GeoDataFrame) -> int:
    """Size of ``frame`` as compact GeoJSON (no spaces): the plain measure of how much
    geometry there is (the maps embed it more compactly still, see ``layers.shapes``)."""
    return len(frame.to_json(separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def _caucasus_boundary(geometry: shapely.Geometry) -> shapely.Geometry:
    """The outline of ``geometry`` inside the Caucasus zone, where fidelity is promised."""
    return shapely.clip_by_rect(shapely.boundary(geometry), *DISPLAY_ZONES[0].rectangle)


def _hausdorff_m(committed: shapely.Geometry, displayed: shapely.Geometry) -> float:
    lines = gpd.GeoSeries(
        [_caucasus_boundary(committed), _caucasus_boundary(displayed)], crs="EPSG:4326"
    )
    projected = lines.to_crs(FIDELITY_CRS).values
    return float(shapely.hausdorff_distance(projected[0], projected[1]))


def _borders_shared(display: gpd.GeoDataFrame) -> dict[str, Any]:
    """No overlaps and no gaps among GEO, ABK, SOS and RUS, and Georgia whole."""
    by_id = display.set_index("id").geometry
    ids = [*GEORGIA_PIECES, "RUS"]
    overlap_m2 = {
        f"{a}-{b}": float(
            gpd.GeoSeries([shapely.intersection(by_id[a], by_id[b])], crs=4326)
            .to_crs(FIDELITY_CRS)
            .area.iloc[0]
        )
        for i, a in enumerate(ids)
        for b in ids[i + 1 :]
    }
    georgia = shapely.coverage_union_all([by_id[piece] for piece in GEORGIA_PIECES])
    holes = sum(shapely.get_num_interior_rings(shapely.get_parts(georgia)))
    return {
        "overlap_m2": overlap_m2,
        "georgia_parts": int(shapely.get_num_geometries(georgia)),
        "georgia_holes": int(holes),
        "no_gaps_1km": bool(shapely.coverage_is_valid([by_id[i] for i in ids], gap_width=0.01)),
        "exact": bool(all(area == 0 for area in overlap_m2.values()) and holes == 0),
    }


def fidelity_report(display: gpd.GeoDataFrame | None = None) -> dict[str, Any]:
    """How far the displayed boundaries are from the committed ones, and whether they tile.

    ``hausdorff_m``: per id in :data:`CAUCASUS_IDS`, the Hausdorff distance in
    metres (in :data:`FIDELITY_CRS`) between displayed and committed outlines
    inside the Caucasus zone. Also: validity, coverage validity, the GEO/ABK/SOS/
    RUS border check, total vertices, and compact GeoJSON bytes of the world.
    """
    display = display_boundaries() if display is None else display
    committed = load_boundaries().set_index("id").geometry
    shown = display.set_index("id").geometry
    geometries = display.geometry.values
    return {
        "hausdorff_m": {i: round(_hausdorff_m(committed[i], shown[i]), 1) for i in CAUCASUS_IDS},
        "all_valid": bool(shapely.is_valid(geometries).all()),
        "coverage_valid": bool(shapely.coverage_is_valid(geometries)),
        "borders_shared": _borders_shared(display),
        "features": len(display),
        "vertices": int(shapely.get_num_coordinates(geometries).sum()),
        "committed_vertices": int(shapely.get_num_coordinates(committed.values).sum()),
        "geojson_bytes": geojson_bytes(display),
    }


def main(argv: list[str] | None = None) -> int:
    """``python -m geodata.display_build``: derive and write the artifact, print the report."""
    display = derive_display(load_boundaries())
    print(write_display_artifact(display))
    print(json.dumps(fidelity_report(display), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
