"""`as_of` on dates around every recognition, withdrawal and treaty step."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from geodata.loader import default_record, load_record
from geodata.model import Recognition
from geodata.snapshot import StanceKind, TerritoryStatus, TreatyStage, as_of
from geodata.worldviews import Worldview

MINI = load_record(Path(__file__).parent / "data" / "mini_record")
DAY = timedelta(days=1)


def recognisers(day: date, territory: str, record=MINI) -> set[str]:
    state = as_of(day, record=record).territory(territory)
    return {r.by for r in state.recognized_by}


def test_before_the_first_fact_nothing_is_recognised() -> None:
    snapshot = as_of(date(1900, 1, 1), record=MINI)
    abkhazia = snapshot.territory("ABK")
    assert abkhazia.status is TerritoryStatus.NOT_DECLARED
    assert abkhazia.sovereign.id == "GEO" and not abkhazia.recognized_by
    assert snapshot.treaties == () and snapshot.events == ()


def test_after_the_last_fact_the_last_state_holds() -> None:
    late = as_of(date(2100, 1, 1), record=MINI)
    assert {r.by for r in late.territory("ABK").recognized_by} == {"RUS", "NIC"}
    assert late.treaties[0].stage is TreatyStage.IN_FORCE


def test_recognition_counts_from_its_day() -> None:
    assert "NIC" not in recognisers(date(2008, 9, 4), "ABK")
    assert "NIC" in recognisers(date(2008, 9, 5), "ABK")


def test_withdrawal_ends_recognition_on_its_day() -> None:
    assert "TUV" in recognisers(date(2014, 3, 30), "ABK")
    after = as_of(date(2014, 3, 31), record=MINI).territory("ABK")
    assert "TUV" not in {r.by for r in after.recognized_by}
    assert [r.by for r in after.withdrawn] == ["TUV"]
    assert as_of(date(2014, 3, 31), record=MINI).stance("TUV").kind is StanceKind.WITHDREW


def test_status_moves_from_non_un_to_partial_recognition() -> None:
    assert (
        as_of(date(2008, 8, 25), record=MINI).territory("SOS").status
        is TerritoryStatus.RECOGNISED_BY_NON_UN_ONLY
    )
    assert (
        as_of(date(2008, 8, 26), record=MINI).territory("SOS").status
        is TerritoryStatus.PARTIALLY_RECOGNISED
    )


@pytest.mark.parametrize(
    ("day", "stage"),
    [
        (date(2014, 11, 23), None),
        (date(2014, 11, 24), TreatyStage.SIGNED),
        (date(2015, 1, 23), TreatyStage.PARTLY_RATIFIED),
        (date(2015, 1, 26), TreatyStage.RATIFIED),
        (date(2015, 2, 1), TreatyStage.IN_FORCE),
    ],
)
def test_treaty_stage_on_each_step(day: date, stage: TreatyStage | None) -> None:
    treaties = as_of(day, record=MINI).treaties
    assert (treaties[0].stage if treaties else None) is stage


@pytest.mark.parametrize(
    ("view", "sovereign", "disputed"),
    [
        (Worldview.DE_FACTO, "ABK", True),
        (Worldview.RECOGNISING, "ABK", True),
        (Worldview.DE_JURE, "GEO", True),
    ],
)
def test_worldview_decides_the_sovereign(view: Worldview, sovereign: str, disputed: bool) -> None:
    state = as_of(date(2015, 1, 23), view, record=MINI).territory("ABK")
    assert state.sovereign.id == sovereign and state.disputed is disputed


def test_stances_split_recognisers_of_both_and_of_one() -> None:
    snapshot = as_of(date(2015, 1, 23), record=MINI)
    assert snapshot.stance("RUS").kind is StanceKind.RECOGNISES_ALL
    assert snapshot.stance("NIC").kind is StanceKind.RECOGNISES_SOME
    assert snapshot.stance("NIC").recognises == ("ABK",)
    assert snapshot.stance("GEO").kind is StanceKind.NEVER


def test_places_follow_their_dates() -> None:
    assert "gudauta-base" not in {p.id for p in as_of(date(2008, 12, 31), record=MINI).places}
    assert "gudauta-base" in {p.id for p in as_of(date(2009, 1, 1), record=MINI).places}


# The project's own record: every recognition and withdrawal, a day either side.


def _real_recognitions() -> list[Recognition]:
    return list(default_record().recognitions)


@pytest.mark.parametrize("fact", _real_recognitions(), ids=lambda r: r.id)
def test_real_record_recognition_takes_effect_on_its_day(fact: Recognition) -> None:
    record = default_record()
    assert fact.by not in recognisers(fact.since - DAY, fact.of, record) or any(
        r.by == fact.by and r.of == fact.of and r.active_on(fact.since - DAY)
        for r in record.recognitions
    )
    assert fact.by in recognisers(fact.since, fact.of, record)
    if fact.withdrawn:
        assert fact.by in recognisers(fact.withdrawn - DAY, fact.of, record)
        assert fact.by not in recognisers(fact.withdrawn, fact.of, record)


def test_recognitions_by_an_entity_lapse_when_it_ceases() -> None:
    record = default_record()
    artsakh = record.entities["ART"]
    assert artsakh.ceased is not None
    recognised = [r for r in record.recognitions if r.by == "ART"]
    assert recognised, "the record should hold Artsakh's recognitions"
    fact = recognised[0]
    assert "ART" in recognisers(artsakh.ceased - DAY, fact.of, record)
    assert "ART" not in recognisers(artsakh.ceased, fact.of, record)


def test_who_is_involved_grows_with_the_story() -> None:
    """Subject, claimant, recognisers (also former ones) and treaty parties, by the day."""
    record = default_record()
    assert as_of(date(2008, 8, 1), record=record).involved() == {"ABK", "SOS", "GEO"}
    autumn = as_of(date(2008, 9, 5), record=record).involved()
    assert {"RUS", "NIC", "ART", "PMR"} <= autumn and "VEN" not in autumn
    later = as_of(date(2015, 1, 23), record=record).involved()
    assert {"VUT", "TUV", "NRU", "VEN"} <= later  # Vanuatu and Tuvalu withdrew, still part of it
    assert "SYR" not in later and "AZE" not in later and "MDA" not in later


def test_treaties_are_grouped_by_pair_of_parties() -> None:
    snapshot = as_of(date(2015, 1, 23), record=default_record())
    pairs = dict(snapshot.treaty_pairs())
    assert list(pairs) == [("ABK", "SOS"), ("RUS", "ABK"), ("RUS", "SOS")]
    rus_abk = [s.treaty.id for s in pairs[("RUS", "ABK")]]
    assert rus_abk[0] == "rus-abk-friendship-2008" and rus_abk[-1] == "rus-abk-alliance-2014"
    assert len(rus_abk) == 5
    assert all(s.stage is not TreatyStage.ENDED for states in pairs.values() for s in states)
    assert dict(as_of(date(2008, 8, 1), record=default_record()).treaty_pairs()).keys() == {
        ("ABK", "SOS")
    }


def test_a_party_has_ratified_only_after_its_last_recorded_step() -> None:
    """On Duma day Russia has taken its first step only: the alliance is still in ratification."""
    record = default_record()
    alliance = next(
        t
        for t in as_of(date(2015, 1, 23), record=record).treaties
        if t.treaty.signed == date(2014, 11, 24)
    )
    assert alliance.stage is TreatyStage.PARTLY_RATIFIED
    assert "RUS" not in alliance.ratified_by
    last_russian_step = max(r.day for r in alliance.treaty.ratifications if r.by == "RUS")
    later = next(
        t
        for t in as_of(last_russian_step, record=record).treaties
        if t.treaty.id == alliance.treaty.id
    )
    assert "RUS" in later.ratified_by


@pytest.mark.parametrize(
    ("day", "member"),
    [(date(1800, 1, 1), False), (date(1991, 12, 26), False), (date(1992, 7, 31), True)],
)
def test_georgia_is_a_un_member_from_its_admission_on_1992_07_31(day: date, member: bool) -> None:
    [georgia] = [t for t in as_of(day).territories if t.entity.id == "GEO"]
    assert (georgia.status is TerritoryStatus.UN_MEMBER) is member


@pytest.mark.parametrize(
    ("day", "status"),
    [
        (date(1800, 1, 1), TerritoryStatus.NOT_DECLARED),
        (date(1991, 4, 8), TerritoryStatus.NOT_DECLARED),
        (date(1991, 4, 9), TerritoryStatus.STATE),
        (date(1992, 7, 31), TerritoryStatus.UN_MEMBER),
    ],
)
def test_georgia_is_a_state_from_its_act_of_1991_04_09(day: date, status: TerritoryStatus) -> None:
    assert as_of(day).territory("GEO").status is status


def test_a_seat_older_than_the_state_makes_no_un_member_before_independence() -> None:
    # Ukraine's seat is the Ukrainian SSR's of 1945; Ukraine declared independence in 1991.
    subject = ("DPR", "LPR")
    assert as_of(date(1950, 1, 1), subject=subject).territory("UKR").status is (
        TerritoryStatus.NOT_DECLARED
    )
    assert as_of(date(1991, 8, 24), subject=subject).territory("UKR").status is (
        TerritoryStatus.UN_MEMBER
    )


@pytest.mark.parametrize("worldview", list(Worldview))
def test_a_map_of_a_day_before_every_state_still_draws(worldview: Worldview) -> None:
    """In 1800 no state of the record exists yet: all are drawn, none recognises anyone."""
    from layers.map import build_map

    snapshot = as_of(date(1800, 1, 1), worldview)
    assert all(t.status is TerritoryStatus.NOT_DECLARED for t in snapshot.territories)
    assert all(s.kind in (StanceKind.SUBJECT, StanceKind.NEVER) for s in snapshot.stances.values())
    page = build_map(snapshot).get_root().render()
    assert "geomap-country" in page and "Georgia" in page
