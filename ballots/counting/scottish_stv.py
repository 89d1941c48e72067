"""STV under the Scottish Local Government Elections Order 2007 (SSI 2007/42).

Schedule 1, rules 45-52, as implemented here:

* Quota (r.46): ``floor(valid / (seats + 1)) + 1``.
* A candidate whose votes equal or exceed the quota at the end of a stage is
  elected (r.47); several elected at one stage are taken in order of votes.
* Surplus (r.48): *all* the elected candidate's papers are transferred to
  their next available preference for a continuing candidate, each paper at
  ``surplus x value-when-received / total``, **calculated per paper to five
  decimal places with the remainder ignored** (weighted inclusive Gregory).
  Papers with no further preference are non-transferable; whatever the
  truncation drops is recorded as loss.  The candidate is left on the quota.
* Order of surpluses (r.49): the largest surplus first; equal surpluses are
  separated by the most recent preceding stage at which the candidates had
  unequal votes, failing that by lot.
* Exclusion (r.50): with no surplus to transfer, the continuing candidate
  with fewest votes is excluded and all their papers transferred, each at
  the value at which it was received, in one stage; ties as in r.49 but
  taking the lowest.
* Last vacancies (r.52): when the continuing candidates are no more than
  the vacancies they are deemed elected and no further transfers are made.
  (The official 2017 sheets do not stop early when one candidate merely
  cannot be overtaken, so neither does this count.)

Arithmetic is exact: all figures are integers scaled by 10^5.
"""

from __future__ import annotations

import numpy as np

from ballots.counting.equality import MinimumsGuard
from ballots.counting.papers import EXHAUSTED, BoolArray, IntArray, PaperStore
from ballots.counting.stagelog import Event, StageLog, to_decimal
from ballots.counting.ties import LOOKBACK_RECENT, TieBreaker
from ballots.counting.types import CandidateId, CountSheet, Election
from ballots.counting.validate import Prepared, prepare

PRECISION = 5
METHOD = "scottish-stv"


