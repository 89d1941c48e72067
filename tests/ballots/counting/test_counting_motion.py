"""Motions: thresholds, quorum, and the reported margin."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ballots.counting import CountingError, Motion, MotionResult, Threshold, count


def decide(**kwargs: object) -> MotionResult:
    """Count a motion built from keyword arguments."""
    motion = Motion(**kwargs)  # type: ignore[arg-type]
    return count("motion", motion)


def test_simple_majority_ignores_abstentions() -> None:
    """Abstentions are not votes cast: 10-9 with 50 abstaining carries."""
    r = decide(votes_for=10, votes_against=9, abstentions=50)
    assert r.carried and r.quorate
    assert r.votes_cast == 19 and r.turnout == 69
    assert r.required == 10 and r.margin == 0
    assert r.threshold is Threshold.SIMPLE_MAJORITY


def test_simple_majority_tie_fails() -> None:
    """A tie does not carry (status quo)."""
    r = decide(votes_for=10, votes_against=10)
    assert not r.carried
    assert r.margin == -1
    assert r.explanation == "10 for, 10 against, 0 abstentions; a simple majority needed 11 votes for"


def test_the_explanation_is_a_plain_sentence_with_plurals() -> None:
    r = decide(votes_for=76, votes_against=30, abstentions=1)
    assert r.carried and r.explanation == "76 for, 30 against, 1 abstention; a simple majority needed 31 votes for"


@pytest.mark.parametrize(
    ("yes", "no", "carried", "margin"),
    [(20, 10, True, 0), (19, 10, False, -1), (21, 10, True, 1), (1, 0, True, 0), (0, 0, False, -1)],
)
def test_two_thirds(yes: int, no: int, carried: bool, margin: int) -> None:
    """Two thirds of votes cast, exactly two thirds is enough."""
    r = decide(votes_for=yes, votes_against=no, abstentions=7, threshold=Threshold.TWO_THIRDS)
    assert r.carried is carried
    assert r.margin == margin


def test_absolute_majority_of_electorate() -> None:
    """More than half of everyone entitled to vote, whoever turned out."""
    r = decide(votes_for=51, votes_against=0, electorate=100, threshold=Threshold.ABSOLUTE_MAJORITY)
    assert r.carried and r.required == 51
    r = decide(votes_for=50, votes_against=0, electorate=100, threshold=Threshold.ABSOLUTE_MAJORITY)
    assert not r.carried and r.margin == -1
    r = decide(votes_for=50, votes_against=1, electorate=99, threshold=Threshold.ABSOLUTE_MAJORITY)
    assert r.carried and r.required == 50


def test_quorum_absolute_and_fraction() -> None:
    """Below the minimum turnout nothing carries; abstentions count to quorum."""
    r = decide(votes_for=30, votes_against=1, abstentions=0, quorum=40)
    assert not r.quorate and not r.carried
    assert "not quorate" in r.explanation
    r = decide(votes_for=30, votes_against=1, abstentions=9, quorum=40)
    assert r.quorate and r.carried
    r = decide(votes_for=30, votes_against=1, electorate=100, quorum_fraction=Decimal("0.333"))
    assert r.quorum_required == 34 and not r.quorate


@pytest.mark.parametrize(
    "kwargs",
    [
        {"votes_for": -1, "votes_against": 0},
        {"votes_for": 1, "votes_against": 0, "threshold": Threshold.ABSOLUTE_MAJORITY},
        {"votes_for": 5, "votes_against": 6, "electorate": 10},
        {"votes_for": 1, "votes_against": 0, "quorum_fraction": Decimal("0.5")},
    ],
)
def test_bad_motions(kwargs: dict[str, object]) -> None:
    """Impossible tallies or missing electorate are clear CountingErrors."""
    with pytest.raises(CountingError):
        decide(**kwargs)


def test_json_form() -> None:
    """The JSON form names the threshold and margin."""
    data = decide(votes_for=3, votes_against=1).to_json()
    assert data["threshold"] == "simple-majority"
    assert data["carried"] is True
    assert data["margin"] == 1
