"""Dashboard figures: warm rerun after a date change, reruns on pan/zoom, start to map drawn.

- Warm rerun: `streamlit.testing.v1.AppTest` runs `app.py` in this process. After one cold
  run, the date widget is set to dates not shown before (first visits: what a reader who
  picks a new day waits for), then switched between two dates already shown, and each
  `at.run()` is timed: server-side script time, medians.
- Reruns on pan/zoom, two ways: (1) what the map component is told to send back
  (`returned_objects` in the `st_folium` arguments; `None` means everything, so every pan
  and zoom reruns); (2) measured: a real `streamlit run` of `app.py` through
  `_counting_app.py`, which counts script runs, a real Chromium that drags the map and
  zooms it with the mouse wheel, and the number of runs that started meanwhile.
- Start to drawn: wall time from starting `streamlit run` to every path of the map drawn
  inside the component's iframe (count stable, as for the export).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from _browser import PATHS, VIEWPORT, browser, wait_stable
from dashboard_browser import MAP_FRAME, run_dashboard  # the browser tests' server runner

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
COUNTING_APP = Path(__file__).with_name("_counting_app.py")
DATES = (dt.date(2015, 1, 23), dt.date(2008, 8, 26))

__all__ = ["map_component_args", "rerun_times", "served_dashboard"]


class Missing(Exception):
    """A piece the measurement needs is not in the app yet."""


def _date_widget(at: Any) -> tuple[Any, tuple[Any, Any]]:
    """The app's date control and two values to switch between."""
    if len(at.date_input):
        return at.date_input[0], DATES
    for kind in ("select_slider", "slider", "selectbox"):
        for widget in getattr(at, kind):
            value = widget.value
            if isinstance(value, (dt.date, dt.datetime)) or "date" in str(widget.label).lower():
                options = list(getattr(widget, "options", []) or [])
                if len(options) >= 2:
                    return widget, (options[-1], options[len(options) // 2])
                return widget, DATES
    raise Missing("a date widget in app.py")


def map_component_args(at: Any) -> dict[str, Any]:
    """The `st_folium` component's JSON arguments on the current page."""
    for element in at.get("component_instance"):
        args = json.loads(element.proto.json_args or "{}")
        if "script" in args and "returned_objects" in args:
            return args
    raise Missing("an st_folium map in app.py")


def rerun_times(repeat: int, app: Path = APP) -> dict[str, Any]:
    """Cold first run, first visit of a date, and warm reruns after a date change (ms)."""
    from streamlit.testing.v1 import AppTest

    if not app.exists():
        raise Missing("app.py")
    at = AppTest.from_file(str(app), default_timeout=300)
    start = time.perf_counter()
    at.run()
    cold_ms = (time.perf_counter() - start) * 1000
    if at.exception:
        raise Missing(f"app.py runs without exception ({at.exception[0].message})")
    args = map_component_args(at)
    widget, values = _date_widget(at)
    first_visit = []
    for value in [
        *values,
        *_new_dates(widget, max(repeat, 3) * 2),
    ]:  # each first visit fills the caches
        _date_widget(at)[0].set_value(value)
        start = time.perf_counter()
        at.run()
        first_visit.append((time.perf_counter() - start) * 1000)
    warm = []
    for i in range(max(repeat, 3) * 2):
        _date_widget(at)[0].set_value(values[i % 2])
        start = time.perf_counter()
        at.run()
        warm.append((time.perf_counter() - start) * 1000)
    returned = args.get("returned_objects")
    return {
        "cold_first_run_ms": cold_ms,
        "first_visit_ms": statistics.median(first_visit),
        "first_visit_samples_ms": first_visit,
        "warm_rerun_ms": statistics.median(warm),
        "warm_samples_ms": warm,
        "date_widget": f"{type(widget).__name__} {widget.label!r}",
        "returned_objects": returned,
        "reruns_on_pan_zoom_by_args": _reruns_by_args(returned),
        "component_json_bytes": len(at.get("component_instance")[0].proto.json_args or ""),
    }


def _new_dates(widget: Any, count: int) -> list[dt.date]:
    """Days no run has shown yet (a date field takes any day; other widgets only theirs)."""
    if type(widget).__name__ != "DateInput":
        return []
    return [dt.date(2010, 1, 1) + dt.timedelta(days=37 * i) for i in range(count)]


def _reruns_by_args(returned: list[str] | None) -> str:
    """What `returned_objects` implies: keys that change on a pan or zoom rerun the app."""
    moving = {"bounds", "center", "zoom"}
    if returned is None:
        return "every pan/zoom (returned_objects=None: all keys)"
    hit = sorted(moving & set(returned))
    return f"reruns on {', '.join(hit)} changes" if hit else "none (no pan/zoom keys returned)"


def _runs(runs_file: Path) -> int:
    return len(runs_file.read_text().splitlines()) if runs_file.exists() else 0


#: A point of the map that a drag can start from: on the map, not on a control (legend,
#: zoom buttons, title), nor on a clickable shape, in the iframe's coordinates.
_FREE_POINT = """
([width, height]) => {
  for (const fy of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8]) {
    for (const fx of [0.5, 0.6, 0.4, 0.7, 0.3, 0.8, 0.2, 0.9, 0.1]) {
      const x = width * fx, y = height * fy;
      const hit = document.elementFromPoint(x, y);
      if (hit && hit.closest('.leaflet-container') && !hit.closest('.leaflet-control-container')
          && !hit.closest('.leaflet-interactive') && !hit.closest('.leaflet-marker-pane')) {
        return [x, y];
      }
    }
  }
  return null;
}
"""
_VIEW = "[map.getZoom(), map.getCenter().lat, map.getCenter().lng]"  # streamlit-folium's window.map


def _pan_and_zoom(page: Any) -> dict[str, Any]:
    """Drags the map by 200 x 120 px, then zooms in and out with the wheel, like a reader.

    The map's own zoom and centre (read before and after) prove that it did move.
    """
    frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    box = page.locator(MAP_FRAME).bounding_box()
    visible_height = min(box["height"], VIEWPORT["height"] - box["y"] - 10)
    point = frame.evaluate(_FREE_POINT, [box["width"], visible_height])
    if point is None:
        raise Missing("a free spot on the dashboard map to drag from")
    x, y = box["x"] + point[0], box["y"] + point[1]
    views = [frame.evaluate(_VIEW)]
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x + 20 * step, y + 12 * step)
        time.sleep(0.02)
    page.mouse.up()
    time.sleep(0.8)
    views.append(frame.evaluate(_VIEW))
    for delta in (-360, 360):
        page.mouse.move(x, y)
        page.mouse.wheel(0, delta)
        time.sleep(1.0)
        views.append(frame.evaluate(_VIEW))
    return {
        "views": views,
        "panned": views[1][1:] != views[0][1:],
        "zoomed": len({view[0] for view in views}) > 1,
    }


def served_dashboard(repeat: int, app: Path = APP) -> dict[str, Any]:
    """Start-to-drawn times over `repeat` fresh servers; reruns counted on the first."""
    if not app.exists():
        raise Missing("app.py")
    samples, reruns, details = [], None, {}
    with browser() as chromium, tempfile.TemporaryDirectory() as tmp:
        for attempt in range(repeat):
            runs_file = Path(tmp) / f"runs{attempt}.txt"
            os.environ.update(GEOMAP_BENCH_RUNS=str(runs_file), GEOMAP_BENCH_APP=str(app))
            started = time.perf_counter()
            with run_dashboard(COUNTING_APP) as url:
                context = chromium.new_context(viewport=VIEWPORT, service_workers="block")
                page = context.new_page()
                page.goto(url, wait_until="commit")
                frame = page.frame_locator(MAP_FRAME)

                def count(page=page, frame=frame) -> int:
                    if page.locator('[data-testid="stException"]').count():
                        raise Missing(
                            "app.py runs without exception: "
                            + page.locator('[data-testid="stException"]').first.inner_text()[:200]
                        )
                    try:
                        return frame.locator(PATHS).count()
                    except Exception:  # the iframe is replaced while Streamlit reruns
                        return 0

                try:
                    paths, reached_at = wait_stable(count, settle_s=2.0, timeout_s=120)
                except TimeoutError as error:
                    raise Missing(f"a map drawn in the dashboard ({error})") from None
                samples.append((reached_at - started) * 1000)
                if attempt == 0:
                    time.sleep(2.0)  # let the page-load runs finish
                    at_rest = _runs(runs_file)
                    details = _pan_and_zoom(page)
                    time.sleep(2.0)
                    reruns = _runs(runs_file) - at_rest
                    details.update(runs_at_load=at_rest, paths=paths)
                context.close()
    return {
        "start_to_drawn_ms": statistics.median(samples),
        "samples_ms": samples,
        "reruns_on_pan_zoom": reruns,
        **details,
    }
