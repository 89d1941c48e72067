"""How each person voted in an open vote is the unit's business: a meeting's
page shows the recorded names to the unit's members and to those who run
its meetings, and to anyone only where the standing orders publish them."""

from __future__ import annotations

import pytest
from django.test import Client

from meetings.models import StandingOrders
from meetings.services.votes import meeting_vote_cast, meeting_vote_close, meeting_vote_open
from tests.factories import UserFactory
from tests.meetings.conftest import in_order_motion, running_meeting

pytestmark = pytest.mark.django_db

HEADING = "Names recorded in the last open vote"


def _decided_open_vote(branch):  # type: ignore[no-untyped-def]
    meeting = running_meeting(branch, present=4)
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="open", motion=in_order_motion(branch))
    for person, choice in zip([branch.secretary, *branch.members[:3]], ["for", "for", "for", "against"], strict=True):
        meeting_vote_cast(vote_id=vote.pk, voter=person, choice=choice)
    meeting_vote_close(vote_id=vote.pk, actor=branch.secretary)
    return meeting


def _page(meeting, user=None) -> str:  # type: ignore[no-untyped-def]
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(f"/meetings/{meeting.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_names_are_for_members_by_default(branch) -> None:  # type: ignore[no-untyped-def]
    meeting = _decided_open_vote(branch)
    voter_name = branch.members[2].full_name
    signed_out = _page(meeting)
    assert HEADING not in signed_out and voter_name not in signed_out
    outsider = _page(meeting, UserFactory())
    assert HEADING not in outsider and voter_name not in outsider
    member = _page(meeting, branch.members[5])
    assert HEADING in member and voter_name in member
    assert HEADING in _page(meeting, branch.secretary)


def test_standing_orders_may_publish_the_names(branch) -> None:  # type: ignore[no-untyped-def]
    StandingOrders.objects.update_or_create(unit=branch.unit, defaults={"open_votes_public": True})
    meeting = _decided_open_vote(branch)
    signed_out = _page(meeting)
    assert HEADING in signed_out and branch.members[2].full_name in signed_out
