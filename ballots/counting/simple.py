"""Shared machinery for single-round counts (plurality, block, approval).

These methods have exactly one stage: each paper contributes one vote to a
set of candidates, and the ``seats`` candidates with most votes win.  Ties
for the last seat are drawn by seeded lot (there is no earlier stage to look
back at).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ballots.counting.stagelog import Event, StageLog, to_decimal
from ballots.counting.ties import LOOKBACK_NONE, TieBreaker
from ballots.counting.types import CandidateId, CountSheet

if TYPE_CHECKING:
    from collections.abc import Callable

    from ballots.counting.validate import Prepared


def single_round(
    prepared: Prepared,
    *,
    method: str,
    marks: Callable[[tuple[CandidateId, ...]], tuple[CandidateId, ...]],
    seed: int | None,
    action: str,
) -> CountSheet:
    """Tally ``marks(ranking)`` for every paper and elect the top ``seats``."""
    e = prepared.election
    tally: Counter[CandidateId] = Counter()
    exhausted = 0
    for ranking, weight in prepared.groups.items():
        chosen = marks(ranking)
        if not chosen:
            exhausted += weight
        for c in chosen:
            tally[c] += weight
    standing = prepared.standing
    totals = [tally.get(c, 0) for c in range(len(e.candidates))]
    ties = TieBreaker(seed, LOOKBACK_NONE)
    remaining = list(standing)
    elected: list[CandidateId] = []
    while len(elected) < e.seats:
        top = max(totals[c] for c in remaining)
        tied = [c for c in remaining if totals[c] == top]
        free = e.seats - len(elected)
        if len(tied) <= free:
            pick = sorted(tied)
        else:
            pick = []
            pool = list(tied)
            while len(pick) < free:
                c = ties.choose(
                    pool,
                    stage=1,
                    purpose="last seat",
                    history=[],
                    lowest=False,
                )
                pick.append(c)
                pool.remove(c)
        elected.extend(pick)
        remaining = [c for c in remaining if c not in pick]
    log = StageLog(standing, 0)
    log.add(
        Event(action=action, kind="first", subject=None, elected=elected),
        totals=totals,
        exhausted=exhausted,
        loss=0,
    )
    notes = (f"{prepared.void} papers were empty and void",) if prepared.void else ()
    return CountSheet(
        method=method,
        candidates=e.candidates,
        seats=e.seats,
        total_valid=to_decimal(prepared.total_valid, 0),
        quota=None,
        elected=tuple(elected),
        stages=tuple(log.stages),
        tie_breaks=tuple(ties.log),
        precision=0,
        seed=ties.seed,
        withdrawn=e.withdrawn,
        notes=notes,
    )
