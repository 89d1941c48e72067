"""Named locks, so every service takes them the same way."""

from __future__ import annotations

from django.db import connection

from ballots.models import Ballot

BALLOT_LOCK_NAMESPACE = 1111575636
"""First key of a ballot's advisory lock ("BALT"); the second is its id.
The vote function of migration 0004 takes the same lock, shared."""


def ballot_for_update(*, ballot_id: int) -> Ballot:
    """Lock a ballot for a lifecycle step: its row ``FOR UPDATE`` and, on
    PostgreSQL, its advisory lock exclusively, which waits for every vote in
    flight and holds back new ones until the step commits (they then see
    the new state). Call inside a transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [BALLOT_LOCK_NAMESPACE, ballot_id])
    return Ballot.objects.select_for_update().get(pk=ballot_id)
