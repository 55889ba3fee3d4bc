"""`app.py`, run by Streamlit through this file so that every script run is counted.

Streamlit runs this file on each rerun; it appends one line to the file named by
`GEOMAP_BENCH_RUNS` and then runs the real app in place (same globals as Streamlit gives
a main script; `GEOMAP_BENCH_APP` names another app, for trying the benchmark out).
The benchmark reads the line count before and after panning and zooming the map: a run
that starts is a rerun, whether or not it finishes.
"""

import os
import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

with open(os.environ["GEOMAP_BENCH_RUNS"], "a", encoding="utf-8") as runs:
    runs.write("run\n")

runpy.run_path(os.environ.get("GEOMAP_BENCH_APP", str(ROOT / "app.py")), run_name="__main__")
