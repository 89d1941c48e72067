"""Reminders to members on the roll who have not voted yet.

Knowing *whether* someone voted is turnout, not secrecy: the reminder uses
participations only, never papers.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from ballots.models import Ballot, Participation, RollEntry
from core.emails import outbox_enqueue_many


def reminders_enqueue(*, ballot: Ballot) -> int:
    """Queue one reminder per non-voter (unique keys: calling twice sends once)."""
    not_voted = (
        RollEntry.objects.filter(ballot=ballot)
        .exclude(Exists(Participation.objects.filter(ballot=ballot, voter=OuterRef("voter"))))
        .select_related("voter")
    )
    return outbox_enqueue_many(
        key_prefix=f"ballot-reminder:{ballot.pk}",
        recipients=(entry.voter for entry in not_voted.iterator(chunk_size=5000)),
        template="ballots/reminder",
        context={"ballot": ballot, "vote_url": f"{settings.SITE_URL}/ballots/{ballot.pk}/"},
        optional=True,  # the notice of poll is the required one; a reminder is a courtesy
    )


def reminders_enqueue_due(*, now: dt.datetime | None = None) -> int:
    """Queue reminders for open ballots whose reminder time has come; each
    ballot is claimed under a row lock so two beats never both do it."""
    now = now or timezone.now()
    total = 0
    due = Ballot.objects.filter(
        state=Ballot.State.OPEN,
        reminder_queued_at__isnull=True,
        closes_at__gt=now,
        closes_at__lte=now + F("reminder_before"),
    ).values_list("pk", flat=True)
    for ballot_id in due:
        with transaction.atomic():
            # NO KEY UPDATE: two beats still exclude each other, but a vote
            # committing (its foreign-key checks take KEY SHARE on this row)
            # does not make the ballot look taken and its reminder skipped.
            ballot = (
                Ballot.objects.select_for_update(no_key=True, skip_locked=True)
                .filter(pk=ballot_id, state=Ballot.State.OPEN, reminder_queued_at__isnull=True)
                .first()
            )
            if ballot is None:
                continue
            total += reminders_enqueue(ballot=ballot)
            ballot.reminder_queued_at = now
            ballot.save(update_fields=["reminder_queued_at"])
    return total
