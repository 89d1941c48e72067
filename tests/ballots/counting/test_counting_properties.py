"""Hypothesis properties that every STV rule set (and IRV) must satisfy."""

from __future__ import annotations

import dataclasses
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballots.counting import Ballot, Election, count

STV = ("scottish-stv", "meek-stv", "meek-nz", "ers97")
FAST = settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def elections(draw: st.DrawFn, min_candidates: int = 2, max_candidates: int = 7) -> Election:
    """Random elections: partial rankings, weights, any seats that fit."""
    n = draw(st.integers(min_candidates, max_candidates))
    seats = draw(st.integers(1, n))
    ranking = st.permutations(range(n)).flatmap(lambda p: st.integers(1, n).map(lambda k: tuple(p[:k])))
    ballots = draw(st.lists(st.builds(Ballot, ranking, st.integers(1, 6)), min_size=1, max_size=30))
    return Election(candidates=tuple(f"C{i}" for i in range(n)), ballots=tuple(ballots), seats=seats)


@FAST
@given(elections(), st.sampled_from(STV), st.randoms(use_true_random=False))
def test_ballot_order_is_irrelevant(e: Election, method: str, rnd: random.Random) -> None:
    """Shuffling (and splitting weights of) the papers changes nothing at all."""
    shuffled = list(e.ballots)
    rnd.shuffle(shuffled)
    split: list[Ballot] = []
    for b in shuffled:
        split.extend([Ballot(b.ranking, 1)] * b.weight if b.weight < 3 else [b])
    other = dataclasses.replace(e, ballots=tuple(split))
    assert count(method, e, seed=5).to_json() == count(method, other, seed=5).to_json()


@FAST
@given(elections(), st.sampled_from(STV))
def test_votes_conserved_every_stage(e: Election, method: str) -> None:
    """Kept + non-transferable + loss to fractions = valid poll, every stage."""
    sheet = count(method, e, seed=1)
    for stage in sheet.stages:
        assert sum(stage.votes.values()) + stage.exhausted + stage.loss == sheet.total_valid
        assert stage.exhausted >= 0
        assert stage.loss >= 0
        assert all(v >= 0 for v in stage.votes.values())


@FAST
@given(elections(), st.sampled_from(STV))
def test_exactly_seats_elected(e: Election, method: str) -> None:
    """Every seat is filled, by distinct candidates."""
    sheet = count(method, e, seed=2)
    assert len(sheet.elected) == e.seats
    assert len(set(sheet.elected)) == e.seats


@FAST
@given(elections(), st.sampled_from(STV))
def test_first_preference_quota_elected(e: Election, method: str) -> None:
    """Anyone with more than total / (seats + 1) first preferences is elected.

    At most ``seats`` candidates can exceed that fraction, so each must win.
    It is the guarantee every quota here gives: Scottish STV's whole-number
    quota and Meek's first quota sit just above it, and ERS97's (rule 5.1.6)
    equals it when the division is exact, when two candidates can both
    *reach* a one-seat quota of 1.00 with one vote each (found by this test)
    but cannot both exceed it.
    """
    sheet = count(method, e, seed=3)
    assert sheet.quota is not None
    droop_fraction = sheet.total_valid / (e.seats + 1)
    for c, v in sheet.stages[0].votes.items():
        if v > droop_fraction:
            assert c in sheet.elected
        if v >= sheet.quota and method == "scottish-stv":  # a whole-number quota: reaching it is enough
            assert c in sheet.elected


@FAST
@given(elections())
def test_irv_winner_has_final_majority(e: Election) -> None:
    """IRV ends with the winner holding a majority of the papers in play."""
    e = dataclasses.replace(e, seats=1)
    sheet = count("irv", e, seed=4)
    last = sheet.stages[-1].votes
    live = sum(last.values())
    winner = sheet.elected[0]
    assert 2 * last[winner] > live or sum(1 for v in last.values() if v) <= 1 or sheet.tie_breaks


@FAST
@given(elections(), st.sampled_from(("scottish-stv", "ers97")))
def test_stages_account_for_elections(e: Election, method: str) -> None:
    """The stages list every elected candidate exactly once, in order."""
    sheet = count(method, e, seed=6)
    listed = [c for s in sheet.stages for c in s.elected]
    assert listed == list(sheet.elected)
