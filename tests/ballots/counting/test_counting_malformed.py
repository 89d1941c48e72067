"""Malformed input is refused with a clear CountingError, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballots.counting import METHODS, Ballot, CountingError, Election, Motion, count

NAMES = ("A", "B", "C")
ELECTION_METHODS = [m for m in METHODS if m != "motion"]


def make(*rankings: tuple[int, ...], seats: int = 1, **kw: object) -> Election:
    """Three-candidate election."""
    return Election(
        candidates=NAMES,
        ballots=tuple(Ballot(r) for r in rankings),
        seats=seats,
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("method", ELECTION_METHODS)
@pytest.mark.parametrize(
    ("election", "fragment"),
    [
        (make((0, 0)), "more than once"),
        (make((0, 5)), "unknown candidate"),
        (make((0, -1)), "unknown candidate"),
        (make((0,), seats=0), "seat"),
        (make((0,), seats=4), "seat"),
        (make((0,), withdrawn=frozenset({7})), "withdrawn"),
        (Election(candidates=(), ballots=()), "at least one candidate"),
        (Election(candidates=("A", "A"), ballots=()), "unique"),
        (Election(candidates=NAMES, ballots=(Ballot((0,), 0),)), "weight"),
    ],
)
def test_refused(method: str, election: Election, fragment: str) -> None:
    """Each malformed election raises CountingError (a ValueError) with a message."""
    with pytest.raises(CountingError, match=fragment):
        count(method, election)


@pytest.mark.parametrize("method", ELECTION_METHODS)
def test_empty_papers_are_void(method: str) -> None:
    """Empty papers are void (not part of the valid poll), as the rules say."""
    sheet = count(method, make((), (0,), (0, 1), (1,), ()), seed=1)
    assert sheet.total_valid == 3
    assert any("void" in n for n in sheet.notes)


NOBODY_ON_NO_VOTES = ("ers97", "meek-nz")


@pytest.mark.parametrize("method", ELECTION_METHODS)
def test_no_ballots_at_all(method: str) -> None:
    """No valid papers: not a crash; ERS97 and NZ Meek elect nobody, the others fill seats by lot."""
    sheet = count(method, make(seats=1), seed=3)
    if sheet.method in NOBODY_ON_NO_VOTES:
        assert sheet.elected == ()
        assert any("nobody is elected" in n for n in sheet.notes)
    else:
        assert len(sheet.elected) == 1


@pytest.mark.parametrize("method", ["scottish-stv", "meek-stv", "ers97", "irv", "plurality"])
def test_withdrawn_candidates_skipped(method: str) -> None:
    """A withdrawn candidate is skipped on every paper and never elected."""
    e = make((1, 0), (1, 2), (1, 2), (2,), (0,), withdrawn=frozenset({1}))
    sheet = count(method, e, seed=1)
    assert 1 not in sheet.elected
    assert sheet.elected == (2,)


def test_unknown_method_and_wrong_data() -> None:
    """Dispatch errors are CountingErrors too."""
    with pytest.raises(CountingError, match="unknown counting method"):
        count("borda", make((0,)))
    with pytest.raises(CountingError, match="needs an Election"):
        count("irv", Motion(1, 0))  # type: ignore[call-overload]
    with pytest.raises(CountingError, match="needs a Motion"):
        count("motion", make((0,)))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.integers(-2, 5), max_size=5).map(tuple), max_size=8),
    st.integers(-1, 5),
    st.sampled_from(ELECTION_METHODS),
)
def test_fuzz_never_crashes(rankings: list[tuple[int, ...]], seats: int, method: str) -> None:
    """Arbitrary junk either counts or raises CountingError, nothing else."""
    message = ""
    try:
        sheet = count(method, make(*rankings, seats=seats), seed=0)
    except CountingError as exc:
        message = str(exc) or "empty message"
        sheet = None
    if sheet is None:
        assert message != "empty message"
    elif sheet.method in NOBODY_ON_NO_VOTES and sheet.total_valid == 0:
        assert sheet.elected == ()  # no rule elects on no votes (nor by lot)
    else:
        assert len(sheet.elected) == seats
