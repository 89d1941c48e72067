"""Ballots for secret votes taken in a meeting.

A secret vote in the room is a ballot like any other, stored and counted by
the same code, so it keeps every property of an online ballot's secrecy. It
is the meeting's, though: open at once, its roll the members present (and
principals voting by proxy), no notice or reminder e-mailed, never declared
to the roll, not listed among the unit's online ballots (its ``origin``
is ``meeting``). The meetings app asks for one here rather than
writing ballots' tables itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from ballots.models import Ballot, Option, Question
from ballots.services.lifecycle import ballot_open

# Longer than any meeting; the chair's close ends it, this only bounds it.
ROOM_BALLOT_HOURS = 12


def room_motion_ballot_open(
    *,
    unit: Any,
    title: str,
    text: str,
    actor: Any,
    threshold: str,
    roll_person_ids: Iterable[int],
    motion: Any = None,
    now: dt.datetime | None = None,
) -> Ballot:
    """Create and open, in one transaction, a for/against/abstain ballot for
    the people in the room. ``threshold`` is a ``Question.Threshold`` value."""
    now = now or timezone.now()
    with transaction.atomic():
        ballot = Ballot.objects.create(
            unit=unit,
            origin=Ballot.Origin.MEETING,
            title=title[:200],
            description="Secret vote in the meeting, open to the members checked in.",
            returning_officer=actor,
            state=Ballot.State.SCHEDULED,
            opens_at=now,
            closes_at=now + dt.timedelta(hours=ROOM_BALLOT_HOURS),
            publish_papers=False,
            # Its result goes to the room and the minutes, never to the roll by
            # e-mail: no declaration, and no reminder (marked as already queued).
            declare_automatically=False,
            reminder_queued_at=now,
        )
        question = Question.objects.create(
            ballot=ballot,
            kind=Question.Kind.MOTION,
            title=title[:200],
            text=text,
            method=Question.Method.MOTION,
            threshold=threshold,
            motion=motion,
        )
        Option.objects.bulk_create(Option.for_motion(question))
        return ballot_open(
            ballot_id=ballot.pk, actor=actor, now=now, roll_person_ids=list(roll_person_ids), send_notices=False
        )
