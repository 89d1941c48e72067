"""Instant-runoff voting (alternative vote) for a single seat.

Each round, every paper counts for its highest-ranked continuing candidate.
A candidate with more than half of the votes still in play (exhausted papers
excluded) is elected; otherwise the candidate with fewest votes is excluded
and their papers move on.  Ties for exclusion look back to the most recent
round at which the tied candidates differed, then go to a seeded lot.

"Re-open nominations" (RON) is supported by listing it as an ordinary
candidate and naming its id in ``Election.ron``: it is counted exactly like a
person, and if it wins the sheet says nominations are re-opened.
"""

from __future__ import annotations

import numpy as np

from ballots.counting.papers import PaperStore
from ballots.counting.stagelog import Event, StageLog, to_decimal
from ballots.counting.ties import LOOKBACK_RECENT, TieBreaker
from ballots.counting.types import CandidateId, CountingError, CountSheet, Election
from ballots.counting.validate import prepare


def count_irv(election: Election, *, seed: int | None = None) -> CountSheet:
    """Count ``election`` (one seat) by instant runoff."""
    if election.seats != 1:
        msg = f"IRV fills exactly one seat, not {election.seats}; use an STV method"
        raise CountingError(msg)
    prepared = prepare(election)
    n = len(election.candidates)
    store = PaperStore(prepared.rankings, prepared.counts, n, 1)
    continuing = np.zeros(n, dtype=np.bool_)
    continuing[prepared.standing] = True
    ties = TieBreaker(seed, LOOKBACK_RECENT)
    log = StageLog(prepared.standing, 0)
    total = prepared.total_valid
    winner: CandidateId | None = None
    action, kind, subject = "first preferences", "first", None
    excluded_now: tuple[CandidateId, ...] = ()
    while winner is None:
        totals = store.totals()
        live = [int(c) for c in np.flatnonzero(continuing)]
        in_play = int(sum(int(totals[c]) for c in live))
        top = max(live, key=lambda c: int(totals[c]))
        elected: tuple[CandidateId, ...] = ()
        if 2 * int(totals[top]) > in_play or len(live) == 1:
            winner = top
            elected = (top,)
        log.add(
            Event(
                action=action,
                kind=kind,
                subject=subject,
                elected=elected,
                excluded=excluded_now,
            ),
            totals=totals,
            exhausted=total - in_play,
            loss=0,
        )
        if winner is not None:
            break
        low = min(int(totals[c]) for c in live)
        tied = [c for c in live if totals[c] == low]
        loser = tied[0]
        if len(tied) > 1:
            loser = ties.choose(
                tied,
                stage=len(log.stages) + 1,
                purpose="exclusion",
                history=log.history,
                lowest=True,
            )
        continuing[loser] = False
        store.advance(store.held_by(loser), continuing)
        action, kind, subject = (
            f"{election.candidates[loser]} excluded",
            "exclusion",
            loser,
        )
        excluded_now = (loser,)
    notes: list[str] = []
    if prepared.void:
        notes.append(f"{prepared.void} papers without a valid preference were void")
    if election.ron is not None and winner == election.ron:
        notes.append("re-open nominations (RON) won: no candidate is elected")
    return CountSheet(
        method="irv",
        candidates=election.candidates,
        seats=1,
        total_valid=to_decimal(total, 0),
        quota=None,
        elected=(winner,),
        stages=tuple(log.stages),
        tie_breaks=tuple(ties.log),
        precision=0,
        seed=ties.seed,
        withdrawn=election.withdrawn,
        notes=tuple(notes),
        extra={"ron_won": election.ron is not None and winner == election.ron},
    )
