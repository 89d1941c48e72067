"""Forwarding a carried motion to a meeting of a higher body (issue 24).

A branch that carries a motion may send it on to its region's or the
national conference: the motion arrives there as a new motion of that
unit, for that meeting, awaiting its officers' ruling, with the branch's
decision (its text as carried, the branch, its seconders, the vote) as its
history. The original stays *carried* and shows where it went.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import Conflict, DomainError, NotFound
from governance.gate import Act, require
from meetings.error_codes import MeetingErrorCode as Code
from meetings.lock_objects import motion_for_update
from meetings.models import Meeting, Motion, MotionForwarding
from meetings.selectors import MEETING_STATES_TAKING_MOTIONS
from meetings.services.motions import motion_follow
from meetings.services.notifications import followers_notify, forwarded_motion_notify

S = Motion.State


def _target_meeting(meeting_id: int) -> Meeting:
    try:
        return Meeting.objects.select_related("unit").get(pk=meeting_id)
    except Meeting.DoesNotExist:
        raise NotFound(Code.NOT_FOUND, "There is no such meeting.") from None


def motion_forward(*, motion_id: int, meeting_id: int, actor: Any, now: Any = None) -> MotionForwarding:
    """Forward the carried motion ``motion_id`` to ``meeting_id``, a meeting
    of a unit above the motion's own. Returns the forwarding (its
    ``forwarded`` is the new motion).

    Who: those who run the motion's unit's meetings and rule on its motions
    (``Act.RULE_ON_MOTION`` on the original, so two-factor authentication
    where the branch demands it). Refused, each with its code: not carried
    (``not_carried``), a meeting of the same unit, a sibling or a unit below
    (``not_a_higher_body``), a meeting begun, closed or cancelled
    (``motions_closed``) or past its motion deadline (``deadline_passed``),
    and a second time to the same meeting (``already_forwarded``, also
    impossible by schema). The original's row is locked, so two officers
    forwarding at once are serialised and the second gets the refusal."""
    now = now or timezone.now()
    with transaction.atomic():
        motion = motion_for_update(motion_id=motion_id)
        require(actor, Act.RULE_ON_MOTION, motion, doing="forward its motions")
        if motion.state != S.CARRIED:
            raise Conflict(
                Code.NOT_CARRIED,
                f"Only a carried motion can be forwarded; this one is {motion.get_state_display().lower()}.",
            )
        meeting = _target_meeting(meeting_id)
        above = [pk for pk in motion.unit.ancestor_ids() if pk != motion.unit_id]
        if meeting.unit_id not in above:
            raise DomainError(
                Code.NOT_A_HIGHER_BODY,
                f"{meeting.title} is a meeting of {meeting.unit.name}, which is not above {motion.unit.name}: "
                "a motion goes on only to the region or national body it belongs to.",
            )
        if meeting.state not in MEETING_STATES_TAKING_MOTIONS:
            raise Conflict(
                Code.MOTIONS_CLOSED,
                f"{meeting.title} is {meeting.get_state_display().lower()}: it takes no more motions.",
            )
        if now > meeting.motions_close_at:
            raise DomainError(
                Code.DEADLINE_PASSED,
                f"Motions for {meeting.title} closed on "
                f"{timezone.localtime(meeting.motions_close_at):%d %B %Y at %H:%M}.",
            )
        if MotionForwarding.objects.filter(original=motion, meeting=meeting).exists():
            raise Conflict(Code.ALREADY_FORWARDED, f"This motion has already been forwarded to {meeting.title}.")
        forwarded = Motion.objects.create(
            unit=meeting.unit,
            proposer=motion.proposer,
            title=motion.title,
            text=motion.text,
            original_text=motion.text,
            state=S.SUBMITTED,
            submitted_at=now,
            seconders_required=0,  # a branch's decision needs no seconder at conference
            meeting=meeting,
            amends_constitution=motion.amends_constitution,
        )
        try:
            with transaction.atomic():
                forwarding = MotionForwarding.objects.create(
                    original=motion,
                    forwarded=forwarded,
                    meeting=meeting,
                    forwarded_by=actor,
                    text_as_carried=motion.text,
                    outcome_as_carried=motion.outcome_note,
                    carried_at=motion.decided_at,
                )
        except IntegrityError:
            raise Conflict(
                Code.ALREADY_FORWARDED, f"This motion has already been forwarded to {meeting.title}."
            ) from None
        for follow in motion.follows.select_related("person"):
            motion_follow(motion=forwarded, person=follow.person)
        audit_record(
            actor=actor,
            action="motion_forwarded",
            obj=motion,
            unit=motion.unit,
            detail={"meeting": meeting.pk, "forwarded": forwarded.pk},
        )
        audit_record(
            actor=actor,
            action="motion_received",
            obj=forwarded,
            unit=meeting.unit,
            detail={"from_motion": motion.pk, "from_unit": motion.unit.slug},
        )
        followers_notify(
            motion=motion,
            event=f"forwarded:{meeting.pk}",
            summary=f"{motion.unit.name} forwarded it to {meeting.title} ({meeting.unit.name}).",
            exclude=actor,
        )
        forwarded_motion_notify(forwarding=forwarding)
    return forwarding
