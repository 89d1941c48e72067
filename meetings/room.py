"""Reads for the room's big screen: everything the projector shows, as
plain data for its page and its JSON feed (which its script polls).

The projector is opened by an officer at a secret address, and its screen
is seen by the whole room: it shows how many of those present have voted
("N of M"), never how (no per-choice figure of a secret vote before its
result, and none at all when too few voted: ``services/votes.py``).
"""

from __future__ import annotations

from typing import Any

from core.glossary import vote_figures
from meetings.diffing import text_diff_html
from meetings.models import Amendment, Meeting, MeetingVote
from meetings.selectors import attendance_count, vote_cast_count, vote_current
from meetings.speakers import current_item, speaker_live

SHOWN_AMENDMENTS = [
    Amendment.State.SECONDED,
    Amendment.State.CARRIED,
    Amendment.State.LOST,
]


def _motion(item: Any) -> dict[str, Any] | None:
    motion = item.motion if item is not None else None
    if motion is None:
        return None
    amendments = [
        {
            "summary": a.summary,
            "state": a.get_state_display(),
            "diff_html": str(text_diff_html(before=a.base_text, after=a.text)),
        }
        for a in motion.amendments.filter(state__in=SHOWN_AMENDMENTS).order_by("created_at", "id")
    ]
    return {"title": motion.title, "text": motion.text, "state": motion.get_state_display(), "amendments": amendments}


def _vote(vote: MeetingVote | None) -> dict[str, Any] | None:
    if vote is None:
        return None
    data: dict[str, Any] = {
        "id": vote.pk,
        "title": vote.title,
        "mode_label": vote.get_mode_display(),
        "state": vote.state,
        "two_thirds": vote.threshold == MeetingVote.Threshold.TWO_THIRDS,
        "voted": vote_cast_count(vote=vote) if vote.mode != MeetingVote.Mode.HANDS else None,
        "present": vote.present,
        "carried": None,
        "figures": None,
    }
    if vote.state == MeetingVote.State.DECIDED:
        data["carried"] = vote.carried
        if vote.votes_for is not None:
            data["figures"] = {"for": vote.votes_for, "against": vote.votes_against, "abstain": vote.abstentions}
    data["status"], data["outcome"] = _vote_sentence(data, vote)
    return data


def _vote_sentence(data: dict[str, Any], vote: MeetingVote) -> tuple[str, str]:
    """What the screen says about the vote, and the outcome in one word."""
    how = vote.get_mode_display() + (" · two-thirds required" if data["two_thirds"] else "")
    if vote.state == MeetingVote.State.OPEN:
        if data["voted"] is None:
            return f"Vote open: show of hands · {how}", ""
        return f"Vote open: {data['voted']} of {vote.present} present have voted · {how}", ""
    if vote.state == MeetingVote.State.CLOSED:
        return f"Vote closed: counting · {how}", ""
    outcome = "CARRIED" if vote.carried else "LOST"
    figures = data["figures"]
    if figures is None:
        return f"Figures withheld: too few voted · {how}", outcome
    return f"{vote_figures(figures['for'], figures['against'], figures['abstain'])} · {how}", outcome


def projector_live(*, meeting: Meeting) -> dict[str, Any]:
    """The projector's state. The check-in code is in it only while the chair shows it."""
    item = current_item(meeting=meeting)
    present = attendance_count(meeting=meeting)
    return {
        "meeting": meeting.title,
        "state": meeting.get_state_display(),
        "present": present,
        "quorum": meeting.quorum,
        "quorate": present >= meeting.quorum,
        "item": {"title": item.title, "kind": item.get_kind_display(), "position": item.position} if item else None,
        "motion": _motion(item),
        "speakers": speaker_live(meeting=meeting),
        "vote": _vote(vote_current(meeting=meeting)),
        "room_code": meeting.room_code if meeting.room_code_shown else None,
    }
