"""Reads of the verifiable mode: the public ballot box, page by page."""

from __future__ import annotations

from ballots.models import VerifiableBallot, VerifiableElection

BOX_PAGE = 100


def box_trackers(*, election: VerifiableElection, after: str = "", limit: int = BOX_PAGE) -> list[str]:
    """Trackers of the accepted ballots in tracker order, after ``after``: one index range per page,
    whatever the size of the box, and an order that says nothing about when anyone voted."""
    rows = VerifiableBallot.objects.filter(election=election)
    if after:
        rows = rows.filter(tracker__gt=after)
    return list(rows.order_by("tracker").values_list("tracker", flat=True)[:limit])
