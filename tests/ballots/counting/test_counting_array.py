"""The NumPy fast path (``Election.from_array``) counts exactly like Ballot objects."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballots.counting import Ballot, BallotArray, CountingError, Election, MinimumGroup, count

METHODS = ("scottish-stv", "meek-stv", "ers97", "irv", "plurality", "approval")
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def to_matrix(rankings: list[tuple[int, ...]], width: int, dtype: type[np.integer] = np.int8) -> np.ndarray:
    """Rankings as a ``-1`` padded matrix with ``width`` columns."""
    matrix = np.full((len(rankings), width), -1, dtype=dtype)
    for i, r in enumerate(rankings):
        matrix[i, : len(r)] = r
    return matrix


@st.composite
def polls(draw: st.DrawFn) -> tuple[Election, Election]:
    """The same random election as Ballot objects and as an array."""
    n = draw(st.integers(1, 9))
    method_seats = draw(st.integers(1, n))
    ranking = st.permutations(range(n)).flatmap(lambda p: st.integers(0, n).map(lambda k: tuple(p[:k])))
    rankings = draw(st.lists(ranking, min_size=1, max_size=40))
    weighted = draw(st.booleans())
    weights = draw(st.lists(st.integers(1, 5), min_size=len(rankings), max_size=len(rankings))) if weighted else None
    withdrawn = frozenset(draw(st.sets(st.integers(0, n - 1), max_size=max(0, n - method_seats))))
    width = max(map(len, rankings)) + draw(st.integers(0, 2))
    dtype = draw(st.sampled_from([np.int8, np.int16, np.int64]))
    names = tuple(f"C{i}" for i in range(n))
    ballots = tuple(Ballot(r, 1 if weights is None else w) for r, w in zip(rankings, weights or rankings, strict=True))
    objects = Election(candidates=names, ballots=ballots, seats=method_seats, withdrawn=withdrawn)
    array = Election.from_array(
        names, to_matrix(rankings, width, dtype), weights, seats=method_seats, withdrawn=withdrawn
    )
    return objects, array


def sheet_or_error(method: str, election: Election) -> object:
    """The count sheet as JSON, or the error it raised."""
    try:
        return count(method, election, seed=3).to_json()
    except CountingError as exc:
        return ("error", str(exc))


@FAST
@given(polls(), st.sampled_from(METHODS))
def test_array_path_gives_identical_count_sheets(poll: tuple[Election, Election], method: str) -> None:
    """Every method, random elections (withdrawals, weights, void papers)."""
    objects, array = poll
    if method in {"irv", "plurality"}:
        objects = Election(objects.candidates, objects.ballots, 1, objects.withdrawn)
        array = Election(array.candidates, array.ballots, 1, array.withdrawn)
    assert sheet_or_error(method, array) == sheet_or_error(method, objects)


def test_large_array_matches_objects_every_stv_rule() -> None:
    """A bigger poll (many stages, surpluses, regrouped Meek papers)."""
    rng = np.random.default_rng(7)
    n, voters = 9, 5000
    order = np.argsort(rng.gumbel(size=(voters, n)) + np.log(np.arange(1, n + 1)), axis=1)
    lengths = rng.integers(1, n + 1, voters)
    matrix = np.where(np.arange(n) < lengths[:, None], order, -1).astype(np.int8)
    names = tuple(f"C{i}" for i in range(n))
    objects = tuple(Ballot(tuple(int(c) for c in row if c >= 0)) for row in matrix)
    for method in ("scottish-stv", "meek-stv", "ers97"):
        a = count(method, Election.from_array(names, matrix, seats=4), seed=1)
        b = count(method, Election(names, objects, seats=4), seed=1)
        assert a.to_json() == b.to_json()


def test_array_with_minimums_matches_objects() -> None:
    """Equality minimums act the same on the fast path."""
    rng = np.random.default_rng(11)
    n = 8
    matrix = np.array([(rng.permutation(n)[: rng.integers(1, n + 1)].tolist() + [-1] * n)[:n] for _ in range(400)])
    names = tuple(f"C{i}" for i in range(n))
    groups = (MinimumGroup("g", frozenset({5, 6, 7}), 2),)
    objects = tuple(Ballot(tuple(int(c) for c in row if c >= 0)) for row in matrix)
    for method in ("scottish-stv", "meek-stv", "ers97"):
        a = count(method, Election.from_array(names, matrix, seats=3, minimums=groups), seed=1)
        b = count(method, Election(names, objects, seats=3, minimums=groups), seed=1)
        assert a.to_json() == b.to_json()


@pytest.mark.parametrize(
    ("rows", "weights", "message"),
    [
        ([[0, 1], [1, 5]], None, "ballot 1: unknown candidate 5"),
        ([[0, 1], [2, -3]], None, "ballot 1: unknown candidate -3"),
        ([[0, 1], [1, 1]], None, "ballot 1: candidate 1 is ranked more than once"),
        ([[0, -1, 2], [1, -1, -1]], None, "ballot 0: a preference follows a blank"),
        ([[0, 1], [1, 2]], [1, 0], "ballot 1: weight must be a positive integer"),
    ],
)
def test_bad_arrays_name_the_row(rows: list[list[int]], weights: list[int] | None, message: str) -> None:
    """Malformed rows get a clear error naming the row, never a crash."""
    election = Election.from_array(("a", "b", "c"), np.array(rows), weights, seats=1)
    with pytest.raises(CountingError, match=message):
        count("scottish-stv", election)


def test_array_shape_and_type_are_checked() -> None:
    """Only 2-D integer matrices (and matching 1-D weights) are accepted."""
    with pytest.raises(CountingError, match="2-D integer"):
        BallotArray(np.array([0.5, 1.0]))
    with pytest.raises(CountingError, match="2-D integer"):
        BallotArray(np.array([[0.0, 1.0]]))
    with pytest.raises(CountingError, match="weights"):
        BallotArray(np.array([[0, 1]]), [1, 2])


def test_ballot_array_is_a_read_only_sequence_of_ballots() -> None:
    """Code that reads ``Election.ballots`` sees ordinary Ballot objects."""
    source = np.array([[1, 0, -1], [2, -1, -1]])
    papers = BallotArray(source, [3, 1])
    source[0, 0] = 2  # the caller's array is copied
    assert list(papers) == [Ballot((1, 0), 3), Ballot((2,), 1)]
    assert papers[1] == Ballot((2,), 1)
    assert len(papers) == 2
    assert list(papers[:1]) == [Ballot((1, 0), 3)]
    assert papers == BallotArray(np.array([[1, 0, -1], [2, -1, -1]], dtype=np.int8), [3, 1])
    assert hash(papers) == hash(BallotArray(np.array([[1, 0, -1], [2, -1, -1]]), [3, 1]))
    assert not papers.rankings.flags.writeable
    e = Election.from_array(("a", "b", "c"), source)
    assert hash(e) == hash(Election.from_array(("a", "b", "c"), source.copy()))


def test_empty_array_is_counted_like_no_ballots() -> None:
    """No papers at all behaves exactly as an empty tuple of Ballots."""
    names = ("a", "b")
    for method in METHODS:
        a = sheet_or_error(method, Election.from_array(names, np.zeros((0, 2), dtype=np.int8)))
        b = sheet_or_error(method, Election(names, ()))
        assert a == b
