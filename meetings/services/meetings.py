"""Scheduling a meeting, its notice, its agenda, opening and closing it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.audit import audit_record
from core.errors import Conflict, DomainError, ErrorCode
from core.state_machine import StateMachine
from core.text import plain_name
from governance.gate import Act, require
from governance.models import Body, Unit
from meetings import limits
from meetings.error_codes import MeetingErrorCode as Code
from meetings.lock_objects import (
    agenda_item_for_update,
    meeting_for_update,
    motion_for_update,
    requisition_for_update,
)
from meetings.models import AgendaItem, Meeting, MeetingVote, Minutes, Motion, Requisition
from meetings.models.meetings import ORDERS_FIELDS
from meetings.selectors import eligible_people, standing_orders_for
from meetings.services.live import room_changed
from meetings.services.notifications import notice_enqueue

S = Meeting.State
K = Meeting.Kind


def standing_orders_values(orders: Any) -> dict[str, Any]:
    """The numbers of a unit's standing orders, as stored in a version or a meeting."""
    return {name: getattr(orders, name) for name in ORDERS_FIELDS}


def require_officer(*, user: Any, unit: Unit, doing: str, act: Act = Act.RUN_MEETINGS) -> None:
    """The gate (``governance.gate``) for an act on a meeting runner's authority, MFA included."""
    require(user, act, unit, doing=doing)


def _bump_version(meeting: Meeting) -> None:
    meeting.version += 1


LIFECYCLE = StateMachine(
    noun="meeting",
    states=S,
    code=Code.INVALID_TRANSITION,
    moves={
        S.NOTICE_SENT: {S.SCHEDULED},
        S.IN_PROGRESS: {S.NOTICE_SENT},
        S.CLOSED: {S.IN_PROGRESS},
        S.CANCELLED: {S.SCHEDULED, S.NOTICE_SENT},
    },
    on_move=_bump_version,  # the room's clients compare versions
)


def notice_days_for(*, unit: Unit, kind: str) -> int:
    orders = standing_orders_for(unit=unit)
    return {
        K.AGM: orders.notice_days_agm,
        K.GENERAL: orders.notice_days_general,
        K.EXTRAORDINARY: orders.notice_days_extraordinary,
        K.COMMITTEE: orders.notice_days_committee,
    }[K(kind)]


