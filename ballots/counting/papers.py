"""Vectorised store of grouped ballot papers for the transfer-based counts.

Identical rankings always travel together (they sit on the same pile and get
the same transfer value), so a group of ``k`` identical papers is stored once
with a count ``k``.  Rankings are held in a padded ``int32`` matrix and the
per-group state (current holder, position on the ranking, value) in NumPy
vectors, so a transfer is a handful of array operations instead of a Python
loop over a million papers.  Values are integers scaled by ``10**precision``
so the arithmetic is exact.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from ballots.counting.types import CandidateId

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

EXHAUSTED = -1


class PaperStore:
    """All papers of a count with their current holder and value."""

    def __init__(self, rankings: IntArray, counts: IntArray, n_candidates: int, scale: int) -> None:
        """Take the grouped papers; every paper starts at value 1 (``scale``).

        ``rankings`` must be padded with ``-1`` and have at least one padding
        column, so that walking off the end of a ranking always finds ``-1``.
        """
        self.n = n_candidates
        self.scale = scale
        g = rankings.shape[0]
        if rankings.shape[1] == 0 or (g and (rankings[:, -1] >= 0).any()):
            rankings = np.hstack([rankings, np.full((g, 1), EXHAUSTED, dtype=np.int64)])
        self.rankings: IntArray = rankings
        self.counts: IntArray = counts.astype(np.int64, copy=True)
        self.values: IntArray = np.full(g, scale, dtype=np.int64)
        self.pos: IntArray = np.zeros(g, dtype=np.int64)
        self.holder: IntArray = self.rankings[:, 0].copy()
        # float64 sums are exact below 2**53; beyond that use exact integer adds.
        self._float_ok = int(self.counts.sum()) * scale < 2**52

    def totals(self) -> IntArray:
        """Scaled vote total of every candidate from the papers they hold."""
        live = self.holder >= 0
        return self.sum_by(self.holder[live], self.counts[live] * self.values[live])

    def sum_by(self, keys: IntArray, amounts: IntArray) -> IntArray:
        """Exact integer ``bincount`` of ``amounts`` by candidate ``keys``."""
        if self._float_ok:
            return np.rint(np.bincount(keys, weights=amounts, minlength=self.n)).astype(np.int64)
        out = np.zeros(self.n, dtype=np.int64)
        np.add.at(out, keys, amounts)
        return out

    def held_by(self, candidate: CandidateId) -> IntArray:
        """Return the indices of the groups on ``candidate``'s pile."""
        return np.flatnonzero(self.holder == candidate)

    def advance(self, idx: IntArray, continuing: BoolArray) -> IntArray:
        """Move groups ``idx`` on to their next continuing preference.

        Returns the new holder of each group (``EXHAUSTED`` when no continuing
        candidate is ranked further down).  ``continuing`` is indexed by
        candidate id.
        """
        if idx.size == 0:
            return np.zeros(0, dtype=np.int64)
        ok = np.append(continuing, True)  # index -1 (padding) counts as a stop
        last = self.rankings.shape[1] - 1
        pos = self.pos[idx] + 1
        np.minimum(pos, last, out=pos)
        cand = self.rankings[idx, pos]
        todo = ~ok[cand]
        while todo.any():
            pos[todo] += 1
            np.minimum(pos, last, out=pos)
            cand[todo] = self.rankings[idx[todo], pos[todo]]
            todo[todo] = ~ok[cand[todo]]
        self.pos[idx] = pos
        self.holder[idx] = cand
        return cand
