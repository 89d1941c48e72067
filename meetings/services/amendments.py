"""Amendments: proposed and seconded like motions, then accepted as
friendly by the mover or voted before the substantive motion.

An amendment changes one paragraph of the motion (``meetings.paragraphs``)
or replaces its whole text. When one carries, the motion's text becomes the
motion as amended (its ``original_text`` stays as submitted) and every other
pending amendment is looked at again: one to a paragraph the carried
amendment left alone is *re-based* onto the new text (its number moved if
paragraphs were added or deleted above it); one to a paragraph it changed,
or one rewriting the whole text, *falls*, with the reason in its
``outcome_note``: it was written against a text that no longer exists, and
applying it blindly could undo the first.
"""

from __future__ import annotations

import difflib
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator

from core.audit import audit_record
from core.errors import Conflict, DomainError, ErrorCode, NotPermitted
from governance.gate import Act, require
from meetings import limits, permissions
from meetings.error_codes import MeetingErrorCode as Code
from meetings.lock_objects import amendment_for_update, amendment_with_motion_for_update, motion_for_update
from meetings.models import Amendment, AmendmentSeconding, Motion
from meetings.paragraphs import paragraph_normalise, paragraph_replace, paragraphs_split
from meetings.selectors import standing_orders_for
from meetings.services.motions import motion_follow
from meetings.services.notifications import followers_notify

A = Amendment.State
AMENDABLE = {Motion.State.SUBMITTED, Motion.State.IN_ORDER}


