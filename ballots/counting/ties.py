"""Resolving ties reproducibly.

Most rule sets break a tie by looking back at earlier stages and, only if the
candidates were level at every stage, by lot.  A lot drawn by a computer is
only acceptable if it can be re-run by anyone, so every draw is derived
(by SHA-256) from an explicit seed that is stored in the count sheet; if
the caller gave no seed, one is generated *at the first draw* and recorded,
so counts that never need a lot carry no seed at all.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from ballots.counting.types import CandidateId, TieBreak

if TYPE_CHECKING:
    from collections.abc import Sequence

LOOKBACK_RECENT = "recent"
"""Use the most recent preceding stage at which the tied were unequal."""
LOOKBACK_EARLIEST = "earliest"
"""Use the earliest stage at which the tied were unequal."""
LOOKBACK_NONE = "none"
"""Go straight to lot (e.g. the New Zealand Meek rules)."""


class TieBreaker:
    """Breaks ties by stage history, then by a seeded lot, and logs each one."""

    def __init__(self, seed: int | None, lookback: str = LOOKBACK_RECENT, rule: str = "") -> None:
        """Remember the seed, the rule set's look-back direction and its name."""
        self.seed = seed
        self.lookback = lookback
        self.rule = rule
        self.draws = 0
        self.log: list[TieBreak] = []

    def draw(self, tied: Sequence[CandidateId]) -> CandidateId:
        """Draw one of ``tied`` by lot.

        Draw ``k`` (counting from 0) picks index
        ``int(sha256(f"{seed}:{k}")) mod len(tied)`` among the tied ids in
        ascending order: a definition anyone can recompute by hand with any
        SHA-256 tool, and which no library upgrade can change.
        """
        if self.seed is None:
            self.seed = secrets.randbits(63)
        digest = hashlib.sha256(f"{self.seed}:{self.draws}".encode()).hexdigest()
        self.draws += 1
        field = sorted(tied)
        self._last = (self.draws - 1, int(digest, 16) % len(field))
        return field[self._last[1]]

    def describe_last(self, tied: Sequence[CandidateId]) -> str:
        """How the latest :meth:`draw` was made, in words anyone can re-check."""
        k, index = getattr(self, "_last", (0, 0))
        return (
            f'draw {k} from seed {self.seed}: SHA-256 of "{self.seed}:{k}" as a number, '
            f"modulo {len(tied)}, gives {index}, i.e. the {_ordinal(index + 1)} of the tied "
            "in ballot-paper order"
        )

    def choose(
        self,
        tied: Sequence[CandidateId],
        *,
        stage: int,
        purpose: str,
        history: Sequence[Sequence[int]],
        lowest: bool,
    ) -> CandidateId:
        """Pick one candidate from ``tied``.

        ``history`` holds each earlier stage's figures indexed by candidate;
        ``lowest`` says whether the candidate with the fewest votes at the
        deciding stage is chosen (exclusion) or the most (surplus order).
        The look-back narrows the field to the extreme candidates at the
        deciding stage and keeps looking if several remain level.
        """
        field = sorted(tied)
        if len(field) == 1:
            return field[0]
        stages: list[int] = list(range(len(history)))
        if self.lookback == LOOKBACK_RECENT:
            stages.reverse()
        elif self.lookback == LOOKBACK_NONE:
            stages = []
        decided_at: int | None = None
        for s in stages:
            figures = [history[s][c] for c in field]
            target = min(figures) if lowest else max(figures)
            narrowed = [c for c, f in zip(field, figures, strict=True) if f == target]
            if len(narrowed) < len(field):
                field = narrowed
                decided_at = s + 1
                if len(field) == 1:
                    break
        how = ""
        if len(field) == 1:
            chosen = field[0]
            method = "earlier-stage"
            how = f"the {'fewest' if lowest else 'most'} votes at the {self.lookback} stage where they differed"
        else:
            chosen = self.draw(field)
            method = "lot"
            how = self.describe_last(field)
        self.log.append(
            TieBreak(
                stage=stage,
                purpose=purpose,
                tied=tuple(sorted(tied)),
                chosen=chosen,
                method=method,
                seed=self.seed if method == "lot" else None,
                decided_at_stage=decided_at,
                rule=self.rule,
                how=how,
            )
        )
        return chosen


def _ordinal(k: int) -> str:
    """1st, 2nd, 3rd, 4th ..."""
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"
