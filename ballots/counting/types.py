"""Value types shared by every counting method.

Everything here is a frozen dataclass so that a count sheet, once produced,
cannot be altered by the caller (a declared result must stay what was
declared) and so that inputs can be hashed, cached and compared.

Candidates are identified by their position (0-based) in
``Election.candidates``: this keeps the counting core free of any knowledge of
how the Django side stores candidates, and matches the BLT file format, which
also numbers candidates by position.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any, overload

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

CandidateId = int


class CountingError(ValueError):
    """Raised for input that no counting rule can give a meaning to.

    It subclasses ``ValueError`` so callers that already catch bad input as
    ``ValueError`` keep working; the message always says what was wrong.
    """


@dataclass(frozen=True, slots=True)
class Ballot:
    """One ballot paper, or ``weight`` identical papers.

    ``ranking`` lists candidate ids in order of preference (first preference
    first).  For approval voting it is the set of approved candidates, and the
    order is ignored.  ``weight`` lets callers (and the BLT reader) pass many
    identical papers at once, which is also how the counters group papers
    internally for speed.
    """

    ranking: tuple[CandidateId, ...]
    weight: int = 1


class BallotArray(Sequence[Ballot]):
    """Many ballot papers as one integer matrix: the fast way in.

    Row ``i`` of ``rankings`` is one paper (or ``weights[i]`` identical
    papers): the candidate ids it ranks, first preference first, followed by
    ``-1`` in the unused columns.  Counting reads the matrix directly, with
    no Python object per paper, so a tally that streams papers out of a
    database can hand a million of them over as one ``(papers, k)`` ``int8``
    array.  Rows need not be distinct.

    It is also a read-only ``Sequence`` of :class:`Ballot` (built on demand),
    so everything that reads ``Election.ballots`` keeps working.  The arrays
    are copied and frozen, so the caller cannot alter a counted election.
    """

    __slots__ = ("_hash", "_rankings", "_weights")

    def __init__(self, rankings: npt.ArrayLike, weights: npt.ArrayLike | None = None) -> None:
        """Copy and freeze ``rankings`` (2-D integers) and ``weights`` (1-D)."""
        matrix = np.array(rankings, copy=True)
        if matrix.size == 0 and matrix.ndim < 2:
            matrix = matrix.reshape(0, 0)
        if matrix.ndim != 2 or not (np.issubdtype(matrix.dtype, np.integer) or matrix.size == 0):
            msg = f"rankings must be a 2-D integer array, got {matrix.ndim}-D {matrix.dtype}"
            raise CountingError(msg)
        if not np.issubdtype(matrix.dtype, np.integer):
            matrix = matrix.astype(np.int8)
        matrix.flags.writeable = False
        self._rankings: npt.NDArray[np.integer[Any]] = matrix
        self._weights: npt.NDArray[np.int64] | None = None
        if weights is not None:
            given = np.array(weights, copy=True)
            if given.shape != (matrix.shape[0],) or not (np.issubdtype(given.dtype, np.integer) or given.size == 0):
                msg = f"weights must be a 1-D integer array with one weight per row ({matrix.shape[0]})"
                raise CountingError(msg)
            w: npt.NDArray[np.int64] = given.astype(np.int64)
            w.flags.writeable = False
            self._weights = w
        self._hash: int | None = None

    @property
    def rankings(self) -> npt.NDArray[np.integer[Any]]:
        """The read-only ``(rows, k)`` matrix of candidate ids, ``-1`` padded."""
        return self._rankings

    @property
    def weights(self) -> npt.NDArray[np.int64] | None:
        """Papers per row (read-only), or ``None`` when every row is one paper."""
        return self._weights

    def __len__(self) -> int:
        """Number of rows."""
        return int(self._rankings.shape[0])

    @overload
    def __getitem__(self, index: int) -> Ballot: ...

    @overload
    def __getitem__(self, index: slice) -> BallotArray: ...

    def __getitem__(self, index: int | slice) -> Ballot | BallotArray:
        """Row ``index`` as a :class:`Ballot`, or a slice as a ``BallotArray``."""
        if isinstance(index, slice):
            w = None if self._weights is None else self._weights[index]
            return BallotArray(self._rankings[index], w)
        row = self._rankings[index]
        weight = 1 if self._weights is None else int(self._weights[index])
        return Ballot(tuple(int(c) for c in row[row != -1]), weight)

    def __iter__(self) -> Iterator[Ballot]:
        """Each row as a :class:`Ballot`."""
        rows: Iterable[list[int]] = self._rankings.tolist()
        weights: Iterable[int] = [1] * len(self) if self._weights is None else self._weights.tolist()
        for row, weight in zip(rows, weights, strict=True):
            yield Ballot(tuple(c for c in row if c != -1), weight)

    def __eq__(self, other: object) -> bool:
        """Equal to another ``BallotArray`` with the same matrix and weights."""
        if not isinstance(other, BallotArray):
            return NotImplemented
        return (
            self._rankings.shape == other._rankings.shape
            and bool(np.array_equal(self._rankings, other._rankings))
            and bool(np.array_equal(self.effective_weights(), other.effective_weights()))
        )

    def __hash__(self) -> int:
        """Hash of the contents (computed once)."""
        if self._hash is None:
            data = self._rankings.astype(np.int64).tobytes() + self.effective_weights().tobytes()
            self._hash = hash((self._rankings.shape, data))
        return self._hash

    def __repr__(self) -> str:
        """Short description (the matrix can be huge)."""
        return f"BallotArray(<{len(self)} rows x {self._rankings.shape[1]} preferences>)"

    def effective_weights(self) -> npt.NDArray[np.int64]:
        """Papers per row, ones when no weights were given."""
        if self._weights is None:
            return np.ones(len(self), dtype=np.int64)
        return self._weights


@dataclass(frozen=True, slots=True)
class MinimumGroup:
    """An equality minimum: at least ``minimum`` of ``members`` must be elected.

    Groups may overlap (a candidate can belong to several), which is why the
    rule in :mod:`ballots.counting.equality` reasons about all of them together.
    """

    name: str
    members: frozenset[CandidateId]
    minimum: int


@dataclass(frozen=True, slots=True)
class Election:
    """Everything a candidate-election count needs, and nothing else.

    ``withdrawn`` candidates are skipped on every paper as if never marked (the
    BLT convention).  ``ron`` optionally names the id of a "re-open
    nominations" pseudo-candidate, which is counted like any other candidate
    and can therefore win.
    """

    candidates: tuple[str, ...]
    ballots: tuple[Ballot, ...] | BallotArray
    seats: int = 1
    withdrawn: frozenset[CandidateId] = frozenset()
    title: str = ""
    ron: CandidateId | None = None
    minimums: tuple[MinimumGroup, ...] = ()

    @classmethod
    def from_array(
        cls,
        candidates: Sequence[str],
        rankings: npt.ArrayLike,
        weights: npt.ArrayLike | None = None,
        *,
        seats: int = 1,
        withdrawn: frozenset[CandidateId] = frozenset(),
        title: str = "",
        ron: CandidateId | None = None,
        minimums: tuple[MinimumGroup, ...] = (),
    ) -> Election:
        """Build an election from a ``(papers, k)`` matrix of candidate ids.

        The fast path for large polls: see :class:`BallotArray`.  Counting it
        gives exactly the count sheet of the same papers given as
        :class:`Ballot` objects.
        """
        return cls(
            candidates=tuple(candidates),
            ballots=BallotArray(rankings, weights),
            seats=seats,
            withdrawn=withdrawn,
            title=title,
            ron=ron,
            minimums=minimums,
        )


class Threshold(StrEnum):
    """Pass thresholds a motion can be held to."""

    SIMPLE_MAJORITY = "simple-majority"
    """More votes for than against; abstentions are not votes cast."""
    TWO_THIRDS = "two-thirds"
    """At least two thirds of the votes cast (for + against) are for."""
    ABSOLUTE_MAJORITY = "absolute-majority"
    """More than half of the whole electorate voted for."""


@dataclass(frozen=True, slots=True)
class Motion:
    """A yes/no question: tallies and the rule it must pass under.

    ``quorum`` is the minimum turnout (for + against + abstain) for the vote
    to be valid at all; ``electorate`` is required for an absolute majority
    and for a quorum given as a fraction via ``quorum_fraction``.
    """

    votes_for: int
    votes_against: int
    abstentions: int = 0
    threshold: Threshold = Threshold.SIMPLE_MAJORITY
    electorate: int | None = None
    quorum: int | None = None
    quorum_fraction: Decimal | None = None
    title: str = ""


@dataclass(frozen=True, slots=True)
class MotionResult:
    """The outcome of a motion and the arithmetic behind it.

    ``margin`` is how many votes the motion had beyond what it needed (0 or
    more when carried) or fell short by (negative), so the result can be
    explained in one sentence.
    """

    carried: bool
    quorate: bool
    threshold: Threshold
    votes_for: int
    votes_against: int
    abstentions: int
    votes_cast: int
    turnout: int
    required: int
    margin: int
    quorum_required: int | None
    method: str = "motion"
    explanation: str = ""

    def to_json(self) -> dict[str, Any]:
        """Plain-data form for JSON APIs and storage."""
        return {
            "method": self.method,
            "carried": self.carried,
            "quorate": self.quorate,
            "threshold": self.threshold.value,
            "votes_for": self.votes_for,
            "votes_against": self.votes_against,
            "abstentions": self.abstentions,
            "votes_cast": self.votes_cast,
            "turnout": self.turnout,
            "required": self.required,
            "margin": self.margin,
            "quorum_required": self.quorum_required,
            "explanation": self.explanation,
        }


@dataclass(frozen=True, slots=True)
class TieBreak:
    """How one tie was resolved, so that anyone can re-check it.

    ``method`` is ``"earlier-stage"`` when an earlier stage separated the
    tied candidates, or ``"lot"`` when a seeded draw decided; ``seed`` is the
    seed of that draw (the whole count uses one seeded generator, so the seed
    plus the count sheet reproduces every draw).
    """

    stage: int
    purpose: str
    tied: tuple[CandidateId, ...]
    chosen: CandidateId
    method: str
    seed: int | None = None
    decided_at_stage: int | None = None
    rule: str = ""
    """The rule that applied, e.g. ``"ERS97 5.2.5"``."""
    how: str = ""
    """How it was decided, in words (for a lot: how the draw was made)."""

    @property
    def by_lot(self) -> bool:
        """True when the tie was settled by lot."""
        return self.method == "lot"

    def sentence(self, names: Sequence[str]) -> str:
        """One plain sentence describing this tie and how it was settled."""
        tied = ", ".join(names[c] for c in self.tied)
        chosen = names[self.chosen]
        rule = f" under {self.rule}" if self.rule else ""
        if self.by_lot:
            return (
                f"Stage {self.stage}: {tied} were tied ({self.purpose}); "
                f"{chosen} was picked by lot{rule}: {self.how or 'seeded draw'}."
            )
        where = f" (stage {self.decided_at_stage})" if self.decided_at_stage else ""
        return (
            f"Stage {self.stage}: {tied} were tied ({self.purpose}); "
            f"{chosen} was picked{rule} by {self.how or 'an earlier stage'}{where}."
        )


@dataclass(frozen=True, slots=True)
class Stage:
    """One stage of a count: what was done and where every vote then stood.

    ``votes`` are the totals at the end of the stage; ``transfers`` the change
    this stage made; ``exhausted`` the cumulative non-transferable votes and
    ``loss`` the cumulative votes lost to rounding, so that
    ``sum(votes) + exhausted + loss == total valid`` at every stage.
    """

    number: int
    action: str
    kind: str
    subject: CandidateId | None
    votes: Mapping[CandidateId, Decimal]
    transfers: Mapping[CandidateId, Decimal]
    exhausted: Decimal
    loss: Decimal
    elected: tuple[CandidateId, ...] = ()
    excluded: tuple[CandidateId, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CountSheet:
    """The complete, reproducible record of a candidate-election count."""

    method: str
    candidates: tuple[str, ...]
    seats: int
    total_valid: Decimal
    quota: Decimal | None
    elected: tuple[CandidateId, ...]
    stages: tuple[Stage, ...]
    tie_breaks: tuple[TieBreak, ...] = ()
    precision: int = 0
    seed: int | None = None
    withdrawn: frozenset[CandidateId] = frozenset()
    notes: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def elected_names(self) -> list[str]:
        """Names of the elected, in order of election."""
        return [self.candidates[c] for c in self.elected]

    @property
    def exhausted(self) -> Decimal:
        """Non-transferable votes at the end of the count."""
        return self.stages[-1].exhausted if self.stages else Decimal(0)

    def to_json(self) -> dict[str, Any]:
        """Plain-data form (names, numbers) suitable for ``json.dumps``.

        Figures are exact decimal strings with the sheet's number of
        decimal places (``"1299.75"``), so no digit is lost however large
        the count; parse them with ``Decimal``, never ``float``.
        """
        names = self.candidates
        places = self.precision

        def num(value: Decimal) -> str:
            return f"{value:.{places}f}"

        return {
            "method": self.method,
            "seats": self.seats,
            "candidates": list(names),
            "withdrawn": [names[c] for c in sorted(self.withdrawn)],
            "total_valid": num(self.total_valid),
            "quota": None if self.quota is None else num(self.quota),
            "precision": self.precision,
            "elected": self.elected_names,
            "exhausted": num(self.exhausted),
            "seed": None if self.seed is None else str(self.seed),
            "lots": [t.sentence(names) for t in self.tie_breaks if t.by_lot],
            "notes": list(self.notes),
            "extra": dict(self.extra),
            "stages": [
                {
                    "number": s.number,
                    "action": s.action,
                    "kind": s.kind,
                    "subject": None if s.subject is None else names[s.subject],
                    "votes": {names[c]: num(v) for c, v in s.votes.items()},
                    "transfers": {names[c]: num(v) for c, v in s.transfers.items()},
                    "exhausted": num(s.exhausted),
                    "loss": num(s.loss),
                    "elected": [names[c] for c in s.elected],
                    "excluded": [names[c] for c in s.excluded],
                    "notes": list(s.notes),
                }
                for s in self.stages
            ],
            "tie_breaks": [
                {
                    "stage": t.stage,
                    "purpose": t.purpose,
                    "tied": [names[c] for c in t.tied],
                    "chosen": names[t.chosen],
                    "method": t.method,
                    "seed": t.seed,
                    "decided_at_stage": t.decided_at_stage,
                    "rule": t.rule,
                    "how": t.how,
                    "sentence": t.sentence(names),
                }
                for t in self.tie_breaks
            ],
        }
