"""Input checks shared by all methods, and grouping of identical papers.

Counting code trusts its input completely, so every malformed election is
stopped here with a :class:`CountingError` that says what is wrong, instead of
surfacing later as an ``IndexError`` in the middle of a count.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ballots.counting.types import Ballot, CandidateId, CountingError, Election


@dataclass(frozen=True, slots=True)
class Prepared:
    """An election reduced to what counting needs.

    ``groups`` maps each distinct ranking (withdrawn candidates removed) to
    how many papers carry it; grouping identical papers once is what makes
    large counts fast.  ``void`` counts papers with no usable preference,
    which are not part of the valid poll.
    """

    election: Election
    groups: dict[tuple[CandidateId, ...], int]
    void: int

    @property
    def total_valid(self) -> int:
        """Number of valid papers."""
        return sum(self.groups.values())

    @property
    def standing(self) -> list[CandidateId]:
        """Candidates still standing (not withdrawn)."""
        n = len(self.election.candidates)
        return [c for c in range(n) if c not in self.election.withdrawn]


def check_ballot(ballot: Ballot, index: int, n: int) -> None:
    """Reject a paper whose marks cannot be interpreted."""
    if not isinstance(ballot.weight, int) or ballot.weight < 1:
        msg = f"ballot {index}: weight must be a positive integer, got {ballot.weight!r}"
        raise CountingError(msg)
    seen: set[int] = set()
    for c in ballot.ranking:
        if not isinstance(c, int) or not 0 <= c < n:
            msg = f"ballot {index}: unknown candidate {c!r} (candidates are 0..{n - 1})"
            raise CountingError(msg)
        if c in seen:
            msg = f"ballot {index}: candidate {c} is ranked more than once"
            raise CountingError(msg)
        seen.add(c)


def check_election(election: Election, *, need_seats: bool) -> None:
    """Reject an election whose candidates, seats or options make no sense."""
    n = len(election.candidates)
    if n == 0:
        msg = "an election needs at least one candidate"
        raise CountingError(msg)
    if len(set(election.candidates)) != n:
        msg = "candidate names must be unique"
        raise CountingError(msg)
    for w in election.withdrawn:
        if not 0 <= w < n:
            msg = f"withdrawn candidate {w!r} is not a candidate"
            raise CountingError(msg)
    standing = n - len(election.withdrawn)
    if need_seats:
        if not isinstance(election.seats, int) or election.seats < 1:
            msg = f"seats must be a positive integer, got {election.seats!r}"
            raise CountingError(msg)
        if election.seats > standing:
            msg = f"{election.seats} seats but only {standing} candidates standing"
            raise CountingError(msg)
    _check_options(election)


def _check_options(election: Election) -> None:
    """Check the optional RON candidate and equality groups."""
    n = len(election.candidates)
    if election.ron is not None and not 0 <= election.ron < n:
        msg = f"RON candidate {election.ron!r} is not a candidate"
        raise CountingError(msg)
    for g in election.minimums:
        if g.minimum < 0 or any(not 0 <= m < n for m in g.members):
            msg = f"equality group {g.name!r} has a bad minimum or unknown member"
            raise CountingError(msg)


def prepare(election: Election, *, need_seats: bool = True) -> Prepared:
    """Validate ``election`` and group its papers.

    Empty papers (or papers marking only withdrawn candidates) are void, as
    under every UK rule set a paper without a first preference is rejected;
    they are counted in ``Prepared.void`` and reported in the count sheet.
    """
    check_election(election, need_seats=need_seats)
    n = len(election.candidates)
    # Group first and validate each *distinct* ranking once: with a million
    # papers this is far cheaper than checking every paper.
    raw: dict[tuple[CandidateId, ...], int] = {}
    first_seen: dict[tuple[CandidateId, ...], int] = {}
    for i, ballot in enumerate(election.ballots):
        weight = ballot.weight
        if type(weight) is not int or weight < 1:
            check_ballot(ballot, i, n)
        ranking = ballot.ranking
        if ranking in raw:
            raw[ranking] += weight
        else:
            raw[ranking] = weight
            first_seen[ranking] = i
    groups: Counter[tuple[CandidateId, ...]] = Counter()
    void = 0
    withdrawn = election.withdrawn
    for ranking, weight in raw.items():
        check_ballot(Ballot(ranking, weight), first_seen[ranking], n)
        kept = tuple(c for c in ranking if c not in withdrawn) if withdrawn else ranking
        if kept:
            groups[kept] += weight
        else:
            void += weight
    return Prepared(election=election, groups=dict(groups), void=void)
