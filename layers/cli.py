"""The `geomap` command: geodata's commands plus `export`, which draws maps.

Lives in `layers` because drawing needs folium; `geodata.cli` stays free of map libraries
and takes this module's commands through its `extend` callback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn

from geodata.cli import UsageError, add_snapshot_arguments, run
from geodata.snapshot import as_of

__all__ = [
    "add_export_command",
    "main",
    "parse_dpi",
    "parse_extent",
    "parse_layers",
    "parse_size",
    "parse_tiles",
]


def parse_layers(text: str) -> tuple[str, ...]:
    """`a,b,c` into layer names, refusing names the map does not know."""
    from layers.map import LAYER_NAMES

    names = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in names if name not in LAYER_NAMES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown layer {', '.join(map(repr, unknown)) or repr(text)}; "
            f"choose from {', '.join(LAYER_NAMES)}"
        )
    return names


def parse_tiles(text: str) -> str:
    """An xyzservices provider name (e.g. `CartoDB.Positron`), checked before any drawing."""
    import xyzservices.providers as providers

    try:
        providers.query_name(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"unknown tile layer {text!r}; use an xyzservices name such as "
            "OpenStreetMap.Mapnik or CartoDB.Positron"
        ) from None
    return text


def parse_extent(text: str) -> str | tuple[float, float, float, float]:
    """`story`, `caucasus`, `world` or `W,S,E,N` in degrees (west < east, south < north)."""
    if text in ("story", "caucasus", "world"):
        return text
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"bad extent {text!r}; use story, caucasus, world or W,S,E,N in degrees "
            "(e.g. 36,39,51,46)"
        ) from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise argparse.ArgumentTypeError(
            f"bad extent {text!r}: need -180 <= W < E <= 180 and -90 <= S < N <= 90"
        )
    return (west, south, east, north)


def parse_size(text: str) -> tuple[int, int]:
    """`WIDTHxHEIGHT` in pixels, each 200 to 10000."""
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"bad size {text!r}; use WIDTHxHEIGHT in pixels, e.g. 2400x1600"
        ) from None
    if not (200 <= width <= 10000 and 200 <= height <= 10000):
        raise argparse.ArgumentTypeError(f"bad size {text!r}: each side 200 to 10000 pixels")
    return (width, height)


def parse_dpi(text: str) -> float:
    try:
        dpi = float(text)
    except ValueError:
        dpi = 0.0
    if not 36 <= dpi <= 1200:
        raise argparse.ArgumentTypeError(f"bad dpi {text!r}; use a number from 36 to 1200")
    return dpi


def _one_line_error(parser: argparse.ArgumentParser, message: str) -> NoReturn:
    """argparse prints the usage block too; a wrong flag deserves one line, exit 2."""
    print(f"{parser.prog}: {message} (see --help)", file=sys.stderr)
    sys.exit(2)


def add_export_command(commands: argparse._SubParsersAction) -> None:
    export = commands.add_parser(
        "export",
        help="write the map as one self-contained HTML file (or GeoJSON)",
        description="Write the map of one day and worldview as a self-contained HTML file "
        "that opens offline, or the styled territories as GeoJSON.",
    )
    add_snapshot_arguments(export)
    export.add_argument(
        "--layers",
        type=parse_layers,
        default=None,
        metavar="A,B,...",
        help="layers to draw, comma-separated (default: all default layers)",
    )
    export.add_argument(
        "--tiles",
        type=parse_tiles,
        default=None,
        metavar="NAME",
        help="an online tile layer by xyzservices name (default: none; "
        "the map then makes no network requests)",
    )
    export.add_argument(
        "--format",
        choices=["html", "geojson", "svg", "png", "pdf"],
        default="html",
        help="html (interactive), geojson, or a still map: svg, png, pdf (default: html)",
    )
    export.add_argument(
        "--extent",
        type=parse_extent,
        default="story",
        metavar="EXTENT",
        help="still maps: story (default: the day's treaty parties and the territories), "
        "caucasus, world, or W,S,E,N in degrees",
    )
    export.add_argument(
        "--size",
        type=parse_size,
        default=(2400, 1600),
        metavar="WxH",
        help="still maps: size in pixels of the PNG (default 2400x1600; SVG and PDF are "
        "vector, of the same proportions)",
    )
    export.add_argument(
        "--dpi", type=parse_dpi, default=200.0, help="still maps: dots per inch (default 200)"
    )
    export.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="PATH",
        help="the file to write (replaced only by a complete new one)",
    )
    export.error = lambda message: _one_line_error(export, message)  # type: ignore[method-assign]
    export.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    from layers.output import ExportError, check_writable, write_atomic

    try:
        check_writable(args.output)
        snapshot = as_of(args.as_of or date.today(), args.worldview)
        if args.format in ("svg", "png", "pdf"):
            from layers.still import render_still

            data = render_still(
                snapshot, args.format, extent=args.extent, size=args.size, dpi=args.dpi
            ).data
            write_atomic(args.output, data)
            size = len(data)
        elif args.format == "geojson":
            from layers.export import export_geojson

            size = export_geojson(snapshot, args.output)
        else:
            from layers.export import export_html

            size = export_html(snapshot, args.output, args.layers, args.tiles)
    except ExportError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot write {args.output}: {error.strerror or error}") from None
    print(f"wrote {args.output} ({size:,} bytes)", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `geomap` console script."""
    return run(argv, extend=add_export_command)


if __name__ == "__main__":
    sys.exit(main())
