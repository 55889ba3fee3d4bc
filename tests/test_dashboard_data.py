"""The dashboard's plain-data helpers on their own: timeline, details panel, view links."""

from __future__ import annotations

import doctest
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dashboard.source
import dashboard.view
import geodata.details
import geodata.timeline
from dashboard.view import View, parse_view
from geodata.details import details, selectable_items
from geodata.loader import default_record, load_record
from geodata.snapshot import as_of
from geodata.timeline import key_dates, recognition_steps
from geodata.worldviews import Worldview

MINI = load_record(Path(__file__).parent / "data" / "mini_record")
RANGE = {
    "first": date(1991, 1, 5),
    "last": date(2024, 1, 1),
    "default_day": date(2024, 1, 1),
    "layer_names": ("territories", "recognition", "places"),
    "default_layers": ("territories", "recognition"),
}


@pytest.mark.parametrize(
    "module", [geodata.details, geodata.timeline, dashboard.view, dashboard.source]
)
def test_docstring_examples_run(module: object) -> None:
    result = doctest.testmod(module)
    assert result.failed == 0 and result.attempted > 0


def count_on(territory: str, day: date) -> int:
    steps = [s for s in recognition_steps() if s.territory == territory and s.start <= day]
    return steps[-1].count


def test_recognition_steps_agree_with_as_of_every_day_they_change() -> None:
    for step in recognition_steps():
        assert as_of(step.start).territory(step.territory).un_recognisers == step.count


def test_recognition_steps_follow_the_record() -> None:
    assert count_on("ABK", date(2008, 8, 1)) == 0
    assert count_on("ABK", date(2015, 6, 1)) == 4  # Russia, Nicaragua, Venezuela, Nauru
    assert count_on("ABK", date(2012, 1, 1)) == 6  # with Vanuatu and Tuvalu
    assert count_on("SOS", date(2012, 1, 1)) == 5  # Vanuatu never recognised South Ossetia
    assert count_on("ABK", date(2019, 1, 1)) == 5  # Syria
    consecutive = [
        (a.count, b.count)
        for a, b in zip(recognition_steps(), recognition_steps()[1:], strict=False)
        if a.territory == b.territory
    ]
    assert all(a != b for a, b in consecutive), "a step that does not change the count"


def test_recognition_steps_of_another_record() -> None:
    steps = recognition_steps(MINI)
    assert {s.territory for s in steps} == {"ABK", "SOS"}
    assert steps[0].count == 0


def test_key_dates_come_from_the_record() -> None:
    picks = {k.day: k.label for k in key_dates()}
    assert picks[date(2008, 8, 26)] == "Russia recognises Abkhazia and South Ossetia"
    assert "Nauru recognises" in picks[date(2009, 12, 16)]  # the day both hold
    assert picks[date(2014, 3, 31)].startswith("Tuvalu withdraws")
    assert "signed in Sochi" in picks[date(2014, 11, 24)]
    assert "State Duma" in picks[date(2015, 1, 23)]
    assert picks[date(2018, 5, 29)].startswith("Syria recognises")
    days = [k.day for k in key_dates()]
    assert days == sorted(days)


def labels(panel, key: str) -> list[str]:
    return [fact.label for fact in panel.section(key).facts]


def test_territory_panel_lists_recognisers_with_sources() -> None:
    panel = details(as_of(date(2015, 6, 1)), "ABK")
    assert panel.kind == "territory" and panel.title == "Abkhazia"
    assert labels(panel, "recognised-un") == ["Russia", "Nicaragua", "Venezuela", "Nauru"]
    russia = panel.section("recognised-un").facts[0]
    assert russia.text == "since 2008-08-26" and russia.sources
    assert labels(panel, "withdrawn") == ["Vanuatu", "Tuvalu"]
    assert "Russia–Abkhazia alliance (2014)" in labels(panel, "treaties")
    assert "4 UN member states" in panel.summary


def test_territory_panel_before_recognition_lists_no_un_member() -> None:
    panel = details(as_of(date(2008, 8, 1)), "ABK")
    assert labels(panel, "recognised-un") == []
    assert panel.section("recognised-un").empty.startswith("No UN member state")
    assert all(f.day <= date(2008, 8, 1) for f in panel.section("events").facts)


def test_territory_panel_follows_the_worldview() -> None:
    de_jure = details(as_of(date(2015, 6, 1), Worldview.DE_JURE), "ABK")
    assert "drawn as part of Georgia" in de_jure.summary


def test_state_panels() -> None:
    snapshot = as_of(date(2015, 6, 1))
    assert labels(details(snapshot, "NIC"), "recognises") == ["Abkhazia", "South Ossetia"]
    assert labels(details(snapshot, "TUV"), "withdrawn") == ["Abkhazia", "South Ossetia"]
    assert labels(details(snapshot, "GEO"), "claims") == ["Abkhazia", "South Ossetia"]
    assert details(snapshot, "NRU").title == "Nauru"
    france = details(snapshot, "FRA", name="France")
    assert france.title == "France" and "has never recognised" in france.summary
    tuvalu_disputes = [f.label for f in details(snapshot, "TUV").section("disputes").facts]
    assert len(tuvalu_disputes) == len(set(tuvalu_disputes)), "one entry per question"


