"""Changing when voting closes, before it does.

A returning officer may move the close of a scheduled or open ballot (a
venue floods, the notice went out late), but only while the current closing
time is still ahead: a ballot whose time has passed is closed, whatever the
worker has done, and nobody can re-open the window by moving the clock. The
change takes the ballot's lock exclusively, as every lifecycle step does, so
it is ordered against votes; it is audited with both times and the reason,
and everyone on the roll of an open ballot is told by e-mail, once: a
notice of poll still queued carries the new time instead, and a change that
makes the reminder due is itself the reminder.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ballots.error_codes import BallotErrorCode as Code
from ballots.lock_objects import ballot_for_update
from ballots.models import Ballot, RollEntry
from ballots.services.casting import voting_closed_message
from ballots.services.notifications import notice_context, notice_key_prefix
from core.audit import audit_record
from core.emails import outbox_enqueue_many, outbox_rewrite_pending
from core.errors import Conflict, DomainError
from governance.gate import Act, require

CHANGEABLE = {Ballot.State.SCHEDULED, Ballot.State.OPEN}
MIN_AHEAD = dt.timedelta(minutes=5)
REASON_MAX = 300


def ballot_closing_time_change(
    *, ballot_id: int, actor: Any, closes_at: dt.datetime, reason: str, now: dt.datetime | None = None
) -> Ballot:
    """Move ``closes_at`` of a scheduled or open ballot to a later or earlier
    time that is still at least five minutes away."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(Code.REASON_REQUIRED, "Say why the closing time changes: members are told the reason.")
    if len(reason) > REASON_MAX:
        raise DomainError(Code.REASON_REQUIRED, f"The reason may be at most {REASON_MAX} characters.")
    with transaction.atomic():
        ballot = ballot_for_update(ballot_id=ballot_id)
        now = now or timezone.now()
        require(actor, Act.STOP_BALLOT, ballot, doing="change its closing time")
        if ballot.state not in CHANGEABLE:
            raise Conflict(
                Code.INVALID_TRANSITION,
                f"The closing time of a {ballot.get_state_display().lower()} ballot cannot be changed here.",
            )
        if now >= ballot.closes_at:
            raise Conflict(Code.NOT_OPEN, voting_closed_message(ballot.closes_at))
        if closes_at < now + MIN_AHEAD:
            raise DomainError(Code.INVALID_SCHEDULE, "The new closing time must be at least five minutes from now.")
        if closes_at <= ballot.opens_at:
            raise DomainError(Code.INVALID_SCHEDULE, "The new closing time must be after voting opens.")
        old = ballot.closes_at
        ballot.closes_at = closes_at
        fields = ["closes_at"]
        reminder_due = closes_at - ballot.reminder_before <= now
        if ballot.state == Ballot.State.OPEN and ballot.reminder_queued_at is None and reminder_due:
            # The new time makes the reminder due at once: this message is
            # the reminder (it tells non-voters to vote), so beat sends none.
            ballot.reminder_queued_at = now
            fields.append("reminder_queued_at")
        elif ballot.reminder_queued_at is None or closes_at > old:
            ballot.reminder_queued_at = None  # the reminder follows the new time
            fields.append("reminder_queued_at")
        ballot.save(update_fields=fields)
        audit_record(
            actor=actor,
            action="ballot_closing_time_changed",
            obj=ballot,
            unit=ballot.unit,
            detail={"from": old.isoformat(), "to": closes_at.isoformat(), "reason": reason},
        )
        if ballot.state == Ballot.State.OPEN:
            _tell_the_roll(ballot=ballot, old=old, reason=reason)
    return ballot


def _tell_the_roll(*, ballot: Ballot, old: dt.datetime, reason: str) -> None:
    """One message per person on the roll. Those whose notice of poll is
    still queued get it with the new time and nothing else; the rest get the
    change (which, for anyone who has not voted, is also the reminder)."""
    told = outbox_rewrite_pending(
        key_prefix=notice_key_prefix(ballot), template="ballots/notice", context=notice_context(ballot)
    )
    entries = RollEntry.objects.filter(ballot=ballot).exclude(voter_id__in=told).select_related("voter")
    outbox_enqueue_many(
        key_prefix=f"ballot-closing-time:{ballot.pk}:{ballot.closes_at:%Y%m%dT%H%M%S}",
        recipients=(e.voter for e in entries.iterator(5000)),
        template="ballots/closing_time",
        context={
            "ballot": ballot,
            "old_closes_at": old,
            "reason": reason,
            "vote_url": f"{settings.SITE_URL}/ballots/{ballot.pk}/",
        },
    )
