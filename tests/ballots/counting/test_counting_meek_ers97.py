"""Meek (NZ rules) and ERS97: hand-checkable cases and real elections."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from ballots.counting import Ballot, Election, count, read_blt

DATA = Path(__file__).resolve().parents[2] / "data" / "elections"
SCOT = sorted((DATA / "scot2017").glob("*.blt"))


def simple() -> Election:
    """Two seats; A's surplus decides between B and C."""
    papers = [(0, 1)] * 60 + [(2,)] * 26 + [(1,)] * 14
    return Election(candidates=("A", "B", "C"), ballots=tuple(Ballot(p) for p in papers), seats=2)


def test_meek_hand_example() -> None:
    """Quota 33.333333334; A keeps ~0.5556 of each vote and B overtakes C."""
    sheet = count("meek-stv", simple())
    assert sheet.elected_names == ["A", "B"]
    assert sheet.precision == 9
    # nothing exhausts here, so the quota is exactly 100/3 rounded up at 9dp
    assert sheet.quota == Decimal("33.333333334")
    final = sheet.stages[-1].votes
    assert abs(final[0] - sheet.quota) < Decimal("0.0001")
    assert final[1] > final[2]


def test_ers97_hand_example() -> None:
    """Quota 33.34 (2dp + 0.01); A's surplus 26.66 goes to B at 0.44 each."""
    sheet = count("ers97", simple())
    assert sheet.quota == Decimal("33.34")
    assert sheet.precision == 2
    assert sheet.stages[1].action == "surplus of A transferred"
    assert sheet.stages[1].votes[1] == Decimal("14") + Decimal("0.44") * 60
    assert sheet.elected_names == ["A", "B"]


def test_ers97_last_parcel_only() -> None:
    """A surplus arising on transfer moves only the last parcel received."""
    # Quota 100 / 4 = 25.00 exactly (5.1.6: no 0.01 added to an exact
    # division).  A (40) elected at stage 1: 15.00 over 40 papers -> 0.37
    # each to B, who reaches 34.80.  B's surplus 9.80 comes only from that
    # last parcel: 40 papers -> 0.24 each to D; B's own first preferences
    # (next preference C) stay put.
    papers = [(0, 1, 3)] * 40 + [(1, 2)] * 20 + [(2,)] * 22 + [(3,)] * 18
    e = Election(candidates=("A", "B", "C", "D"), ballots=tuple(Ballot(p) for p in papers), seats=3)
    sheet = count("ers97", e)
    assert sheet.quota == Decimal("25.00")
    assert sheet.stages[1].votes[1] == Decimal("34.80")
    assert sheet.stages[2].action == "surplus of B transferred"
    assert sheet.stages[2].votes[3] == Decimal("18") + Decimal("0.24") * 40
    assert sheet.stages[2].votes[2] == 22
    assert sheet.elected_names == ["A", "B", "D"]


def test_ers97_deferred_surplus() -> None:
    """A surplus too small to save the lowest candidate is deferred."""
    # quota 25.01; A's surplus 0.99 < gap between E (10) and D (17)
    papers = [(0, 4)] * 26 + [(1,)] * 24 + [(2,)] * 23 + [(3,)] * 17 + [(4,)] * 10
    e = Election(candidates=tuple("ABCDE"), ballots=tuple(Ballot(p) for p in papers), seats=3)
    sheet = count("ers97", e)
    assert sheet.stages[1].action == "E excluded"


@pytest.mark.parametrize("path", SCOT, ids=lambda p: p.stem)
@pytest.mark.parametrize("method", ["meek-stv", "ers97"])
def test_real_wards_same_councillors(path: Path, method: str) -> None:
    """On the real 2017 wards both rule sets elect the declared councillors.

    This is not an official truth for these rules, but a large divergence
    would point at a bug; all seven wards agree.
    """
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text())
    sheet = count(method, read_blt(path))
    assert sorted(sheet.elected_names) == sorted(expected["elected_official"])
    for stage in sheet.stages:
        assert sum(stage.votes.values()) + stage.exhausted + stage.loss == sheet.total_valid


def test_meek_nz_heavy_weights_finish_with_a_note() -> None:
    """4,215,431 identical papers: 9-place rounding holds the surplus above 0.0001.

    Hill's program would iterate on while keep values creep by 10^-9; the
    count stops after 1,000 quiet iterations, says so, and fills every seat.
    """
    e = Election(candidates=("c0", "c1", "c2", "c3"), ballots=(Ballot((2,), 4_215_431),), seats=3)
    sheet = count("meek-nz", e)
    assert len(sheet.elected) == 3 and sheet.elected[0] == 2
    assert any("stopped falling" in n for n in sheet.notes)
    assert sheet.extra["iterations"] > 1000
