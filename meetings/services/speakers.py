"""The speakers' list: members present ask to speak; the chair calls them,
runs the clock and may reorder. Every change locks the meeting row, so two
officers pressing "next" at once call one speaker, not two."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import Conflict, DomainError, ErrorCode, NotFound, NotPermitted
from meetings.error_codes import MeetingErrorCode as Code
from meetings.lock_objects import meeting_for_update
from meetings.models import AgendaItem, Attendance, Meeting, SpeakerRequest
from meetings.services.live import room_changed
from meetings.services.meetings import require_officer
from meetings.speakers import current_item, policy_for, speaker_elapsed, speakers_queue, waiting_sentence

R = SpeakerRequest


def _in_progress(meeting: Meeting) -> None:
    if meeting.state != Meeting.State.IN_PROGRESS:
        raise Conflict(Code.NOT_IN_PROGRESS, "The meeting is not in progress.")


def speaker_request(*, meeting_id: int, person: Any, kind: str, gender: str = "") -> SpeakerRequest:
    """A member in the room asks to speak on the current item. ``gender`` is
    what they choose to state (or nothing); it only serves alternation."""
    if kind not in R.Kind.values:
        raise DomainError(
            ErrorCode.INVALID, "Say how you want to speak: for, against, a point of order or of information."
        )
    if gender not in R.Gender.values:
        raise DomainError(ErrorCode.INVALID, "Choose one of the options for gender, or prefer not to say.")
    with transaction.atomic():
        meeting = meeting_for_update(meeting_id=meeting_id)
        _in_progress(meeting)
        if not Attendance.objects.filter(meeting=meeting, person=person, checked_out_at__isnull=True).exists():
            raise NotPermitted(Code.NOT_CHECKED_IN, "Check in to the meeting before you ask to speak.")
        item = current_item(meeting=meeting)
        # Checked here under the meeting's lock (the constraint cannot see a
        # request made while no item is current: NULLs are distinct).
        if SpeakerRequest.objects.filter(
            meeting=meeting, agenda_item=item, person=person, kind=kind, state=R.State.WAITING
        ).exists():
            raise Conflict(Code.ALREADY_ASKED, "You are already on the list for this.")
        try:
            with transaction.atomic():
                request = SpeakerRequest.objects.create(
                    meeting=meeting,
                    agenda_item=item,
                    person=person,
                    kind=kind,
                    gender=gender,
                    limit_seconds=policy_for(meeting=meeting).speech_seconds,
                )
        except IntegrityError:
            raise Conflict(Code.ALREADY_ASKED, "You are already on the list for this.") from None
    room_changed(meeting_id=meeting_id)
    return request


def speaker_withdraw(*, request_id: int, actor: Any) -> SpeakerRequest:
    """The member (or an officer) takes a waiting request off the list."""
    with transaction.atomic():
        request = _request_for_update(request_id)
        meeting = meeting_for_update(meeting_id=request.meeting_id)
        if request.person_id != actor.pk:
            require_officer(user=actor, unit=meeting.unit, doing="manage the speakers' list")
        if request.state != R.State.WAITING:
            raise Conflict(Code.INVALID_TRANSITION, "Only a waiting request can be withdrawn.")
        request.state = R.State.WITHDRAWN
        request.save(update_fields=["state"])
    room_changed(meeting_id=request.meeting_id)
    return request


def _request_for_update(request_id: int) -> SpeakerRequest:
    found = SpeakerRequest.objects.select_for_update().filter(pk=request_id).first()
    if found is None:
        raise NotFound(Code.NOT_FOUND, "There is no such request to speak.")
    return found


def _finish(current: SpeakerRequest) -> None:
    now = timezone.now()
    current.elapsed_seconds = speaker_elapsed(request=current, now=now)
    current.clock_started_at = None
    current.state = R.State.DONE
    current.ended_at = now
    current.save(update_fields=["elapsed_seconds", "clock_started_at", "state", "ended_at"])


def speaker_call_next(*, meeting_id: int, actor: Any) -> SpeakerRequest:
    """The current speaker (if any) is done; the first in the queue speaks
    and their clock starts."""
    with transaction.atomic():
        meeting = meeting_for_update(meeting_id=meeting_id)
        require_officer(user=actor, unit=meeting.unit, doing="call speakers")
        _in_progress(meeting)
        current = SpeakerRequest.objects.select_for_update().filter(meeting=meeting, state=R.State.SPEAKING).first()
        if current is not None:
            _finish(current)
        queue = speakers_queue(meeting=meeting)
        if not queue:
            raise Conflict(Code.NOBODY_WAITING, "Nobody is waiting to speak.")
        nxt = SpeakerRequest.objects.select_for_update().get(pk=queue[0].pk)
        now = timezone.now()
        nxt.state, nxt.started_at, nxt.clock_started_at = R.State.SPEAKING, now, now
        nxt.save(update_fields=["state", "started_at", "clock_started_at"])
        audit_record(actor=actor, action="speaker_called", obj=nxt, unit=meeting.unit)
    room_changed(meeting_id=meeting_id)
    return nxt


def speaker_finish(*, meeting_id: int, actor: Any) -> SpeakerRequest:
    """The current speaker is done; nobody is called yet."""
    with transaction.atomic():
        meeting = meeting_for_update(meeting_id=meeting_id)
        require_officer(user=actor, unit=meeting.unit, doing="manage the speakers' list")
        current = SpeakerRequest.objects.select_for_update().filter(meeting=meeting, state=R.State.SPEAKING).first()
        if current is None:
            raise Conflict(Code.NOT_SPEAKING, "Nobody is speaking.")
        _finish(current)
    room_changed(meeting_id=meeting_id)
    return current


def speaker_clock(*, meeting_id: int, actor: Any, run: bool) -> SpeakerRequest:
    """Start (``run=True``) or stop the current speaker's clock."""
    with transaction.atomic():
        meeting = meeting_for_update(meeting_id=meeting_id)
        require_officer(user=actor, unit=meeting.unit, doing="run the speakers' clock")
        current = SpeakerRequest.objects.select_for_update().filter(meeting=meeting, state=R.State.SPEAKING).first()
        if current is None:
            raise Conflict(Code.NOT_SPEAKING, "Nobody is speaking.")
        now = timezone.now()
        if run and current.clock_started_at is None:
            current.clock_started_at = now
        elif not run and current.clock_started_at is not None:
            current.elapsed_seconds = speaker_elapsed(request=current, now=now)
            current.clock_started_at = None
        current.save(update_fields=["clock_started_at", "elapsed_seconds"])
    room_changed(meeting_id=meeting_id)
    return current


