"""A secret vote's ballot says it is the meeting's (``Ballot.origin``), so the
lists of online ballots leave it out, and the meeting reaches it only through
``ballots.for_meetings`` (ids and counts, no rows)."""

from __future__ import annotations

from typing import Any

import pytest

from ballots import for_meetings
from ballots import selectors as ballot_selectors
from ballots.models import Ballot
from meetings.services.votes import meeting_vote_cast, meeting_vote_close, meeting_vote_open
from meetings.voting_rights import voters_entitled
from tests.meetings.conftest import in_order_motion, running_meeting

pytestmark = pytest.mark.django_db


def test_a_secret_vote_is_a_meeting_ballot_kept_out_of_the_online_lists(branch: Any) -> None:
    motion = in_order_motion(branch)
    meeting = running_meeting(branch, present=3)
    chair, member = branch.secretary, branch.members[0]
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=chair, mode="secret", motion=motion)
    assert vote.ballot_id is not None
    ballot = Ballot.objects.get(pk=vote.ballot_id)
    assert ballot.origin == Ballot.Origin.MEETING
    assert ballot.state == Ballot.State.OPEN
    assert ballot not in ballot_selectors.ballot_list_open()
    assert ballot not in ballot_selectors.ballot_list_open_for_unit(unit=meeting.unit)
    assert ballot.pk not in {b.id for b in for_meetings.agenda_ballots(unit_id=meeting.unit_id)}

    assert voters_entitled(vote=vote) == for_meetings.room_ballot_roll_size(ballot_id=ballot.pk) == 3
    meeting_vote_cast(vote_id=vote.pk, voter=member, choice="for")
    assert for_meetings.room_ballot_turnout(ballot_id=ballot.pk) == 1
    assert for_meetings.room_ballot_has_voted(ballot_id=ballot.pk, person_id=member.pk)
    assert not for_meetings.room_ballot_has_voted(ballot_id=ballot.pk, person_id=chair.pk)

    vote = meeting_vote_close(vote_id=vote.pk, actor=chair)
    result = for_meetings.room_ballot_result(ballot_id=ballot.pk)
    assert result is not None and result.papers_counted == 1
    assert vote.carried is True


def test_the_console_offers_the_units_online_ballots_for_an_election_item(branch: Any) -> None:
    """The agenda's ballot list comes through ``for_meetings.agenda_ballots``:
    the unit's online ballots only (not a room vote, not another unit's), and
    adding an election item links the chosen one."""
    from django.test import Client

    from meetings.models import AgendaItem
    from tests.factories import BallotFactory

    meeting = running_meeting(branch, present=2)
    online = BallotFactory(unit=branch.unit, title="Branch committee election")
    BallotFactory(title="Another unit's ballot")
    BallotFactory(unit=branch.unit, title="A room vote", origin=Ballot.Origin.MEETING)
    client = Client()
    client.force_login(branch.secretary)
    page = client.get(f"/meetings/{meeting.pk}/console/").content.decode()
    assert f'<option value="{online.pk}">Branch committee election</option>' in page
    assert "Another unit's ballot" not in page and "A room vote" not in page

    response = client.post(
        f"/meetings/{meeting.pk}/console/add-item/", {"kind": "election", "ballot": online.pk, "title": ""}
    )
    assert response.status_code == 302
    item = AgendaItem.objects.get(meeting=meeting, kind=AgendaItem.Kind.ELECTION)
    assert item.ballot_id == online.pk and item.title == "Branch committee election"
