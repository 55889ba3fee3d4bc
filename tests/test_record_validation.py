"""Every kind of bad input in a facts file gets an error naming file, line, field and fix."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from geodata.loader import RECORD_DIR, RecordError, load_record

MINI = Path(__file__).parent / "data" / "mini_record"


@pytest.fixture
def record_dir(tmp_path: Path) -> Path:
    target = tmp_path / "record"
    shutil.copytree(MINI, target)
    return target


def edit(directory: Path, file: str, old: str, new: str, count: int = 1) -> None:
    path = directory / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {file}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def problems_of(directory: Path) -> list[str]:
    with pytest.raises(RecordError) as caught:
        load_record(directory)
    return [str(p) for p in caught.value.problems]


def line_of(directory: Path, file: str, needle: str, occurrence: int = 1) -> int:
    lines = (directory / file).read_text(encoding="utf-8").splitlines()
    hits = [n for n, line in enumerate(lines, start=1) if needle in line]
    return hits[occurrence - 1]


def test_mini_record_is_valid() -> None:
    record = load_record(MINI)
    assert set(record.entities) == {"RUS", "GEO", "NIC", "TUV", "ABK", "SOS"}
    assert record.treaties[0].ratifications[0].body == "State Duma"


def test_unknown_entity_names_file_line_field_and_fix(record_dir: Path) -> None:
    edit(record_dir, "recognitions.toml", 'by = "NIC"', 'by = "NIX"')
    [problem] = problems_of(record_dir)
    line = line_of(record_dir, "recognitions.toml", 'by = "NIX"')
    assert f"recognitions.toml:{line}:" in problem
    assert "recognition 'nic-abk'" in problem and "field 'by'" in problem
    assert "unknown entity 'NIX'" in problem and "Fix:" in problem and "entities.toml" in problem


def test_unknown_entity_in_nested_ratification(record_dir: Path) -> None:
    edit(record_dir, "treaties.toml", 'by = "ABK"\nbody', 'by = "XXX"\nbody')
    found = problems_of(record_dir)
    line = line_of(record_dir, "treaties.toml", 'by = "XXX"')
    assert any(f"treaties.toml:{line}:" in p and "unknown entity 'XXX'" in p for p in found)


def test_impossible_date_is_a_syntax_error_with_line(record_dir: Path) -> None:
    edit(record_dir, "recognitions.toml", "since = 2008-09-05", "since = 2008-09-31")
    [problem] = problems_of(record_dir)
    line = line_of(record_dir, "recognitions.toml", "2008-09-31")
    assert f"recognitions.toml:{line}:" in problem and "not valid TOML" in problem


def test_future_date_is_refused(record_dir: Path) -> None:
    edit(record_dir, "recognitions.toml", "since = 2008-09-05", "since = 2999-09-05")
    [problem] = problems_of(record_dir)
    assert "field 'since'" in problem and "in the future" in problem


def test_date_given_as_text_is_refused(record_dir: Path) -> None:
    edit(record_dir, "recognitions.toml", "since = 2008-09-05", 'since = "5 Sept 2008"')
    [problem] = problems_of(record_dir)
    assert "field 'since'" in problem and "bare TOML date" in problem


def test_inverted_dates(record_dir: Path) -> None:
    edit(record_dir, "recognitions.toml", "withdrawn = 2014-03-31", "withdrawn = 2010-03-31")
    problem, _dispute_no_longer_matches = problems_of(record_dir)
    line = line_of(record_dir, "recognitions.toml", "withdrawn = 2010-03-31")
    assert f"recognitions.toml:{line}:" in problem
    assert "withdrawn 2010-03-31 is before since 2011-09-18" in problem


def test_ratification_before_signature(record_dir: Path) -> None:
    edit(record_dir, "treaties.toml", "date = 2015-01-23", "date = 2013-01-23")
    [problem] = problems_of(record_dir)
    assert "field 'date'" in problem and "before signature" in problem


def test_missing_source(record_dir: Path) -> None:
    edit(
        record_dir,
        "events.toml",
        'sources = [{ title = "Test source", url = "https://example.org/fact" }]',
        "sources = []",
    )
    [problem] = problems_of(record_dir)
    assert "events.toml:" in problem and "field 'sources'" in problem and "no source" in problem


def test_missing_sources_field(record_dir: Path) -> None:
    edit(
        record_dir,
        "events.toml",
        'sources = [{ title = "Test source", url = "https://example.org/fact" }]',
        "",
    )
    [problem] = problems_of(record_dir)
    assert "missing required field 'sources'" in problem


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "ftp://example.org/x", "example.org/page", "https://exa mple.org/"],
)
def test_source_must_be_http_url(record_dir: Path, url: str) -> None:
    edit(record_dir, "events.toml", '"https://example.org/fact"', f'"{url}"')
    [problem] = problems_of(record_dir)
    assert "is not an http(s) URL" in problem and "field 'sources'" in problem


def test_source_needs_url_or_named_document(record_dir: Path) -> None:
    edit(record_dir, "events.toml", 'url = "https://example.org/fact"', 'publisher = "Someone"')
    [problem] = problems_of(record_dir)
    assert "needs exactly one of url or document" in problem


def test_duplicate_id(record_dir: Path) -> None:
    edit(record_dir, "recognitions.toml", 'id = "nic-abk"', 'id = "rus-abk"')
    [problem] = problems_of(record_dir)
    line = line_of(record_dir, "recognitions.toml", 'id = "rus-abk"', occurrence=2)
    assert f"recognitions.toml:{line}:" in problem and "duplicate id 'rus-abk'" in problem


def test_duplicate_fact_with_overlapping_interval(record_dir: Path) -> None:
    extra = (
        '\n[[recognition]]\nid = "nic-abk-again"\nby = "NIC"\nof = "ABK"\nsince = 2010-01-01\n'
        'sources = [{ title = "T", url = "https://example.org/x" }]\n'
    )
    (record_dir / "recognitions.toml").write_text(
        (record_dir / "recognitions.toml").read_text() + extra
    )
    [problem] = problems_of(record_dir)
    assert "duplicate: NIC already recognises ABK" in problem and "nic-abk-again" in problem


def test_recognising_again_after_withdrawal_is_fine(record_dir: Path) -> None:
    extra = (
        '\n[[recognition]]\nid = "tuv-abk-again"\nby = "TUV"\nof = "ABK"\nsince = 2020-01-01\n'
        'sources = [{ title = "T", url = "https://example.org/x" }]\n'
    )
    (record_dir / "recognitions.toml").write_text(
        (record_dir / "recognitions.toml").read_text() + extra
    )
    assert len(load_record(record_dir).recognitions) == 6


def test_misspelt_field_gets_a_suggestion(record_dir: Path) -> None:
    edit(record_dir, "places.toml", "lat = 43.0015", "lattitude = 43.0015")
    found = problems_of(record_dir)
    assert any("unknown field" in p and "did you mean 'lat'" in p for p in found)
    assert any("missing required field 'lat'" in p for p in found)


def test_unknown_place(record_dir: Path) -> None:
    edit(record_dir, "treaties.toml", 'signed_at = "sukhumi"', 'signed_at = "sochi"')
    [problem] = problems_of(record_dir)
    assert "unknown place 'sochi'" in problem and "places.toml" in problem


def test_withdrawal_needs_its_own_sources(record_dir: Path) -> None:
    text = (record_dir / "recognitions.toml").read_text()
    lines = [line for line in text.splitlines() if not line.startswith("withdrawal_sources")]
    (record_dir / "recognitions.toml").write_text("\n".join(lines) + "\n")
    [problem] = problems_of(record_dir)
    assert "withdrawal without withdrawal_sources" in problem


def test_dispute_choice_must_match_the_row(record_dir: Path) -> None:
    edit(record_dir, "disputes.toml", 'map_uses = "a"', 'map_uses = "b"')
    [problem] = problems_of(record_dir)
    assert "the map uses 'none' but recognition 'tuv-abk' has withdrawn = 2014-03-31" in problem


def test_dispute_subject_must_exist(record_dir: Path) -> None:
    edit(record_dir, "disputes.toml", "recognition:tuv-abk", "recognition:nope")
    [problem] = problems_of(record_dir)
    assert "names no row of the record" in problem


def test_all_problems_reported_at_once(record_dir: Path) -> None:
    edit(record_dir, "recognitions.toml", 'by = "NIC"', 'by = "NIX"')
    edit(record_dir, "events.toml", "end = 2008-08-12", "end = 2008-08-01")
    assert len(problems_of(record_dir)) == 2


def test_checked_is_carried_into_the_model_and_every_export(record_dir: Path) -> None:
    import csv
    import io

    from geodata.serialize import recognitions_to_csv, record_to_dict, snapshot_to_dict
    from geodata.snapshot import as_of

    edit(
        record_dir,
        "recognitions.toml",
        "since = 2008-09-05",
        "since = 2008-09-05\nchecked = 2024-05-01",
    )
    edit(
        record_dir,
        "treaties.toml",
        "in_force = 2015-02-01",
        "in_force = 2015-02-01\nchecked = 2023-03-02",
    )
    edit(record_dir, "places.toml", "lon = 41.0234", "lon = 41.0234\nchecked = 2022-01-01")
    record = load_record(record_dir)
    [nic] = [r for r in record.recognitions if r.id == "nic-abk"]
    assert nic.checked == date(2024, 5, 1)
    assert record.treaties[0].checked == date(2023, 3, 2)
    assert record.places["sukhumi"].checked == date(2022, 1, 1)
    assert record.places["moscow"].checked is None
    dumped = record_to_dict(record)
    assert {r["id"]: r["checked"] for r in dumped["recognitions"]}["nic-abk"] == "2024-05-01"
    assert dumped["places"]["sukhumi"]["checked"] == "2022-01-01"
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(recognitions_to_csv(record)))}
    assert rows["nic-abk"]["checked"] == "2024-05-01" and rows["rus-abk"]["checked"] == ""
    facts = snapshot_to_dict(as_of(date(2016, 1, 1), "de-facto", record=record))
    [abk] = [t for t in facts["territories"] if t["id"] == "ABK"]
    assert {r["id"]: r["checked"] for r in abk["recognized_by"]}["NIC"] == "2024-05-01"
    assert facts["treaties"][0]["checked"] == "2023-03-02"


def test_checked_in_the_future_is_refused(record_dir: Path) -> None:
    edit(
        record_dir,
        "recognitions.toml",
        "since = 2008-09-05",
        "since = 2008-09-05\nchecked = 2999-01-01",
    )
    [problem] = problems_of(record_dir)
    line = line_of(record_dir, "recognitions.toml", "checked = 2999-01-01")
    assert f"recognitions.toml:{line}:" in problem
    assert "field 'checked'" in problem and "in the future" in problem


def test_checked_before_the_rows_own_dates_is_refused(record_dir: Path) -> None:
    edit(
        record_dir,
        "recognitions.toml",
        "withdrawn = 2014-03-31",
        "withdrawn = 2014-03-31\nchecked = 2012-01-01",
    )
    edit(
        record_dir,
        "treaties.toml",
        "in_force = 2015-02-01",
        "in_force = 2015-02-01\nchecked = 2015-01-24",
    )
    found = problems_of(record_dir)
    assert len(found) == 2
    rec_line = line_of(record_dir, "recognitions.toml", "checked = 2012-01-01")
    treaty_line = line_of(record_dir, "treaties.toml", "checked = 2015-01-24")
    [rec] = [p for p in found if "recognitions.toml" in p]
    [treaty] = [p for p in found if "treaties.toml" in p]
    assert f"recognitions.toml:{rec_line}:" in rec and "field 'checked'" in rec
    assert "before the row's withdrawn 2014-03-31" in rec and "on or after 2014-03-31" in rec
    assert f"treaties.toml:{treaty_line}:" in treaty
    assert "before the row's in_force 2015-02-01" in treaty


def test_checked_only_where_a_fact_can_change(record_dir: Path) -> None:
    text = (record_dir / "events.toml").read_text(encoding="utf-8")
    first_date = next(line for line in text.splitlines() if line.startswith("date = "))
    edit(record_dir, "events.toml", first_date, first_date + "\nchecked = 2020-01-01")
    [problem] = problems_of(record_dir)
    assert "field 'checked'" in problem and "unknown field" in problem


def test_a_missing_record_file_is_an_error(record_dir: Path) -> None:
    (record_dir / "recognitions.toml").unlink()
    [problem] = problems_of(record_dir)
    assert "recognitions.toml" in problem and "file is missing" in problem and "Fix:" in problem


def test_a_file_checked_on_its_own_says_when_its_references_could_not_be(
    record_dir: Path,
) -> None:
    (record_dir / "entities.toml").unlink()
    with pytest.raises(RecordError) as caught:
        load_record(record_dir, files=[record_dir / "recognitions.toml"])
    [problem] = [str(p) for p in caught.value.problems]
    assert "entities.toml" in problem and "file is missing" in problem


def test_a_file_checked_on_its_own_has_its_entity_ids_checked(record_dir: Path) -> None:
    edit(record_dir, "recognitions.toml", 'by = "NIC"', 'by = "NIX"')
    with pytest.raises(RecordError) as caught:
        load_record(record_dir, files=[record_dir / "recognitions.toml"])
    [problem] = [str(p) for p in caught.value.problems]
    assert "unknown entity 'NIX'" in problem and "use an id from entities.toml" in problem
    assert "entitys" not in problem


@pytest.mark.parametrize(
    ("value", "says"),
    [("nan", "finite number"), ("inf", "finite number"), ("91.5", "outside -90..90")],
)
def test_coordinates_must_be_finite_and_in_range(record_dir: Path, value: str, says: str) -> None:
    edit(record_dir, "places.toml", "lat = 43.0015", f"lat = {value}")
    [problem] = problems_of(record_dir)
    line = line_of(record_dir, "places.toml", f"lat = {value}")
    assert f"places.toml:{line}:" in problem and "field 'lat'" in problem and says in problem


def test_longitude_out_of_range(record_dir: Path) -> None:
    edit(record_dir, "places.toml", "lon = 41.0234", "lon = 181")
    [problem] = problems_of(record_dir)
    assert "field 'lon'" in problem and "outside -180..180" in problem


def test_a_non_utf8_byte_names_file_and_line(record_dir: Path) -> None:
    path = record_dir / "places.toml"
    data = path.read_bytes().replace(b"Sukhumi", b"Sukh\xfcmi", 1)
    path.write_bytes(data)
    line = data[: data.index(b"\xfc")].count(b"\n") + 1
    [problem] = problems_of(record_dir)
    assert f"places.toml:{line}:" in problem and "0xfc is not UTF-8" in problem


def test_a_byte_order_mark_is_named(record_dir: Path) -> None:
    path = record_dir / "events.toml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    [problem] = problems_of(record_dir)
    assert "events.toml:1:" in problem and "byte-order mark (BOM)" in problem


def test_a_record_file_that_is_a_folder_is_one_error(record_dir: Path) -> None:
    (record_dir / "missions.toml").unlink()
    (record_dir / "missions.toml").mkdir()
    [problem] = problems_of(record_dir)
    assert "missions.toml" in problem and "is a folder, not a file" in problem


def test_a_record_folder_that_is_not_one(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "record.toml"
    not_a_folder.write_text("", encoding="utf-8")
    for path, says in ((not_a_folder, "is not a folder"), (tmp_path / "none", "does not exist")):
        [problem] = problems_of(path)
        assert str(path) in problem and says in problem


def test_the_syntax_hint_talks_about_dates_only_for_dates(record_dir: Path) -> None:
    edit(record_dir, "places.toml", 'name = "Sukhumi"', "name = Sukhumi")
    [problem] = problems_of(record_dir)
    assert "not valid TOML" in problem and "date" not in problem.split("Fix:")[1]


def test_a_date_time_is_shown_as_written_not_as_a_python_repr(record_dir: Path) -> None:
    edit(record_dir, "recognitions.toml", "since = 2008-09-05", "since = 2008-09-05T10:00:00")
    [problem] = problems_of(record_dir)
    assert "2008-09-05T10:00:00" in problem and "datetime" not in problem


def test_a_recognition_cannot_precede_the_declaration_of_independence(record_dir: Path) -> None:
    edit(record_dir, "recognitions.toml", "since = 2008-09-05", "since = 1900-01-01")
    [problem] = problems_of(record_dir)
    line = line_of(record_dir, "recognitions.toml", "since = 1900-01-01")
    assert f"recognitions.toml:{line}:" in problem and "field 'since'" in problem
    assert "before the recognised entity ABK declared independence" in problem


def test_a_state_needs_the_day_it_became_independent(record_dir: Path) -> None:
    edit(record_dir, "entities.toml", "declared = 1838-04-30\n", "")
    [problem] = problems_of(record_dir)
    line = line_of(record_dir, "entities.toml", 'id = "NIC"') - 1  # the row's [[entity]] line
    assert f"entities.toml:{line}:" in problem and "entity 'NIC'" in problem
    assert "field 'declared'" in problem and "became independent" in problem
    assert "Fix:" in problem and "declared = YYYY-MM-DD" in problem


def test_a_recognition_cannot_precede_the_recognising_states_independence(
    record_dir: Path,
) -> None:
    # Abkhazia back-dated too, so that only Tuvalu's own independence (1978) is at stake.
    edit(record_dir, "entities.toml", "declared = 1999-10-12", "declared = 1970-01-01")
    edit(record_dir, "recognitions.toml", "since = 2011-09-18", "since = 1975-01-01")
    [problem] = problems_of(record_dir)
    line = line_of(record_dir, "recognitions.toml", "since = 1975-01-01")
    assert f"recognitions.toml:{line}:" in problem and "recognition 'tuv-abk'" in problem
    assert "field 'since'" in problem
    assert "before the recognising entity TUV declared independence on 1978-10-01" in problem


def test_nauru_cannot_recognise_before_1968_01_31(tmp_path: Path) -> None:
    real = tmp_path / "record"
    shutil.copytree(RECORD_DIR, real)
    row = 'id = "nru-abk"\nby = "NRU"\nof = "ABK"\nsince = '
    edit(real, "recognitions.toml", row + "2009-12-15", row + "1967-06-01")
    found = problems_of(real)
    assert any(
        "recognition 'nru-abk'" in p
        and "before the recognising entity NRU declared independence on 1968-01-31" in p
        for p in found
    )


def test_no_recognition_in_the_record_precedes_either_sides_independence() -> None:
    record = load_record(RECORD_DIR)
    states = [e for e in record.entities.values() if e.kind == "state"]
    assert states and all(e.declared for e in states)
    for r in record.recognitions:
        for side in (r.by, r.of):
            start = record.entities[side].declared
            assert start is not None and r.since >= start, (r.id, side, start)


def test_a_un_member_needs_its_date_of_admission(record_dir: Path) -> None:
    edit(record_dir, "entities.toml", "un_member_since = 1992-07-31\n", "")
    [problem] = problems_of(record_dir)
    assert "field 'un_member_since'" in problem and "date of admission" in problem


def test_a_place_far_outside_its_entitys_boundary_is_refused(record_dir: Path) -> None:
    # Sukhumi's coordinates swapped: a point near Georgia's border with Turkey, far from Abkhazia.
    edit(record_dir, "places.toml", "lat = 43.0015\nlon = 41.0234", "lat = 41.0234\nlon = 43.0015")
    [problem] = problems_of(record_dir)
    line = line_of(record_dir, "places.toml", "lat = 41.0234")
    assert f"places.toml:{line}:" in problem and "field 'lat'" in problem
    assert "km outside the boundary of ABK" in problem


def test_a_place_just_off_the_coast_is_accepted(record_dir: Path) -> None:
    # About 10 km out to sea from Sukhumi: a coastal site within the 50 km tolerance.
    edit(record_dir, "places.toml", "lon = 41.0234", "lon = 40.90")
    assert load_record(record_dir).places["sukhumi"].lon == 40.90


def test_a_file_checked_on_its_own_says_its_references_went_unchecked(record_dir: Path) -> None:
    edit(record_dir, "entities.toml", 'name = "Russia"', "name = Russia")
    edit(record_dir, "recognitions.toml", 'by = "NIC"', 'by = "NIX"')
    with pytest.raises(RecordError) as caught:
        load_record(record_dir, files=[record_dir / "recognitions.toml"])
    [problem] = [str(p) for p in caught.value.problems]
    assert "entities.toml" in problem and "references into it were not checked" in problem
