"""Equality minimums in STV counts (overlapping groups)."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballots.counting import Ballot, CountingError, Election, MinimumGroup, count
from ballots.counting.equality import MinimumsGuard

STV = ("scottish-stv", "meek-stv", "ers97")


def _met(sheet_elected: tuple[int, ...], groups: tuple[MinimumGroup, ...]) -> bool:
    return all(len(g.members & set(sheet_elected)) >= g.minimum for g in groups)


def test_guard_exact_with_overlaps() -> None:
    """One candidate in two groups can satisfy both at once."""
    groups = (MinimumGroup("w", frozenset({0, 1}), 1), MinimumGroup("y", frozenset({1, 2}), 1))
    guard = MinimumsGuard(groups, range(5), seats=2)
    assert guard.seats_needed((), range(5)) == 1
    assert guard.seats_needed((), [0, 2, 3]) == 2
    assert guard.seats_needed((), [3, 4]) is None
    assert guard.seats_needed([1], [3]) == 0


@pytest.mark.parametrize("method", STV)
def test_minimum_changes_result_and_is_recorded(method: str) -> None:
    """Two seats, women {2, 3} at least 1: the top woman replaces a man."""
    papers = [(0, 1)] * 40 + [(1, 0)] * 35 + [(2, 3)] * 15 + [(3, 2)] * 10
    base = Election(candidates=("M1", "M2", "W1", "W2"), ballots=tuple(Ballot(p) for p in papers), seats=2)
    assert set(count(method, base).elected) == {0, 1}
    e = Election(
        candidates=base.candidates,
        ballots=base.ballots,
        seats=2,
        minimums=(MinimumGroup("women", frozenset({2, 3}), 1),),
    )
    sheet = count(method, e, seed=1)
    assert len(sheet.elected) == 2
    assert set(sheet.elected) & {2, 3}
    assert 0 in sheet.elected
    assert any(s.notes for s in sheet.stages)


def test_impossible_minimums_refused() -> None:
    """Minimums that cannot fit in the seats are a CountingError."""
    e = Election(
        candidates=("a", "b", "c", "d"),
        ballots=(Ballot((0,)),),
        seats=2,
        minimums=(MinimumGroup("x", frozenset({0, 1}), 2), MinimumGroup("y", frozenset({2, 3}), 2)),
    )
    with pytest.raises(CountingError, match="minimums"):
        count("scottish-stv", e)


def test_minimum_above_members_is_capped() -> None:
    """A group with fewer members than its minimum is capped, with a note."""
    e = Election(
        candidates=("a", "b", "c"),
        ballots=(Ballot((0, 1)), Ballot((0,)), Ballot((2,))),
        seats=2,
        minimums=(MinimumGroup("x", frozenset({1}), 2),),
    )
    sheet = count("scottish-stv", e)
    assert 1 in sheet.elected
    assert any("reduced" in n for n in sheet.notes)


@st.composite
def constrained(draw: st.DrawFn) -> Election:
    """Random elections with feasible overlapping minimums."""
    n = draw(st.integers(3, 9))
    seats = draw(st.integers(1, n - 1))
    ranking = st.permutations(range(n)).flatmap(lambda p: st.integers(1, n).map(lambda k: tuple(p[:k])))
    ballots = draw(st.lists(st.builds(Ballot, ranking, st.integers(1, 5)), min_size=1, max_size=25))
    groups = []
    for g in range(draw(st.integers(1, 3))):
        members = draw(st.frozensets(st.integers(0, n - 1), min_size=1))
        groups.append(MinimumGroup(f"g{g}", members, draw(st.integers(0, min(len(members), seats)))))
    try:
        MinimumsGuard(tuple(groups), range(n), seats)
    except CountingError:
        groups = []  # not enough group candidates for these minimums: drop them
    return Election(
        candidates=tuple(f"C{i}" for i in range(n)),
        ballots=tuple(ballots),
        seats=seats,
        minimums=tuple(groups),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.data(), st.sampled_from(STV))
def test_minimums_always_met_when_feasible(data: st.DataObject, method: str) -> None:
    """Whenever enough group candidates stand, every minimum is met."""
    e = data.draw(constrained())
    sheet = count(method, e, seed=9)
    assert len(sheet.elected) == e.seats
    assert _met(sheet.elected, e.minimums)
    for stage in sheet.stages:
        assert sum(stage.votes.values()) + stage.exhausted + stage.loss == sheet.total_valid


@pytest.mark.parametrize("seed", range(3))
def test_twenty_six_seats_five_groups(seed: int) -> None:
    """26 seats: >=13 women, 6 BAME, 3 disabled, 3 LGBT+, 3 under-30s."""
    rng = random.Random(seed)
    n = 60
    sizes = {"women": (0.5, 13), "bame": (0.15, 6), "disabled": (0.1, 3), "lgbt": (0.1, 3), "u30": (0.12, 3)}
    members: dict[str, set[int]] = {k: set() for k in sizes}
    for c in range(n):
        for k, (p, _) in sizes.items():
            if rng.random() < p:
                members[k].add(c)
    for k, (_, m) in sizes.items():  # make sure enough stand
        while len(members[k]) < m + 2:
            members[k].add(rng.randrange(n))
    # voters mostly favour non-group candidates, so the minimums must act
    pop = [0.2 if any(c in members[k] for k in members) else 1.0 for c in range(n)]
    ballots = []
    for _ in range(3000):
        order: list[int] = []
        pool = list(range(n))
        for _ in range(rng.randint(1, 12)):
            c = rng.choices(pool, [pop[x] for x in pool])[0]
            pool.remove(c)
            order.append(c)
        ballots.append(Ballot(tuple(order)))
    groups = tuple(MinimumGroup(k, frozenset(v), sizes[k][1]) for k, v in members.items())
    e = Election(candidates=tuple(f"C{i}" for i in range(n)), ballots=tuple(ballots), seats=26, minimums=groups)
    sheet = count("scottish-stv", e, seed=seed)
    assert len(sheet.elected) == 26
    assert _met(sheet.elected, groups)
    assert any(s.notes for s in sheet.stages)