def meeting_schedule(
    *,
    unit: Unit,
    actor: Any,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    place: str = "",
    body: Body | None = None,
    quorum: int | None = None,
    requisition: Requisition | None = None,
    now: dt.datetime | None = None,
) -> Meeting:
    """Schedule a meeting far enough ahead to give the standing orders' notice
    (in clear days). The notice itself goes out when it falls due."""
    now = now or timezone.now()
    require_officer(user=actor, unit=unit, doing="schedule meetings")
    title = limits.title(title, what="The meeting's title")
    place = limits.title(place, what="The place", limit=limits.MEETING_PLACE)
    if kind not in K.values:
        raise DomainError(ErrorCode.INVALID, "Choose the kind of meeting.")
    if kind == K.COMMITTEE and body is None:
        raise DomainError(ErrorCode.INVALID, "A committee meeting needs the body that meets.")
    if body is not None and body.unit_id != unit.pk:
        raise DomainError(Code.WRONG_UNIT, "That body belongs to another unit.")
    notice_days = notice_days_for(unit=unit, kind=kind)
    if starts_at - now < dt.timedelta(days=notice_days + 1):
        raise DomainError(
            Code.NOTICE_TOO_SHORT,
            f"A {K(kind).label.lower()} needs {notice_days} clear days' notice: "
            f"schedule it on {timezone.localtime(now + dt.timedelta(days=notice_days + 1)):%d %B %Y} or later.",
        )
    orders = standing_orders_for(unit=unit)
    with transaction.atomic():
        if requisition is not None:
            requisition = requisition_for_update(requisition_id=requisition.pk)
            if kind != K.EXTRAORDINARY or requisition.unit_id != unit.pk or requisition.state != Requisition.State.MET:
                raise DomainError(
                    ErrorCode.INVALID, "A met requisition calls an extraordinary meeting of its own unit."
                )
            requisition.state = Requisition.State.CALLED
            requisition.save(update_fields=["state"])
        meeting = Meeting.objects.create(
            unit=unit,
            body=body,
            kind=kind,
            title=title or f"{K(kind).label} of {unit.name}",
            place=place,
            starts_at=starts_at,
            notice_days=notice_days,
            motion_deadline_days=orders.motion_deadline_days,
            amendment_deadline_days=orders.amendment_deadline_days,
            quorum=quorum
            if quorum is not None
            else (body.holdings.filter(ends_on__isnull=True).count() // 2 + 1 if body else orders.quorum),
            requisition=requisition,
            created_by=actor,
        )
        audit_record(actor=actor, action="meeting_scheduled", obj=meeting, unit=unit)
    return meeting


def meeting_notice_send(*, meeting_id: int, actor: Any = None) -> int:
    """Scheduled → notice sent: queue the notice and agenda to every eligible
    member. ``actor`` None is the Celery sweep; an officer may send early.
    Returns the number of e-mails queued."""
    with transaction.atomic():
        meeting = meeting_for_update(meeting_id=meeting_id)
        if actor is not None:
            require_officer(user=actor, unit=meeting.unit, doing="send notices")
        LIFECYCLE.move(meeting, S.NOTICE_SENT)
        meeting.notice_sent_at = timezone.now()
        meeting.save(update_fields=["state", "notice_sent_at", "version"])
        sent = notice_enqueue(meeting=meeting, recipients=eligible_people(meeting=meeting).iterator(chunk_size=2000))
        audit_record(actor=actor, action="meeting_notice_sent", obj=meeting, unit=meeting.unit, detail={"sent": sent})
    return sent


def meetings_send_due_notices(*, now: dt.datetime | None = None) -> int:
    """Send every notice whose time has come; safe to run twice (the state
    moves on, and outbox keys are unique)."""
    now = now or timezone.now()
    horizon = now + dt.timedelta(days=400)
    sent = 0
    for meeting in Meeting.objects.filter(state=S.SCHEDULED, starts_at__lte=horizon).only(
        "pk", "starts_at", "notice_days"
    ):
        if meeting.notice_due_at > now:
            continue
        try:
            meeting_notice_send(meeting_id=meeting.pk)
            sent += 1
        except Conflict:
            continue  # another sweep got there first
    return sent


def meeting_start(*, meeting_id: int, actor: Any, confirm_early: bool = False) -> Meeting:
    """Notice sent → in progress. Before the meeting's date it starts only
    if the chair confirms (``confirm_early``): an AGM called for the 21st is
    not opened on the 1st by a slip of the finger."""
    with transaction.atomic():
        meeting = meeting_for_update(meeting_id=meeting_id)
        require_officer(user=actor, unit=meeting.unit, doing="open meetings")
        if meeting.state == S.SCHEDULED:
            raise Conflict(Code.INVALID_TRANSITION, "Send the notice before the meeting can start.")
        day = timezone.localdate(meeting.starts_at)
        if meeting.state == S.NOTICE_SENT and timezone.localdate() < day and not confirm_early:
            raise Conflict(
                Code.TOO_EARLY,
                f"This meeting is called for {day:%-d %B %Y}. To start it today, tick the box confirming that.",
            )
        LIFECYCLE.move(meeting, S.IN_PROGRESS)
        meeting.started_at = timezone.now()
        meeting.chair = actor
        meeting.standing_orders = standing_orders_values(standing_orders_for(unit=meeting.unit))
        meeting.save(update_fields=["state", "started_at", "chair", "standing_orders", "version"])
        audit_record(actor=actor, action="meeting_started", obj=meeting, unit=meeting.unit)
    room_changed(meeting_id=meeting_id)
    return meeting


def meeting_close(*, meeting_id: int, actor: Any) -> Meeting:
    """In progress → closed, and the minutes drafted from what was decided."""
    from meetings.services.minutes import minutes_draft

    with transaction.atomic():
        meeting = meeting_for_update(meeting_id=meeting_id)
        require_officer(user=actor, unit=meeting.unit, doing="close meetings")
        if meeting.votes.filter(state=MeetingVote.State.OPEN).exists():
            raise Conflict(Code.VOTE_ALREADY_OPEN, "Close the vote in progress first.")
        LIFECYCLE.move(meeting, S.CLOSED)
        meeting.ended_at = timezone.now()
        meeting.save(update_fields=["state", "ended_at", "version"])
        meeting.agenda_items.exclude(state=AgendaItem.State.DONE).update(state=AgendaItem.State.DONE)
        audit_record(actor=actor, action="meeting_closed", obj=meeting, unit=meeting.unit)
        minutes_draft(meeting_id=meeting.pk, actor=actor)
    room_changed(meeting_id=meeting_id)
    return meeting


def meeting_cancel(*, meeting_id: int, actor: Any) -> Meeting:
    with transaction.atomic():
        meeting = meeting_for_update(meeting_id=meeting_id)
        require_officer(user=actor, unit=meeting.unit, doing="cancel meetings")
        LIFECYCLE.move(meeting, S.CANCELLED)
        meeting.save(update_fields=["state", "version"])
        audit_record(actor=actor, action="meeting_cancelled", obj=meeting, unit=meeting.unit)
    room_changed(meeting_id=meeting_id)
    return meeting


def agenda_item_add(
    *,
    meeting_id: int,
    actor: Any,
    kind: str,
    title: str = "",
    notes: str = "",
    motion: Motion | None = None,
    ballot: Any = None,
    previous_minutes: Minutes | None = None,
) -> AgendaItem:
    """Append an item. Holding the meeting's lock gives two officers adding
    items at once distinct positions; a motion must be in order, of this
    unit, and appears on one agenda only once."""
    if kind not in AgendaItem.Kind.values:
        raise DomainError(ErrorCode.INVALID, "Choose the kind of agenda item.")
    title = limits.title(title, what="The item's title")
    notes = limits.long_text(notes, limit=limits.AGENDA_NOTES, what="The item's notes")
    with transaction.atomic():
        meeting = meeting_for_update(meeting_id=meeting_id)
        require_officer(user=actor, unit=meeting.unit, doing="edit the agenda")
        if meeting.state in {S.CLOSED, S.CANCELLED}:
            raise Conflict(Code.INVALID_TRANSITION, f"The meeting is {meeting.get_state_display().lower()}.")
        if kind == AgendaItem.Kind.MOTION:
            if motion is None:
                raise DomainError(ErrorCode.INVALID, "Choose the motion.")
            motion = motion_for_update(motion_id=motion.pk)
            if motion.unit_id != meeting.unit_id:
                raise DomainError(Code.WRONG_UNIT, "That motion belongs to another unit.")
            if motion.state != Motion.State.IN_ORDER:
                raise Conflict(Code.INVALID_TRANSITION, "Only a motion ruled in order can go on the agenda.")
            if meeting.agenda_items.filter(motion=motion).exists():
                raise Conflict(Code.INVALID_TRANSITION, "That motion is already on this agenda.")
            motion.meeting = meeting
            motion.save(update_fields=["meeting"])
            title = title or motion.title
        elif kind == AgendaItem.Kind.ELECTION:
            if ballot is None or ballot.unit_id != meeting.unit_id:
                raise DomainError(ErrorCode.INVALID, "An election item links to a ballot of this unit.")
            title = title or ballot.title
        elif kind == AgendaItem.Kind.MINUTES:
            if previous_minutes is None or previous_minutes.meeting.unit_id != meeting.unit_id:
                raise DomainError(ErrorCode.INVALID, "Choose the minutes to approve.")
            title = title or f"Minutes of {previous_minutes.meeting.title}"
        if not plain_name(title, what="The item's title", code="invalid"):
            raise DomainError(ErrorCode.INVALID, "Give the item a title.")
        position = (meeting.agenda_items.aggregate(m=Max("position"))["m"] or 0) + 1
        item = AgendaItem.objects.create(
            meeting=meeting,
            position=position,
            kind=kind,
            title=title.strip(),
            notes=notes,
            motion=motion if kind == AgendaItem.Kind.MOTION else None,
            ballot_id=ballot.id if ballot is not None and kind == AgendaItem.Kind.ELECTION else None,
            previous_minutes=previous_minutes if kind == AgendaItem.Kind.MINUTES else None,
        )
        meeting.version += 1
        meeting.save(update_fields=["version"])
        audit_record(actor=actor, action="agenda_item_added", obj=item, unit=meeting.unit)
    return item


def agenda_item_take(*, item_id: int, actor: Any, confirm: bool = False) -> AgendaItem:
    """Move the meeting on to this item; the previous current one is done.

    Nobody on the speakers' list is lost without the chair knowing: those
    who asked before the first item was taken wait for it; those still
    waiting on the item being left make this refuse (``speakers_waiting``,
    naming them) unless the chair confirms (``confirm``), and then their
    requests are taken off the list (they may ask again on the new item)."""
    from meetings.services.speakers import speakers_carry_or_lapse

    with transaction.atomic():
        item = agenda_item_for_update(item_id=item_id)
        meeting = meeting_for_update(meeting_id=item.meeting_id)
        require_officer(user=actor, unit=meeting.unit, doing="run the meeting")
        if meeting.state != S.IN_PROGRESS:
            raise Conflict(Code.NOT_IN_PROGRESS, "The meeting is not in progress.")
        speakers_carry_or_lapse(meeting=meeting, to_item=item, actor=actor, confirm=confirm)
        meeting.agenda_items.filter(state=AgendaItem.State.CURRENT).update(state=AgendaItem.State.DONE)
        item.state = AgendaItem.State.CURRENT
        item.save(update_fields=["state"])
    room_changed(meeting_id=item.meeting_id)
    return item


def agenda_item_record_decision(*, item_id: int, actor: Any, decision: str) -> AgendaItem:
    """Write what the meeting decided on an item (a report received, the
    accounts approved…); it goes into the minutes."""
    with transaction.atomic():
        item = agenda_item_for_update(item_id=item_id)
        require_officer(user=actor, unit=item.meeting.unit, doing="record decisions")
        item.decision = decision.strip()
        item.save(update_fields=["decision"])
        audit_record(actor=actor, action="agenda_decision", obj=item, unit=item.meeting.unit)
    return item
