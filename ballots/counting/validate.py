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
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ballots.counting.papers import id_dtype
from ballots.counting.types import Ballot, BallotArray, CandidateId, CountingError, Election

if TYPE_CHECKING:
    from ballots.counting.papers import AnyIntArray, BoolArray, IntArray


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
    rankings: AnyIntArray
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
    if set(map(type, weights)) <= {int}:
        if weights.count(1) == len(weights):
            return dict(Counter(map(attrgetter("ranking"), ballots)))
        if min(weights) >= 1:
            rankings = list(map(attrgetter("ranking"), ballots))
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


def _matrix(distinct: list[tuple[CandidateId, ...]], n: int) -> AnyIntArray | None:
    """Build the padded matrix of rankings, or ``None`` if any id is bad.

    Validation is vectorised; only when something is wrong is the offending
    ranking looked for paper by paper (to name it in the error).
    """
    lengths = np.fromiter(map(len, distinct), dtype=np.int64, count=len(distinct))
    total = int(lengths.sum())
    dtype = id_dtype(n)
    try:
        if n <= BYTE_IDS:
            # bytes() converts small ints at C speed and rejects anything else
            flat: AnyIntArray = np.frombuffer(bytes(chain.from_iterable(distinct)), dtype=np.uint8)
        else:
            floats = np.fromiter(chain.from_iterable(distinct), dtype=np.float64, count=total)
            if (floats != np.floor(floats)).any() or (total and (floats.min() < 0 or floats.max() >= n)):
                return None
            flat = floats.astype(np.int64)
    except (TypeError, ValueError, OverflowError):
        return None  # not small non-negative integers
    if total and int(flat.max()) >= n:
        return None  # unknown candidate (bytes() already refused negatives)
    width = int(lengths.max(initial=0)) + 1
    matrix = np.full((len(distinct), width), -1, dtype=dtype)
    # row-major boolean assignment lays the flat preferences out row by row
    matrix[np.arange(width) < lengths[:, None]] = flat
    if _bad_rows(matrix, n).any():
        return None  # candidate ranked twice
    return matrix


def _bad_rows(matrix: AnyIntArray, n: int) -> BoolArray:
    """Rows with a preference after a blank, or a candidate ranked twice.

    Every id must already be known to lie in ``-1 .. n-1``.  Works column by
    column: a repeat finds its candidate's bit already set in the row's mask.
    """
    rows, width = matrix.shape
    bad = np.zeros(rows, dtype=np.bool_)
    if width == 0:
        return bad
    if n > MASK_IDS:
        ordered = np.sort(matrix, axis=1)
        bad |= ((ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] >= 0)).any(axis=1)
        bad |= ((matrix[:, 1:] >= 0) & (matrix[:, :-1] < 0)).any(axis=1)
        return bad
    mask_type = np.int16 if n < 16 else np.int32 if n < 32 else np.int64
    table = np.zeros(n + 1, dtype=mask_type)  # the blank (-1) maps to the last slot: no bit
    table[:n] = np.left_shift(1, np.arange(n), dtype=mask_type)
    columns = np.ascontiguousarray(matrix.T)
    seen: npt.NDArray[np.signedinteger[Any]] = np.zeros(rows, dtype=mask_type)
    for j in range(width):
        col = columns[j]
        bit = table[col]
        bad |= (seen & bit) != 0
        seen |= bit
        if j:
            bad |= (col >= 0) & (columns[j - 1] < 0)
    return bad


MASK_IDS = 63
"""Up to this many candidates, repeats are found with integer bit masks."""


def _report_first_error(ballots: tuple[Ballot, ...], n: int) -> None:
    """Find the first bad paper and raise its error (slow path, errors only)."""
    for i, ballot in enumerate(ballots):
        check_ballot(ballot, i, n)
    msg = "invalid ballot"  # unreachable: the vectorised check found something
    raise CountingError(msg)


def _report_first_array_error(matrix: AnyIntArray, n: int) -> None:
    """Name the first bad row of an array of papers (errors only)."""
    unknown = ((matrix < -1) | (matrix >= n)).any(axis=1)
    i = int(np.flatnonzero(unknown if unknown.any() else _bad_rows(matrix, n))[0])
    row = [int(c) for c in matrix[i]]
    for c in row:
        if not -1 <= c < n:
            msg = f"ballot {i}: unknown candidate {c!r} (candidates are 0..{n - 1}; -1 pads)"
            raise CountingError(msg)
    used = row[: row.index(-1)] if -1 in row else row
    if any(c >= 0 for c in row[len(used) :]):
        msg = f"ballot {i}: a preference follows a blank (-1) in {row}"
        raise CountingError(msg)
    dup = next(c for k, c in enumerate(used) if c in used[:k])
    msg = f"ballot {i}: candidate {dup} is ranked more than once"
    raise CountingError(msg)


