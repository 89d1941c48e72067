"""The project's own Meek loop, used only for elections with equality minimums.

The New Zealand rules (:mod:`ballots.counting.meek_nz`, names ``meek-nz``
and ``meek-stv``) have no equality minimums, so an election with minimums
is counted by this loop, which shares the NZ arithmetic (9 decimal places,
kept amounts rounded up, quota truncated plus 0.000000001) but is **not**
the NZ rules and matches no other published rule set either:

* iteration stops when the total surplus is below 0.00001 (NZ: 0.0001),
  stops decreasing, or someone new reaches the quota;
* there is no early exclusion of a candidate who cannot catch up (NZ
  clause 13);
* a keep value is ``keep x quota / votes`` rounded up once (NZ: twice);
* ties for exclusion go straight to a seeded SHA-256 lot (NZ clause 19
  looks back at earlier iterations first, then uses its own generator);
* the minimums of :mod:`ballots.counting.equality` pass over and protect
  candidates as documented there.

Identical papers are grouped and each distribution is done column by column
with NumPy; :class:`MeekCount` also provides that distribution to the NZ count.
"""

from __future__ import annotations

import numpy as np

from ballots.counting.equality import MinimumsGuard
from ballots.counting.papers import IntArray, PaperStore
from ballots.counting.stagelog import Event, StageLog, to_decimal
from ballots.counting.ties import LOOKBACK_NONE, TieBreaker
from ballots.counting.types import CandidateId, CountingError, CountSheet, Election
from ballots.counting.validate import prepare

PRECISION = 9
SCALE = 10**PRECISION
TOLERANCE = 10**4  # 0.00001 in units of 10^-9
MAX_ITERATIONS = 100_000


_PASS, _STOP, _END = 1, 2, 3
"""Statuses in :meth:`MeekCount.reduce`: elected, hopeful, end of paper."""
DENSE_KEYS = 2**20
"""Key spaces up to this size are grouped with ``bincount``, not a sort."""


