"""ERS97-style Gregory count used only when an election has equality minimums.

The published ERS97 rules (see :mod:`ballots.counting.ers97`) have no
equality minimums, so an election with minimums cannot be counted "exactly
as published".  This is the project's own Gregory loop with ERS97 figures
and the minimums of :mod:`ballots.counting.equality`; it differs from the
published rules as listed below and is used for nothing else.

Loosely follows "How to conduct an election by the Single Transferable Vote"
(ERS, 3rd edition, 1997), section 5 (manual count rules):

* Figures are kept to two decimal places (integers scaled by 100).
* Quota (5.1.5): total votes / (seats + 1), to two decimals ignoring the
  remainder, plus 0.01.  A candidate reaching the quota is elected.
* Surplus (5.2): only the *last parcel* of papers received (all first
  preferences if elected at the first stage) is examined; the surplus is
  shared among its transferable papers at ``surplus / transferable papers``
  to two decimals ignoring the remainder, never more than the value each
  paper arrived with.  What cannot be transferred is recorded as loss
  ("non-transferable, not exhausted").  The largest surplus goes first.
* Deferral (5.2.2): surpluses are not transferred while their total is less
  than the gap between the two lowest continuing candidates, since they
  could not change who is excluded; exclusion proceeds instead.
* Exclusion (5.3): the lowest candidate's papers are transferred in
  sub-stages, one parcel per value received, highest value first, each
  paper at the value it arrived with; after each sub-stage anyone reaching
  the quota is elected and receives nothing further.
* Ties (5.1.8/5.3.?): decided by the earliest stage at which the tied
  candidates had unequal votes, then by seeded lot.
* Completion (5.4): continuing candidates no more than the vacancies are
  deemed elected.

Not implemented: bulk exclusion (an optional shortcut that never changes the
result) and the rarely used ``=`` equal-preference marks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ballots.counting.papers import EXHAUSTED
from ballots.counting.scottish_stv import GregoryCount
from ballots.counting.ties import LOOKBACK_EARLIEST
from ballots.counting.validate import Prepared, prepare

if TYPE_CHECKING:
    from ballots.counting.types import CandidateId, CountSheet, Election


class Ers97Count(GregoryCount):
    """ERS97 specialisation of the Gregory count loop."""

    method = "ers97"
    precision = 2
    lookback = LOOKBACK_EARLIEST

    def __init__(self, prepared: Prepared, seed: int | None) -> None:
        """As Gregory, plus the stage at which each parcel arrived."""
        super().__init__(prepared, seed)
        self.arrived = np.ones(self.store.counts.shape[0], dtype=np.int64)

    def compute_quota(self) -> int:
        """Total / (seats + 1) truncated to 0.01, plus 0.01."""
        return int(self.total // (self.seats + 1) + 1)

    def next_surplus(self) -> CandidateId | None:
        """Largest surplus, unless all surpluses together cannot matter."""
        if not self.pending:
            return None
        totals = self.totals()
        cont = sorted(int(totals[c]) for c in self.cont_list())
        total_surplus = sum(int(totals[c]) - self.quota for c in self.pending)
        if len(cont) > 1 and total_surplus < cont[1] - cont[0]:
            return None
        return super().next_surplus()

    def transfer_surplus(self, c: CandidateId) -> None:
        """Transfer the surplus from the last parcel only."""
        self.pending.remove(c)
        totals = self.totals()
        surplus = int(totals[c]) - self.quota
        held = self.store.held_by(c)
        last = held[self.arrived[held] == self.arrived[held].max()] if held.size else held
        self.invalidate()
        dest, pos = self.store.next_holders(last, self.continuing)
        ok = dest != EXHAUSTED
        papers = int(self.store.counts[last][ok].sum())
        tv = surplus // papers if papers else 0
        new_values = np.minimum(self.store.values[last], tv)
        new_values[~ok] = 0
        self.store.relocate(last, dest, pos, new_values)
        self.arrived[last] = len(self.log.stages) + 1
        moved = int((self.store.counts[last] * new_values).sum())
        self.loss += surplus - moved
        # Papers left with the candidate stay there for good.
        self.store.retire(held[np.isin(held, last, invert=True)])
        self.store.retire(last[~ok])
        self.fixed[c] = self.quota
        self.invalidate()
        self.finish_stage(f"surplus of {self.names[c]} transferred", "surplus", c, excluded=())

    def exclude(self, c: CandidateId, *, passed_over: bool = False) -> None:
        """Exclude ``c``, moving one parcel (by value, highest first) per stage."""
        notes = [] if passed_over else list(getattr(self, "_protect_note", []))
        self._protect_note = []
        self.continuing[c] = False
        self.excluded.append(c)
        held = self.store.held_by(c)
        values = sorted({int(v) for v in self.store.values[held]}, reverse=True) or [0]
        for i, value in enumerate(values):
            idx = held[self.store.values[held] == value] if held.size else held
            self.move(idx, self.store.values[idx])
            self.arrived[idx] = len(self.log.stages) + 1
            part = f" (papers at {value / self.scale:.2f})" if len(values) > 1 else ""
            self.finish_stage(
                f"{self.names[c]} excluded{part}",
                "exclusion",
                c,
                excluded=(c,) if i == 0 else (),
                notes=notes if i == 0 else [],
            )
            if self.seats_left == 0:
                break


def count_gregory_minimums(election: Election, *, seed: int | None = None) -> CountSheet:
    """Count ``election`` (which has equality minimums) by this Gregory loop."""
    return Ers97Count(prepare(election), seed).run()
