"""Checking in and out: with the code shown in the room, or by an officer
who finds the member by name. One row per member per meeting: leaving sets
``checked_out_at``, coming back clears it, so the attendance list keeps who
was there and quorum counts only who is in the room now."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import Conflict, DomainError, NotFound, NotPermitted
from meetings.error_codes import MeetingErrorCode as Code
from meetings.lock_objects import meeting_for_update, meeting_get
from meetings.models import AgendaItem, Attendance, Meeting
from meetings.selectors import is_eligible
from meetings.services.live import room_changed
from meetings.services.meetings import require_officer


def _check_in(*, meeting_id: int, person: Any, method: str, by: Any = None) -> Attendance:
    with transaction.atomic():
        meeting = meeting_for_update(meeting_id=meeting_id)
        if meeting.state != Meeting.State.IN_PROGRESS:
            raise Conflict(Code.NOT_IN_PROGRESS, "Check-in opens when the meeting starts.")
        if not is_eligible(meeting=meeting, person=person):
            raise NotPermitted(Code.NOT_ELIGIBLE, f"{person} is not entitled to attend and vote at this meeting.")
        late = meeting.agenda_items.exclude(state=AgendaItem.State.PENDING).exists()
        attendance = Attendance.objects.select_for_update().filter(meeting=meeting, person=person).first()
        if attendance is not None and attendance.checked_out_at is None:
            raise Conflict(Code.ALREADY_CHECKED_IN, f"{person} is already checked in.")
        if attendance is None:
            attendance = Attendance.objects.create(
                meeting=meeting, person=person, method=method, checked_in_by=by, late=late
            )
        else:  # back after leaving
            attendance.checked_out_at = None
            attendance.method, attendance.checked_in_by = method, by
            attendance.save(update_fields=["checked_out_at", "method", "checked_in_by"])
        audit_record(actor=by or person, action="checked_in", obj=attendance, unit=meeting.unit)
    room_changed(meeting_id=meeting_id)
    return attendance


def attendance_check_in(*, meeting_id: int, person: Any, room_code: str) -> Attendance:
    """A member checks themself in with the code on the screen in the room."""
    meeting = meeting_get(meeting_id=meeting_id)
    if room_code.strip().upper().replace(" ", "") != meeting.room_code:
        raise DomainError(Code.WRONG_ROOM_CODE, "That is not the code shown in the room.")
    return _check_in(meeting_id=meeting_id, person=person, method=Attendance.Method.SELF)


def attendance_check_in_by_officer(*, meeting_id: int, person: Any, actor: Any) -> Attendance:
    """An officer (the secretary, the chair) checks a member in; the list
    names whoever did it."""
    meeting = meeting_get(meeting_id=meeting_id)
    require_officer(user=actor, unit=meeting.unit, doing="check members in")
    return _check_in(meeting_id=meeting_id, person=person, method=Attendance.Method.SECRETARY, by=actor)


def attendance_check_out(*, meeting_id: int, person: Any, actor: Any) -> Attendance:
    """A member leaves (themself, or an officer records it): they stop
    counting towards quorum and cannot vote until they check in again."""
    with transaction.atomic():
        meeting = meeting_for_update(meeting_id=meeting_id)
        if actor.pk != person.pk:
            require_officer(user=actor, unit=meeting.unit, doing="check members out")
        if meeting.state != Meeting.State.IN_PROGRESS:
            raise Conflict(Code.NOT_IN_PROGRESS, "The meeting is not in progress.")
        attendance = Attendance.objects.select_for_update().filter(meeting=meeting, person=person).first()
        if attendance is None or attendance.checked_out_at is not None:
            raise NotFound(Code.NOT_CHECKED_IN, f"{person} is not checked in.")
        attendance.checked_out_at = timezone.now()
        attendance.save(update_fields=["checked_out_at"])
        audit_record(actor=actor, action="checked_out", obj=attendance, unit=meeting.unit)
    room_changed(meeting_id=meeting_id)
    return attendance
