"""Plurality, block vote and approval."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from ballots.counting import Ballot, Election, count


def election(rankings: list[tuple[int, ...]], n: int, seats: int = 1) -> Election:
    """Election with candidates named C0..Cn-1."""
    return Election(
        candidates=tuple(f"C{i}" for i in range(n)),
        ballots=tuple(Ballot(r) for r in rankings),
        seats=seats,
    )


def test_plurality_single_seat() -> None:
    """First preferences only; later preferences are ignored."""
    e = election([(0, 1), (1,), (1, 0), (2, 0, 1)], 3)
    sheet = count("plurality", e)
    assert sheet.elected_names == ["C1"]
    assert sheet.to_json()["stages"][0]["votes"] == {"C0": "1", "C1": "2", "C2": "1"}


def test_block_vote() -> None:
    """With two seats each paper counts for its first two preferences."""
    e = election([(0, 1, 2), (0, 2), (0, 2), (2,)], 3, seats=2)
    sheet = count("plurality", e)
    assert sorted(sheet.elected_names) == ["C0", "C2"]
    assert sheet.stages[0].votes == {0: 3, 1: 1, 2: 3}
    assert not sheet.tie_breaks


def test_approval() -> None:
    """Approval counts every approved candidate, order irrelevant."""
    e = election([(0, 1), (1, 2), (2, 1), (0,)], 3)
    sheet = count("approval", e)
    assert sheet.elected_names == ["C1"] or sheet.tie_breaks
    assert sheet.stages[0].votes == {0: 2, 1: 3, 2: 2}


def test_tie_for_last_seat_is_seeded_lot() -> None:
    """A tie is drawn by lot from the seed, reproducibly, and recorded."""
    e = election([(0,), (1,), (2,)], 3)
    first = count("plurality", e, seed=42)
    again = count("plurality", e, seed=42)
    assert first.elected == again.elected
    assert first.seed == 42
    assert first.tie_breaks[0].method == "lot"
    assert first.tie_breaks[0].seed == 42
    winners = {count("plurality", e, seed=s).elected[0] for s in range(40)}
    assert winners == {0, 1, 2}


def test_unseeded_lot_records_generated_seed() -> None:
    """Without a seed, the generated seed is stored and reproduces the draw."""
    e = election([(0,), (1,)], 2)
    sheet = count("plurality", e)
    assert sheet.seed is not None
    assert count("plurality", e, seed=sheet.seed).elected == sheet.elected


@pytest.mark.parametrize("seed", range(300))
def test_plurality_matches_independent_tally(seed: int) -> None:
    """Differential check against a plain Counter of first preferences."""
    rng = random.Random(seed)
    n = rng.randint(2, 6)
    seats = rng.randint(1, n - 1)
    papers = [tuple(rng.sample(range(n), rng.randint(1, n))) for _ in range(rng.randint(1, 60))]
    sheet = count("plurality", election(papers, n, seats), seed=seed)
    tally = Counter(c for p in papers for c in p[:seats])
    assert {c: int(v) for c, v in sheet.stages[0].votes.items()} == {c: tally[c] for c in range(n)}
    cutoff = sorted((tally[c] for c in range(n)), reverse=True)[seats - 1]
    assert all(tally[c] >= cutoff for c in sheet.elected)
    assert all(tally[c] <= cutoff for c in range(n) if c not in sheet.elected)
    assert len(sheet.elected) == seats
