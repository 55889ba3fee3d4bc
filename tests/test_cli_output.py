"""`geomap` as a user runs it: what it writes to, how it stops, what it says about odd input.

Every test here runs the installed `geomap` console script in a subprocess, because the
points are about the real command: its exit status, its stderr, the files it touches.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from layers.output import TEMP_MARKER

GEOMAP = str(Path(sys.executable).with_name("geomap"))
DAY = ["--as-of", "2015-01-23"]


def geomap(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GEOMAP, *args], capture_output=True, text=True, cwd=cwd, timeout=300, check=False
    )


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if TEMP_MARKER in p.name)


def snapshot_of(path: Path) -> tuple[int, int, int, int]:
    """What must not change about a refused output path: its type, inode, size, mtime."""
    st = path.lstat()
    return st.st_mode, st.st_ino, st.st_size, st.st_mtime_ns


def wait_until_it_handles_sigterm(process: subprocess.Popen[str]) -> None:
    """Waits until `geomap` has reached `main` (its SIGTERM handler is in place, Linux's
    /proc says so): a signal during the imports is the interpreter's business, not ours."""
    status = Path(f"/proc/{process.pid}/status")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        caught = next(line for line in status.read_text().splitlines() if line.startswith("SigCgt"))
        if int(caught.split()[1], 16) & (1 << (signal.SIGTERM - 1)):
            return
        time.sleep(0.01)
    raise AssertionError("geomap never installed its SIGTERM handler")


# --- output files -----------------------------------------------------------------------


def test_a_symlink_is_followed_and_its_target_replaced(tmp_path: Path) -> None:
    real = tmp_path / "real.html"
    real.write_text("old")
    link = tmp_path / "link.html"
    link.symlink_to(real.name)
    result = geomap("export", *DAY, "--format", "geojson", "-o", str(link))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == real.name, "the link stays a link"
    assert real.read_text().startswith('{"type":"FeatureCollection"')
    assert temps(tmp_path) == []


def test_a_dangling_symlink_creates_the_file_it_names(tmp_path: Path) -> None:
    link = tmp_path / "link.html"
    link.symlink_to("new.html")
    result = geomap("export", *DAY, "--format", "geojson", "-o", str(link))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and (tmp_path / "new.html").is_file()


def test_help_says_a_symlink_is_followed() -> None:
    text = " ".join(geomap("export", "--help").stdout.split())
    assert "a symlink is followed" in text and "FIFO" in text


def _fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def _socket(tmp_path: Path) -> Path:
    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()  # the socket file stays
    return path


def _directory(tmp_path: Path) -> Path:
    path = tmp_path / "folder"
    path.mkdir()
    return path


def _device_link(tmp_path: Path) -> Path:
    path = tmp_path / "null-link"
    path.symlink_to("/dev/null")
    return path


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda tmp: Path("/dev/full"), "character device"),
        (lambda tmp: Path("/dev/null"), "character device"),
        (_device_link, "character device"),
        (_fifo, "FIFO"),
        (_socket, "socket"),
        (_directory, "directory"),
    ],
    ids=["dev-full", "dev-null", "symlink-to-device", "fifo", "socket", "directory"],
)
def test_anything_but_a_regular_file_is_refused_and_left_as_it_was(
    make: object, kind: str, tmp_path: Path
) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    before = snapshot_of(path)
    result = geomap("export", *DAY, "-o", str(path))
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert line.startswith("geomap export: cannot write") and kind in line, line
    assert "not a regular file" in line
    assert snapshot_of(path) == before
    assert temps(tmp_path) == [] and temps(path.parent) == []


