"""Vectorised store of grouped ballot papers for the transfer-based counts.

Identical rankings always travel together (they sit on the same pile and get
the same transfer value), so a group of ``k`` identical papers is stored once
with a count ``k``.  Rankings are held in a padded matrix of the smallest
integer type that fits, and the per-group state (current holder, position on
the ranking, value) in NumPy vectors.  Values are integers scaled by
``10**precision`` so the arithmetic is exact.

Each candidate's total is kept up to date as papers move (only the papers
that change hands are touched), so a stage costs time in proportion to the
size of the pile transferred, not to the whole poll.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from ballots.counting.types import CandidateId

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
AnyIntArray = npt.NDArray[np.integer[Any]]

EXHAUSTED = -1
RETIRED = -2
"""Holder of papers that stay with an elected candidate for good (ERS97)."""
_OFFSET = 2
"""Totals are indexed by ``holder + 2`` so that -2 and -1 have slots too."""


def id_dtype(n_candidates: int) -> type[np.signedinteger[Any]]:
    """Smallest signed integer type holding ids ``-2 .. n_candidates``."""
    if n_candidates < 2**7 - 1:
        return np.int8
    if n_candidates < 2**15 - 1:
        return np.int16
    return np.int32


class PaperStore:
    """All papers of a count with their current holder and value."""

    def __init__(self, rankings: AnyIntArray, counts: IntArray, n_candidates: int, scale: int) -> None:
        """Take the grouped papers; every paper starts at value 1 (``scale``).

        ``rankings`` is padded with ``-1``; a padding column is added when the
        last column is used, so walking off the end of a ranking always finds
        ``-1``.
        """
        self.n = n_candidates
        self.scale = scale
        g = rankings.shape[0]
        dtype = id_dtype(n_candidates)
        if rankings.shape[1] == 0 or (g and (rankings[:, -1] >= 0).any()):
            padded = np.full((g, rankings.shape[1] + 1), EXHAUSTED, dtype=dtype)
            padded[:, :-1] = rankings
            rankings = padded
        self.rankings: AnyIntArray = np.ascontiguousarray(rankings, dtype=dtype)
        self.counts: IntArray = counts.astype(np.int64, copy=True)
        self.values: IntArray = np.full(g, scale, dtype=np.int64)
        self.pos: IntArray = np.zeros(g, dtype=np.int64)
        self.holder: IntArray = self.rankings[:, 0].astype(np.int64)
        # float64 sums are exact below 2**53; beyond that use exact integer adds.
        self._float_ok = int(self.counts.sum()) * scale < 2**52
        self._tot: IntArray = self._sum_by(self.holder + _OFFSET, self.counts * scale, n_candidates + _OFFSET)

    # ---------------------------------------------------------------- totals
    def totals(self) -> IntArray:
        """Scaled vote total of every candidate from the papers they hold."""
        return self._tot[_OFFSET:].copy()

    def sum_by(self, keys: AnyIntArray, amounts: IntArray) -> IntArray:
        """Exact integer ``bincount`` of ``amounts`` by candidate ``keys``."""
        return self._sum_by(keys, amounts, self.n)

    def _sum_by(self, keys: AnyIntArray, amounts: IntArray, size: int) -> IntArray:
        if self._float_ok:
            return np.rint(np.bincount(keys, weights=amounts, minlength=size)).astype(np.int64)
        out = np.zeros(size, dtype=np.int64)
        np.add.at(out, keys, amounts)
        return out

    def _account(self, idx: IntArray, sign: int) -> None:
        """Add (``sign`` 1) or remove (-1) groups ``idx`` from their holders' totals."""
        if idx.size == 0:
            return
        holders = self.holder[idx]
        amounts = self.counts[idx] * self.values[idx]
        first = holders[0]
        if (holders == first).all():  # the usual case: one pile
            self._tot[first + _OFFSET] += sign * int(amounts.sum())
        else:
            self._tot += sign * self._sum_by(holders + _OFFSET, amounts, self.n + _OFFSET)

    # ----------------------------------------------------------------- piles
    def held_by(self, candidate: CandidateId) -> IntArray:
        """Return the indices of the groups on ``candidate``'s pile."""
        return np.flatnonzero(self.holder == candidate)

    def held_by_any(self, candidates: list[CandidateId]) -> IntArray:
        """Return the indices of the groups held by any of ``candidates``."""
        return np.flatnonzero(np.isin(self.holder, candidates))

    def retire(self, idx: IntArray) -> None:
        """Leave groups ``idx`` with whoever holds them, out of every total."""
        self._account(idx, -1)
        self.holder[idx] = RETIRED
        self._account(idx, 1)

    def next_holders(self, idx: IntArray, continuing: BoolArray) -> tuple[IntArray, IntArray]:
        """Next continuing preference (and its position) of groups ``idx``.

        ``EXHAUSTED`` where no continuing candidate is ranked further down.
        Nothing is changed; see :meth:`relocate`.
        """
        if idx.size == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        ok = np.append(continuing, True)  # index -1 (padding) counts as a stop
        width = self.rankings.shape[1]
        flat = self.rankings.reshape(-1)
        base = idx * width
        pos = self.pos[idx] + 1
        np.minimum(pos, width - 1, out=pos)
        cand = flat[base + pos].astype(np.int64)
        todo = np.flatnonzero(~ok[cand])
        while todo.size:
            p = pos[todo] + 1
            np.minimum(p, width - 1, out=p)
            c = flat[base[todo] + p].astype(np.int64)
            pos[todo] = p
            cand[todo] = c
            todo = todo[~ok[c]]
        return cand, pos

    def relocate(self, idx: IntArray, dest: IntArray, pos: IntArray, values: IntArray | None = None) -> None:
        """Hand groups ``idx`` to ``dest`` (at ranking position ``pos``)."""
        self._account(idx, -1)
        if values is not None:
            self.values[idx] = values
        self.pos[idx] = pos
        self.holder[idx] = dest
        self._account_dest(idx, dest)

    def _account_dest(self, idx: IntArray, dest: IntArray) -> None:
        if idx.size:
            self._tot += self._sum_by(dest + _OFFSET, self.counts[idx] * self.values[idx], self.n + _OFFSET)

    def advance(self, idx: IntArray, continuing: BoolArray, values: IntArray | None = None) -> IntArray:
        """Move groups ``idx`` on to their next continuing preference.

        Optionally gives them new per-paper ``values`` first.  Returns the new
        holder of each group (``EXHAUSTED`` when no continuing candidate is
        ranked further down).  ``continuing`` is indexed by candidate id.
        """
        dest, pos = self.next_holders(idx, continuing)
        self.relocate(idx, dest, pos, values)
        return dest
