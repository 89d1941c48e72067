"""Celery tasks for meetings: thin, take ids, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from meetings.services.discussion import discussion_digests_send
from meetings.services.meetings import meetings_send_due_notices


@shared_task(name="meetings.send_due_notices", soft_time_limit=120, time_limit=150)
def send_due_notices() -> int:
    """Beat sweep: send every meeting notice whose notice period has begun."""
    return meetings_send_due_notices()


@shared_task(name="meetings.send_discussion_digests", soft_time_limit=300, time_limit=360)
def send_discussion_digests() -> int:
    """Beat's daily sweep: the digest of new discussion posts, to followers who chose it."""
    return discussion_digests_send()