@pytest.mark.parametrize(
    ("sig", "status", "cause"),
    [(signal.SIGTERM, 143, "SIGTERM"), (signal.SIGINT, 130, "Ctrl-C")],
    ids=["sigterm", "ctrl-c"],
)
def test_a_signal_stops_the_export_with_one_line_and_no_leftovers(
    sig: signal.Signals, status: int, cause: str, tmp_path: Path
) -> None:
    target = tmp_path / "map.html"
    target.write_text("old map")
    process = subprocess.Popen(
        [GEOMAP, "export", *DAY, "-o", str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_until_it_handles_sigterm(process)
    assert process.poll() is None, "the export ended before the signal"
    process.send_signal(sig)
    _, err = process.communicate(timeout=60)
    assert process.returncode == status, err
    # "geomap export: ..." once the options are read ("geomap: ..." if it was still reading)
    line = one_line(err).replace("geomap export:", "geomap:")
    assert line == f"geomap: stopped by {cause}; no file was changed"
    assert target.read_text() == "old map"
    assert temps(tmp_path) == []


def test_an_export_removes_stale_temporary_files_of_its_own_target(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # its pid is free now: the kind of writer SIGKILL leaves behind
    stale = tmp_path / f".map.json{TEMP_MARKER}{dead.pid}"
    live = tmp_path / f".map.json{TEMP_MARKER}{os.getpid()}"  # a writer still running
    other = tmp_path / f".other.json{TEMP_MARKER}{dead.pid}"  # another target's
    for path in (stale, live, other):
        path.write_text("half")
    result = geomap("export", *DAY, "--format", "geojson", "-o", str(tmp_path / "map.json"))
    assert result.returncode == 0, result.stderr
    assert not stale.exists()
    assert live.exists() and other.exists()


def test_facts_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    errors = tmp_path / "stderr"
    with errors.open("w") as err:
        process = subprocess.Popen(
            [GEOMAP, "facts", *DAY, "--format", "json"], stdout=subprocess.PIPE, stderr=err
        )
        assert process.stdout is not None
        process.stdout.close()  # as `| head` does once it has its lines
        assert process.wait(timeout=60) == 0
    assert errors.read_text() == ""


def test_facts_piped_into_head_ends_quietly() -> None:
    result = subprocess.run(
        f"'{GEOMAP}' facts --as-of 2015-01-23 --format json | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout == "{\n" and result.stderr == ""


# --- command line -----------------------------------------------------------------------


def test_help_describes_the_tool_and_lists_every_command() -> None:
    result = geomap("--help")
    assert result.returncode == 0
    assert "contested statehood" in result.stdout
    assert "The geodata half" not in result.stdout and "docstring" not in result.stdout
    for command in ("facts", "validate", "build-data", "export"):
        assert f"    {command}" in result.stdout, command


def test_version_prints_the_package_version() -> None:
    from importlib.metadata import version

    result = geomap("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"geomap {version('geomap')}"


@pytest.mark.parametrize(
    "option", [["--layers", "territories"], ["--tiles", "OpenStreetMap.Mapnik"]]
)
def test_html_only_options_are_refused_with_geojson(option: list[str], tmp_path: Path) -> None:
    target = tmp_path / "map.json"
    result = geomap("export", *DAY, "--format", "geojson", *option, "-o", str(target))
    assert result.returncode == 2
    assert "apply to the HTML map only" in one_line(result.stderr)
    assert not target.exists()


@pytest.mark.parametrize(
    ("day", "said"),
    [("1900-01-01", "before the record's first fact"), ("2999-01-01", "in the future")],
)
def test_a_day_outside_the_record_is_accepted_and_said(day: str, said: str) -> None:
    result = geomap("facts", "--as-of", day)
    assert result.returncode == 0 and result.stdout.startswith(f"As of {day}")
    assert said in one_line(result.stderr)


def test_a_day_inside_the_record_is_not_remarked_on() -> None:
    result = geomap("facts", *DAY)
    assert result.returncode == 0 and result.stderr == ""


# --- a record of one's own (--record DIR) ------------------------------------------------

SOURCE = '[{ title = "Test data, not a fact", url = "https://example.org/test-data" }]'
OWN_RECORD = {
    "entities.toml": f"""# TEST DATA: a made-up dispute, not a fact. Real countries of the boundary
# artifact (Finland, Estonia) stand in for its parties; Testland has no outline of its own.
[[entity]]
id = "FIN"
name = "Finland"
kind = "state"
iso3 = "FIN"
declared = 1917-12-06
un_member = true
un_member_since = 1955-12-14
sources = {SOURCE}

[[entity]]
id = "EST"
name = "Estonia"
kind = "state"
iso3 = "EST"
declared = 1918-02-24
un_member = true
un_member_since = 1991-09-17
sources = {SOURCE}

[[entity]]
id = "TST"
name = "Testland (made up)"
kind = "territory"
un_member = false
parent = "FIN"
declared = 2001-02-03
sources = {SOURCE}
""",
    "recognitions.toml": f"""# TEST DATA: made up.
[[recognition]]
id = "est-tst"
by = "EST"
of = "TST"
since = 2002-03-04
sources = {SOURCE}
""",
    **dict.fromkeys(
        ("treaties.toml", "places.toml", "missions.toml", "events.toml"),
        "# TEST DATA: nothing of this kind in the made-up dispute.\n",
    ),
    "disputes.toml": "# TEST DATA: no disputes.\n",
}


@pytest.fixture
def own_record(tmp_path: Path) -> Path:
    folder = tmp_path / "own-record"
    folder.mkdir()
    for name, text in OWN_RECORD.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_facts_validate_and_export_read_a_record_of_ones_own(own_record: Path) -> None:
    record = ["--record", str(own_record)]
    validated = geomap("validate", *record)
    assert validated.returncode == 0, validated.stderr
    assert validated.stdout.startswith("OK: 3 entities, 1 recognitions, 0 treaties")

    facts = geomap("facts", *record, "--as-of", "2010-01-01")
    assert facts.returncode == 0, facts.stderr
    assert "Testland (made up) (TST)" in facts.stdout
    assert "recognised by Estonia since 2002-03-04" in facts.stdout
    assert "Abkhazia" not in facts.stdout, "the packaged record leaked in"

    out = own_record.parent / "testland.geojson"
    exported = geomap(
        "export", *record, "--as-of", "2010-01-01", "--format", "geojson", "-o", str(out)
    )
    assert exported.returncode == 0, exported.stderr
    drawn = out.read_text()
    assert '"id":"FIN"' in drawn and '"sovereign"' in drawn  # Testland's claimant, drawn
    assert '"id":"ABK"' not in drawn


def test_a_broken_record_of_ones_own_is_refused_by_every_command(own_record: Path) -> None:
    (own_record / "recognitions.toml").write_text(
        OWN_RECORD["recognitions.toml"].replace('by = "EST"', 'by = "NOWHERE"')
    )
    record = ["--record", str(own_record)]
    validated = geomap("validate", *record)
    assert validated.returncode == 1 and "NOWHERE" in validated.stderr
    assert "recognitions.toml" in validated.stderr
    out = own_record.parent / "map.html"
    for args in (["facts", *record], ["export", *record, "-o", str(out)]):
        result = geomap(*args)
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        assert "NOWHERE" in result.stderr
    assert not out.exists()
