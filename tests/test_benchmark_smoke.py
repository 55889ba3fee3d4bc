"""The benchmark script still runs: `benchmarks/run.py --quick` ends with a parsable JSON line.

Times are not checked here (the machine is shared and noisy); `benchmarks/run.py` is the
measurement. The quick run builds our export once and computes the fidelity report.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quick_benchmark_prints_its_json_line():
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    lines = [line for line in run.stdout.splitlines() if line.startswith("BENCHMARK_JSON ")]
    assert len(lines) == 1
    results = json.loads(lines[0].removeprefix("BENCHMARK_JSON "))
    assert set(results["verdicts"]) >= {"export_size", "caucasus_fidelity", "shared_borders"}
    assert set(results["verdicts"].values()) <= {"PASS", "FAIL", "n/a"}
    assert "html_bytes" in results["build"]["ours"], results["build"]["ours"]
    assert results["fidelity"]["max_hausdorff_m"] >= 0