def speaker_move(*, meeting_id: int, request_id: int, actor: Any, up: bool) -> SpeakerRequest:
    """The chair moves a waiting speaker one place up or down. The queue as
    shown is written down as hand-placed positions, then two swap; points
    of order stay on top whatever the chair does."""
    with transaction.atomic():
        meeting = meeting_for_update(meeting_id=meeting_id)
        require_officer(user=actor, unit=meeting.unit, doing="reorder the speakers' list")
        queue = [r for r in speakers_queue(meeting=meeting) if r.kind != R.Kind.POINT_OF_ORDER]
        index = next((i for i, r in enumerate(queue) if r.pk == request_id), None)
        if index is None:
            raise NotFound(Code.NOT_FOUND, "That request is not waiting on this item's list.")
        other = index - 1 if up else index + 1
        if 0 <= other < len(queue):
            queue[index], queue[other] = queue[other], queue[index]
        for position, row in enumerate(queue, start=1):
            SpeakerRequest.objects.filter(pk=row.pk).update(position=position)
        audit_record(actor=actor, action="speakers_reordered", obj=meeting, unit=meeting.unit)
    room_changed(meeting_id=meeting_id)
    return SpeakerRequest.objects.get(pk=request_id)


def speakers_carry_or_lapse(*, meeting: Meeting, to_item: AgendaItem, actor: Any, confirm: bool) -> int:
    """Called by ``agenda_item_take`` under the meeting's lock, before the
    current item changes. Requests made before any item was taken move onto
    the item now taken (they were waiting for it). Requests still waiting on
    the item being left refuse the move unless ``confirm``; confirmed, they
    are withdrawn and audited. Returns how many were withdrawn."""
    leaving = current_item(meeting=meeting)
    if leaving is None:
        SpeakerRequest.objects.filter(meeting=meeting, agenda_item__isnull=True, state=R.State.WAITING).update(
            agenda_item=to_item
        )
        return 0
    if leaving.pk == to_item.pk:
        return 0
    queue = speakers_queue(meeting=meeting, item=leaving)
    if not queue:
        return 0
    if not confirm:
        raise Conflict(
            Code.SPEAKERS_WAITING,
            f"{waiting_sentence(queue, item=leaving)} Taking “{to_item.title}” takes them off the list "
            "(they may ask again on the new item): confirm to go on.",
        )
    SpeakerRequest.objects.filter(pk__in=[r.pk for r in queue]).update(state=R.State.WITHDRAWN)
    audit_record(
        actor=actor, action="speakers_lapsed", obj=leaving, unit=meeting.unit, detail={"withdrawn": len(queue)}
    )
    return len(queue)
