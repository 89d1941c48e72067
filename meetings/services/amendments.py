"""Amendments: proposed and seconded like motions, then accepted as
friendly by the mover or voted before the substantive motion.

An amendment carries the motion's full new text. When one changes the
motion, every other pending amendment *falls*: it was written against a text
that no longer exists, and applying it blindly could undo the first.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import Conflict, DomainError, ErrorCode, NotPermitted
from governance.gate import Act, require
from meetings import limits, permissions
from meetings.error_codes import MeetingErrorCode as Code
from meetings.lock_objects import amendment_for_update, motion_for_update
from meetings.models import Amendment, AmendmentSeconding, Motion
from meetings.selectors import standing_orders_for
from meetings.services.motions import motion_follow
from meetings.services.notifications import followers_notify

A = Amendment.State
AMENDABLE = {Motion.State.SUBMITTED, Motion.State.IN_ORDER}


def amendment_propose(*, motion_id: int, proposer: Any, summary: str, text: str, now: Any = None) -> Amendment:
    now = now or timezone.now()
    summary = limits.title(summary, what="What the amendment does")
    text = limits.long_text(text, limit=limits.AMENDMENT_TEXT, what="The amended text")
    with transaction.atomic():
        motion = motion_for_update(motion_id=motion_id)
        if not permissions.is_member(user=proposer, unit=motion.unit):
            raise NotPermitted(Code.NOT_A_MEMBER, f"Only members of {motion.unit.name} can propose amendments.")
        if motion.state not in AMENDABLE:
            raise Conflict(
                Code.INVALID_TRANSITION, f"This motion is {motion.get_state_display().lower()}: it cannot be amended."
            )
        if motion.meeting is not None and now > motion.meeting.amendments_close_at:
            closes = timezone.localtime(motion.meeting.amendments_close_at)
            raise DomainError(Code.DEADLINE_PASSED, f"Amendments to this motion closed on {closes:%d %B %Y at %H:%M}.")
        if not summary:
            raise DomainError(ErrorCode.INVALID, "Say in a line what the amendment does.")
        if text == motion.text.strip():
            raise DomainError(Code.AMENDMENT_UNCHANGED, "The amended text is the same as the motion.")
        required = standing_orders_for(unit=motion.unit).amendment_seconders_required
        amendment = Amendment.objects.create(
            motion=motion,
            proposer=proposer,
            summary=summary,
            text=text,
            base_text=motion.text,
            seconders_required=required,
            state=A.SECONDED if required == 0 else A.SUBMITTED,
        )
        motion_follow(motion=motion, person=proposer)
        audit_record(actor=proposer, action="amendment_proposed", obj=amendment, unit=motion.unit)
        followers_notify(
            motion=motion,
            event=f"amendment:{amendment.pk}",
            summary=f"{proposer} proposed an amendment: {summary}",
            exclude=proposer,
        )
    return amendment


def amendment_second(*, amendment_id: int, seconder: Any) -> AmendmentSeconding:
    with transaction.atomic():
        amendment = amendment_for_update(amendment_id=amendment_id)
        if amendment.proposer_id == seconder.pk:
            raise DomainError(Code.OWN_MOTION, "You cannot second your own amendment.")
        if amendment.state != A.SUBMITTED:
            raise Conflict(
                Code.INVALID_TRANSITION,
                f"This amendment is {amendment.get_state_display().lower()}: it cannot be seconded.",
            )
        if not permissions.is_member(user=seconder, unit=amendment.motion.unit):
            raise NotPermitted(Code.NOT_A_MEMBER, "Only members can second amendments.")
        try:
            with transaction.atomic():
                seconding = AmendmentSeconding.objects.create(amendment=amendment, seconder=seconder)
        except IntegrityError:
            raise Conflict(Code.ALREADY_SECONDED, "You have already seconded this amendment.") from None
        if amendment.secondings.count() >= amendment.seconders_required:
            amendment.state = A.SECONDED
            amendment.save(update_fields=["state"])
        audit_record(actor=seconder, action="amendment_seconded", obj=amendment, unit=amendment.motion.unit)
    return seconding


def amendment_apply(*, motion: Motion, amendment: Amendment, state: str, note: str = "") -> None:
    """Write the amended text into the motion (both rows locked by the caller)
    and let every other pending amendment fall."""
    if amendment.base_text != motion.text:
        raise Conflict(Code.INVALID_TRANSITION, "The motion has changed since this amendment was written.")
    amendment.state = state
    amendment.outcome_note = note
    amendment.decided_at = timezone.now()
    amendment.save(update_fields=["state", "outcome_note", "decided_at"])
    motion.text = amendment.text
    motion.save(update_fields=["text"])
    motion.amendments.filter(state__in=[A.SUBMITTED, A.SECONDED]).exclude(pk=amendment.pk).update(
        state=A.FALLEN, decided_at=timezone.now()
    )


def amendment_accept_friendly(*, amendment_id: int, actor: Any) -> Amendment:
    """The mover takes the amendment into the motion without a vote."""
    with transaction.atomic():
        amendment = amendment_for_update(amendment_id=amendment_id)
        motion = motion_for_update(motion_id=amendment.motion_id)
        if motion.proposer_id != actor.pk:
            raise NotPermitted(Code.NOT_THE_PROPOSER, "Only the motion's mover can accept an amendment as friendly.")
        if not amendment.is_pending or motion.state not in AMENDABLE:
            raise Conflict(Code.INVALID_TRANSITION, "This amendment can no longer be accepted.")
        amendment_apply(motion=motion, amendment=amendment, state=A.ACCEPTED, note="Accepted by the mover as friendly.")
        audit_record(actor=actor, action="amendment_accepted", obj=amendment, unit=motion.unit)
        followers_notify(
            motion=motion,
            event=f"amendment:{amendment.pk}:accepted",
            summary=f"The mover accepted: {amendment.summary}",
        )
    return amendment


def amendment_record_vote(*, amendment: Amendment, carried: bool, note: str) -> None:
    """Called by the vote service, holding the amendment's lock. Like the
    motion's, a decision taken in the room is e-mailed to nobody."""
    if not amendment.is_pending:
        raise Conflict(Code.INVALID_TRANSITION, "This amendment has already been decided.")
    motion = motion_for_update(motion_id=amendment.motion_id)
    if carried:
        amendment_apply(motion=motion, amendment=amendment, state=A.CARRIED, note=note)
    else:
        amendment.state = A.LOST
        amendment.outcome_note = note
        amendment.decided_at = timezone.now()
        amendment.save(update_fields=["state", "outcome_note", "decided_at"])
    audit_record(actor=None, action="amendment_decided", obj=amendment, unit=motion.unit, detail={"carried": carried})


