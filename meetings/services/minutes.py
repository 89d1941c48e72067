"""Minutes: drafted from the agenda and the decisions, edited by the
secretary with every version kept, approved at a later meeting.

Two officers editing at once: each edit names the version it started from,
and the minutes row is locked while the new version is written, so the
second save is refused with ``stale_version`` instead of silently replacing
the first.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.audit import audit_record
from core.errors import Conflict, DomainError, ErrorCode
from meetings import limits
from meetings.error_codes import MeetingErrorCode as Code
from meetings.lock_objects import meeting_for_update, minutes_for_update
from meetings.models import AgendaItem, Meeting, MeetingVote, Minutes, MinutesVersion, PaperCount, ProxyAppointment
from meetings.services.meetings import require_officer
from meetings.speakers import speakers_for_minutes


def minutes_speakers_by_item(*, meeting: Meeting) -> dict[int, list[str]]:
    """Who spoke on each agenda item, in the order they spoke, from the
    speakers' list (``meetings.speakers.speakers_for_minutes``): lines such
    as "Ann Example (against, 2:05)", keyed by agenda item id."""
    spoken: dict[int, list[str]] = {}
    for request in speakers_for_minutes(meeting=meeting):
        if request.agenda_item_id is None:
            continue
        minutes_, seconds = divmod(request.elapsed_seconds, 60)
        spoken.setdefault(request.agenda_item_id, []).append(
            f"{request.person} ({request.get_kind_display().lower()}, {minutes_}:{seconds:02d})"
        )
    return spoken


def minutes_text_draft(*, meeting: Meeting) -> str:
    """The first draft, in Markdown: the day it was held (when it was opened,
    not the day it was called for), its chair and who was present (everyone
    who checked in at any time), then each item with who
    spoke, what was decided and the figures of every vote taken on it."""
    items = []
    speakers = minutes_speakers_by_item(meeting=meeting)
    for item in meeting.agenda_items.select_related("motion", "previous_minutes__meeting").order_by("position", "id"):
        votes = [
            v
            for v in meeting.votes.filter(agenda_item=item).order_by("opened_at", "id")
            if v.state == MeetingVote.State.DECIDED
        ]
        items.append({"item": item, "votes": votes, "speakers": speakers.get(item.pk, [])})
    present_names = sorted(str(a.person) for a in meeting.attendances.select_related("person"))
    loose = meeting.votes.filter(agenda_item__isnull=True, state=MeetingVote.State.DECIDED).order_by("opened_at", "id")
    return (
        render_to_string(
            "meetings/minutes_draft.md",
            {
                "meeting": meeting,
                "items": items,
                "loose_votes": list(loose),
                "present": len(present_names),
                "present_names": present_names,
                "paper_counts": list(
                    PaperCount.objects.filter(meeting=meeting, state=PaperCount.State.COUNTED).order_by(
                        "created_at", "id"
                    )
                ),
                "proxies": list(
                    ProxyAppointment.objects.filter(meeting=meeting, revoked_at__isnull=True)
                    .select_related("principal", "holder")
                    .order_by("principal__full_name", "id")
                ),
            },
        ).strip()
        + "\n"
    )


def minutes_draft(*, meeting_id: int, actor: Any = None) -> Minutes:
    """Create the minutes with version 1; calling again returns them unchanged."""
    with transaction.atomic():
        meeting = meeting_for_update(meeting_id=meeting_id)
        existing = Minutes.objects.filter(meeting=meeting).first()
        if existing is not None:
            return existing
        minutes = Minutes.objects.create(meeting=meeting, current_version=1)
        MinutesVersion.objects.create(
            minutes=minutes,
            number=1,
            text=minutes_text_draft(meeting=meeting),
            author=actor,
            note="Drafted from the agenda",
        )
        audit_record(actor=actor, action="minutes_drafted", obj=minutes, unit=meeting.unit)
    return minutes


def minutes_edit(*, minutes_id: int, actor: Any, text: str, base_version: int, note: str = "") -> MinutesVersion:
    limits.long_text(text, limit=limits.MINUTES_TEXT, what="The minutes")  # stored as typed
    note = limits.title(note, what="The note on this version")
    with transaction.atomic():
        minutes = minutes_for_update(minutes_id=minutes_id)
        require_officer(user=actor, unit=minutes.meeting.unit, doing="edit minutes")
        if minutes.state != Minutes.State.DRAFT:
            raise Conflict(Code.INVALID_TRANSITION, "Approved minutes cannot be edited.")
        if base_version != minutes.current_version:
            raise Conflict(
                Code.STALE_VERSION,
                f"Someone saved version {minutes.current_version} while you were editing version {base_version}. "
                "Reload, and apply your changes to the latest version.",
            )
        if not text.strip():
            raise DomainError(ErrorCode.INVALID, "The minutes cannot be empty.")
        minutes.current_version += 1
        minutes.save(update_fields=["current_version"])
        version = MinutesVersion.objects.create(
            minutes=minutes, number=minutes.current_version, text=text.strip() + "\n", author=actor, note=note[:200]
        )
        audit_record(
            actor=actor,
            action="minutes_edited",
            obj=minutes,
            unit=minutes.meeting.unit,
            detail={"version": version.number},
        )
    return version


def _record_approval_on_agenda(*, minutes: Minutes, at_meeting: Meeting) -> None:
    """The approving meeting's agenda item for these minutes carries the
    decision, so the meeting's page and its drafted minutes say so."""
    sentence = f"The minutes of {minutes.meeting.title} were approved as a true record."
    for item in AgendaItem.objects.select_for_update().filter(meeting=at_meeting, previous_minutes=minutes):
        item.decision = "\n".join(filter(None, [item.decision, sentence]))
        item.save(update_fields=["decision"])


def minutes_approve(*, minutes_id: int, actor: Any, at_meeting_id: int) -> Minutes:
    """Approved as a true record by a later meeting of the same unit, in progress."""
    with transaction.atomic():
        minutes = minutes_for_update(minutes_id=minutes_id)
        at_meeting = meeting_for_update(meeting_id=at_meeting_id)
        require_officer(user=actor, unit=minutes.meeting.unit, doing="approve minutes")
        if minutes.state != Minutes.State.DRAFT:
            raise Conflict(Code.INVALID_TRANSITION, "These minutes are already approved.")
        if at_meeting.unit_id != minutes.meeting.unit_id or at_meeting.starts_at <= minutes.meeting.starts_at:
            raise DomainError(ErrorCode.INVALID, "Minutes are approved at a later meeting of the same unit.")
        if at_meeting.state != Meeting.State.IN_PROGRESS:
            raise Conflict(Code.NOT_IN_PROGRESS, "Minutes are approved during a meeting in progress.")
        minutes.state = Minutes.State.APPROVED
        minutes.approved_at = timezone.now()
        minutes.approved_at_meeting = at_meeting
        minutes.save(update_fields=["state", "approved_at", "approved_at_meeting"])
        _record_approval_on_agenda(minutes=minutes, at_meeting=at_meeting)
        audit_record(actor=actor, action="minutes_approved", obj=minutes, unit=at_meeting.unit)
    return minutes
