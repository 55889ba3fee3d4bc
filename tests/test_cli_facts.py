"""`geomap facts` and `geomap validate` as a user runs them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from geodata.loader import RECORD_DIR
from layers.cli import main


def facts_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["facts", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_console_script_prints_the_documented_shape() -> None:
    geomap = Path(sys.executable).with_name("geomap")
    out = subprocess.run(
        [str(geomap), "facts", "--as-of", "2015-01-23", "--format", "json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    data = json.loads(out)
    assert data["as_of"] == "2015-01-23" and data["worldview"] == "de-facto"
    abkhazia = next(t for t in data["territories"] if t["id"] == "ABK")
    assert abkhazia["name"] == "Abkhazia" and abkhazia["status"] == "partially_recognised"
    names = {r["name"] for r in abkhazia["recognized_by"] if r["un_member"]}
    assert {"Russia", "Nicaragua", "Venezuela", "Nauru"} <= names
    russia = next(r for r in abkhazia["recognized_by"] if r["name"] == "Russia")
    assert russia["iso3"] == "RUS" and russia["since"] == "2008-08-26" and russia["sources"]
    assert {"Georgia", "Russia", "South Ossetia"} <= {t["name"] for t in data["territories"]}
    for treaty in data["treaties"]:
        assert set(treaty) >= {
            "name",
            "parties",
            "signed",
            "in_force",
            "stage",
            "obligations",
            "sources",
        }
        assert treaty["signed"] <= "2015-01-23" and treaty["sources"]


def test_alliance_is_signed_but_not_in_force_on_duma_day(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = facts_json(capsys, "--as-of", "2015-01-23")
    alliance = next(
        t for t in data["treaties"] if t["signed"] == "2014-11-24" and "Abkhazia" in t["parties"]
    )
    assert alliance["in_force"] is None and alliance["stage"] in ("partly_ratified", "ratified")
    assert "mutual_defence" in alliance["obligations"]
    assert any(
        r["body"] == "State Duma" and r["date"] == "2015-01-23" for r in alliance["ratified"]
    )


def test_no_un_member_recognises_before_the_war(capsys: pytest.CaptureFixture[str]) -> None:
    data = facts_json(capsys, "--as-of", "2008-08-01")
    for territory in data["territories"]:
        if territory["id"] in ("ABK", "SOS"):
            assert not [r for r in territory["recognized_by"] if r["un_member"]]


def test_de_jure_worldview_gives_georgia_sovereignty(capsys: pytest.CaptureFixture[str]) -> None:
    data = facts_json(capsys, "--as-of", "2015-01-23", "--worldview", "de-jure")
    assert data["worldview"] == "de-jure"
    assert next(t for t in data["territories"] if t["id"] == "SOS")["sovereign"] == "GEO"


def test_table_format_is_readable(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["facts", "--as-of", "2015-01-23", "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert "Abkhazia (ABK): partially recognised" in out and "recognised by Nicaragua" in out


def test_table_format_prints_checked_dates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["facts", "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert "recognised by Russia since 2008-08-26 (status checked on 2025-05-11)" in out
    assert out.count("status checked on") >= 16


def test_bad_date_is_a_one_line_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["facts", "--as-of", "23/01/2015"])
    assert caught.value.code == 2
    assert "is not a date; write it as YYYY-MM-DD" in capsys.readouterr().err


def test_validate_passes_on_the_record(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    assert capsys.readouterr().out.startswith("OK:")


def test_validate_reports_a_broken_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "record"
    shutil.copytree(RECORD_DIR, broken)
    path = broken / "recognitions.toml"
    path.write_text(path.read_text().replace('by = "NIC"', 'by = "NICARAGUA"', 1))
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "recognitions.toml:" in err and "field 'by'" in err and "1 problem(s) found." in err
