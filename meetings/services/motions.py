"""A motion's life: draft → submitted → seconded → ruled → decided."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import Conflict, DomainError, ErrorCode, NotPermitted
from core.state_machine import StateMachine
from governance.gate import Act, require
from governance.models import Body, Unit
from meetings import limits, permissions
from meetings.error_codes import MeetingErrorCode as Code
from meetings.lock_objects import motion_for_update
from meetings.models import Meeting, Motion, MotionFollow, Seconding
from meetings.selectors import standing_orders_for
from meetings.services.notifications import followers_notify

S = Motion.State


LIFECYCLE = StateMachine(
    noun="motion",
    states=S,
    code=Code.INVALID_TRANSITION,
    moves={
        S.SUBMITTED: {S.DRAFT},
        S.IN_ORDER: {S.SUBMITTED},
        S.OUT_OF_ORDER: {S.SUBMITTED, S.IN_ORDER},
        S.WITHDRAWN: {S.DRAFT, S.SUBMITTED, S.IN_ORDER},
        S.CARRIED: {S.IN_ORDER},
        S.LOST: {S.IN_ORDER},
        S.REMITTED: {S.IN_ORDER},
        S.REFERRED: {S.IN_ORDER},
    },
)


def _require_member(user: Any, unit: Unit, doing: str) -> None:
    if not permissions.is_member(user=user, unit=unit):
        raise NotPermitted(Code.NOT_A_MEMBER, f"Only members of {unit.name} can {doing}.")


def _require_officer(user: Any, unit: Unit, doing: str) -> None:
    require(user, Act.RULE_ON_MOTION, unit, doing=doing)


def motion_follow(*, motion: Motion, person: Any) -> None:
    MotionFollow.objects.get_or_create(motion=motion, person=person)


def motion_unfollow(*, motion: Motion, person: Any) -> None:
    MotionFollow.objects.filter(motion=motion, person=person).delete()


def _constitution_version(unit: Unit) -> str:
    """The number of the unit's current constitution, if governance keeps one."""
    try:
        from governance.models import DocumentVersion  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - documents arrived with a later governance change
        return ""
    latest = (
        DocumentVersion.objects.filter(document__unit=unit, document__kind="constitution").order_by("-number").first()
    )
    return f"{latest.document.title}, version {latest.number}" if latest else ""


def motion_create(
    *,
    unit: Unit,
    proposer: Any,
    title: str,
    text: str,
    meeting: Meeting | None = None,
    body: Body | None = None,
    amends_constitution: bool = False,
) -> Motion:
    """A member's draft. The number of seconders comes from the unit's standing orders."""
    _require_member(proposer, unit, "propose motions there")
    title = limits.title(title, what="The motion's title")
    text = limits.long_text(text, limit=limits.MOTION_TEXT, what="The motion's text")
    if not title or not text:
        raise DomainError(ErrorCode.INVALID, "A motion needs a title and a text.")
    if meeting is not None and meeting.unit_id != unit.pk:
        raise DomainError(Code.WRONG_UNIT, "That meeting belongs to another unit.")
    if body is not None and body.unit_id != unit.pk:
        raise DomainError(Code.WRONG_UNIT, "That body belongs to another unit.")
    with transaction.atomic():
        motion = Motion.objects.create(
            unit=unit,
            proposer=proposer,
            title=title,
            text=text,
            original_text=text,
            meeting=meeting,
            body=body,
            amends_constitution=amends_constitution,
            constitution_version=_constitution_version(unit) if amends_constitution else "",
            seconders_required=standing_orders_for(unit=unit).seconders_required,
        )
        motion_follow(motion=motion, person=proposer)
        audit_record(actor=proposer, action="motion_created", obj=motion, unit=unit)
    return motion


def motion_submit(*, motion_id: int, actor: Any, now: Any = None) -> Motion:
    """Draft → submitted: open for seconding. Refused after the meeting's deadline."""
    now = now or timezone.now()
    with transaction.atomic():
        motion = motion_for_update(motion_id=motion_id)
        if motion.proposer_id != actor.pk:
            raise NotPermitted(Code.NOT_THE_PROPOSER, "Only the proposer can submit this motion.")
        if motion.meeting is not None and now > motion.meeting.motions_close_at:
            raise DomainError(
                Code.DEADLINE_PASSED,
                f"Motions for {motion.meeting.title} closed on {timezone.localtime(motion.meeting.motions_close_at):%d %B %Y at %H:%M}.",
            )
        LIFECYCLE.move(motion, S.SUBMITTED)
        motion.submitted_at = now
        motion.original_text = motion.text
        motion.save(update_fields=["state", "submitted_at", "original_text"])
        audit_record(actor=actor, action="motion_submitted", obj=motion, unit=motion.unit)
    return motion