def amendment_withdraw(*, amendment_id: int, actor: Any) -> Amendment:
    with transaction.atomic():
        amendment = amendment_for_update(amendment_id=amendment_id)
        if amendment.proposer_id != actor.pk:
            raise NotPermitted(Code.NOT_THE_PROPOSER, "Only its proposer can withdraw an amendment.")
        if not amendment.is_pending:
            raise Conflict(Code.INVALID_TRANSITION, "This amendment has already been decided.")
        amendment.state = A.WITHDRAWN
        amendment.decided_at = timezone.now()
        amendment.save(update_fields=["state", "decided_at"])
        audit_record(actor=actor, action="amendment_withdrawn", obj=amendment, unit=amendment.motion.unit)
    return amendment


def amendment_rule_out_of_order(*, amendment_id: int, actor: Any, reason: str) -> Amendment:
    with transaction.atomic():
        amendment = amendment_for_update(amendment_id=amendment_id)
        require(actor, Act.RULE_ON_MOTION, amendment.motion.unit, doing="rule on amendments")
        reason = limits.long_text(reason, limit=limits.REASON, what="The reason")
        if not reason:
            raise DomainError(Code.REASON_REQUIRED, "Give the reason the amendment is out of order.")
        if not amendment.is_pending:
            raise Conflict(Code.INVALID_TRANSITION, "This amendment has already been decided.")
        amendment.state = A.OUT_OF_ORDER
        amendment.ruling_reason = reason.strip()
        amendment.decided_at = timezone.now()
        amendment.save(update_fields=["state", "ruling_reason", "decided_at"])
        audit_record(actor=actor, action="amendment_ruled", obj=amendment, unit=amendment.motion.unit)
    return amendment
