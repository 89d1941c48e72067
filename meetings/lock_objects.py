"""Named row locks, so every service takes them the same way.

Call these inside ``transaction.atomic()``. Two officers acting at once are
serialised on the row; the second then sees the state the first left and
gets a clear ``invalid_transition`` instead of overwriting it.
"""

from __future__ import annotations

from core.errors import NotFound
from meetings.error_codes import MeetingErrorCode as Code
from meetings.models import AgendaItem, Amendment, Meeting, MeetingVote, Minutes, Motion, Requisition


def motion_for_update(*, motion_id: int) -> Motion:
    try:
        return Motion.objects.select_for_update().get(pk=motion_id)
    except Motion.DoesNotExist:
        raise NotFound(Code.NOT_FOUND, "There is no such motion.") from None


def amendment_for_update(*, amendment_id: int) -> Amendment:
    try:
        return Amendment.objects.select_for_update().get(pk=amendment_id)
    except Amendment.DoesNotExist:
        raise NotFound(Code.NOT_FOUND, "There is no such amendment.") from None


def amendment_with_motion_for_update(*, amendment_id: int) -> Amendment:
    """Lock the amendment's motion, then the amendment: the order of every
    service that may carry an amendment (``amendment_apply`` then locks the
    motion's other pending amendments, by id), so two amendments decided at
    once wait for each other instead of deadlocking. An amendment never
    changes motion, so reading its motion's id unlocked first is safe."""
    motion_id = Amendment.objects.filter(pk=amendment_id).values_list("motion_id", flat=True).first()
    if motion_id is None:
        raise NotFound(Code.NOT_FOUND, "There is no such amendment.")
    motion_for_update(motion_id=motion_id)
    return amendment_for_update(amendment_id=amendment_id)


def meeting_for_update(*, meeting_id: int) -> Meeting:
    try:
        return Meeting.objects.select_for_update().get(pk=meeting_id)
    except Meeting.DoesNotExist:
        raise NotFound(Code.NOT_FOUND, "There is no such meeting.") from None


def vote_for_update(*, vote_id: int) -> MeetingVote:
    try:
        return MeetingVote.objects.select_for_update().get(pk=vote_id)
    except MeetingVote.DoesNotExist:
        raise NotFound(Code.NOT_FOUND, "There is no such vote.") from None


def minutes_for_update(*, minutes_id: int) -> Minutes:
    try:
        return Minutes.objects.select_for_update().get(pk=minutes_id)
    except Minutes.DoesNotExist:
        raise NotFound(Code.NOT_FOUND, "There are no such minutes.") from None


def requisition_for_update(*, requisition_id: int) -> Requisition:
    try:
        return Requisition.objects.select_for_update().get(pk=requisition_id)
    except Requisition.DoesNotExist:
        raise NotFound(Code.NOT_FOUND, "There is no such requisition.") from None


def agenda_item_for_update(*, item_id: int) -> AgendaItem:
    try:
        return AgendaItem.objects.select_for_update().select_related("meeting__unit").get(pk=item_id)
    except AgendaItem.DoesNotExist:
        raise NotFound(Code.NOT_FOUND, "There is no such agenda item.") from None


def meeting_get(*, meeting_id: int) -> Meeting:
    """Read (no lock) or a clear 404 error."""
    try:
        return Meeting.objects.select_related("unit").get(pk=meeting_id)
    except Meeting.DoesNotExist:
        raise NotFound(Code.NOT_FOUND, "There is no such meeting.") from None


def vote_get(*, vote_id: int) -> MeetingVote:
    try:
        return MeetingVote.objects.select_related("meeting").get(pk=vote_id)
    except MeetingVote.DoesNotExist:
        raise NotFound(Code.NOT_FOUND, "There is no such vote.") from None
