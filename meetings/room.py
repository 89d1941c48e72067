"""Reads for the room's big screen: everything the projector shows, as
plain data for its page and its JSON feed (which its script polls).

The projector is opened by an officer at a secret address, and its screen
is seen by the whole room: it shows the room's public view, the same as
phones (``selectors.live_state``, which says what a vote shows when), plus
what only the screen in the room shows.
"""

from __future__ import annotations

from typing import Any

from meetings.models import Meeting
from meetings.selectors import live_state
from meetings.speakers import speaker_live


def projector_live(*, meeting: Meeting) -> dict[str, Any]:
    """The projector's state: the room's public view (``live_state``, the
    same as phones get, counter policy included) and what only the room's
    own screen shows: the check-in code while the chair shows it, and the
    speakers' names and clock."""
    return {**live_state(meeting=meeting), **projector_extras(meeting=meeting)}


def officers_live(*, meeting: Meeting) -> dict[str, Any]:
    """The console's state: the chair's view of the room (``live_state``
    with ``chair_view``: a secret vote's turnout) and the speakers' list
    and clock the projector shows, so the console can redraw its list and
    run the speech clock from a push instead of a reload."""
    return {**live_state(meeting=meeting, chair_view=True), "speakers": speaker_live(meeting=meeting)}


def projector_extras(*, meeting: Meeting) -> dict[str, Any]:
    return {
        "speakers": speaker_live(meeting=meeting),
        "room_code": meeting.room_code if meeting.room_code_shown else None,
    }
