"""Celery tasks for meetings: thin, take ids, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from meetings.services.discussion import discussion_digests_send
from meetings.services.live import room_publish
from meetings.services.meetings import meetings_send_due_notices


@shared_task(name="meetings.send_due_notices", soft_time_limit=120, time_limit=150)
def send_due_notices() -> int:
    """Beat sweep: send every meeting notice whose notice period has begun."""
    return meetings_send_due_notices()


@shared_task(name="meetings.send_discussion_digests", soft_time_limit=300, time_limit=360)
def send_discussion_digests() -> int:
    """Beat's daily sweep: the digest of new discussion posts, to followers who chose it."""
    return discussion_digests_send()


@shared_task(name="meetings.room_publish_later", soft_time_limit=20, time_limit=30)
def room_publish_later(meeting_id: int) -> None:
    """The room's state pushed once more, after votes the per-second limit held back."""
    room_publish(meeting_id=meeting_id)