def amendment_propose(
    *,
    motion_id: int,
    proposer: Any,
    summary: str,
    text: str,
    paragraph: int | None = None,
    old_paragraph: str | None = None,
    now: Any = None,
) -> Amendment:
    """Propose an amendment. With ``paragraph`` (its number, from 1) ``text``
    is that paragraph as amended (empty deletes it) and ``old_paragraph``, if
    given, the paragraph as the mover read it: refused if it has changed
    since. Without, ``text`` is the motion's whole text as amended."""
    now = now or timezone.now()
    summary = limits.title(summary, what="What the amendment does")
    text = paragraph_normalise(limits.long_text(text, limit=limits.AMENDMENT_TEXT, what="The amended text"))
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
        fields: dict[str, Any] = {"text": text}
        if paragraph is not None:
            fields = _paragraph_change(motion=motion, number=paragraph, new=text, seen=old_paragraph)
        elif not text:
            raise DomainError(ErrorCode.INVALID, "Give the motion's text as amended.")
        elif text == paragraph_normalise(motion.text):
            raise DomainError(Code.AMENDMENT_UNCHANGED, "The amended text is the same as the motion.")
        required = standing_orders_for(unit=motion.unit).amendment_seconders_required
        amendment = Amendment.objects.create(
            motion=motion,
            proposer=proposer,
            summary=summary,
            base_text=motion.text,
            seconders_required=required,
            state=A.SECONDED if required == 0 else A.SUBMITTED,
            **fields,
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


def _paragraph_change(*, motion: Motion, number: int, new: str, seen: str | None) -> dict[str, Any]:
    """The fields of an amendment to paragraph ``number``, or the refusal
    saying why there can be none."""
    paragraphs = paragraphs_split(motion.text)
    if not 1 <= number <= len(paragraphs):
        count = f"{len(paragraphs)} paragraph{'s' if len(paragraphs) != 1 else ''}"
        raise DomainError(Code.NO_SUCH_PARAGRAPH, f"The motion has {count}: there is no paragraph {number}.")
    current = paragraphs[number - 1]
    if seen is not None and paragraph_normalise(seen) != current:
        raise Conflict(
            Code.PARAGRAPH_CHANGED,
            f"Paragraph {number} has changed since you opened it; it now reads: “{Truncator(current).chars(300)}”. "
            "Amend it as it reads now.",
        )
    if new == current:
        raise DomainError(Code.AMENDMENT_UNCHANGED, f"Paragraph {number} as amended is the same as the motion's.")
    whole, _ = paragraph_replace(motion.text, number=number, new=new)
    if not whole:
        raise DomainError(ErrorCode.INVALID, "An amendment cannot delete the whole motion.")
    return {"text": whole, "paragraph": number, "old_paragraph": current, "new_paragraph": new}


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
    """Write the amendment into the motion (both rows locked by the caller),
    then re-base or fell every other pending amendment."""
    before = paragraphs_split(motion.text)
    if amendment.paragraph is not None:
        number = amendment.paragraph
        if number > len(before) or before[number - 1] != amendment.old_paragraph:
            raise Conflict(
                Code.PARAGRAPH_CHANGED,
                f"Paragraph {number} of the motion has changed since this amendment was written.",
            )
        motion.text, _ = paragraph_replace(motion.text, number=number, new=amendment.new_paragraph)
    else:
        if amendment.base_text != motion.text:
            raise Conflict(Code.INVALID_TRANSITION, "The motion has changed since this amendment was written.")
        motion.text = amendment.text
    amendment.state = state
    amendment.outcome_note = note
    amendment.decided_at = timezone.now()
    amendment.save(update_fields=["state", "outcome_note", "decided_at"])
    motion.save(update_fields=["text"])
    _others_rebase_or_fall(motion=motion, carried=amendment, before=before)


def _others_rebase_or_fall(*, motion: Motion, carried: Amendment, before: list[str]) -> None:
    """Each pending amendment but ``carried``, onto the motion's new text:
    re-based when its paragraph came through unchanged, fallen (and why)
    otherwise. ``before`` is the motion's paragraphs before ``carried``."""
    after = paragraphs_split(motion.text)
    moved = _paragraph_moves(carried=carried, before=before, after=after)
    pending = motion.amendments.select_for_update().filter(state__in=[A.SUBMITTED, A.SECONDED]).exclude(pk=carried.pk)
    for other in pending.order_by("pk"):
        if other.paragraph is None:
            _fall(
                other,
                f"Fell: the amendment “{carried.summary}” changed the motion first, and this one rewrote "
                "the whole text as it read before.",
            )
            continue
        number = moved.get(other.paragraph)
        if number is None or after[number - 1] != other.old_paragraph:
            _fall(other, f"Fell: the amendment “{carried.summary}” changed paragraph {other.paragraph} first.")
            continue
        other.paragraph = number
        other.base_text = motion.text
        other.text, _ = paragraph_replace(motion.text, number=number, new=other.new_paragraph)
        other.save(update_fields=["paragraph", "base_text", "text"])


def _paragraph_moves(*, carried: Amendment, before: list[str], after: list[str]) -> dict[int, int]:
    """Old paragraph number → new, for each paragraph the carried amendment
    left as it was. A paragraph amendment moves those after its paragraph by
    the paragraphs it added or deleted; a whole-text one keeps those the two
    texts have in common, matched in order."""
    if carried.paragraph is not None:
        shift = len(after) - len(before)
        return {
            n: n if n < carried.paragraph else n + shift for n in range(1, len(before) + 1) if n != carried.paragraph
        }
    moves: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, i1, i2, j1, _j2 in matcher.get_opcodes():
        if op == "equal":
            moves.update({i + 1: j1 + (i - i1) + 1 for i in range(i1, i2)})
    return moves


def _fall(amendment: Amendment, reason: str) -> None:
    amendment.state = A.FALLEN
    amendment.outcome_note = reason
    amendment.decided_at = timezone.now()
    amendment.save(update_fields=["state", "outcome_note", "decided_at"])


def amendment_accept_friendly(*, amendment_id: int, actor: Any) -> Amendment:
    """The mover takes the amendment into the motion without a vote."""
    with transaction.atomic():
        amendment = amendment_with_motion_for_update(amendment_id=amendment_id)
        motion = motion_for_update(motion_id=amendment.motion_id)  # held already: the row as it is now
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
    """Called by the vote service, holding the motion's lock and then the
    amendment's (``amendment_with_motion_for_update``). Like the motion's, a decision taken in the room is e-mailed to nobody."""
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
