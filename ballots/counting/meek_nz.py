"""Meek STV exactly as the New Zealand rules prescribe (``meek-nz``).

The rules are the Local Electoral Regulations 2001, Schedule 1A, as
implemented by I.D. Hill's reference program ``nzmeek`` (version 6.7.7, NZ
mode), whose results for 297 elections this module reproduces: winners,
order, every exclusion with its iteration and reason, the number of
iterations and the last iteration's quota, keep values, votes and
non-transferable votes to 9 decimals
(``tests/data/elections/stv_references/meek_nz/``).

All figures are integers in units of 10^-9 of a vote (the rules' nine
decimal places):

* Each *iteration* distributes every paper: a candidate with keep value
  ``k`` takes ``value x k`` of what reaches them, **rounded up** to 9 places,
  and passes the rest on; a hopeful candidate (keep 1) takes all of it.
  What passes beyond the last preference is non-transferable.
* Quota = (total - non-transferable) / (seats + 1), truncated to 9 places,
  plus 0.000000001.  For one seat it is rounded to a whole vote (absolute
  majority), as the program does.
* Hopeful candidates at or over the quota are elected (announced in
  descending order of votes), up to the number of seats.
* Clause 13 (early exclusion): when the gap between the lowest hopeful
  candidate and the next lowest is greater than the total surplus, the
  lowest is excluded at once ("lowest cannot overtake").  Otherwise, once
  the total surplus is below **0.0001**, the lowest is excluded.  Candidates
  with no votes at all are excluded together when the surplus is below
  0.0001 and enough candidates remain.
* After each iteration the keep value of every elected candidate over the
  quota becomes ``keep x quota / votes``, rounded up **twice** (the product,
  then the quotient) to 9 places.  If no keep value changes (and no excluded
  candidate still held votes) the lowest candidate is excluded.
* When hopeful and elected candidates are no more than the seats, all are
  elected; when the seats are filled the rest are excluded.
* One safeguard that Hill's program lacks: after 1,000 iterations without an
  election or exclusion, a total surplus that has stopped falling (heavy
  weights can hold the 9-place rounding above 0.0001 while keep values creep
  by 10^-9 per iteration) is treated as the rules' "no keep value changed",
  with a note on the sheet; no reference election comes near it.
* Clause 19 ties for exclusion: the candidate who was behind at the first
  iteration at which the tied candidates' votes differed is excluded ("ahead
  at first difference"); if they were equal at every iteration, the
  statutory pseudo-random choice decides: before the count every candidate
  draws a distinct four-digit number from Wichmann and Hill's generator
  (Algorithm AS 183) seeded, in the program's fixed mode, from the number of
  candidates plus 5, the number of seats and the total number of votes;
  the number is complemented (10000 - n) at every iteration, and the
  lowest current number is excluded.  Every such tie is recorded on the
  sheet.  The choice depends only on the election, so it needs no seed.

Equality minimums are not part of the NZ rules; an election with minimums
is counted by the project's Meek loop (:mod:`ballots.counting.meek_stv`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ballots.counting.meek_stv import SCALE, MeekCount
from ballots.counting.stagelog import Event, to_decimal
from ballots.counting.types import CountingError, CountSheet, TieBreak

if TYPE_CHECKING:
    from ballots.counting.papers import IntArray
    from ballots.counting.types import CandidateId, Election

PRECISION = 9
SURPLUS_LIMIT = 100_000
"""0.0001 in units of 10^-9 (the rules' limit on the total surplus)."""
STALL_AFTER = 1_000
"""Iterations without an election or exclusion before a surplus that stopped falling counts as negligible."""
MAX_ITERATIONS = 100_000
"""A count that needs more iterations than this is refused rather than left running."""
MAX_EXACT = 2**62
"""Scaled totals must stay below this for the NumPy int64 arithmetic."""

REASON_OVERTAKE = "lowest cannot overtake"
REASON_SURPLUS = "surplus < 0.0001"
REASON_ZERO = "no votes"
REASON_STUCK = "no keep value changed"


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _fmt(value: int) -> str:
    """A figure in units of 10^-9 as a decimal string with 9 places."""
    return f"{to_decimal(value, PRECISION):.{PRECISION}f}"


def statutory_numbers(n_candidates: int, seats: int, total: int) -> list[int]:
    """The distinct four-digit tie-break numbers of candidates 1..n (AS 183, fixed seeds)."""
    s1 = n_candidates + 5
    s2 = seats
    s3 = (total + 10000 * (total % 10)) % 30323
    first = True
    out: list[int] = []

    def draw() -> int:
        nonlocal s1, s2, s3, first
        for _ in range(5 if first else 1):
            s1 = (171 * s1) % 30269
            s2 = (172 * s2) % 30307
            s3 = (170 * s3) % 30323
        first = False
        return ((s1 * 10000) // 30269 + (s2 * 10000) // 30307 + (s3 * 10000) // 30323) % 10000

    for _ in range(n_candidates):
        number = draw()
        while number in out:
            number = draw()
        out.append(number)
    return out


class MeekNzCount(MeekCount):
    """One count under the NZ rules, iteration by iteration as Hill's program."""

    def __init__(self, election: Election) -> None:
        """Set up papers, keep values, the ahead ranks and the statutory numbers."""
        super().__init__(election, None)
        if self.total >= MAX_EXACT:
            msg = f"{self.prepared.total_valid} votes are too many to count exactly at 9 decimal places"
            raise CountingError(msg)
        n = self.n
        self.ahead = [n - 1] * n
        self.ahead_incomplete = True
        self.random = statutory_numbers(n, election.seats, self.prepared.total_valid)
        self.reasons: list[tuple[CandidateId, int, str]] = []
        self.nz_ties: list[TieBreak] = []
        self.final: dict[str, object] = {}
        self._last_surplus: int | None = None
        self._quiet = 0
        self.notes_extra: list[str] = []

    # ------------------------------------------------------------- helpers
    def _status_changed(self) -> None:
        self._reduced = None

    def _update_ahead(self, votes: IntArray) -> None:
        """Refine the 'ahead at first difference' ranks with this iteration's votes."""
        n = self.n
        incomplete = False
        val = 0
        while val <= 2 * n - 2:
            group = [c for c in range(n) if self.ahead[c] == val]
            if len(group) > 1:
                high = val + len(group) - 1
                low = high - 2 * len(group) + 2
                rest = {c: int(votes[c]) for c in group}
                while high >= low and rest:
                    best = max(rest.values())
                    top = [c for c in group if rest.get(c) == best]
                    for c in top:
                        self.ahead[c] = high - len(top) + 1
                        del rest[c]
                    high -= 2 * len(top)
                incomplete = True
                val += len(group)
            val += 1
        self.ahead_incomplete = incomplete

    def _lowest(self, votes: IntArray) -> CandidateId:
        """Clause 19: fewest votes, then behind at first difference, then the statutory number."""
        hopeful = sorted(self.hopeful)
        low = min(int(votes[c]) for c in hopeful)
        tied = [c for c in hopeful if int(votes[c]) == low]
        if len(tied) == 1:
            return tied[0]
        flip = self.iterations % 2 == 1
        numbers = {c: (10000 - self.random[c]) if flip else self.random[c] for c in tied}
        chosen = min(tied, key=lambda c: (self.ahead[c], numbers[c]))
        by_ahead = [c for c in tied if self.ahead[c] == self.ahead[chosen]] == [chosen]
        names = self.e.candidates
        if by_ahead:
            how = "ahead at first difference: behind at the first iteration where the tied differed"
            method = "earlier-stage"
        else:
            shown = ", ".join(f"{names[c]} {numbers[c]:04d}" for c in tied)
            how = (
                "the statutory pseudo-random numbers (Wichmann-Hill AS 183, seeds n+5, seats, total; "
                f"complemented at odd iterations): {shown}; the lowest is excluded"
            )
            method = "lot"
        self.nz_ties.append(
            TieBreak(
                stage=len(self.log.stages) + 1,
                purpose="exclusion",
                tied=tuple(tied),
                chosen=chosen,
                method=method,
                rule="NZ Schedule 1A clause 19",
                how=how,
            )
        )
        return chosen

    def _exclude(self, c: CandidateId, reason: str, excluded_now: list[CandidateId]) -> None:
        self.hopeful.discard(c)
        self.excluded.append(c)
        self.keep[c] = 0
        self.reasons.append((c, self.iterations, reason))
        excluded_now.append(c)
        self._status_changed()

    def _quota(self, excess: int) -> int:
        seats = self.e.seats
        quota = (self.total - excess) // (seats + 1) + 1
        if seats == 1:
            whole, frac = divmod(quota, SCALE)
            quota = (whole + 1) * SCALE if frac > 1 else whole * SCALE
        return quota

    # ------------------------------------------------------------ the count
    def run(self) -> CountSheet:
        """Iterate exactly as the NZ program until the seats are filled."""
        seats = self.e.seats
        standing = len(self.prepared.standing)
        votes: IntArray | None = None
        while True:
            if standing - len(self.excluded) <= seats:
                rest = sorted(self.hopeful, key=lambda c: (-(int(votes[c]) if votes is not None else 0), c))
                self.elected.extend(rest)
                self.hopeful.clear()
                if not self.log.stages:
                    shown, excess = self.distribute()
                    self.log.add(
                        Event(action="first preferences (no more candidates than seats)", kind="first", subject=None),
                        totals=shown,
                        exhausted=excess,
                        loss=0,
                    )
                if rest:
                    self.log.amend_last(
                        elected=rest,
                        notes=[
                            f"{', '.join(self.e.candidates[c] for c in rest)} elected: no more candidates than seats"
                        ],
                    )
                break
            keep_used = {c: int(self.keep[c]) for c in self.elected}
            self.iterations += 1
            votes, excess = self.distribute()
            if self.ahead_incomplete:
                self._update_ahead(votes)
            quota = self._quota(excess)
            over = [c for c in self.hopeful if int(votes[c]) >= quota]
            if len(self.elected) + len(over) > seats:
                quota = (quota // SCALE) * SCALE + 1
            self.quota = quota
            surplus = 0
            numzero = 0
            mincand: CandidateId | None = None
            minvotes = nextmin = quota
            newly: list[CandidateId] = []
            for c in range(self.n):
                v = int(votes[c])
                hopeful = c in self.hopeful
                if hopeful and v == 0:
                    numzero += 1
                    mincand = c
                elif hopeful and v < minvotes:
                    nextmin, minvotes = minvotes, v
                    if numzero == 0:
                        mincand = c
                elif hopeful and v < nextmin:
                    nextmin = v
                elif v >= quota and (hopeful or c in self.elected):
                    surplus += v - quota
                    if hopeful and len(self.elected) + len(newly) < seats:
                        newly.append(c)
            found = {c: i for i, c in enumerate(newly)}
            newly.sort(key=lambda c: (-int(votes[c]), found[c]))
            for c in newly:
                self.hopeful.discard(c)
                self.elected.append(c)
                keep_used[c] = SCALE
            if newly:
                self._status_changed()
            excluded_now: list[CandidateId] = []
            finish = len(self.elected) >= seats
            if not finish:
                if numzero < 2:
                    gap = minvotes if numzero == 1 else nextmin - minvotes
                    if gap > surplus and mincand is not None:
                        self._exclude(mincand, REASON_OVERTAKE, excluded_now)
                    elif surplus < SURPLUS_LIMIT:
                        self._exclude(self._lowest(votes), REASON_SURPLUS, excluded_now)
                elif surplus < SURPLUS_LIMIT:
                    zeros = [c for c in sorted(self.hopeful) if int(votes[c]) == 0]
                    if standing - len(self.excluded) - numzero >= seats:
                        for c in zeros:
                            self._exclude(c, REASON_ZERO, excluded_now)
                    else:
                        for _ in range(standing - len(self.excluded) - seats):
                            self._exclude(self._lowest(votes), REASON_ZERO, excluded_now)
            if not finish:
                changed = False
                for c in range(self.n):
                    v = int(votes[c])
                    if c in self.excluded or c in self.e.withdrawn:
                        changed |= v > 0
                    elif v > quota:
                        product = _ceil_div(quota * int(self.keep[c]), SCALE)
                        new = _ceil_div(product * SCALE, v)
                        changed |= new != int(self.keep[c])
                        self.keep[c] = min(new, SCALE)
                self._quiet = 0 if (excluded_now or newly) else self._quiet + 1
                stalled = (
                    changed
                    and self._quiet > STALL_AFTER
                    and self._last_surplus is not None
                    and surplus >= self._last_surplus
                )
                self._last_surplus = None if (excluded_now or newly) else surplus
                if stalled:
                    # Not in Hill's program, which would go on: after STALL_AFTER
                    # iterations without an election or exclusion, heavy weights
                    # can keep the 9-place rounding above 0.0001 while keep values
                    # creep by 10^-9.  A surplus that no longer falls is then
                    # negligible: treated as the rules' "no change".
                    changed = False
                    self.notes_extra.append(
                        f"iteration {self.iterations}: the surplus stopped falling above 0.0001 "
                        "(9-decimal rounding); treated as negligible"
                    )
                if not changed:
                    self._exclude(self._lowest(votes), REASON_STUCK, excluded_now)
                    self._last_surplus = None
                if self.iterations >= MAX_ITERATIONS:
                    msg = f"the NZ Meek count did not finish in {MAX_ITERATIONS:,} iterations"
                    raise CountingError(msg)
            self.final = {
                "iteration": self.iterations,
                "quota": quota,
                "keep": keep_used,
                "votes": votes,
                "excess": excess,
            }
            if newly or excluded_now or finish or self.iterations == 1:
                self._log(votes, excess, newly, excluded_now)
            if finish:
                break
        return self.nz_sheet()

    def _log(self, votes: IntArray, excess: int, newly: list[CandidateId], excluded_now: list[CandidateId]) -> None:
        names = self.e.candidates
        parts = [f"iteration {self.iterations}"]
        if newly:
            parts.append(f"{', '.join(names[c] for c in newly)} elected")
        notes = []
        for c, it, reason in self.reasons:
            if it == self.iterations and c in excluded_now:
                parts.append(f"{names[c]} excluded ({reason})")
                notes.append(f"{names[c]} excluded: {reason}")
        kind = "exclusion" if excluded_now else ("first" if not self.log.stages else "surplus")
        self.log.add(
            Event(
                action="; ".join(parts),
                kind=kind,
                subject=excluded_now[0] if len(excluded_now) == 1 else None,
                elected=newly,
                excluded=excluded_now,
                notes=notes,
            ),
            totals=votes,
            exhausted=excess,
            loss=0,
        )

    def nz_sheet(self) -> CountSheet:
        """The count sheet, with the exclusions, iterations and final table in ``extra``."""
        names = self.e.candidates
        final = self.final
        notes = [f"{self.iterations} iterations", *self.notes_extra]
        if self.prepared.void:
            notes.append(f"{self.prepared.void} papers without a valid preference were void")
        extra: dict[str, object] = {
            "rules": "New Zealand, Local Electoral Regulations 2001, Schedule 1A (I.D. Hill's nzmeek 6.7.7)",
            "iterations": self.iterations,
            "excluded": [{"candidate": names[c], "iteration": it, "reason": r} for c, it, r in self.reasons],
        }
        if final:
            votes = final["votes"]
            keep = final["keep"]
            assert isinstance(keep, dict)  # noqa: S101
            extra["final"] = {
                "iteration": final["iteration"],
                "quota": _fmt(int(str(final["quota"]))),
                "keep": {names[c]: _fmt(keep.get(c, SCALE)) for c in self.elected},
                "votes": {names[c]: _fmt(int(votes[c])) for c in self.prepared.standing},  # type: ignore[index]
                "non_transferable": _fmt(int(str(final["excess"]))),
            }
        return CountSheet(
            method="meek-nz",
            candidates=names,
            seats=self.e.seats,
            total_valid=to_decimal(self.total, PRECISION),
            quota=to_decimal(self.quota, PRECISION),
            elected=tuple(self.elected),
            stages=tuple(self.log.stages),
            tie_breaks=tuple(self.nz_ties),
            precision=PRECISION,
            seed=None,
            withdrawn=self.e.withdrawn,
            notes=tuple(notes),
            extra=extra,
        )


def count_meek_nz(election: Election, *, seed: int | None = None) -> CountSheet:
    """Count ``election`` by Meek STV under the New Zealand rules.

    ``seed`` is accepted for a uniform interface and ignored: the NZ rules
    settle ties with their own deterministic generator.
    """
    del seed
    if election.minimums:
        from ballots.counting.meek_stv import count_meek_stv

        return count_meek_stv(election)
    count = MeekNzCount(election)
    if count.prepared.total_valid == 0:
        from ballots.counting.ers97 import empty_sheet

        return empty_sheet("meek-nz", election, PRECISION, void=count.prepared.void)
    return count.run()