def motion_second(*, motion_id: int, seconder: Any) -> Seconding:
    """Second a submitted motion. Not your own, and only once."""
    with transaction.atomic():
        motion = motion_for_update(motion_id=motion_id)
        if motion.proposer_id == seconder.pk:
            raise DomainError(Code.OWN_MOTION, "You cannot second your own motion.")
        if motion.state != S.SUBMITTED:
            raise Conflict(
                Code.INVALID_TRANSITION, f"This motion is {motion.get_state_display().lower()}: it cannot be seconded."
            )
        _require_member(seconder, motion.unit, "second motions there")
        if Seconding.objects.filter(motion=motion, seconder=seconder).exists():
            raise Conflict(Code.ALREADY_SECONDED, "You have already seconded this motion.")
        try:
            with transaction.atomic():
                seconding = Seconding.objects.create(motion=motion, seconder=seconder)
        except IntegrityError:
            raise Conflict(Code.ALREADY_SECONDED, "You have already seconded this motion.") from None
        motion_follow(motion=motion, person=seconder)
        count = motion.secondings.count()
        audit_record(actor=seconder, action="motion_seconded", obj=motion, unit=motion.unit, detail={"count": count})
        followers_notify(
            motion=motion,
            event=f"seconded:{seconder.pk}",
            summary=f"{seconder} seconded it ({count} of {motion.seconders_required} seconders).",
            exclude=seconder,
        )
    return seconding


def motion_rule(*, motion_id: int, actor: Any, in_order: bool, reason: str = "") -> Motion:
    """The secretary's ruling. Out of order needs a reason the proposer will see."""
    reason = limits.long_text(reason, limit=limits.REASON, what="The reason")
    with transaction.atomic():
        motion = motion_for_update(motion_id=motion_id)
        _require_officer(actor, motion.unit, "rule on motions")
        if in_order:
            LIFECYCLE.move(motion, S.IN_ORDER)
            seconders = motion.secondings.count()
            if seconders < motion.seconders_required:
                raise DomainError(
                    Code.NOT_ENOUGH_SECONDERS,
                    f"This motion has {seconders} of the {motion.seconders_required} seconders it needs.",
                )
        else:
            if not reason:
                raise DomainError(Code.REASON_REQUIRED, "Give the reason the motion is out of order.")
            LIFECYCLE.move(motion, S.OUT_OF_ORDER)
        motion.ruling_reason = reason
        motion.ruled_at = timezone.now()
        motion.ruled_by = actor
        motion.save(update_fields=["state", "ruling_reason", "ruled_at", "ruled_by"])
        audit_record(actor=actor, action="motion_ruled", obj=motion, unit=motion.unit, detail={"state": motion.state})
        label = "in order" if in_order else f"out of order: {reason}"
        followers_notify(motion=motion, event=f"ruled:{motion.state}", summary=f"The secretary ruled it {label}.")
    return motion


def motion_withdraw(*, motion_id: int, actor: Any) -> Motion:
    with transaction.atomic():
        motion = motion_for_update(motion_id=motion_id)
        if motion.proposer_id != actor.pk:
            raise NotPermitted(Code.NOT_THE_PROPOSER, "Only the proposer can withdraw this motion.")
        LIFECYCLE.move(motion, S.WITHDRAWN)
        motion.decided_at = timezone.now()
        motion.save(update_fields=["state", "decided_at"])
        _amendments_lapse(motion)
        audit_record(actor=actor, action="motion_withdrawn", obj=motion, unit=motion.unit)
        followers_notify(motion=motion, event="withdrawn", summary="The proposer withdrew it.", exclude=actor)
    return motion


def _amendments_lapse(motion: Motion) -> None:
    from meetings.models import Amendment

    motion.amendments.filter(state__in=[Amendment.State.SUBMITTED, Amendment.State.SECONDED]).update(
        state=Amendment.State.FALLEN,
        decided_at=timezone.now(),
        outcome_note=f"Fell: the motion was {motion.get_state_display().lower()} before it was decided.",
    )