class GregoryCount:
    """State and stage loop of a weighted-inclusive-Gregory STV count.

    The Scottish rules are the base behaviour; :mod:`ballots.counting.ers97`
    overrides the hooks that differ.
    """

    method = METHOD
    precision = PRECISION
    lookback = LOOKBACK_RECENT
    last_vacancy_rule = False
    """Whether one leading candidate is deemed elected to the last seat early.

    The 2017 official sheets show the count continuing until the last seat is
    reached by quota or by there being no more continuing candidates than
    vacancies (e.g. Orkney ward 1, stage 7), so the Scottish counts do not
    apply the "unbeatable last candidate" shortcut.
    """

    def __init__(self, prepared: Prepared, seed: int | None) -> None:
        """Set up papers, statuses and the first stage."""
        e = prepared.election
        self.election = e
        self.prepared = prepared
        self.n = len(e.candidates)
        self.seats = e.seats
        self.scale = 10**self.precision
        self.names = e.candidates
        self.standing = prepared.standing
        self.store = PaperStore(prepared.rankings, prepared.counts, self.n, self.scale)
        self.total = prepared.total_valid * self.scale
        self.quota = self.compute_quota()
        self.ties = TieBreaker(seed, self.lookback)
        self.log = StageLog(self.standing, self.precision)
        self.continuing: BoolArray = np.zeros(self.n, dtype=np.bool_)
        self.continuing[self.standing] = True
        self.elected: list[CandidateId] = []
        self.excluded: list[CandidateId] = []
        self.fixed: IntArray = np.zeros(self.n, dtype=np.int64)
        self.pending: list[CandidateId] = []  # elected, surplus not yet transferred
        self.exhausted = 0
        self.loss = 0
        self._totals: IntArray | None = None
        self.guard = MinimumsGuard(e.minimums, self.standing, self.seats)
        self.sheet_notes: list[str] = list(self.guard.notes)
        if prepared.void:
            self.sheet_notes.append(f"{prepared.void} papers without a valid preference were void")

    # ----------------------------------------------------------------- rules
    def compute_quota(self) -> int:
        """Droop quota (scaled): floor(valid / (seats + 1)) + 1."""
        return int((self.total // self.scale // (self.seats + 1) + 1) * self.scale)

    def totals(self) -> IntArray:
        """Return the current scaled total of every candidate (cached per stage)."""
        if self._totals is None:
            self._totals = self.store.totals() + self.fixed
        return self._totals

    def invalidate(self) -> None:
        """Forget cached totals after papers or fixed totals change."""
        self._totals = None

    def cont_list(self) -> list[CandidateId]:
        """Continuing candidates."""
        return [int(c) for c in np.flatnonzero(self.continuing)]

    @property
    def seats_left(self) -> int:
        """Vacancies still unfilled."""
        return self.seats - len(self.elected)

    # ------------------------------------------------------------ the count
    def run(self) -> CountSheet:
        """Count stage by stage until every seat is filled."""
        totals = self.totals()
        self.log.add(
            Event(action="first preferences", kind="first", subject=None),
            totals=totals,
            exhausted=self.exhausted,
            loss=self.loss,
        )
        self.elect_reaching_quota(totals)
        while self.seats_left > 0:
            if self.fill_last_vacancies():
                break
            if self.apply_reservation():
                continue
            surplus_of = self.next_surplus()
            if surplus_of is not None:
                self.transfer_surplus(surplus_of)
            else:
                self.exclude(self.choose_exclusion())
        return self.sheet()

    def elect_reaching_quota(self, totals: IntArray) -> None:
        """Elect continuing candidates at or over quota, highest first."""
        over = [c for c in self.cont_list() if totals[c] >= self.quota]
        notes: list[str] = []
        newly: list[CandidateId] = []
        passed: list[CandidateId] = []
        while over and self.seats_left > 0:
            top = max(int(totals[c]) for c in over)
            tied = [c for c in over if totals[c] == top]
            c = tied[0]
            if len(tied) > 1:
                c = self.ties.choose(
                    tied,
                    stage=len(self.log.stages),
                    purpose="order of election",
                    history=self.log.history[:-1],
                    lowest=False,
                )
            over.remove(c)
            if not self.guard.can_elect(c, self.elected, self.cont_list(), self.seats_left):
                passed.append(c)
                notes.append(f"{self.names[c]} passed over: electing them would break a minimum")
                self.continuing[c] = False
                continue
            self.continuing[c] = False
            self.elected.append(c)
            newly.append(c)
            if totals[c] > self.quota:
                self.pending.append(c)
        if newly or notes:
            self.log.amend_last(elected=newly, notes=notes)
        for c in passed:
            self.exclude(c, passed_over=True)

    def fill_last_vacancies(self) -> bool:
        """Rule 52: deem candidates elected when the outcome is settled."""
        cont = self.cont_list()
        totals = self.totals()
        if len(cont) <= self.seats_left:
            order = sorted(cont, key=lambda c: -int(totals[c]))
            self.deem(order)
            return True
        if self.last_vacancy_rule and self.seats_left == 1 and not self.guard.active:
            untransferred = sum(int(totals[c]) - self.quota for c in self.pending)
            for c in cont:
                others = sum(int(totals[o]) for o in cont if o != c)
                if totals[c] >= others + untransferred:
                    self.deem([c])
                    return True
        return False

    def deem(self, cands: list[CandidateId]) -> None:
        """Deem ``cands`` elected at the current stage."""
        for c in cands:
            self.continuing[c] = False
            self.elected.append(c)
        self.log.amend_last(elected=cands, notes=[f"{self.names[c]} deemed elected" for c in cands])

    def apply_reservation(self) -> bool:
        """Equality rule 4: exclude non-helpers once all seats are owed."""
        drop = self.guard.non_helpers(self.elected, self.cont_list(), self.seats_left)
        if not drop or self.pending:
            return False
        self.exclude_many(drop, note="seats reserved for equality minimums")
        return True

    def next_surplus(self) -> CandidateId | None:
        """Rule 49: the largest outstanding surplus (ties by look-back)."""
        if not self.pending:
            return None
        totals = self.totals()
        top = max(int(totals[c]) for c in self.pending)
        tied = [c for c in self.pending if totals[c] == top]
        c = tied[0]
        if len(tied) > 1:
            c = self.ties.choose(
                tied,
                stage=len(self.log.stages) + 1,
                purpose="order of surplus transfer",
                history=self.log.history,
                lowest=False,
            )
        return c

    def choose_exclusion(self) -> CandidateId:
        """Rule 50: the lowest continuing candidate (ties by look-back).

        Candidates protected by an equality minimum are skipped.
        """
        totals = self.totals()
        cont = sorted(self.cont_list(), key=lambda x: (int(totals[x]), x))
        protected: list[CandidateId] = []
        for cand in cont:
            if self.guard.can_exclude(cand, self.elected, cont, self.seats_left):
                low = int(totals[cand])
                break
            protected.append(cand)
        else:  # everyone protected: cannot happen once reservation applies
            low = int(totals[cont[0]])
            protected = []
        tied = [
            x
            for x in cont
            if totals[x] == low
            and x not in protected
            and self.guard.can_exclude(x, self.elected, cont, self.seats_left)
        ]
        c = tied[0]
        if len(tied) > 1:
            c = self.ties.choose(
                tied,
                stage=len(self.log.stages) + 1,
                purpose="exclusion",
                history=self.log.history,
                lowest=True,
            )
        lower_protected = [p for p in protected if totals[p] <= totals[c]]
        self._protect_note = [
            f"{self.names[p]} protected from exclusion by an equality minimum" for p in lower_protected
        ]
        return c

    # ------------------------------------------------------------- transfers
    def move(self, idx: IntArray, new_values: IntArray) -> None:
        """Give groups ``idx`` new values and pass them on; tally exhaustion."""
        self.invalidate()
        dest = self.store.advance(idx, self.continuing, new_values)
        dead = dest == EXHAUSTED
        if dead.any():
            d = idx[dead]
            self.exhausted += int((self.store.counts[d] * self.store.values[d]).sum())

    def transfer_surplus(self, c: CandidateId) -> None:
        """Rule 48: transfer the whole pile at truncated per-paper values."""
        self.pending.remove(c)
        totals = self.totals()
        total_c = int(totals[c])
        surplus = total_c - self.quota
        idx = self.store.held_by(c)
        new_values = self.surplus_values(idx, surplus, total_c)
        self.move(idx, new_values)
        self.fixed[c] = self.quota
        self.invalidate()
        # What left the pile but reached nobody: non-transferable papers
        # (counted in ``move``) and the remainders the truncation dropped.
        moved = int((self.store.counts[idx] * new_values).sum())
        self.loss += surplus - moved
        self.finish_stage(f"surplus of {self.names[c]} transferred", "surplus", c, excluded=())

    def surplus_values(self, idx: IntArray, surplus: int, total: int) -> IntArray:
        """Per-paper transfer values: surplus x value / total, truncated."""
        return (surplus * self.store.values[idx]) // total

    def exclude(self, c: CandidateId, *, passed_over: bool = False) -> None:
        """Exclude ``c`` and transfer every paper at its current value."""
        notes = [] if passed_over else list(getattr(self, "_protect_note", []))
        self._protect_note = []
        self.continuing[c] = False
        self.excluded.append(c)
        idx = self.store.held_by(c)
        self.move(idx, self.store.values[idx])
        what = "passed over (minimum) and excluded" if passed_over else "excluded"
        self.finish_stage(f"{self.names[c]} {what}", "exclusion", c, excluded=(c,), notes=notes)

    def exclude_many(self, cands: list[CandidateId], *, note: str) -> None:
        """Exclude several candidates in a single stage."""
        for c in cands:
            self.continuing[c] = False
            self.excluded.append(c)
        idx = self.store.held_by_any(cands)
        self.move(idx, self.store.values[idx])
        names = ", ".join(self.names[c] for c in cands)
        self.finish_stage(f"{names} excluded", "exclusion", None, excluded=tuple(cands), notes=[note])

    def finish_stage(
        self,
        action: str,
        kind: str,
        subject: CandidateId | None,
        *,
        excluded: tuple[CandidateId, ...],
        notes: list[str] | None = None,
    ) -> None:
        """Record the stage and elect anyone who reached the quota."""
        totals = self.totals()
        self.log.add(
            Event(
                action=action,
                kind=kind,
                subject=subject,
                excluded=excluded,
                notes=notes or (),
            ),
            totals=totals,
            exhausted=self.exhausted,
            loss=self.loss,
        )
        self.elect_reaching_quota(totals)

    def sheet(self) -> CountSheet:
        """Assemble the immutable count sheet."""
        return CountSheet(
            method=self.method,
            candidates=self.names,
            seats=self.seats,
            total_valid=to_decimal(self.total, self.precision),
            quota=to_decimal(self.quota, self.precision),
            elected=tuple(self.elected),
            stages=tuple(self.log.stages),
            tie_breaks=tuple(self.ties.log),
            precision=self.precision,
            seed=self.ties.seed,
            withdrawn=self.election.withdrawn,
            notes=tuple(self.sheet_notes),
        )


def count_scottish_stv(election: Election, *, seed: int | None = None) -> CountSheet:
    """Count ``election`` under the Scottish 2007 rules."""
    return GregoryCount(prepare(election), seed).run()
