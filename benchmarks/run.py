"""geomap against the naive way, measured side by side in one run.

    .venv/bin/python benchmarks/run.py [--repeat N] [--quick] [--sections a,b,...]

Sections (all by default):

- `build`: the baseline (`load_boundaries().explore().save()`, geopandas' one-liner on the
  same 10m world with Georgia split) and ours (`geomap export --as-of 2015-01-23`, the
  default map), each in a fresh process per repeat, alternating so both see the same noise.
  Wall time including imports (primary: what the command costs) and excluding them; peak
  RSS of the process (imports included on both sides); HTML bytes.
- `browser`: navigation to every territory path drawn in Chromium, both files (the
  baseline's CDN assets answered from local copies; see `_browser.py`).
- `fidelity`: `geodata.display_build.fidelity_report()`.
- `dashboard`: warm rerun after a date change (AppTest) and what the map component returns.
- `server`: `streamlit run` to map drawn in Chromium; reruns counted while panning/zooming.
- `stills`: the naive print map (`load_boundaries().plot()`, `savefig` PNG at 150 dpi) and
  `geomap export --format png|svg|pdf`, each a whole fresh process (imports included),
  alternating; wall time and bytes.

Prints a table, PASS/FAIL per target, and one line `BENCHMARK_JSON {...}`. Exits 0 even
when a target fails: this is a measurement, not a test. A piece that is not there yet is
reported as `n/a (missing: ...)`.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT), str(ROOT / "tests")]  # tests/: shared browser helpers

from _dashboard import Missing  # noqa: E402

AS_OF = "2015-01-23"
SECTIONS = ("build", "browser", "fidelity", "dashboard", "server", "stills")
QUICK_SECTIONS = ("build-ours", "fidelity")
NAIVE_PRINT_MAP = (
    "import matplotlib; matplotlib.use('agg'); import matplotlib.pyplot as plt; "
    "from geodata.boundaries import load_boundaries; "
    "load_boundaries().plot(); plt.savefig({out!r}, dpi=150)"
)
"""What a geopandas user would write for a print map of the same 10m world."""
MB = 1_000_000
STILL_PNG_TARGET = 1 / 2
"""Our still PNG's whole process against the naive print map's: at least 2x faster."""


@dataclass(frozen=True)
class Target:
    name: str
    text: str
    check: Callable[[dict[str, Any]], bool]


def _get(results: dict[str, Any], dotted: str) -> Any:
    value: Any = results
    for key in dotted.split("."):
        if not isinstance(value, dict) or key not in value:
            raise KeyError(dotted)
        value = value[key]
    return value


TARGETS = (
    Target(
        "export_size",
        "export <= 1.5 MB and >= 15x smaller than baseline",
        lambda r: _get(r, "build.ours.html_bytes") <= 1.5 * MB and _get(r, "ratios.size") >= 15,
    ),
    Target(
        "build_time",
        "build + save (excl. imports) <= 1/8 of baseline",
        lambda r: _get(r, "ratios.build_work_time") <= 1 / 8,
    ),
    Target(
        "browser_time",
        "browser time to drawn <= 1/5 of baseline",
        lambda r: _get(r, "ratios.browser_time") <= 1 / 5,
    ),
    Target(
        "caucasus_fidelity",
        "Caucasus boundaries within 250 m",
        lambda r: _get(r, "fidelity.max_hausdorff_m") <= 250,
    ),
    Target(
        "shared_borders",
        "shared borders stay shared (coverage valid)",
        lambda r: _get(r, "fidelity.borders_ok") is True,
    ),
    Target(
        "shared_borders_drawn",
        "... and as drawn: disputed lines on both sides, zooms 4-9",
        lambda r: _get(r, "browser.ours.borders_drawn_unshared") == 0,
    ),
    Target(
        "still_png_time",
        "still PNG, whole process incl. imports <= 1/2 of the naive print map",
        lambda r: _get(r, "ratios.still_png_time") <= STILL_PNG_TARGET,
    ),
    Target(
        "still_svg_size",
        "still SVG <= 1 MB",
        lambda r: _get(r, "stills.svg.bytes") <= 1 * MB,
    ),
    Target(
        "warm_rerun",
        "warm rerun after a date change <= 150 ms",
        lambda r: _get(r, "dashboard.warm_rerun_ms") <= 150,
    ),
    Target(
        "new_date_rerun",
        "rerun after a change to a date not shown before <= 150 ms",
        lambda r: _get(r, "dashboard.first_visit_ms") <= 150,
    ),
    Target(
        "pan_zoom_reruns",
        "zero reruns on pan/zoom (map seen to pan and zoom)",
        lambda r: (
            _get(r, "server.panned")
            and _get(r, "server.zoomed")
            and _get(r, "server.reruns_on_pan_zoom") == 0
        ),
    ),
)


# --- measuring ---------------------------------------------------------------------------


def _missing_from(stderr: str) -> str:
    """A short reason from a child's traceback: the missing module, else the last line."""
    found = re.findall(r"No module named '([^']+)'", stderr)
    if found:
        return found[-1]
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else "unknown error"


