"""The `geomap` command: facts, validate, build-data and export.

One module and one entry point. It lives in `layers` because `export` draws with folium
(geodata never imports layers); the map libraries are imported only when a map is drawn,
so `facts` and `validate` start quickly and a signal is handled from the first moment.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from types import FrameType
from typing import NoReturn

from geodata.loader import RECORD_DIR, RecordError, default_record, load_record
from geodata.model import Record
from geodata.serialize import snapshot_to_dict
from geodata.snapshot import DEFAULT_SUBJECT, Snapshot, as_of
from geodata.worldviews import Worldview

__all__ = [
    "Interrupted",
    "UsageError",
    "format_table",
    "main",
    "parse_day",
    "parse_dpi",
    "parse_extent",
    "parse_layers",
    "parse_size",
    "parse_tiles",
]

DESCRIPTION = (
    "Maps of contested statehood (Abkhazia, South Ossetia, Georgia, Russia): who recognises "
    "whom on any day, the alliance treaties, each fact dated and cited. Print the facts of a "
    "day, check a record, or export the map as one HTML file that opens offline."
)


class UsageError(Exception):
    """Bad command-line input: printed as one line, exit status 2."""


class Interrupted(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that a half-written temporary file is removed."""


def parse_day(text: str) -> date:
    """Parses YYYY-MM-DD for argparse, with a message that says what was expected."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2015-01-23"
        ) from None


def parse_days(text: str) -> int:
    """A whole number of days, zero or more."""
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days (e.g. 365)")
    return int(text)


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
    from layers.map import tile_provider

    try:
        tile_provider(text)
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


class _Version(argparse.Action):
    """`--version`, looked up only when asked for (argparse's own action needs it up front)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        print(f"geomap {_package_version()}")  # on stdout, as argparse's own action
        parser.exit()


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # ~0.04 s: only for --version

    try:
        return version("geomap")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def _record_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--record",
        type=Path,
        default=None,
        metavar="DIR",
        help="a record folder of your own, checked as the packaged one "
        "(default: the packaged record)",
    )


def _snapshot_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as-of",
        type=parse_day,
        default=None,
        metavar="YYYY-MM-DD",
        help="the day to show (default: today)",
    )
    parser.add_argument(
        "--worldview",
        choices=[w.value for w in Worldview],
        default=Worldview.DE_FACTO.value,
        help="whose view of sovereignty to draw (default: de-facto)",
    )
    _record_argument(parser)


def build_parser() -> argparse.ArgumentParser:
    """Every command and option of `geomap`."""
    parser = argparse.ArgumentParser(prog="geomap", description=DESCRIPTION)
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    facts = commands.add_parser("facts", help="print the snapshot of the record on a day")
    _snapshot_arguments(facts)
    facts.add_argument("--format", choices=["json", "table"], default="table")
    facts.set_defaults(handler=_facts)

    validate = commands.add_parser("validate", help="check the record's facts files")
    validate.add_argument(
        "files", nargs="*", type=Path, help="facts files to check (default: the whole record)"
    )
    validate.add_argument(
        "--stale",
        type=parse_days,
        default=None,
        metavar="DAYS",
        help="also list the facts in force today whose last confirming source (checked) is "
        "older than DAYS days or missing; a warning on stdout, not a failure (exit 0)",
    )
    _record_argument(validate)
    validate.set_defaults(handler=_validate)

    build = commands.add_parser(
        "build-data", help="rebuild the boundary artifact from registry packages"
    )
    build.add_argument(
        "--check",
        action="store_true",
        help="rebuild into a temporary folder and compare with the manifest",
    )
    build.set_defaults(handler=_build_data)

    export = commands.add_parser(
        "export",
        help="write the map as one self-contained HTML file (or GeoJSON)",
        description="Write the map of one day and worldview as a self-contained HTML file "
        "that opens offline, or the styled territories as GeoJSON.",
    )
    _snapshot_arguments(export)
    export.add_argument(
        "--layers",
        type=parse_layers,
        default=None,
        metavar="A,B,...",
        help="layers to draw, comma-separated (default: all default layers; HTML only)",
    )
    export.add_argument(
        "--tiles",
        type=parse_tiles,
        default=None,
        metavar="NAME",
        help="an online tile layer by xyzservices name (default: none; "
        "the map then makes no network requests; HTML only)",
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
        help="the file to write, replaced only by a complete new one; a symlink is "
        "followed and the file it points at is replaced (as cp does); a directory, "
        "device, FIFO or socket is refused",
    )
    export.error = lambda message: _one_line_error(export, message)  # type: ignore[method-assign]
    export.set_defaults(handler=_export)
    return parser


def _snapshot(args: argparse.Namespace) -> Snapshot:
    """The snapshot the options ask for; a day outside the record's span is said on stderr."""
    record = load_record(args.record) if args.record is not None else default_record()
    snapshot = as_of(args.as_of or date.today(), args.worldview, record, _subject(record))
    day, first = snapshot.as_of, snapshot.record.first_date
    if day < first:
        _note(args, f"{day} is before the record's first fact ({first}): nothing is known yet")
    elif day > date.today():
        _note(args, f"{day} is in the future: the map shows the last state the record knows")
    return snapshot


