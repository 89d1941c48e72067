"""First past the post (one seat) and block vote (several seats).

With one seat each paper's first preference is its vote.  With ``seats``
greater than one this is the block vote: each paper counts for (up to) its
first ``seats`` preferences, one vote each, and the ``seats`` candidates with
most votes are elected.  Withdrawn candidates are skipped on the paper.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ballots.counting.simple import single_round
from ballots.counting.validate import prepare

if TYPE_CHECKING:
    from ballots.counting.types import CountSheet, Election


def count_plurality(election: Election, *, seed: int | None = None) -> CountSheet:
    """Count ``election`` by plurality / block vote."""
    seats = election.seats
    return single_round(
        prepare(election),
        method="plurality",
        marks=lambda ranking: ranking[:seats],
        seed=seed,
        action="first preferences" if seats == 1 else f"votes for up to {seats} candidates",
    )