def _ceil_div(a: IntArray, b: int) -> IntArray:
    return -((-a) // b)


def _group_rows(rows: IntArray, counts: IntArray, n: int) -> tuple[IntArray, IntArray]:
    """Distinct ``rows`` (ids ``0..n``) and the summed ``counts`` of each."""
    width = rows.shape[1]
    bits = max(1, n.bit_length())
    if bits * width > 62:
        distinct, inverse = np.unique(rows, axis=0, return_inverse=True)
        return distinct, np.bincount(inverse.reshape(-1), weights=counts).round().astype(np.int64)
    key = np.zeros(rows.shape[0], dtype=np.int64)
    for j in range(width):
        key <<= bits
        key |= rows[:, j]
    if 1 << (bits * width) <= DENSE_KEYS:
        per_key = np.bincount(key, weights=counts, minlength=1 << (bits * width))
        keys = np.flatnonzero(per_key)
        summed = per_key[keys]
    else:
        keys, inverse = np.unique(key, return_inverse=True)
        summed = np.bincount(inverse, weights=counts)
    mask = (1 << bits) - 1
    out = np.empty((keys.shape[0], width), dtype=np.int64)
    for j in range(width):
        out[:, j] = (keys >> (bits * (width - 1 - j))) & mask
    return out, summed.round().astype(np.int64)


class MeekCount:
    """One Meek count; state is the keep values and the candidate statuses."""

    def __init__(self, election: Election, seed: int | None) -> None:
        """Validate input, group papers and set every keep value to 1."""
        prepared = prepare(election)
        self.e = election
        self.prepared = prepared
        self.n = len(election.candidates)
        self.store = PaperStore(prepared.rankings, prepared.counts, self.n, SCALE)
        self.total = prepared.total_valid * SCALE
        self.keep: IntArray = np.zeros(self.n + 1, dtype=np.int64)  # [n] = padding
        self.keep[prepared.standing] = SCALE
        self.hopeful: set[CandidateId] = set(prepared.standing)
        self.elected: list[CandidateId] = []
        self.excluded: list[CandidateId] = []
        self.ties = TieBreaker(seed, LOOKBACK_NONE)
        self.log = StageLog(prepared.standing, PRECISION)
        self.guard = MinimumsGuard(election.minimums, prepared.standing, election.seats)
        self.quota = 0
        self.iterations = 0
        self._reduced: tuple[IntArray, IntArray] | None = None

    def reduce(self) -> tuple[IntArray, IntArray]:
        """Papers cut down to what a distribution can see, regrouped.

        While statuses stand still, a paper passes excluded candidates by
        (keep value 0) and stops at its first hopeful one (keep value 1), so
        only the elected candidates before that, and that hopeful one (or
        the end of the paper), matter.  Papers that agree on that short
        sequence get exactly the same arithmetic, so they are grouped: a
        million papers typically shrink to a few hundred rows, and each of
        the many iterations is cheap.  Returns the rows (padded with ``n``,
        whose keep value is 0) and the number of papers on each.
        """
        s = self.store
        n = self.n
        status = np.zeros(n + 1, dtype=np.int8)  # 0: excluded, passed by
        status[self.elected] = _PASS
        status[sorted(self.hopeful)] = _STOP
        status[n] = _END  # the -1 padding reads the last slot
        width = len(self.elected) + 1
        g = s.counts.shape[0]
        short = np.full((g, width), n, dtype=np.int64)
        filled = np.zeros(g, dtype=np.int64)
        active = np.arange(g)
        for j in range(s.rankings.shape[1]):
            if active.size == 0:
                break
            cand = s.rankings[active, j].astype(np.int64)
            st = status[cand]
            take = (st == _PASS) | (st == _STOP)
            rows = active[take]
            short[rows, filled[rows]] = cand[take]
            filled[rows] += 1
            active = active[st <= _PASS]
        return _group_rows(short, s.counts, n)

    def distribute(self) -> tuple[IntArray, int]:
        """One pass over all papers: votes per candidate and the excess."""
        if self._reduced is None:
            self._reduced = self.reduce()
        ranks, counts = self._reduced
        remaining = np.full(counts.shape[0], SCALE, dtype=np.int64)
        votes = np.zeros(self.n, dtype=np.int64)
        for j in range(ranks.shape[1]):
            col = ranks[:, j]
            k = self.keep[col]
            live = (remaining > 0) & (k > 0)
            if not live.any():
                continue
            kept = _ceil_div(remaining[live] * k[live], SCALE)
            kept = np.minimum(kept, remaining[live])
            remaining[live] -= kept
            cand = col[live]
            real = cand < self.n
            votes += self.store.sum_by(cand[real], kept[real] * counts[live][real])
        excess = self.total - int(votes.sum())
        return votes, excess

    def converge(self) -> tuple[IntArray, int, list[CandidateId]]:
        """Iterate keep values until stable or someone new reaches quota."""
        self._reduced = None  # statuses may have changed since the last call
        previous: int | None = None
        while True:
            self.iterations += 1
            if self.iterations > MAX_ITERATIONS:
                msg = "Meek iteration failed to converge"
                raise CountingError(msg)
            votes, excess = self.distribute()
            self.quota = (self.total - excess) // (self.e.seats + 1) + 1
            reached = [c for c in self.hopeful if votes[c] >= self.quota]
            if reached:
                return votes, excess, reached
            surplus = sum(max(0, int(votes[c]) - self.quota) for c in self.elected)
            if surplus < TOLERANCE or not self.elected:
                return votes, excess, []
            if previous is not None and surplus >= previous:
                return votes, excess, []  # rounding floor reached: no progress
            previous = surplus
            changed = False
            for c in self.elected:
                if votes[c] > 0:
                    new = -((-int(self.keep[c]) * self.quota) // int(votes[c]))
                    new = min(new, SCALE)
                    changed |= new != self.keep[c]
                    self.keep[c] = new
            if not changed:
                return votes, excess, []

    def run(self) -> CountSheet:
        """Alternate convergence, election and exclusion until seats are full."""
        seats = self.e.seats
        action, kind, subject = "first preferences", "first", None
        excluded_now: tuple[CandidateId, ...] = ()
        while True:
            votes, excess, reached = self.converge()
            reached.sort(key=lambda c: (-int(votes[c]), c))
            newly: list[CandidateId] = []
            notes: list[str] = []
            for c in reached:
                if len(self.elected) >= seats:
                    break
                left = seats - len(self.elected)
                if not self.guard.can_elect(c, self.elected, self.hopeful, left):
                    notes.append(f"{self.e.candidates[c]} passed over for an equality minimum")
                    self._drop(c)
                    continue
                self.hopeful.discard(c)
                self.elected.append(c)
                newly.append(c)
            if len(self.elected) < seats and len(self.hopeful) <= seats - len(self.elected):
                rest = sorted(self.hopeful, key=lambda c: (-int(votes[c]), c))
                newly.extend(rest)
                self.elected.extend(rest)
                notes.extend(f"{self.e.candidates[c]} deemed elected" for c in rest)
                self.hopeful.clear()
            self.log.add(
                Event(
                    action=action,
                    kind=kind,
                    subject=subject,
                    elected=newly,
                    excluded=excluded_now,
                    notes=notes,
                ),
                totals=votes,
                exhausted=excess,
                loss=0,
            )
            if len(self.elected) >= seats:
                break
            if reached:
                action, kind, subject, excluded_now = (
                    "surpluses recalculated",
                    "surplus",
                    None,
                    (),
                )
                continue
            loser = self._choose_loser(votes)
            self._drop(loser)
            action, kind = f"{self.e.candidates[loser]} excluded", "exclusion"
            subject, excluded_now = loser, (loser,)
        return self.sheet()

    def _choose_loser(self, votes: IntArray) -> CandidateId:
        left = self.e.seats - len(self.elected)
        pool = [c for c in self.hopeful if self.guard.can_exclude(c, self.elected, self.hopeful, left)] or sorted(
            self.hopeful
        )
        low = min(int(votes[c]) for c in pool)
        tied = [c for c in pool if votes[c] == low]
        if len(tied) == 1:
            return tied[0]
        return self.ties.choose(
            tied,
            stage=len(self.log.stages) + 1,
            purpose="exclusion",
            history=self.log.history,
            lowest=True,
        )

    def _drop(self, c: CandidateId) -> None:
        self.hopeful.discard(c)
        self.excluded.append(c)
        self.keep[c] = 0

    def sheet(self) -> CountSheet:
        """Assemble the count sheet (quota is the final converged quota)."""
        notes = [*self.guard.notes, f"{self.iterations} Meek iterations"]
        if self.prepared.void:
            notes.append(f"{self.prepared.void} papers without a valid preference were void")
        return CountSheet(
            method="meek-minimums",
            candidates=self.e.candidates,
            seats=self.e.seats,
            total_valid=to_decimal(self.total, PRECISION),
            quota=to_decimal(self.quota, PRECISION),
            elected=tuple(self.elected),
            stages=tuple(self.log.stages),
            tie_breaks=tuple(self.ties.log),
            precision=PRECISION,
            seed=self.ties.seed,
            withdrawn=self.e.withdrawn,
            notes=tuple(notes),
            extra={
                "keep_values": {
                    self.e.candidates[c]: str(to_decimal(int(self.keep[c]), PRECISION)) for c in self.elected
                }
            },
        )


def count_meek_stv(election: Election, *, seed: int | None = None) -> CountSheet:
    """Count ``election`` (with equality minimums) by this project loop; see the module docstring."""
    return MeekCount(election, seed).run()
