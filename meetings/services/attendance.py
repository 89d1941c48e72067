"""Checking in: with the code shown in the room, or by the secretary."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from core.audit import audit_record
from core.errors import Conflict, DomainError, NotPermitted
from meetings.error_codes import MeetingErrorCode as Code
from meetings.lock_objects import meeting_get
from meetings.models import Attendance, Meeting
from meetings.selectors import is_eligible
from meetings.services.meetings import require_officer


def _check_in(*, meeting: Meeting, person: Any, method: str, by: Any = None) -> Attendance:
    if meeting.state != Meeting.State.IN_PROGRESS:
        raise Conflict(Code.NOT_IN_PROGRESS, "Check-in opens when the meeting starts.")
    if not is_eligible(meeting=meeting, person=person):
        raise NotPermitted(Code.NOT_ELIGIBLE, f"{person} is not entitled to attend and vote at this meeting.")
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(meeting=meeting, person=person, method=method, checked_in_by=by)
    except IntegrityError:
        raise Conflict(Code.ALREADY_CHECKED_IN, f"{person} is already checked in.") from None
    audit_record(actor=by or person, action="checked_in", obj=attendance, unit=meeting.unit)
    return attendance


def attendance_check_in(*, meeting_id: int, person: Any, room_code: str) -> Attendance:
    """A member checks themself in with the code on the screen in the room."""
    meeting = meeting_get(meeting_id=meeting_id)
    if room_code.strip().upper().replace(" ", "") != meeting.room_code:
        raise DomainError(Code.WRONG_ROOM_CODE, "That is not the code shown in the room.")
    return _check_in(meeting=meeting, person=person, method=Attendance.Method.SELF)


def attendance_check_in_by_officer(*, meeting_id: int, person: Any, actor: Any) -> Attendance:
    meeting = meeting_get(meeting_id=meeting_id)
    require_officer(user=actor, unit=meeting.unit, doing="check members in")
    return _check_in(meeting=meeting, person=person, method=Attendance.Method.SECRETARY, by=actor)
