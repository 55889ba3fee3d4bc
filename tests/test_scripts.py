"""The two commands of the README: starting the dashboard must not undo the test set-up."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _uv() -> str:
    """uv as the scripts find it (on PATH, or the private copy scripts/_env.sh installs)."""
    found = shutil.which("uv") or ROOT / ".tools" / "uv" / "bin" / "uv"
    assert Path(found).exists(), "uv not found: run bash scripts/test, which installs it"
    return str(found)


def test_the_dashboard_command_uninstalls_nothing_the_test_command_installed() -> None:
    """Each `uv sync` of scripts/dashboard, run as a dry run on this (test-synced) .venv,
    would change nothing: without --inexact, `--no-dev` would remove pytest and the rest."""
    script = (ROOT / "scripts" / "dashboard").read_text()
    syncs = re.findall(r'^"\$UV" (sync [^#\n]*)', script, re.M)
    assert syncs, "scripts/dashboard no longer syncs with uv: update this test"
    for sync in syncs:
        arguments = [a for a in shlex.split(sync) if a != "--quiet"]
        result = subprocess.run(
            [_uv(), *arguments, "--dry-run"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"},
            check=True,
        )
        output = result.stdout + result.stderr
        changed = {sign: set() for sign in "-+"}
        for line in output.splitlines():
            if line[:3] in (" - ", " + "):
                changed[line[1]].add(re.split(r"[ =@]", line[3:])[0])
        removed = sorted(changed["-"] - changed["+"])  # a reinstall (the project) is no removal
        assert not removed, f"`uv {sync}` would uninstall: {removed}"
    assert "--exact" not in script  # `uv run` syncs inexactly unless told otherwise
