"""Input checks shared by all methods, and grouping of identical papers.

Counting code trusts its input completely, so every malformed election is
stopped here with a :class:`CountingError` that says what is wrong, instead of
surfacing later as an ``IndexError`` in the middle of a count.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter
from typing import TYPE_CHECKING

import numpy as np

from ballots.counting.types import Ballot, CandidateId, CountingError, Election

if TYPE_CHECKING:
    from ballots.counting.papers import IntArray


@dataclass(frozen=True, slots=True)
class Prepared:
    """An election reduced to what counting needs.

    ``rankings`` is a padded matrix (one row per distinct ranking, withdrawn
    candidates removed, ``-1`` after the last preference) and ``counts`` the
    number of papers carrying each row: grouping identical papers once is
    what makes large counts fast.  ``void`` counts papers with no usable
    preference, which are not part of the valid poll.
    """

    election: Election
    rankings: IntArray
    counts: IntArray
    void: int

    @property
    def groups(self) -> dict[tuple[CandidateId, ...], int]:
        """Distinct rankings and their paper counts, as plain Python."""
        out: dict[tuple[CandidateId, ...], int] = {}
        for row, k in zip(self.rankings.tolist(), self.counts.tolist(), strict=True):
            key = tuple(c for c in row if c >= 0)
            out[key] = out.get(key, 0) + k
        return out

    @property
    def total_valid(self) -> int:
        """Number of valid papers."""
        return int(self.counts.sum())

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


BYTE_IDS = 256
"""Up to this many candidates, rankings are converted via ``bytes``."""


def _group(ballots: tuple[Ballot, ...]) -> dict[tuple[CandidateId, ...], int]:
    """Count identical rankings.

    Two fast paths run at C speed: papers straight from a ballot box (every
    weight 1) are counted with ``Counter``; papers already grouped by the
    caller (distinct rankings with weights) become a dict directly.  Anything
    else falls back to a plain loop.
    """
    weights = list(map(attrgetter("weight"), ballots))
    if set(map(type, weights)) <= {int} and min(weights, default=1) >= 1:
        rankings = list(map(attrgetter("ranking"), ballots))
        if sum(weights) == len(weights):
            return dict(Counter(rankings))
        grouped = dict(zip(rankings, weights, strict=True))
        if len(grouped) == len(rankings):
            return grouped
    raw: dict[tuple[CandidateId, ...], int] = {}
    for i, ballot in enumerate(ballots):
        if type(ballot.weight) is not int or ballot.weight < 1:
            msg = f"ballot {i}: weight must be a positive integer, got {ballot.weight!r}"
            raise CountingError(msg)
        raw[ballot.ranking] = raw.get(ballot.ranking, 0) + ballot.weight
    return raw


def _matrix(distinct: list[tuple[CandidateId, ...]], n: int) -> IntArray:
    """Build the padded matrix of rankings, checking for bad or repeated ids.

    Validation is vectorised; only when something is wrong is the offending
    ranking looked for paper by paper (to name it in the error).
    """
    lengths = np.fromiter(map(len, distinct), dtype=np.int64, count=len(distinct))
    total = int(lengths.sum())
    try:
        if n <= BYTE_IDS:
            # bytes() converts small ints at C speed and rejects anything else
            flat = np.frombuffer(bytes(chain.from_iterable(distinct)), dtype=np.uint8).astype(np.int64)
        else:
            floats = np.fromiter(chain.from_iterable(distinct), dtype=np.float64, count=total)
            if (floats != np.floor(floats)).any():
                return np.zeros((0, 0), dtype=np.int64)
            flat = floats.astype(np.int64)
    except (TypeError, ValueError, OverflowError):
        return np.zeros((0, 0), dtype=np.int64)  # not small non-negative integers
    if total and (int(flat.min()) < 0 or int(flat.max()) >= n):
        return np.zeros((0, 0), dtype=np.int64)  # unknown candidate
    width = int(lengths.max(initial=0)) + 1
    matrix = np.full((len(distinct), width), -1, dtype=np.int64)
    # row-major boolean assignment lays the flat preferences out row by row
    matrix[np.arange(width) < lengths[:, None]] = flat
    ordered = np.sort(matrix, axis=1)
    if ((ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] >= 0)).any():
        return np.zeros((0, 0), dtype=np.int64)  # candidate ranked twice
    return matrix


def _report_first_error(ballots: tuple[Ballot, ...], n: int) -> None:
    """Find the first bad paper and raise its error (slow path, errors only)."""
    for i, ballot in enumerate(ballots):
        check_ballot(ballot, i, n)
    msg = "invalid ballot"  # unreachable: the vectorised check found something
    raise CountingError(msg)


def prepare(election: Election, *, need_seats: bool = True) -> Prepared:
    """Validate ``election`` and group its papers.

    Empty papers (or papers marking only withdrawn candidates) are void, as
    under every UK rule set a paper without a first preference is rejected;
    they are counted in ``Prepared.void`` and reported in the count sheet.
    """
    check_election(election, need_seats=need_seats)
    n = len(election.candidates)
    try:
        raw = _group(election.ballots)
    except TypeError:  # unhashable ranking
        _report_first_error(election.ballots, n)
        raise
    distinct = list(raw)
    counts = np.fromiter(raw.values(), dtype=np.int64, count=len(raw))
    matrix = _matrix(distinct, n)
    if matrix.shape[0] != len(distinct):
        _report_first_error(election.ballots, n)
    if election.withdrawn:
        matrix = _drop_withdrawn(matrix, election.withdrawn)
    empty = matrix[:, 0] < 0
    void = int(counts[empty].sum())
    return Prepared(election=election, rankings=matrix[~empty], counts=counts[~empty], void=void)


def _drop_withdrawn(matrix: IntArray, withdrawn: frozenset[CandidateId]) -> IntArray:
    """Remove withdrawn candidates from every row, closing up the gaps."""
    gone = np.isin(matrix, list(withdrawn))
    keep = (matrix >= 0) & ~gone
    # stable sort puts kept entries first, in their original order
    order = np.argsort(~keep, axis=1, kind="stable")
    return np.take_along_axis(np.where(keep, matrix, -1), order, axis=1)
