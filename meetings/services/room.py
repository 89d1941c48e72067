"""The room's screen: the check-in code (shown only when the chair chooses,
rotatable) and the projector's secret address (rotatable)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from core.audit import audit_record
from meetings.lock_objects import meeting_for_update
from meetings.models import Meeting
from meetings.models.meetings import new_projector_token, new_room_code
from meetings.services.live import room_changed
from meetings.services.meetings import require_officer


def room_code_show(*, meeting_id: int, actor: Any, shown: bool) -> Meeting:
    """Show the check-in code (and its QR code) on the projector, or hide it."""
    with transaction.atomic():
        meeting = meeting_for_update(meeting_id=meeting_id)
        require_officer(user=actor, unit=meeting.unit, doing="show the check-in code")
        meeting.room_code_shown = shown
        meeting.save(update_fields=["room_code_shown"])
        audit_record(
            actor=actor, action="room_code_shown" if shown else "room_code_hidden", obj=meeting, unit=meeting.unit
        )
    room_changed(meeting_id=meeting_id)
    return meeting


def room_code_rotate(*, meeting_id: int, actor: Any) -> Meeting:
    """A new check-in code: the old one (seen outside the room, say) stops working."""
    with transaction.atomic():
        meeting = meeting_for_update(meeting_id=meeting_id)
        require_officer(user=actor, unit=meeting.unit, doing="change the check-in code")
        old = meeting.room_code
        while meeting.room_code == old:
            meeting.room_code = new_room_code()
        meeting.save(update_fields=["room_code"])
        audit_record(actor=actor, action="room_code_rotated", obj=meeting, unit=meeting.unit)
    room_changed(meeting_id=meeting_id)
    return meeting


def projector_token_rotate(*, meeting_id: int, actor: Any) -> Meeting:
    """A new projector address: screens open on the old one stop updating."""
    with transaction.atomic():
        meeting = meeting_for_update(meeting_id=meeting_id)
        require_officer(user=actor, unit=meeting.unit, doing="change the projector link")
        meeting.projector_token = new_projector_token()
        meeting.save(update_fields=["projector_token"])
        audit_record(actor=actor, action="projector_link_rotated", obj=meeting, unit=meeting.unit)
    return meeting
