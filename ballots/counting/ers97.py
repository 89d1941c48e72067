"""STV under the Electoral Reform Society's 1997 rules (ERS97), as published.

Implemented from "How to conduct an election by the Single Transferable
Vote" (ERS, 3rd edition, 1997), section 5, and checked stage by stage
against an independent counter (OpenSTV 1.7's ERS97 method) on 298
elections (``tests/data/elections/stv_references/ers97/``).  All arithmetic
is in exact integers counting hundredths of a vote (below
``MAX_TOTAL_PAPERS`` no figure comes near 64 bits).  Identical papers are
grouped and moved together in the vectorised
:class:`~ballots.counting.papers.PaperStore`, as the other STV rules do, so
a stage costs time in proportion to the piles it moves, not to the poll.

* **5.1.6 quota**: total valid vote / (places + 1) to two decimals; an exact
  result is the quota, otherwise the remainder is ignored and 0.01 added.
* **5.4.8 recalculated quota**: while nobody has been deemed elected, the
  quota is recalculated the same way from the total valid vote less the
  non-transferable vote after every transfer (the sheet lists each change).
* **5.1.7 / 5.3.13 / 5.4.9 deemed elected**: after the first stage, after
  each surplus transfer and after each batch of an exclusion, continuing
  candidates whose vote reaches (a) the quota or (b) the *total active vote*
  (continuing candidates' votes, plus votes of excluded candidates still to
  be transferred, plus surpluses awaiting transfer) divided by one more than
  the places unfilled are deemed elected, highest vote first.  (b) is taken
  to two decimals rounded up and needs at least 0.01 votes; it is never
  above the quota, so one threshold serves both tests.  When more reach it
  than there are places, 5.6.2 decides who is left out (the fewest votes at
  the first point the tied differed, otherwise by lot).
* **5.2.2 deferral**: surpluses are deferred while their total does not
  exceed (less than or equal) (a) the gap between the two lowest candidates
  or (b) the gap between a group of lowest candidates that 5.2.5 could
  exclude together and the candidate next above.  Candidates with equal
  votes are never split between a group and the rest.
* **5.2.3 largest surplus first**, ties by the votes at the first stage or
  the earliest point (after any batch) where they differed, else by lot.
* **5.3.2 last batch only**: a surplus arising after the first stage is
  transferred from the last batch of papers that the candidate received,
  at surplus / transferable papers (to two decimals, remainder ignored) when
  their value exceeds the surplus, otherwise at their present value; the
  difference is non-transferable (6.11).
* **5.2.5 bulk exclusion (shall)**: the largest group of lowest candidates
  whose votes, plus the deferred surpluses, do not exceed the vote of the
  candidate next above is excluded together, provided enough candidates
  remain to fill the places; otherwise the single lowest (ties as 5.2.3, by
  fewest votes).  At the first exclusion with no surplus, when the group
  found holds no votes at all, the lowest candidate above it goes too.
* **5.4 exclusion in batches**: the excluded candidates' papers are
  transferred one batch per transfer value, highest first, each paper at
  its present value; candidates deemed elected after a batch receive no
  further papers (5.4.10).  The whole exclusion is one stage.
* **5.5.1 / 5.5.2 completion**: the count stops as soon as the places are
  filled (even inside an exclusion: the excluded candidate then keeps the
  untransferred papers on the sheet) or when the continuing candidates are
  no more than the places left, who are then all deemed elected.
* Ties settled by lot are drawn from the count's seed (see
  :mod:`ballots.counting.ties`) and recorded on the sheet.

With equality minimums (not part of the ERS rules) the count is done by the
project's Gregory loop instead; see :mod:`ballots.counting.gregory_minimums`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np

from ballots.counting.papers import EXHAUSTED, BoolArray, IntArray, PaperStore
from ballots.counting.stagelog import to_decimal
from ballots.counting.ties import TieBreaker
from ballots.counting.types import CountSheet, Stage, TieBreak
from ballots.counting.validate import prepare

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from ballots.counting.types import CandidateId, Election
    from ballots.counting.validate import Prepared

SCALE = 100
"""Figures are kept in hundredths of a vote (two decimal places)."""

CONTINUING, OVER, EVEN, LOSER = "continuing", "over", "even", "loser"
"""Statuses: continuing; elected with surplus untransferred; elected and
settled at the quota; excluded."""


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


class Ers97Count:
    """One ERS97 count; rounds are the first stage, each surplus and each batch."""

    def __init__(self, prepared: Prepared, seed: int | None) -> None:
        """Group the papers and put every one with its first preference."""
        e = prepared.election
        self.e = e
        self.prepared = prepared
        self.n = len(e.candidates)
        self.seats = e.seats
        self.standing = prepared.standing
        self.papers = PaperStore(prepared.rankings, prepared.counts, self.n, SCALE)
        self.arrived: IntArray = np.zeros(self.papers.counts.shape[0], dtype=np.int64)
        """The round in which each group of papers reached its holder (5.3.2's last batch)."""
        self.total = int(self.papers.counts.sum()) * SCALE
        self.status: dict[CandidateId, str] = dict.fromkeys(self.standing, CONTINUING)
        self.winners: list[CandidateId] = []
        self.losers: list[CandidateId] = []
        self.fixed: dict[CandidateId, int] = {}
        self.ties = TieBreaker(seed)
        self.tie_log: list[TieBreak] = []
        self.counts: list[list[int]] = []  # per round, indexed by candidate
        self.exhausted_by_round: list[int] = []
        self.quota = 0
        self.thresh = 0
        self.surplus = 0
        self.loss = 0
        self.round_stage: list[int] = []
        self.stage = 1
        self.stage_elected: list[CandidateId] = []
        self.stages: list[Stage] = []
        self.quota_changes: list[tuple[int, int]] = []
        self.first_exclusion = True

    # ------------------------------------------------------------- figures
    def _held_totals(self) -> list[int]:
        return [int(v) for v in self.papers.totals()]

    def _continuing_mask(self) -> BoolArray:
        mask = np.zeros(self.n, dtype=np.bool_)
        mask[[c for c in self.standing if self.status[c] == CONTINUING]] = True
        return mask

    def _continuing(self) -> list[CandidateId]:
        return [c for c in self.standing if self.status[c] == CONTINUING]

    def update_round(self, transferor: CandidateId | None = None) -> None:
        """Figures of the round just completed, then quota, threshold and elections."""
        held = self._held_totals()
        count = [0] * self.n
        for c in self.standing:
            if c in self.fixed:
                count[c] = self.fixed[c]
            else:
                count[c] = held[c]
        if transferor is not None:
            self.fixed[transferor] = self.quota
            count[transferor] = self.quota
        self.counts.append(count)
        self.round_stage.append(self.stage)
        exhausted = self.total - sum(count)
        self.exhausted_by_round.append(exhausted)
        self.update_thresh()
        self.update_winners()

    def update_thresh(self) -> None:
        """5.1.6/5.4.8 quota while nobody is elected; the 5.1.7(b) threshold."""
        count = self.counts[-1]
        if not self.winners:
            quota = _ceil_div(self.total - self.exhausted_by_round[-1], self.seats + 1)
            if self.counts[:-1] and quota != self.quota:
                self.quota_changes.append((self.stage, quota))
            self.quota = quota
        active = sum(count[c] for c in self.standing if self.status[c] in (CONTINUING, LOSER))
        active += sum(count[c] - self.quota for c in self.standing if self.status[c] == OVER and count[c] > self.quota)
        left = self.seats - len(self.winners)
        if left > 0:
            self.thresh = _ceil_div(active, left + 1)
        self.surplus = sum(
            count[c] - self.quota
            for c in self.standing
            if self.status[c] in (OVER, CONTINUING) and count[c] > self.quota
        )

    def update_winners(self) -> None:
        """Deem elected everyone at or over the threshold (5.1.7, 5.3.13, 5.4.9)."""
        count = self.counts[-1]
        level = max(self.thresh, 1)
        reached = [c for c in self._continuing() if count[c] >= level]
        if not reached:
            return
        if len(reached) + len(self.winners) > self.seats:
            left_out = self.break_tie(len(self.counts) - 1, reached, most=False, purpose="election (5.6.2)")
            reached.remove(left_out)
        reached.sort(key=lambda c: (-count[c], c))
        for c in reached:
            self.status[c] = OVER
            self.winners.append(c)
            self.stage_elected.append(c)
        self.update_thresh()
        if len(self.winners) < self.seats:
            self.update_winners()

    # ---------------------------------------------------------------- ties
    def break_tie(self, r: int, field: Sequence[CandidateId], *, most: bool, purpose: str) -> CandidateId:
        """Most (or fewest) votes at round ``r``, then at the earliest round they differed, then lot."""
        count = self.counts[r]
        best = (max if most else min)(count[c] for c in field)
        tied = sorted(c for c in field if count[c] == best)
        if len(tied) == 1:
            return tied[0]
        rule = "ERS97 5.2.3" if most else ("ERS97 5.6.2" if purpose.startswith("election") else "ERS97 5.2.5")
        narrowed = list(tied)
        for i in range(r):
            figures = self.counts[i]
            target = (max if most else min)(figures[c] for c in narrowed)
            narrowed = [c for c in narrowed if figures[c] == target]
            if len(narrowed) == 1:
                self.tie_log.append(
                    TieBreak(
                        stage=self.stage,
                        purpose=purpose,
                        tied=tuple(tied),
                        chosen=narrowed[0],
                        method="earlier-stage",
                        decided_at_stage=self.round_stage[i],
                        rule=rule,
                        how=f"{'most' if most else 'fewest'} votes at the earliest point where they differed",
                    )
                )
                return narrowed[0]
        chosen = self.ties.draw(narrowed)
        self.tie_log.append(
            TieBreak(
                stage=self.stage,
                purpose=purpose,
                tied=tuple(tied),
                chosen=chosen,
                method="lot",
                seed=self.ties.seed,
                rule=rule,
                how=self.ties.describe_last(narrowed),
            )
        )
        return chosen

    # ------------------------------------------------------------ decisions
    def election_over(self) -> bool:
        """5.5.2: places filled; 5.5.1: no more continuing than places left."""
        return len(self.winners) >= self.seats or len(self._continuing()) + len(self.winners) <= self.seats

    def sure_losers(self) -> list[CandidateId]:
        """The 5.2.5 group: largest run of lowest candidates that can go together.

        Candidates with equal votes stay together; the group's votes plus
        the surpluses must not exceed the next candidate's vote, and enough
        candidates must remain to fill the places.
        """
        count = self.counts[-1]
        cont = self._continuing()
        room = len(cont) + len(self.winners) - self.seats
        if sum(count[c] for c in cont) == 0 and self.surplus == 0:
            return cont
        cont.sort(key=lambda c: (count[c], c))
        clusters: list[list[CandidateId]] = [[cont[0]]]
        for c in cont[1:]:
            if count[c] == count[clusters[-1][0]]:
                clusters[-1].append(c)
            else:
                clusters.append([c])
        running = self.surplus
        group: list[CandidateId] = []
        losers: list[CandidateId] = []
        for i, cluster in enumerate(clusters[:-1]):
            running += len(cluster) * count[cluster[0]]
            group += cluster
            if running <= count[clusters[i + 1][0]] and len(group) <= room:
                losers = list(group)
        return losers

    def surplus_due(self) -> bool:
        """5.2.2: transfer a surplus unless none, or deferral applies."""
        return self.surplus > 0 and not self.sure_losers()

    def choose_exclusions(self) -> list[CandidateId]:
        """5.2.5: the candidates to exclude at this stage."""
        r = len(self.counts) - 1
        count = self.counts[r]
        chosen: list[CandidateId] = []
        if self.first_exclusion:
            chosen = self.sure_losers()
            if self.surplus == 0:
                rest = [c for c in self._continuing() if c not in chosen]
                if len(rest) + len(self.winners) > self.seats and sum(count[c] for c in chosen) == 0:
                    chosen.append(self.break_tie(r, rest, most=False, purpose="exclusion"))
        if not self.first_exclusion or not chosen:
            chosen = self.sure_losers()
            if not chosen:
                chosen = [self.break_tie(r, self._continuing(), most=False, purpose="exclusion")]
        self.first_exclusion = False
        return chosen

    # ------------------------------------------------------------ transfers
    def transfer_surplus(self) -> CandidateId:
        """5.3: transfer the largest surplus from the last batch received."""
        r = len(self.counts) - 1
        count = self.counts[r]
        over = [c for c in self.standing if self.status[c] == OVER]
        c = self.break_tie(r, over, most=True, purpose="order of surplus transfer")
        surplus = count[c] - self.quota
        papers = self.papers
        held = papers.held_by(c)
        last_round = int(self.arrived[held].max()) if held.size else 0
        batch = held[self.arrived[held] == last_round]
        dest, pos = papers.next_holders(batch, self._continuing_mask())
        moving = dest != EXHAUSTED
        values = papers.values[batch]
        weights = papers.counts[batch[moving]]
        value = int((weights * values[moving]).sum())
        transferable = int(weights.sum())
        if value > surplus:
            tv = surplus // transferable
            values = np.minimum(values, tv)
            self.loss += surplus - transferable * tv
        self.status[c] = EVEN
        papers.retire(held)
        papers.relocate(batch[moving], dest[moving], pos[moving], values[moving])
        self.arrived[batch[moving]] = r + 1
        return c

    def exclude(self, group: list[CandidateId]) -> bool:
        """5.4: transfer the group's papers batch by batch; True if the count ended."""
        for c in group:
            self.status[c] = LOSER
            self.losers.append(c)
        papers = self.papers
        held = papers.held_by_any(group)
        if not held.size:
            self.update_round()
            return self.election_over()
        continuing = self._continuing_mask()
        for v in np.unique(papers.values[held])[::-1]:
            batch = held[papers.values[held] == v]
            papers.advance(batch, continuing)
            self.arrived[batch] = len(self.counts)
            self.update_round()
            if self.election_over():
                return True  # 5.5.2: the rest of the batches stay where they are
            continuing = self._continuing_mask()  # 5.4.10: those deemed elected receive no more
        return False

    # ---------------------------------------------------------------- stages
    def close_stage(self, kind: str, subjects: Sequence[CandidateId], action: str) -> None:
        """Record the stage just completed from its last round's figures."""
        count = self.counts[-1]
        before = self.stages[-1].votes if self.stages else dict.fromkeys(self.standing, Decimal(0))
        votes = {c: to_decimal(count[c], 2) for c in self.standing}
        loss = self.loss
        exhausted = self.exhausted_by_round[-1] - loss
        self.stages.append(
            Stage(
                number=self.stage,
                action=action,
                kind=kind,
                subject=subjects[0] if len(subjects) == 1 else None,
                votes=votes,
                transfers={c: votes[c] - before[c] for c in self.standing},
                exhausted=to_decimal(exhausted, 2),
                loss=to_decimal(loss, 2),
                elected=tuple(self.stage_elected),
                excluded=tuple(subjects) if kind == "exclusion" else (),
                notes=(),
            )
        )
        self.stage_elected = []
        self.stage += 1

    def names(self, cands: Iterable[CandidateId]) -> str:
        """Comma-separated candidate names."""
        return ", ".join(self.e.candidates[c] for c in cands)

    def run(self) -> CountSheet:
        """Stage by stage until the places are filled (5.5)."""
        self.update_round()
        self.close_stage("first", (), "first preferences")
        while not self.election_over():
            if self.surplus_due():
                c = self.transfer_surplus()
                self.update_round(transferor=c)
                self.close_stage("surplus", (c,), f"surplus of {self.e.candidates[c]} transferred")
            else:
                group = self.choose_exclusions()
                group.sort()
                self.exclude(group)
                self.close_stage("exclusion", group, f"{self.names(group)} excluded")
        return self.finish()

    def finish(self) -> CountSheet:
        """5.5.1: deem elected the continuing candidates left; build the sheet."""
        count = self.counts[-1]
        notes: list[str] = []
        if len(self.winners) < self.seats:
            rest = self._continuing()
            rest.sort(key=lambda c: (-count[c], c))
            self.winners.extend(rest)
            if rest:
                notes.append(f"{self.names(rest)} deemed elected: no more continuing candidates than places (5.5.1)")
                last = self.stages[-1]
                self.stages[-1] = Stage(
                    number=last.number,
                    action=last.action,
                    kind=last.kind,
                    subject=last.subject,
                    votes=last.votes,
                    transfers=last.transfers,
                    exhausted=last.exhausted,
                    loss=last.loss,
                    elected=last.elected + tuple(rest),
                    excluded=last.excluded,
                    notes=(*last.notes, notes[-1]),
                )
        if self.prepared.void:
            notes.append(f"{self.prepared.void} papers without a valid preference were void")
        initial = self.counts and _ceil_div(self.total, self.seats + 1)
        return CountSheet(
            method="ers97",
            candidates=self.e.candidates,
            seats=self.seats,
            total_valid=to_decimal(self.total, 2),
            quota=to_decimal(self.quota, 2),
            elected=tuple(self.winners),
            stages=tuple(self.stages),
            tie_breaks=tuple(self.tie_log),
            precision=2,
            seed=self.ties.seed if any(t.method == "lot" for t in self.tie_log) else None,
            withdrawn=self.e.withdrawn,
            notes=tuple(notes),
            extra={
                "quota_initial": f"{to_decimal(int(initial or 0), 2):.2f}",
                "quota_recalculated": [{"stage": s, "quota": f"{to_decimal(q, 2):.2f}"} for s, q in self.quota_changes],
            },
        )


def count_ers97(election: Election, *, seed: int | None = None) -> CountSheet:
    """Count ``election`` under the ERS 1997 rules (see the module docstring)."""
    if election.minimums:
        from ballots.counting.gregory_minimums import count_gregory_minimums

        return count_gregory_minimums(election, seed=seed)
    prepared = prepare(election)
    if prepared.total_valid == 0:
        return empty_sheet("ers97", election, 2, void=prepared.void)
    return Ers97Count(prepared, seed).run()


def empty_sheet(method: str, election: Election, precision: int, *, void: int) -> CountSheet:
    """The sheet of an election without a single valid paper: nobody is elected.

    No rule elects anyone on no votes, and a lot among candidates nobody
    voted for would be an election by chance; the command line refuses such
    a file outright.
    """
    zero = to_decimal(0, precision)
    standing = [c for c in range(len(election.candidates)) if c not in election.withdrawn]
    return CountSheet(
        method=method,
        candidates=election.candidates,
        seats=election.seats,
        total_valid=zero,
        quota=None,
        elected=(),
        stages=(),
        precision=precision,
        withdrawn=election.withdrawn,
        notes=(f"no valid papers ({void} void): nobody is elected", *([] if standing else ["no candidates"])),
    )
