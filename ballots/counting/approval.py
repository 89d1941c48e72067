"""Approval voting: each paper approves any number of candidates.

A ballot's ``ranking`` is read as the *set* of candidates approved (order is
irrelevant); the ``seats`` candidates approved by most papers are elected.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ballots.counting.simple import single_round
from ballots.counting.validate import prepare

if TYPE_CHECKING:
    from ballots.counting.types import CountSheet, Election


def count_approval(election: Election, *, seed: int | None = None) -> CountSheet:
    """Count ``election`` by approval voting."""
    return single_round(
        prepare(election),
        method="approval",
        marks=lambda ranking: ranking,
        seed=seed,
        action="approvals",
    )
