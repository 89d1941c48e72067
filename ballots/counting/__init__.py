"""Vote-counting engine: pure Python + NumPy, no Django.

Build an :class:`Election` (candidate names, :class:`Ballot` rankings of
0-based candidate ids, seats) or a :class:`Motion`, then call
``count(method, data, seed=...)``.  The result is an immutable
:class:`CountSheet` (or :class:`MotionResult`) with a ``to_json()`` form.
"""

from ballots.counting.api import METHODS, count
from ballots.counting.blt import BltError, parse_blt, read_blt, to_blt, write_blt
from ballots.counting.types import (
    Ballot,
    BallotArray,
    CandidateId,
    CountingError,
    CountSheet,
    Election,
    MinimumGroup,
    Motion,
    MotionResult,
    Stage,
    Threshold,
    TieBreak,
)

__all__ = [
    "METHODS",
    "Ballot",
    "BallotArray",
    "BltError",
    "CandidateId",
    "CountSheet",
    "CountingError",
    "Election",
    "MinimumGroup",
    "Motion",
    "MotionResult",
    "Stage",
    "Threshold",
    "TieBreak",
    "count",
    "parse_blt",
    "read_blt",
    "to_blt",
    "write_blt",
]