def motion_decide(*, motion_id: int, actor: Any, outcome: str, note: str = "") -> Motion:
    """An in-order motion's outcome set by the chair: carried or lost (when not
    voted through this app), remitted, or referred to the higher body, where
    it appears in that body's list as a new motion awaiting its ruling."""
    if outcome not in {S.CARRIED, S.LOST, S.REMITTED, S.REFERRED}:
        raise DomainError(ErrorCode.INVALID, "The outcome must be carried, lost, remitted or referred.")
    note = limits.long_text(note, limit=limits.NOTE, what="The note")
    with transaction.atomic():
        motion = motion_for_update(motion_id=motion_id)
        _require_officer(actor, motion.unit, "record outcomes")
        LIFECYCLE.move(motion, outcome)
        referral = None
        if outcome == S.REFERRED:
            higher = motion.unit.parent
            if higher is None:
                raise DomainError(Code.NO_HIGHER_BODY, f"{motion.unit.name} has no higher body to refer to.")
            referral = Motion.objects.create(
                unit=higher,
                proposer=motion.proposer,
                title=motion.title,
                text=motion.text,
                original_text=motion.text,
                state=S.SUBMITTED,
                submitted_at=timezone.now(),
                seconders_required=0,
                amends_constitution=motion.amends_constitution,
                referred_from=motion,
            )
            note = note or f"Referred to {higher.name}."
        motion.outcome_note = note
        motion.decided_at = timezone.now()
        motion.save(update_fields=["state", "outcome_note", "decided_at"])
        _amendments_lapse(motion)
        audit_record(
            actor=actor,
            action="motion_decided",
            obj=motion,
            unit=motion.unit,
            detail={"outcome": outcome, "referral": referral.pk if referral else None},
        )
        followers_notify(motion=motion, event=f"decided:{outcome}", summary=f"{S(outcome).label}. {note}".strip())
    return motion


def motion_record_vote(*, motion: Motion, carried: bool, note: str) -> None:
    """Called by the vote service, holding the motion's lock, with the figures.

    A vote in the room is the meeting's: its decision goes to the projector,
    the motion's page and the minutes, and no e-mail (issue 17), so
    followers are not written to here as they are for other decisions."""
    LIFECYCLE.move(motion, S.CARRIED if carried else S.LOST)
    motion.outcome_note = note
    motion.decided_at = timezone.now()
    motion.save(update_fields=["state", "outcome_note", "decided_at"])
    _amendments_lapse(motion)
    audit_record(actor=None, action="motion_decided", obj=motion, unit=motion.unit, detail={"outcome": motion.state})


def motion_composite(
    *, motion_ids: list[int], actor: Any, title: str, text: str, meeting_id: int | None = None
) -> Motion:
    """Merge motions on the same subject into one composite, in order; the
    originals become *composited* and point to it. Locks in id order.

    Given ``meeting_id`` (the compositing page), every motion must be for
    that meeting (``wrong_meeting``), and so is the composite."""
    if len(set(motion_ids)) < 2:
        raise DomainError(ErrorCode.INVALID, "Choose at least two motions to composite.")
    title = limits.title(title, what="The composite's title")
    text = limits.long_text(text, limit=limits.MOTION_TEXT, what="The composite's text")
    with transaction.atomic():
        motions = [motion_for_update(motion_id=i) for i in sorted(set(motion_ids))]
        unit = motions[0].unit
        _require_officer(actor, unit, "composite motions")
        if any(m.unit_id != unit.pk for m in motions):
            raise DomainError(Code.WRONG_UNIT, "Only motions of the same unit can be composited.")
        if meeting_id is not None and any(m.meeting_id != meeting_id for m in motions):
            raise DomainError(Code.WRONG_MEETING, "Only motions for this meeting can be composited here.")
        for m in motions:
            if m.state not in {S.SUBMITTED, S.IN_ORDER}:
                raise Conflict(Code.INVALID_TRANSITION, f"“{m.title}” is {m.get_state_display().lower()}.")
        composite = Motion.objects.create(
            unit=unit,
            proposer=motions[0].proposer,
            title=title.strip(),
            text=text.strip(),
            original_text=text.strip(),
            state=S.IN_ORDER,
            seconders_required=0,
            meeting=motions[0].meeting,
            amends_constitution=any(m.amends_constitution for m in motions),
            submitted_at=timezone.now(),
            ruled_at=timezone.now(),
            ruled_by=actor,
            ruling_reason="Composite of " + "; ".join(m.title for m in motions),
        )
        for m in motions:
            m.state = S.COMPOSITED
            m.composited_into = composite
            m.decided_at = timezone.now()
            m.save(update_fields=["state", "composited_into", "decided_at"])
            for follow in m.follows.all():
                motion_follow(motion=composite, person=follow.person)
            followers_notify(motion=m, event="composited", summary=f"Composited into “{composite.title}”.")
        audit_record(actor=actor, action="motion_composited", obj=composite, unit=unit, detail={"from": motion_ids})
    return composite
