"""Named row locks, so every service takes them the same way."""

from __future__ import annotations

from ballots.models import Ballot


def ballot_for_update(*, ballot_id: int) -> Ballot:
    """Lock a ballot for a lifecycle step (``SELECT … FOR UPDATE``)."""
    return Ballot.objects.select_for_update().get(pk=ballot_id)
