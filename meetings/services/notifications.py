"""E-mail about motions and meetings, all through the outbox (one row per
recipient, unique key, queued inside the caller's transaction)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model

from core.emails import outbox_enqueue_many
from governance import authority
from meetings.models import Meeting, Motion, MotionForwarding, Requisition

User = get_user_model()


def motion_url(motion: Motion) -> str:
    return f"{settings.SITE_URL}/meetings/motions/{motion.pk}/"


def meeting_url(meeting: Meeting) -> str:
    return f"{settings.SITE_URL}/meetings/{meeting.pk}/"


def followers_notify(*, motion: Motion, event: str, summary: str, exclude: Any = None) -> int:
    """Tell everyone following ``motion`` what changed. ``event`` must be
    unique per change (it is part of the outbox key), so a retried service
    call never e-mails twice."""
    followers = User.objects.filter(motion_follows__motion=motion)
    if exclude is not None:
        followers = followers.exclude(pk=exclude.pk)
    return outbox_enqueue_many(
        key_prefix=f"motion:{motion.pk}:{event}",
        recipients=followers.iterator(chunk_size=2000),
        template="meetings/motion_changed",
        context={"motion": motion, "summary": summary, "motion_url": motion_url(motion)},
        optional=True,
    )


def notice_enqueue(*, meeting: Meeting, recipients: Any) -> int:
    """The notice of meeting with its agenda, to every eligible member."""
    return outbox_enqueue_many(
        key_prefix=f"meeting-notice:{meeting.pk}",
        recipients=recipients,
        template="meetings/notice",
        context={
            "meeting": meeting,
            "agenda": list(meeting.agenda_items.select_related("motion").order_by("position", "id")),
            "meeting_url": meeting_url(meeting),
        },
    )


def requisition_met_notify(*, requisition: Requisition) -> int:
    """Tell the unit's officers (``governance.authority.officers_of``) that
    they must now call the meeting."""
    officers = authority.officers_of(requisition.unit)
    return outbox_enqueue_many(
        key_prefix=f"requisition-met:{requisition.pk}",
        recipients=officers.iterator(),
        template="meetings/requisition_met",
        context={"requisition": requisition, "count": requisition.signatures.count()},
    )


def forwarded_motion_notify(*, forwarding: MotionForwarding) -> int:
    """Tell the target unit's officers that a motion was forwarded to their
    meeting and awaits their ruling (required business, so not optional)."""
    officers = authority.officers_of(forwarding.meeting.unit)
    return outbox_enqueue_many(
        key_prefix=f"motion-forwarded:{forwarding.pk}",
        recipients=officers.iterator(),
        template="meetings/motion_forwarded",
        context={
            "forwarding": forwarding,
            "original": forwarding.original,
            "motion": forwarding.forwarded,
            "meeting": forwarding.meeting,
            "motion_url": motion_url(forwarding.forwarded),
        },
    )
