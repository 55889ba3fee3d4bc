"""One map build in a fresh process: the naive baseline or ours; prints one JSON line.

Run by `benchmarks/run.py` as `python benchmarks/_build.py {baseline|ours} OUT.html DATE`,
once per side and repeat, so each side pays its own imports and its own peak memory and
nothing is shared through caches. Times are taken inside the process:

- `total_s`: from the first line of this file (before any import) to the file saved:
  what a user waits for when running the command, minus the interpreter's own start-up,
  which is the same for both sides;
- `work_s`: the same, after every module the side needs has been imported: the cost of
  loading the data, building the map and writing it.

`peak_rss_mb` is this process's `ru_maxrss` (imports included on both sides).
"""

import time

_STARTED = time.perf_counter()

import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _import_baseline():
    """What `GeoDataFrame.explore()` imports, imported up front so `work_s` excludes it."""
    import folium  # noqa: F401
    import mapclassify  # noqa: F401
    import matplotlib.pyplot  # noqa: F401

    from geodata.boundaries import load_boundaries

    def build(out: Path, day: str) -> None:
        # The naive way: every country at full 10m detail, folium's defaults (CDN assets,
        # OpenStreetMap tiles, a tooltip with every column).
        load_boundaries().explore().save(str(out))

    return build


def _import_ours():
    """The `geomap export` command and everything it draws with."""
    import layers.export  # noqa: F401
    import layers.map  # noqa: F401
    from layers.cli import main

    def build(out: Path, day: str) -> None:
        status = main(["export", "--as-of", day, "-o", str(out)])
        if status:
            raise SystemExit(f"geomap export exited with {status}")

    return build


SIDES = {"baseline": _import_baseline, "ours": _import_ours}


def main(argv: list[str]) -> int:
    side, out, day = argv[0], Path(argv[1]), argv[2]
    build = SIDES[side]()
    imported = time.perf_counter()
    build(out, day)
    done = time.perf_counter()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "side": side,
                "total_s": done - _STARTED,
                "imports_s": imported - _STARTED,
                "work_s": done - imported,
                "peak_rss_mb": peak_kb / 1024,
                "html_bytes": out.stat().st_size,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
