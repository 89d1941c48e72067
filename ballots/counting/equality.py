"""Equality minimums for STV counts (e.g. "at least 13 of 26 seats to women").

Rule implemented (deterministic, applied by every STV method that accepts
``Election.minimums``):

1. *Feasibility* is judged exactly: given who is already elected and who is
   still continuing, :meth:`MinimumsGuard.seats_needed` computes the fewest
   further seats that can satisfy every group at once (groups may overlap;
   this is a small dynamic programme over the groups' outstanding
   deficits, exact even when one candidate counts towards several groups).
2. *Passing over*: when a candidate reaches the quota but electing them
   would leave more seats owed to groups than seats left, they are not
   elected but deemed excluded, and their papers are transferred as in an
   exclusion.
3. *Protection*: when the candidate due for exclusion is one whose removal
   would make a minimum impossible, they are protected and the next-lowest
   unprotected candidate is excluded instead.
4. *Reservation*: once the unfilled seats equal the seats still owed, every
   continuing candidate who belongs to no group still short of its minimum
   is excluded (in one stage), since electing them would break a minimum.

Each stage where a rule acted carries a note naming the rule and the
candidate, so the count sheet shows exactly where the minimums bit.  Groups
whose minimum exceeds the number of their members standing are capped at
that number (with a note); if the capped minimums still cannot all be met
within the seats, the count refuses to start with a ``CountingError``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ballots.counting.types import CandidateId, CountingError, MinimumGroup

if TYPE_CHECKING:
    from ballots.counting.papers import IntArray


def _lower_axis(table: IntArray, axis: int) -> IntArray:
    """Move every cell one step towards 0 along ``axis`` (0 stays at 0)."""
    out = np.empty_like(table)
    src = np.moveaxis(table, axis, 0)
    dst = np.moveaxis(out, axis, 0)
    dst[:-1] = src[1:]
    dst[-1] = np.iinfo(np.int64).max // 2
    dst[0] = np.minimum(src[0], src[1]) if src.shape[0] > 1 else src[0]
    return out


if TYPE_CHECKING:
    from collections.abc import Collection, Sequence


class MinimumsGuard:
    """Answers the feasibility questions the STV loops ask about minimums."""

    def __init__(
        self,
        groups: Sequence[MinimumGroup],
        standing: Collection[CandidateId],
        seats: int,
    ) -> None:
        """Cap impossible minimums and check the rest can be met at all."""
        self.notes: list[str] = []
        capped: list[MinimumGroup] = []
        for g in groups:
            members = frozenset(g.members) & frozenset(standing)
            minimum = min(g.minimum, len(members))
            if minimum < g.minimum:
                self.notes.append(
                    f"minimum for {g.name} reduced from {g.minimum} to {minimum}: not enough members standing"
                )
            capped.append(MinimumGroup(g.name, members, minimum))
        self.groups = tuple(capped)
        self.active = any(g.minimum > 0 for g in self.groups)
        if self.active and (self.seats_needed((), standing) or 0) > seats:
            msg = "the equality minimums cannot all be met within the seats available"
            raise CountingError(msg)
        if self.active and self.seats_needed((), standing) is None:
            msg = "the equality minimums cannot all be met by the candidates standing"
            raise CountingError(msg)

    def deficits(self, elected: Collection[CandidateId]) -> tuple[int, ...]:
        """Seats each group is still owed given ``elected``."""
        chosen = set(elected)
        return tuple(max(0, g.minimum - len(g.members & chosen)) for g in self.groups)

    def seats_needed(self, elected: Collection[CandidateId], available: Collection[CandidateId]) -> int | None:
        """Fewest further seats that meet every minimum, or ``None`` if impossible.

        Exact dynamic programme: ``table[r]`` is the fewest candidates (from
        those considered so far) that bring the outstanding deficits down to
        ``r``.  Adding a candidate lowers every axis of the groups they belong
        to by one (not below zero).  The table has ``prod(deficit + 1)``
        cells (about 6,000 for 13/6/3/3/3), and each candidate is one
        vectorised update, so the cost is independent of overlaps.
        """
        start = self.deficits(elected)
        if not any(start):
            return 0
        axes = [i for i, d in enumerate(start) if d]
        shape = tuple(start[i] + 1 for i in axes)
        big = np.iinfo(np.int64).max // 2
        table = np.full(shape, big, dtype=np.int64)
        table[tuple(start[i] for i in axes)] = 0
        for c in sorted(available):
            member_axes = [k for k, i in enumerate(axes) if c in self.groups[i].members]
            if not member_axes:
                continue
            moved = table + 1
            for a in member_axes:
                moved = _lower_axis(moved, a)
            np.minimum(table, moved, out=table)
        best = int(table[(0,) * len(axes)])
        return None if best >= big else best

    def can_elect(
        self,
        candidate: CandidateId,
        elected: Collection[CandidateId],
        continuing: Collection[CandidateId],
        seats_left: int,
    ) -> bool:
        """Whether electing ``candidate`` keeps every minimum achievable."""
        if not self.active:
            return True
        rest = [c for c in continuing if c != candidate]
        need = self.seats_needed([*elected, candidate], rest)
        return need is not None and need <= seats_left - 1

    def can_exclude(
        self,
        candidate: CandidateId,
        elected: Collection[CandidateId],
        continuing: Collection[CandidateId],
        seats_left: int,
    ) -> bool:
        """Whether excluding ``candidate`` keeps every minimum achievable."""
        if not self.active:
            return True
        rest = [c for c in continuing if c != candidate]
        need = self.seats_needed(elected, rest)
        return need is not None and need <= seats_left

    def non_helpers(
        self,
        elected: Collection[CandidateId],
        continuing: Collection[CandidateId],
        seats_left: int,
    ) -> list[CandidateId]:
        """Continuing candidates to exclude once all unfilled seats are owed."""
        if not self.active:
            return []
        if self.seats_needed(elected, continuing) != seats_left:
            return []
        short = [g for g, d in zip(self.groups, self.deficits(elected), strict=True) if d]
        return sorted(c for c in continuing if not any(c in g.members for g in short))
