"""A meeting or a motion by its id, for someone: found and authorised in one call.

As Zulip's ``access_stream_by_id`` (and ``ballots.access``): pages and API
views ask here, so "there is no such meeting" (404) and "you may not" (the
gate's refusal, ``governance.gate``, MFA included) are decided once. What
is raised here (``NotFound``, ``NotPermitted``, ``MFARefusal``) is
translated by the page middleware (404, 403, the MFA redirect) and by the
API handler (``{"code", "message"}``).
"""

from __future__ import annotations

from typing import Any

from core.errors import ErrorCode, NotFound
from governance.gate import Act, require
from meetings import selectors
from meetings.models import Meeting, Motion


def find_meeting(meeting_id: int) -> Meeting:
    """The meeting with what its pages show, or ``NotFound``: meetings are public."""
    try:
        return selectors.meeting_detail(meeting_id=meeting_id)
    except Meeting.DoesNotExist:
        raise NotFound(ErrorCode.NOT_FOUND, "There is no such meeting.") from None


def access_meeting(user: Any, meeting_id: int, act: Act = Act.RUN_MEETINGS, *, doing: str | None = None) -> Meeting:
    """The meeting, if ``user`` may do ``act`` in it now (run it, by default)."""
    meeting = find_meeting(meeting_id)
    require(user, act, meeting, doing=doing)
    return meeting


def visible_motion(user: Any, motion_id: int) -> Motion:
    """The read side: a motion, unless it is a draft and ``user`` is not its
    proposer (a draft is theirs alone: to anyone else it does not exist)."""
    try:
        motion = selectors.motion_detail(motion_id=motion_id)
    except Motion.DoesNotExist:
        motion = None
    if motion is None or (motion.state == Motion.State.DRAFT and motion.proposer_id != getattr(user, "pk", None)):
        raise NotFound(ErrorCode.NOT_FOUND, "There is no such motion.")
    return motion