def _subject(record: Record) -> tuple[str, ...]:
    """The packaged dispute's territories, or, in a record of another dispute, all of its."""
    if all(t in record.entities for t in DEFAULT_SUBJECT):
        return DEFAULT_SUBJECT
    return tuple(e.id for e in record.entities.values() if e.kind == "territory")


def _note(args: argparse.Namespace, message: str) -> None:
    print(f"geomap {args.command}: note: {message}", file=sys.stderr)


def _facts(args: argparse.Namespace) -> int:
    snapshot = _snapshot(args)
    if args.format == "json":
        print(json.dumps(snapshot_to_dict(snapshot), ensure_ascii=False, indent=2))
    else:
        print(format_table(snapshot))
    return 0


def format_table(snapshot: Snapshot) -> str:
    """The snapshot for a person reading a terminal."""
    lines = [f"As of {snapshot.as_of.isoformat()} — {snapshot.worldview.label}", ""]
    for state in snapshot.territories:
        lines.append(
            f"{state.entity.name} ({state.entity.id}): {state.status.label}; "
            f"sovereign: {state.sovereign.name}"
        )
        for r in state.recognized_by:
            lines.append(
                f"    recognised by {snapshot.name(r.by)} since {r.since.isoformat()}"
                f"{_checked_suffix(r.checked)}"
            )
        for r in state.withdrawn:
            lines.append(f"    withdrawn by {snapshot.name(r.by)} on {r.withdrawn}")
    lines += ["", "Treaties signed by this day:"]
    for t in snapshot.treaties:
        parties = ", ".join(snapshot.name(p) for p in t.treaty.parties)
        lines.append(
            f"  {t.treaty.signed.isoformat()}  {t.treaty.short_name} ({parties}): {t.stage.label}"
            f"{_checked_suffix(t.treaty.checked)}"
        )
    return "\n".join(lines)


def _checked_suffix(checked: date | None) -> str:
    """The day a source last confirmed the fact, so a reader can judge how fresh it is."""
    return f" (status checked on {checked.isoformat()})" if checked else ""


def _validate(args: argparse.Namespace) -> int:
    folders = {f.resolve().parent for f in args.files}
    if args.record is not None:
        folders.add(args.record.resolve())
    if len(folders) > 1:
        raise UsageError("give files from one record folder at a time")
    try:
        # A file is checked against the record it sits in, so references resolve there.
        record = load_record(folders.pop() if folders else RECORD_DIR, files=args.files or None)
    except RecordError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"{len(error.problems)} problem(s) found.", file=sys.stderr)
        return 1
    print(
        f"OK: {len(record.entities)} entities, {len(record.recognitions)} recognitions, "
        f"{len(record.treaties)} treaties, {len(record.places)} places, "
        f"{len(record.missions)} missions, {len(record.events)} events, "
        f"{len(record.disputes)} disputes."
    )
    if args.stale is not None:
        _print_stale(record, args.stale)
    return 0


def _print_stale(record: Record, days: int) -> None:
    from geodata.freshness import stale_facts

    today = date.today()
    stale = stale_facts(record, today, days)
    print(f"{len(stale)} fact(s) in force not checked against a source for over {days} days:")
    for fact in stale:
        print(f"  {fact.describe(today)}")


def _build_data(args: argparse.Namespace) -> int:
    from geodata import boundaries_build  # heavy, and only needed here

    return boundaries_build.main(["--check"] if args.check else [])


def _export(args: argparse.Namespace) -> int:
    with _signals_held():
        import numpy  # noqa: F401
    from geodata.display import StaleDisplayArtifact
    from layers.output import ExportError, check_writable, write_atomic

    if args.format != "html" and (args.layers is not None or args.tiles is not None):
        raise UsageError(
            "--layers and --tiles apply to the HTML map only; drop them or use --format html"
        )
    try:
        check_writable(args.output)
        snapshot = _snapshot(args)
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
    except (ExportError, StaleDisplayArtifact) as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot write {args.output}: {error.strerror or error}") from None
    print(f"wrote {args.output} ({size:,} bytes)", file=sys.stderr)
    return 0


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGTERM and Ctrl-C wait until the block ends. For numpy's import: a stop raised inside
    it is printed as a traceback by numpy's C code and replaced by an ImportError, where we
    want the one line; held, it is raised just after, as anywhere else."""
    if not hasattr(signal, "pthread_sigmask"):  # not on Windows; there it stays a race
        yield
        return
    held = {signal.SIGTERM, signal.SIGINT}
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signal.Signals(signum).name)


def _quiet_broken_pipe() -> int:
    """The reader (`| head`) left: stop quietly, and keep Python's exit flush from failing."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `geomap` console script."""
    signal.signal(signal.SIGTERM, _raise_interrupted)
    command = "geomap"
    try:
        args = build_parser().parse_args(argv)
        command = f"geomap {args.command}"
        return int(args.handler(args))
    except (UsageError, RecordError) as error:
        print(f"{command}: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except KeyboardInterrupt as interrupt:
        return _stopped(command, interrupt)


def _stopped(command: str, interrupt: KeyboardInterrupt) -> int:
    """One line saying what stopped the command; 143 for SIGTERM, 130 for Ctrl-C."""
    cause = interrupt.args[0] if isinstance(interrupt, Interrupted) else "Ctrl-C"
    print(f"{command}: stopped by {cause}; no file was changed", file=sys.stderr)
    return 143 if isinstance(interrupt, Interrupted) else 130


if __name__ == "__main__":
    sys.exit(main())
