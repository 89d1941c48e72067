"""A secret vote in the room left open past its ballot's 12-hour close
(issue 21, hole 7): beat closes and counts the ballot, and the meeting must
not be stuck. The chair still closes the vote (its result is the count beat
made), and opening the next vote settles a lapsed one instead of refusing."""

from __future__ import annotations

import datetime as dt

import pytest

from ballots.models import Ballot
from ballots.services.lifecycle import ballots_close_due
from ballots.services.room_ballots import ROOM_BALLOT_HOURS
from ballots.services.tallying import ballot_tally
from meetings.models import MeetingVote, Motion
from meetings.services.votes import meeting_vote_cast, meeting_vote_close, meeting_vote_open
from tests.conftest import closing_time_passes
from tests.meetings.conftest import in_order_motion, running_meeting

pytestmark = pytest.mark.django_db


def _lapsed_secret_vote(branch) -> MeetingVote:
    """A secret vote with five votes in, then the night passes: beat closes
    its ballot at the 12-hour mark and the tally it queues counts it."""
    motion = in_order_motion(branch)
    meeting = running_meeting(branch, present=5)
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="secret", motion=motion)
    for person, choice in zip([branch.secretary, *branch.members[:4]], ["for"] * 3 + ["against"] * 2, strict=True):
        meeting_vote_cast(vote_id=vote.pk, voter=person, choice=choice)
    ballot = vote.ballot
    assert ballot is not None and ballot.closes_at - ballot.opens_at == dt.timedelta(hours=ROOM_BALLOT_HOURS)
    closing_time_passes(ballot)  # the night passes
    assert ballots_close_due() == 1  # beat's sweep
    ballot_tally(ballot_id=ballot.pk)  # the tally the close queued
    assert Ballot.objects.get(pk=ballot.pk).state == Ballot.State.COUNTED
    vote.refresh_from_db()
    assert vote.state == MeetingVote.State.OPEN  # the meeting's vote is still open: the stuck state
    return vote


def test_the_chair_closes_a_vote_beat_already_counted(branch) -> None:
    vote = _lapsed_secret_vote(branch)
    meeting_vote_close(vote_id=vote.pk, actor=branch.secretary)
    vote.refresh_from_db()
    assert vote.state == MeetingVote.State.DECIDED
    assert (vote.votes_for, vote.votes_against, vote.carried) == (3, 2, True)
    assert Motion.objects.get(pk=vote.motion_id).state == Motion.State.CARRIED
    other = in_order_motion(branch, title="A second motion")
    after = meeting_vote_open(meeting_id=vote.meeting_id, actor=branch.secretary, mode="open", motion=other)
    assert after.state == MeetingVote.State.OPEN


def test_opening_the_next_vote_settles_a_lapsed_one(branch) -> None:
    vote = _lapsed_secret_vote(branch)
    other = in_order_motion(branch, title="A second motion")
    after = meeting_vote_open(meeting_id=vote.meeting_id, actor=branch.secretary, mode="open", motion=other)
    assert after.state == MeetingVote.State.OPEN
    vote.refresh_from_db()
    assert vote.state == MeetingVote.State.DECIDED and vote.carried is True
    assert (vote.votes_for, vote.votes_against) == (3, 2)
