"""The geodata half of the `geomap` command: facts, validate, build-data.

A thin shell over `as_of`, `load_record` and the boundary build; `layers.cli` adds the
commands that draw maps, so this module never imports a map library.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from geodata.record import RECORD_DIR, RecordError, load_record
from geodata.serialize import snapshot_to_dict
from geodata.snapshot import Snapshot, as_of
from geodata.worldviews import Worldview

__all__ = ["add_geodata_commands", "main", "parse_day", "run"]


class UsageError(Exception):
    """Bad command-line input: printed as one line, exit status 2."""


def parse_day(text: str) -> date:
    """Parses YYYY-MM-DD for argparse, with a message that says what was expected."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2015-01-23"
        ) from None


def add_snapshot_arguments(parser: argparse.ArgumentParser) -> None:
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


def add_geodata_commands(commands: argparse._SubParsersAction) -> None:
    facts = commands.add_parser("facts", help="print the snapshot of the record on a day")
    add_snapshot_arguments(facts)
    facts.add_argument("--format", choices=["json", "table"], default="table")
    facts.set_defaults(handler=_facts)

    validate = commands.add_parser("validate", help="check the record's facts files")
    validate.add_argument(
        "files", nargs="*", type=Path, help="facts files to check (default: the whole record)"
    )
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


def _facts(args: argparse.Namespace) -> int:
    snapshot = as_of(args.as_of or date.today(), args.worldview)
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
            lines.append(f"    recognised by {snapshot.name(r.by)} since {r.since.isoformat()}")
        for r in state.withdrawn:
            lines.append(f"    withdrawn by {snapshot.name(r.by)} on {r.withdrawn}")
    lines += ["", "Treaties signed by this day:"]
    for t in snapshot.treaties:
        parties = ", ".join(snapshot.name(p) for p in t.treaty.parties)
        lines.append(
            f"  {t.treaty.signed.isoformat()}  {t.treaty.short_name} ({parties}): {t.stage.label}"
        )
    return "\n".join(lines)


def _validate(args: argparse.Namespace) -> int:
    folders = {f.resolve().parent for f in args.files}
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
    return 0


def _build_data(args: argparse.Namespace) -> int:
    from geodata import boundaries_build  # heavy, and only needed here

    return boundaries_build.main(["--check"] if args.check else [])


def run(
    argv: Sequence[str] | None, extend: Callable[[argparse._SubParsersAction], None] | None = None
) -> int:
    """Parses `argv` and runs the chosen command; `extend` adds more commands."""
    parser = argparse.ArgumentParser(prog="geomap", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    add_geodata_commands(commands)
    if extend:
        extend(commands)
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (UsageError, RecordError) as error:
        print(f"geomap {args.command}: {error}", file=sys.stderr)
        return 2


def main(argv: Sequence[str] | None = None) -> int:
    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
