"""E-mail for ballots, all through the outbox: one row per voter, unique key."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from ballots.models import Ballot, RollEntry
from core.emails import outbox_enqueue_many


def _electorate(ballot: Ballot) -> QuerySet[RollEntry]:
    return RollEntry.objects.filter(ballot=ballot).select_related("voter")


def notice_key_prefix(ballot: Ballot) -> str:
    return f"ballot-notice:{ballot.pk}"


def notice_context(ballot: Ballot) -> dict[str, object]:
    return {"ballot": ballot, "vote_url": f"{settings.SITE_URL}/ballots/{ballot.pk}/"}


def notices_enqueue(*, ballot: Ballot) -> int:
    """Notice of poll to everyone on the roll, queued in the opening transaction."""
    return outbox_enqueue_many(
        key_prefix=notice_key_prefix(ballot),
        recipients=(entry.voter for entry in _electorate(ballot).iterator(chunk_size=5000)),
        template="ballots/notice",
        context=notice_context(ballot),
    )


def results_enqueue(*, ballot: Ballot) -> int:
    """The declared result to the whole electorate, queued in the declaring transaction."""
    results = [q.result for q in ballot.questions.select_related("result") if hasattr(q, "result")]
    return outbox_enqueue_many(
        key_prefix=f"ballot-result:{ballot.pk}",
        recipients=(entry.voter for entry in _electorate(ballot).iterator(chunk_size=5000)),
        template="ballots/result",
        context={
            "ballot": ballot,
            "results": results,
            "result_url": f"{settings.SITE_URL}/ballots/{ballot.pk}/result/",
        },
    )
