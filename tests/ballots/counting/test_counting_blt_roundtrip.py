"""Any election the platform can hold survives BLT export and re-import, count unchanged.

Names are drawn to be awkward: quotes, backslashes, ``#`` at the start,
leading and trailing spaces, unicode (including the line separators that
``str.splitlines`` would break on), and weights up to millions.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballots.counting import Ballot, Election, count, parse_blt, to_blt

AWKWARD = st.sampled_from(['"', "\\", "#", " ", "'", "é", "Ł", "中", "\u2028", "\x85", "\t", "0", "-1", '\\"', "😀"])
NAME = (
    st.lists(
        st.one_of(AWKWARD, st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r")),
        min_size=1,
        max_size=12,
    )
    .map("".join)
    .filter(lambda s: s.strip() != "")
)


@st.composite
def elections(draw: st.DrawFn) -> Election:
    """A random election with awkward, distinct names and weights."""
    names = draw(st.lists(NAME, min_size=2, max_size=6, unique=True))
    n = len(names)
    seats = draw(st.integers(1, n - 1))
    ranking = st.permutations(range(n)).flatmap(lambda p: st.integers(1, n).map(lambda k: tuple(p[:k])))
    ballots = draw(st.lists(st.tuples(ranking, st.integers(1, 5_000_000)), min_size=1, max_size=12))
    title = draw(NAME)
    return Election(
        candidates=tuple(names),
        ballots=tuple(Ballot(r, w) for r, w in ballots),
        seats=seats,
        title=title,
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections(), st.sampled_from(["scottish-stv", "meek-nz", "ers97", "irv", "plurality"]))
def test_blt_round_trip_keeps_labels_and_count(election: Election, method: str) -> None:
    """Export, re-import: same names, title and papers, and the same count sheet."""
    again = parse_blt(to_blt(election))
    assert again.candidates == election.candidates
    assert again.title == election.title
    assert again.ballots == election.ballots
    seats = min(election.seats, 1) if method == "irv" else election.seats
    before = count(method, Election(election.candidates, election.ballots, seats=seats), seed=5)
    after = count(method, Election(again.candidates, again.ballots, seats=seats), seed=5)
    assert after.to_json() == before.to_json()
