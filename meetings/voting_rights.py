"""Who may vote in a meeting vote, decided in one place.

The member's page (whether to show vote buttons or a reason), the API
(``GET /api/meetings/votes/<id>/right/``) and the casting service all ask
``vote_right``, so a phone never offers a button the server will refuse.
A secret vote's roll is frozen when it opens (``services/votes.py``): a
member who checks in afterwards is not on it, and is told so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from accounts.models import User
from ballots.for_meetings import room_ballot_on_roll, room_ballot_roll_size, room_ballot_roll_voter_ids
from core.errors import Conflict, DomainError, NotPermitted
from meetings.error_codes import MeetingErrorCode as Code
from meetings.models import Attendance, MeetingVote
from meetings.selectors import is_checked_in


@dataclass(frozen=True)
class VoteRight:
    """``may`` or not, and if not, a code and a sentence for the member."""

    may: bool
    code: str = ""
    reason: str = ""
    error: type[DomainError] = DomainError

    def refusal(self) -> DomainError:
        """The refusal the casting service raises (its class gives the HTTP status)."""
        return self.error(self.code, self.reason)


def vote_right(*, vote: MeetingVote, person: Any) -> VoteRight:
    """Whether ``person`` may cast their own vote in ``vote`` now (whether
    they already have is ``selectors.has_voted``: that is not a right)."""
    if not getattr(person, "is_authenticated", False):
        return VoteRight(False, Code.NOT_CHECKED_IN, "Sign in and check in to vote.", NotPermitted)
    if vote.state != MeetingVote.State.OPEN:
        return VoteRight(False, Code.VOTE_NOT_OPEN, "This vote is closed.", Conflict)
    if not is_checked_in(meeting=vote.meeting, person=person):
        return VoteRight(False, Code.NOT_CHECKED_IN, "Check in to the meeting before you vote.", NotPermitted)
    if vote.mode == MeetingVote.Mode.HANDS:
        return VoteRight(False, Code.VOTE_NOT_OPEN, "This is a show of hands: the chair counts it in the room.")
    if vote.mode == MeetingVote.Mode.SECRET and not _on_roll(vote=vote, person=person):
        return VoteRight(
            False,
            Code.NOT_ON_ROLL,
            "You checked in after this secret vote opened: its roll of voters was fixed when it opened, "
            "so you cannot vote in it. You can vote in the next one.",
            NotPermitted,
        )
    return VoteRight(True)


def _on_roll(*, vote: MeetingVote, person: Any) -> bool:
    return vote.ballot_id is not None and room_ballot_on_roll(ballot_id=vote.ballot_id, person_id=person.pk)


def voters_entitled(*, vote: MeetingVote) -> int:
    """How many may vote (for the chair): a secret vote's frozen roll, or the
    voting strength counted when an open or counted vote opened."""
    if vote.mode == MeetingVote.Mode.SECRET and vote.ballot_id is not None:
        return room_ballot_roll_size(ballot_id=vote.ballot_id)
    return vote.present


def voters_list(*, vote: MeetingVote) -> list[Any]:
    """Who may vote, by name, for the chair (the same rule as ``vote_right``):
    a secret vote's frozen roll, else the members checked in now. Who has
    voted is not here: the chair sees how many, never who nor how."""
    if vote.mode == MeetingVote.Mode.SECRET:
        if vote.ballot_id is None:
            return []
        voters = User.objects.filter(pk__in=room_ballot_roll_voter_ids(ballot_id=vote.ballot_id))
        return sorted(voters, key=lambda p: (p.full_name or "", p.pk))
    present = Attendance.objects.filter(meeting_id=vote.meeting_id, checked_out_at__isnull=True)
    return sorted((a.person for a in present.select_related("person")), key=lambda p: (p.full_name or "", p.pk))