def _pack_bits(n: int, width: int) -> int | None:
    """Bits per preference when a whole ranking fits one ``int64`` key."""
    bits = max(1, n.bit_length())  # ids + 1 run from 0 (blank) to n
    return bits if bits * width <= PACK_BITS else None


PACK_BITS = 63


def _group_array(matrix: AnyIntArray, n: int) -> tuple[AnyIntArray, IntArray]:
    """Distinct rows of ``matrix`` (ids in ``-1..n-1``) and how often each occurs.

    A ranking is packed into one ``int64`` (a few bits per preference), so
    grouping is one ``np.unique`` of integers rather than hashing a Python
    tuple per paper.  The rows come out sorted by first preference.
    """
    rows, width = matrix.shape
    if rows == 0:
        return matrix, np.zeros(0, dtype=np.int64)
    bits = _pack_bits(n, width)
    if bits is None:
        distinct, counts = np.unique(matrix, axis=0, return_counts=True)
        return distinct, counts.astype(np.int64)
    key = np.zeros(rows, dtype=np.int64)
    for j in range(width):
        key <<= bits
        key |= matrix[:, j] + 1
    keys, counts = np.unique(key, return_counts=True)
    out = np.empty((keys.shape[0], width), dtype=id_dtype(n))
    mask = (1 << bits) - 1
    for j in range(width):
        out[:, j] = ((keys >> (bits * (width - 1 - j))) & mask) - 1
    return out, counts.astype(np.int64)


def _from_array(papers: BallotArray, n: int) -> tuple[AnyIntArray, IntArray]:
    """Validated, grouped matrix and counts from a :class:`BallotArray`."""
    matrix = papers.rankings
    weights = papers.weights
    if weights is not None and weights.size and int(weights.min()) < 1:
        i = int(np.flatnonzero(weights < 1)[0])
        msg = f"ballot {i}: weight must be a positive integer, got {int(weights[i])}"
        raise CountingError(msg)
    if matrix.size and (int(matrix.min()) < -1 or int(matrix.max()) >= n):
        _report_first_array_error(matrix, n)  # an unknown candidate
    matrix = matrix.astype(id_dtype(n), copy=False)
    if weights is None:
        # one row per paper: group first, then check only the distinct rows
        distinct, counts = _group_array(matrix, n)
    else:
        distinct, counts = matrix, weights
    if distinct.size and _bad_rows(distinct, n).any():
        _report_first_array_error(matrix, n)
    return distinct, counts


MAX_TOTAL_PAPERS = 10**8
"""The most papers (total weight) any method counts.

Every method's arithmetic is exact below this: the scaled figures and the
products formed in transfers stay far inside 64-bit integers.  Beyond it
the count is refused rather than risk a silent overflow.
"""


def _check_total(total: int) -> None:
    if total > MAX_TOTAL_PAPERS:
        msg = f"{total:,} papers: more than the {MAX_TOTAL_PAPERS:,} this engine counts exactly"
        raise CountingError(msg)


def prepare(election: Election, *, need_seats: bool = True) -> Prepared:
    """Validate ``election`` and group its papers.

    Empty papers (or papers marking only withdrawn candidates) are void, as
    under every UK rule set a paper without a first preference is rejected;
    they are counted in ``Prepared.void`` and reported in the count sheet.
    """
    check_election(election, need_seats=need_seats)
    n = len(election.candidates)
    ballots = election.ballots
    if isinstance(ballots, BallotArray):
        weights = ballots.weights
        if weights is not None and weights.size:
            _check_total(sum(weights.tolist()) if int(weights.max()) > MAX_TOTAL_PAPERS // max(1, weights.size) else 0)
        matrix, counts = _from_array(ballots, n)
    else:
        try:
            raw = _group(ballots)
        except TypeError:  # unhashable ranking
            _report_first_error(ballots, n)
            raise
        distinct = list(raw)
        _check_total(sum(raw.values()))
        counts = np.fromiter(raw.values(), dtype=np.int64, count=len(raw))
        built = _matrix(distinct, n)
        if built is None:
            _report_first_error(ballots, n)
            raise AssertionError  # unreachable: the slow path raises
        matrix = built
    if matrix.shape[1] == 0:
        matrix = np.full((matrix.shape[0], 1), -1, dtype=id_dtype(n))
    if election.withdrawn:
        matrix = _drop_withdrawn(matrix, election.withdrawn)
    empty = matrix[:, 0] < 0
    void = int(counts[empty].sum())
    return Prepared(election=election, rankings=matrix[~empty], counts=counts[~empty], void=void)


def _drop_withdrawn(matrix: AnyIntArray, withdrawn: frozenset[CandidateId]) -> AnyIntArray:
    """Remove withdrawn candidates from every row, closing up the gaps."""
    gone = np.isin(matrix, list(withdrawn))
    keep = (matrix >= 0) & ~gone
    # stable sort puts kept entries first, in their original order
    order = np.argsort(~keep, axis=1, kind="stable")
    return np.take_along_axis(np.where(keep, matrix, -1), order, axis=1)
