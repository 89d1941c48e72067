"""Turning the scaled-integer state of a count into :class:`Stage` records.

Counting works in integers scaled by ``10**precision``; the count sheet shows
exact ``Decimal`` figures.  Keeping the conversion in one place guarantees that
every method reports figures the same way.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from ballots.counting.types import CandidateId, Stage

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ballots.counting.papers import IntArray


def to_decimal(value: int, precision: int) -> Decimal:
    """Exact decimal for a value scaled by ``10**precision``."""
    return Decimal(int(value)).scaleb(-precision) if precision else Decimal(int(value))


@dataclass(frozen=True, slots=True)
class Event:
    """What a stage did (as opposed to the figures it produced)."""

    action: str
    kind: str
    subject: CandidateId | None
    elected: Sequence[CandidateId] = ()
    excluded: Sequence[CandidateId] = ()
    notes: Sequence[str] = ()


class StageLog:
    """Accumulates stages and the per-stage figures used to break ties."""

    def __init__(self, standing: Sequence[CandidateId], precision: int) -> None:
        """``standing`` are the candidates shown on the sheet (not withdrawn)."""
        self.standing = list(standing)
        self.precision = precision
        self.stages: list[Stage] = []
        self.history: list[list[int]] = []

    def add(
        self,
        event: Event,
        *,
        totals: Sequence[int] | IntArray,
        exhausted: int,
        loss: int,
    ) -> Stage:
        """Record a stage from scaled totals (indexed by candidate id)."""
        before = self.history[-1] if self.history else [0] * len(totals)
        p = self.precision
        stage = Stage(
            number=len(self.stages) + 1,
            action=event.action,
            kind=event.kind,
            subject=event.subject,
            votes={c: to_decimal(totals[c], p) for c in self.standing},
            transfers={c: to_decimal(totals[c] - before[c], p) for c in self.standing},
            exhausted=to_decimal(exhausted, p),
            loss=to_decimal(loss, p),
            elected=tuple(event.elected),
            excluded=tuple(event.excluded),
            notes=tuple(event.notes),
        )
        self.stages.append(stage)
        self.history.append([int(t) for t in totals])
        return stage

    def amend_last(self, *, elected: Sequence[CandidateId] = (), notes: Sequence[str] = ()) -> None:
        """Add elections/notes to the latest stage (e.g. deemed elected)."""
        last = self.stages[-1]
        self.stages[-1] = dataclasses.replace(
            last, elected=last.elected + tuple(elected), notes=last.notes + tuple(notes)
        )