def test_treaty_panel_shows_only_steps_taken_by_the_day() -> None:
    before = details(as_of(date(2015, 1, 22)), "rus-abk-alliance-2014")
    after = details(as_of(date(2015, 1, 23)), "rus-abk-alliance-2014")
    assert "Ratified: Russia, State Duma" not in labels(before, "steps")
    assert "Ratified: Russia, State Duma" in labels(after, "steps")
    assert "mutual defence" in labels(after, "obligations")
    unsigned = details(as_of(date(2014, 1, 1)), "rus-abk-alliance-2014")
    assert "not yet signed" in unsigned.summary and unsigned.sections == ()


def test_selectable_items_cover_territories_states_and_signed_treaties() -> None:
    ids = [i for i, _ in selectable_items(as_of(date(2015, 1, 23)))]
    assert ids[:2] == ["ABK", "SOS"]
    assert "NRU" in ids and "rus-abk-alliance-2014" in ids and "rus-sos-alliance-2015" not in ids
    assert details(as_of(date(2015, 1, 23)), "") is None


def test_view_round_trips_through_its_parameters() -> None:
    view = View(date(2015, 1, 23), Worldview.RECOGNISING, ("territories", "places"))
    assert parse_view(view.to_params(), **RANGE) == (view, [])


def test_missing_parameters_take_defaults_silently() -> None:
    view, notices = parse_view({}, **RANGE)
    assert view == View(date(2024, 1, 1), Worldview.DE_FACTO, ("territories", "recognition"))
    assert notices == []


@pytest.mark.parametrize(
    ("params", "word"),
    [
        ({"date": "2015-02-30"}, "date"),
        ({"date": "1800-01-01"}, "outside the record"),
        ({"date": "20150123"}, "YYYY-MM-DD"),
        ({"date": "<script>" * 50}, "…"),
        ({"worldview": "klingon"}, "worldview"),
        ({"layers": "territories,tiles"}, "tiles"),
        ({"zoom": "3"}, "zoom"),
    ],
)
def test_bad_parameters_fall_back_with_a_notice(params: dict[str, str], word: str) -> None:
    view, notices = parse_view(params, **RANGE)
    default, _ = parse_view({}, **RANGE)
    assert len(notices) == 1 and word in notices[0]
    assert view == default
    assert len(notices[0]) < 400


def test_empty_layers_parameter_means_no_layers_with_a_notice() -> None:
    view, notices = parse_view({"layers": ""}, **RANGE)
    assert view.layers == () and len(notices) == 1 and "only the sea" in notices[0]


def test_a_repeated_parameter_uses_the_last_value_and_says_so() -> None:
    view, notices = parse_view({"worldview": ["de-jure", "recognising"]}, **RANGE)
    assert view.worldview is Worldview.RECOGNISING
    assert notices == [
        "The link gives 'worldview' 2 times ('de-jure, recognising'); using the last, "
        "'recognising'."
    ]
    assert parse_view({"worldview": ["de-jure", "de-jure"]}, **RANGE) == (
        parse_view({"worldview": "de-jure"}, **RANGE)
    )


@settings(max_examples=150, derandomize=True, deadline=None, database=None)
@given(
    st.dictionaries(
        st.sampled_from(["date", "worldview", "layers", "zoom", ""]) | st.text(max_size=8),
        st.text(max_size=40) | st.lists(st.text(max_size=20), max_size=3),
        max_size=5,
    )
)
def test_every_link_gives_a_view_and_notices(params: dict) -> None:
    """Whatever a link holds (fuzzed, seeded): a view within the record, never an exception."""
    view, notices = parse_view(params, **RANGE)
    assert RANGE["first"] <= view.day <= RANGE["last"]
    assert isinstance(view.worldview, Worldview)
    assert set(view.layers) <= set(RANGE["layer_names"])
    assert all(isinstance(n, str) and len(n) < 600 for n in notices)


def test_default_record_dates_are_the_range() -> None:
    record = default_record()
    assert record.first_date <= date(2008, 8, 1) <= record.last_date


def test_record_and_recognitions_serialise_for_download() -> None:
    import csv
    import io
    import json

    from geodata.serialize import recognitions_to_csv, record_to_dict

    record = default_record()
    data = json.loads(json.dumps(record_to_dict(record)))
    assert data["entities"]["ABK"]["name"] == "Abkhazia"
    assert data["treaties"][0]["obligations"] and data["recognitions"][0]["since"]
    rows = list(csv.DictReader(io.StringIO(recognitions_to_csv(record))))
    assert len(rows) == len(record.recognitions)
    assert next(r for r in rows if r["id"] == "tuv-abk")["withdrawn"] == "2014-03-31"


def test_a_pair_of_parties_is_an_item() -> None:
    snapshot = as_of(date(2015, 6, 1))
    pair = details(snapshot, "RUS+ABK")
    assert pair.kind == "pair" and pair.title == "Russia – Abkhazia"
    assert "Russia–Abkhazia alliance (2014)" in labels(pair, "treaties")
    assert "Russia–South Ossetia alliance (2015)" not in labels(pair, "treaties")