def _build_once(side: str, out: Path) -> dict[str, Any]:
    child = subprocess.run(
        [sys.executable, str(HERE / "_build.py"), side, str(out), AS_OF],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if child.returncode != 0:
        raise Missing(_missing_from(child.stderr))
    return json.loads(child.stdout.strip().splitlines()[-1])


def _medians(samples: list[dict[str, Any]]) -> dict[str, Any]:
    keys = ("total_s", "imports_s", "work_s", "peak_rss_mb", "html_bytes")
    summary = {k: statistics.median(s[k] for s in samples) for k in keys}
    summary["samples_total_s"] = [round(s["total_s"], 3) for s in samples]
    return summary


def measure_build(repeat: int, sides: tuple[str, ...], out_dir: Path) -> dict[str, Any]:
    """Each side `repeat` times, alternating, each run in a fresh process."""
    samples: dict[str, list[dict[str, Any]]] = {side: [] for side in sides}
    failed: dict[str, str] = {}
    for _ in range(repeat):
        for side in sides:
            if side in failed:
                continue
            try:
                samples[side].append(_build_once(side, out_dir / f"{side}.html"))
            except Missing as error:
                failed[side] = str(error)
    result: dict[str, Any] = {}
    for side in sides:
        if side in failed:
            result[side] = {"missing": failed[side]}
        else:
            result[side] = {**_medians(samples[side]), "file": str(out_dir / f"{side}.html")}
    return result


def _timed_process(command: list[str], out: Path) -> dict[str, Any]:
    start = time.perf_counter()
    child = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - start
    if child.returncode != 0:
        raise Missing(_missing_from(child.stderr))
    return {"total_s": elapsed, "bytes": out.stat().st_size}


def measure_stills(repeat: int, out_dir: Path) -> dict[str, Any]:
    """Whole processes (interpreter start and imports included), alternating sides."""
    runs: dict[str, list[dict[str, Any]]] = {"baseline": [], "png": [], "svg": [], "pdf": []}
    for _ in range(repeat):
        for side in runs:
            out = out_dir / f"still-{side}.{'png' if side == 'baseline' else side}"
            if side == "baseline":
                command = [sys.executable, "-c", NAIVE_PRINT_MAP.format(out=str(out))]
            else:
                command = [sys.executable, "-m", "layers.cli", "export", "--as-of", AS_OF]
                command += ["--format", side, "-o", str(out)]
            runs[side].append(_timed_process(command, out))
    return {
        side: {
            "total_s": statistics.median(r["total_s"] for r in samples),
            "bytes": samples[-1]["bytes"],
            "samples_total_s": [round(r["total_s"], 3) for r in samples],
        }
        for side, samples in runs.items()
    }


def measure_browser(repeat: int, files: dict[str, Path]) -> dict[str, Any]:
    """Each file loaded once to learn its path count (and warm the browser up), then
    `repeat` timed loads per file, alternating between the files."""
    from _browser import CdnRoute, browser, drawn_count, time_to_drawn

    routes = {side: CdnRoute() if side == "baseline" else None for side in files}
    samples: dict[str, list[float]] = {side: [] for side in files}
    with browser() as chromium:
        expected = {
            side: drawn_count(chromium, path.as_uri(), routes[side]) for side, path in files.items()
        }
        for _ in range(repeat):
            for side, path in files.items():
                samples[side].append(
                    time_to_drawn(chromium, path.as_uri(), expected[side], routes[side])
                )
        borders = _drawn_borders(chromium, files["ours"]) if "ours" in files else None
    result: dict[str, Any] = {}
    for side in files:
        result[side] = {
            "median_ms": statistics.median(samples[side]),
            "samples_ms": [round(ms) for ms in samples[side]],
            "paths": expected[side],
        }
        if routes[side] is not None:
            result[side]["cdn_assets"] = routes[side].summary()
    if borders is not None:
        result["ours"]["borders_drawn"] = borders
        result["ours"]["borders_drawn_unshared"] = sum(
            sum(at["missing"]) for by_zoom in borders.values() for at in by_zoom.values()
        )
    return result


def _drawn_borders(chromium: Any, path: Path) -> dict[str, dict[int, dict[str, Any]]]:
    """Per disputed line and zoom, its drawn points and how many of them a side misses."""
    from offline_browser import BORDER_VIEWS, drawn_border_gaps, open_map, open_offline

    opened = open_offline(chromium)
    try:
        page = open_map(opened, path)
        return {line: drawn_border_gaps(page, line) for line in sorted(BORDER_VIEWS)}
    finally:
        opened.page.context.close()


def measure_fidelity() -> dict[str, Any]:
    try:
        from geodata.display_build import fidelity_report
    except ImportError as error:
        raise Missing(error.name or str(error)) from None
    start = time.perf_counter()
    report = fidelity_report()
    seconds = time.perf_counter() - start
    hausdorff = report["hausdorff_m"]
    shared = report.get("borders_shared")
    return {
        "hausdorff_m": hausdorff,
        "max_hausdorff_m": max(hausdorff.values()),
        "coverage_valid": report.get("coverage_valid"),
        "all_valid": report.get("all_valid"),
        "borders_shared": shared,
        "borders_ok": bool(report.get("coverage_valid")) and _all_true(shared),
        "vertices": report.get("vertices"),
        "committed_vertices": report.get("committed_vertices"),
        "world_geojson_bytes": report.get("geojson_bytes"),
        "report_s": seconds,
    }


def _all_true(value: Any) -> bool:
    """Every boolean inside a (possibly nested) check result is True; there is at least one."""
    flags: list[bool] = []

    def walk(item: Any) -> None:
        if isinstance(item, bool):
            flags.append(item)
        elif isinstance(item, dict):
            for inner in item.values():
                walk(inner)
        elif isinstance(item, (list, tuple)):
            for inner in item:
                walk(inner)

    walk(value)
    return bool(flags) and all(flags)


def measure_dashboard(repeat: int) -> dict[str, Any]:
    from _dashboard import rerun_times

    return rerun_times(repeat)


def measure_server(repeat: int) -> dict[str, Any]:
    from _dashboard import served_dashboard

    return served_dashboard(repeat)


def _attempt(name: str, measure: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Runs one section; a missing piece or a crash becomes a reason, not a crash."""
    print(f"... {name}", file=sys.stderr, flush=True)
    start = time.perf_counter()
    try:
        result = measure()
    except Missing as error:
        return {"missing": str(error)}
    except ImportError as error:
        return {"missing": error.name or str(error)}
    except Exception as error:  # a measurement that broke must not hide the others
        traceback.print_exc()
        return {"error": f"{type(error).__name__}: {error}"[:300]}
    print(f"    {name}: {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    return result


def _ratio(numerator: Any, denominator: Any) -> float | None:
    if (
        isinstance(numerator, (int, float))
        and isinstance(denominator, (int, float))
        and denominator
    ):
        return numerator / denominator
    return None


def ratios(results: dict[str, Any]) -> dict[str, float | None]:
    """ours / baseline for times, baseline / ours for size (both from this run)."""
    build = results.get("build", {})
    ours, base = build.get("ours", {}), build.get("baseline", {})
    web = results.get("browser", {})
    return {
        "size": _ratio(base.get("html_bytes"), ours.get("html_bytes")),
        "build_time": _ratio(ours.get("total_s"), base.get("total_s")),
        "build_work_time": _ratio(ours.get("work_s"), base.get("work_s")),
        "peak_memory": _ratio(ours.get("peak_rss_mb"), base.get("peak_rss_mb")),
        "browser_time": _ratio(
            web.get("ours", {}).get("median_ms"), web.get("baseline", {}).get("median_ms")
        ),
        "still_png_time": _ratio(
            results.get("stills", {}).get("png", {}).get("total_s"),
            results.get("stills", {}).get("baseline", {}).get("total_s"),
        ),
    }


def verdicts(results: dict[str, Any]) -> dict[str, str]:
    out = {}
    for target in TARGETS:
        try:
            out[target.name] = "PASS" if target.check(results) else "FAIL"
        except (KeyError, TypeError):
            out[target.name] = "n/a"
    return out


# --- reporting ---------------------------------------------------------------------------


def _first_line(text: str, width: int = 80) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= width else line[: width - 3] + "..."


def _cell(section: dict[str, Any] | None, key: str, fmt: str) -> str:
    if section is None:
        return "-"
    if "missing" in section:
        return f"n/a (missing: {_first_line(section['missing'])})"
    if "error" in section:
        return f"n/a (error: {_first_line(section['error'])})"
    value = section.get(key)
    if value is None:
        return "n/a"
    return fmt.format(value)


def _fmt_ratio(value: float | None, inverse: bool = False) -> str:
    if value is None:
        return "-"
    return f"1/{1 / value:.1f}" if inverse and value else f"{value:.1f}x"


def table_rows(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    build = results.get("build", {})
    base, ours = build.get("baseline"), build.get("ours")
    web = results.get("browser", {})
    fid = results.get("fidelity")
    dash = results.get("dashboard")
    server = results.get("server")
    r = results["ratios"]
    rows = [
        (
            "HTML bytes",
            _cell(base, "html_bytes", "{:,.0f}"),
            _cell(ours, "html_bytes", "{:,.0f}"),
            f"{_fmt_ratio(r['size'])} smaller" if r["size"] else "-",
        ),
        (
            "build + save, incl. imports (s)",
            _cell(base, "total_s", "{:.2f}"),
            _cell(ours, "total_s", "{:.2f}"),
            _fmt_ratio(r["build_time"], inverse=True),
        ),
        (
            "build + save, excl. imports (s)",
            _cell(base, "work_s", "{:.2f}"),
            _cell(ours, "work_s", "{:.2f}"),
            _fmt_ratio(r["build_work_time"], inverse=True),
        ),
        (
            "  of which imports (s)",
            _cell(base, "imports_s", "{:.2f}"),
            _cell(ours, "imports_s", "{:.2f}"),
            "",
        ),
        (
            "peak RSS, incl. imports (MB)",
            _cell(base, "peak_rss_mb", "{:.0f}"),
            _cell(ours, "peak_rss_mb", "{:.0f}"),
            _fmt_ratio(r["peak_memory"]),
        ),
        (
            "browser: navigation to all paths drawn (ms)",
            _cell(web.get("baseline"), "median_ms", "{:.0f}"),
            _cell(web.get("ours"), "median_ms", "{:.0f}"),
            _fmt_ratio(r["browser_time"], inverse=True),
        ),
        (
            "browser: paths counted as 'drawn'",
            _cell(web.get("baseline"), "paths", "{}"),
            _cell(web.get("ours"), "paths", "{}"),
            "",
        ),
        (
            "Caucasus Hausdorff, max (m)",
            "0 (is the source)",
            _cell(fid, "max_hausdorff_m", "{:.0f}"),
            "",
        ),
        (
            "shared borders exact / coverage valid",
            "yes (is the source)",
            _cell(fid, "borders_ok", "{}"),
            "",
        ),
        (
            "drawn points of disputed lines off a side",
            "",
            _cell(web.get("ours"), "borders_drawn_unshared", "{}"),
            "",
        ),
        (
            "display vertices (world)",
            _cell(fid, "committed_vertices", "{:,}"),
            _cell(fid, "vertices", "{:,}"),
            "",
        ),
        (
            "dashboard: warm rerun after date change (ms)",
            "",
            _cell(dash, "warm_rerun_ms", "{:.0f}"),
            "",
        ),
        (
            "dashboard: rerun, date not shown before (ms)",
            "",
            _cell(dash, "first_visit_ms", "{:.0f}"),
            "",
        ),
        *_still_rows(results.get("stills"), r.get("still_png_time")),
        ("dashboard: st_folium returned_objects", "", _cell(dash, "returned_objects", "{}"), ""),
        ("dashboard: reruns on pan/zoom (measured)", "", _pan_zoom_cell(server), ""),
        (
            "dashboard: streamlit run -> map drawn (ms)",
            "",
            _cell(server, "start_to_drawn_ms", "{:.0f}"),
            "",
        ),
    ]
    return rows


def _still_rows(
    stills: dict[str, Any] | None, ratio: float | None
) -> list[tuple[str, str, str, str]]:
    """The naive print map (`plot()` + `savefig`) against `geomap export --format ...`."""
    if stills is None:
        return []
    if "missing" in stills or "error" in stills:
        cell = _cell(stills, "total_s", "{}")
        return [("still maps (whole process, s)", cell, cell, "-")]
    base = stills["baseline"]
    rows = [
        (
            "still PNG, whole process incl. imports (s)",
            f"{base['total_s']:.2f} (plot + savefig)",
            f"{stills['png']['total_s']:.2f}",
            _fmt_ratio(ratio, inverse=True),
        ),
        (
            "still PNG: target 2x faster than the naive map (ratio <= 1/2)",
            "",
            "",
            "-" if ratio is None else ("holds" if ratio <= STILL_PNG_TARGET else "does not hold"),
        ),
    ]
    for fmt in ("png", "svg", "pdf"):
        rows.append(
            (
                f"still {fmt.upper()}: time (s) / bytes",
                f"{base['bytes']:,}" if fmt == "png" else "",
                f"{stills[fmt]['total_s']:.2f} / {stills[fmt]['bytes']:,}",
                "",
            )
        )
    return rows


def _pan_zoom_cell(server: dict[str, Any] | None) -> str:
    text = _cell(server, "reruns_on_pan_zoom", "{}")
    if server and "reruns_on_pan_zoom" in server:
        seen = [what for what in ("panned", "zoomed") if server.get(what)]
        text += f" (map {' and '.join(seen) or 'did not move: not verified'})"
    return text


def _notes(results: dict[str, Any]) -> list[str]:
    """What the verdicts leave out: the build ratio a command-line user sees."""
    build, ratio = results.get("build", {}), results["ratios"].get("build_time")
    ours, base = build.get("ours", {}).get("imports_s"), build.get("baseline", {}).get("imports_s")
    if ratio is None or ours is None or base is None:
        return []
    return [
        f"note  build + save incl. imports: 1/{1 / ratio:.1f} of the baseline's (importing "
        f"alone: ours {ours:.2f} s, mostly folium and the pandas it imports; baseline "
        f"{base:.2f} s); the build target is judged on building and saving"
    ]


def report_lines(results: dict[str, Any]) -> list[str]:
    """The table (Markdown), one verdict per target, and the JSON line."""
    rows = [("measurement", "baseline (explore)", "geomap", "ours/baseline")] + table_rows(results)
    widths = [max(len(row[i]) for row in rows) for i in range(4)]

    def line(row: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    lines = [line(rows[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += [line(row) for row in rows[1:]]
    lines.append("")
    names = {t.name: t.text for t in TARGETS}
    lines += [f"{verdict:4}  {names[name]}" for name, verdict in results["verdicts"].items()]
    lines += _notes(results)
    failed = [n for n, v in results["verdicts"].items() if v == "FAIL"]
    if failed:
        lines += ["", f"FAIL: {', '.join(failed)}"]
    lines += ["", "BENCHMARK_JSON " + json.dumps(results, sort_keys=True, default=str)]
    return lines


# How RESULTS.md was measured and how to measure it again (its "Method" and "Reproduce").
METHOD = """\
## Method

- baseline: `load_boundaries().explore().save(path)`: geopandas' one-liner on the same
  10m world with Georgia split (folium defaults: CDN assets, OpenStreetMap tiles, a
  tooltip of every column); ours: `geomap export --as-of {AS_OF} -o path`
  (de facto worldview, default layers).
- build: each run in a fresh process, the sides alternating. *incl. imports* is timed
  from the child's first line; *excl. imports* after importing what the side needs
  (baseline: folium, matplotlib, mapclassify, geodata.boundaries; ours: layers.cli,
  layers.export, layers.map). The build target is judged excl. imports (like with
  like: the work of building and saving); incl. imports is shown too.
- browser: a fresh Chromium context per load, the files alternating. *Drawn*: the
  number of `path.leaflet-interactive` elements has reached the page's settled count
  (learnt from one untimed load) and one more frame has run; the clock is the page's
  `performance.now()`. The baseline's CDN requests are answered from local copies
  (`cdn_assets` in the JSON says which, and which got an empty body for want of a
  registry package); its tiles get a 1x1 PNG. Our export is refused every request.
- drawn borders: our export opened once more; at zooms 4, 6, 8 and 9 over each
  disputed line (GEO-ABK, GEO-SOS), every pixel point Leaflet draws the line with is
  looked up among the points each of its two neighbours is drawn with; a point
  missing from a side would be a sliver between them.
- dashboard: `AppTest.run()` after setting the date to one not shown before (median
  of the first visits), and warm = after switching between two dates already shown
  (median). Reruns on pan/zoom are counted on a real `streamlit run`
  of `app.py` through `benchmarks/_counting_app.py` while Chromium drags the map and
  zooms it with the wheel; the map's own zoom and centre prove it moved.

## Reproduce

```
bash scripts/benchmark --repeat 5   # syncs the bench group; apt-installs chromium and
                                    # libjs-bootstrap5 if root and missing, else says so
```
"""


def write_results(path: Path, results: dict[str, Any], command: str) -> None:
    """`RESULTS.md`: when, where, the report, and how to get it again."""
    machine = results["machine"]
    report = report_lines(results)
    table_end = report.index("")
    path.write_text(
        "\n".join(
            [
                "# Benchmark results",
                "",
                f"- date: {results['date']}",
                f"- machine: {machine['cores']} cores, {machine['platform']}, "
                f"Python {machine['python']} "
                "(shared and noisy: compare the ratios, which come from one run)",
                f"- command: `{command}` (medians of {results['repeat']} runs each)",
                f"- {results['timing']}",
                "",
                *report[:table_end],
                "",
                "```",
                *report[table_end + 1 :],
                "```",
                "",
                *METHOD.format(AS_OF=AS_OF).split("\n"),
            ]
        ),
        encoding="utf-8",
    )


def _machine() -> dict[str, Any]:
    import os

    return {
        "python": platform.python_version(),
        "cores": os.cpu_count(),
        "platform": platform.platform(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="only our export and the fidelity report, once (a smoke run)",
    )
    parser.add_argument(
        "--sections",
        default=None,
        help=f"comma-separated subset of {','.join(SECTIONS)} (build-ours: ours only)",
    )
    parser.add_argument(
        "--write",
        type=Path,
        default=None,
        metavar="PATH",
        help="also write the report as Markdown (e.g. benchmarks/RESULTS.md)",
    )
    args = parser.parse_args(argv)
    repeat = 1 if args.quick else max(1, args.repeat)
    chosen = (
        args.sections.split(",") if args.sections else QUICK_SECTIONS if args.quick else SECTIONS
    )

    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "repeat": repeat,
        "as_of": AS_OF,
        "sections": list(chosen),
        "timing": "build times taken inside a fresh process per run, from before the first "
        "import to the file saved (incl. imports) and after imports (excl.); "
        "peak RSS of that process; medians of the repeats",
    }
    with tempfile.TemporaryDirectory(prefix="geomap-bench-") as tmp:
        out_dir = Path(tmp)
        sides = tuple(
            s for s in ("baseline", "ours") if "build" in chosen or f"build-{s}" in chosen
        )
        if sides:
            results["build"] = measure_build(repeat, sides, out_dir)
        if "browser" in chosen:
            files = {
                side: Path(info["file"])
                for side, info in results.get("build", {}).items()
                if "file" in info
            }
            results["browser"] = {
                side: {"missing": info["missing"]}
                for side, info in results.get("build", {}).items()
                if "missing" in info
            }
            if files:
                outcome = _attempt("browser", lambda: measure_browser(repeat, files))
                if "missing" in outcome or "error" in outcome:  # the reason holds for each file
                    outcome = dict.fromkeys(files, outcome)
                results["browser"].update(outcome)
        if "fidelity" in chosen:
            results["fidelity"] = _attempt("fidelity", measure_fidelity)
        if "dashboard" in chosen:
            results["dashboard"] = _attempt("dashboard", lambda: measure_dashboard(repeat))
        if "server" in chosen:
            unusable = results.get("dashboard", {}).get("missing")
            results["server"] = (
                {"missing": unusable}
                if unusable
                else _attempt("server", lambda: measure_server(repeat))
            )
        if "stills" in chosen:
            results["stills"] = _attempt("stills", lambda: measure_stills(repeat, out_dir))
    results["ratios"] = ratios(results)
    results["verdicts"] = verdicts(results)
    print("\n".join(report_lines(results)))
    if args.write:
        command = " ".join([".venv/bin/python benchmarks/run.py", *(argv or sys.argv[1:])])
        write_results(args.write, results, command)
    return 0


if __name__ == "__main__":
    sys.exit(main())
