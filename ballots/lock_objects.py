"""Named row locks, so every service takes them the same way."""

from __future__ import annotations

from django.db import connection

from ballots.models import Ballot


def ballot_for_update(*, ballot_id: int) -> Ballot:
    """Lock a ballot for a lifecycle step (``SELECT … FOR UPDATE``)."""
    return Ballot.objects.select_for_update().get(pk=ballot_id)


def ballot_for_voting(*, ballot_id: int) -> Ballot:
    """Read a ballot with a ``FOR KEY SHARE`` lock on PostgreSQL.

    Votes do not block each other, but closing (``FOR UPDATE``) waits for
    every vote in flight, and a vote that starts after closing began waits
    and then sees the ballot closed, so no paper lands after the shuffle.
    SQLite serialises writers itself (``BEGIN IMMEDIATE``).
    """
    if connection.vendor == "postgresql":
        return Ballot.objects.raw(  # type: ignore[no-any-return]
            "SELECT * FROM ballots_ballot WHERE id = %s FOR KEY SHARE", [ballot_id]
        )[0]
    return Ballot.objects.get(pk=ballot_id)
