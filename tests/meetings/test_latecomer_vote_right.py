"""Who may vote in a meeting vote is decided in one place: the phone shows
vote buttons only to them, a latecomer to a secret vote is told why not, the
API answers the same, and the chair sees how many may vote (issue 24)."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from core.errors import DomainError
from meetings.services.attendance import attendance_check_in_by_officer
from meetings.services.votes import meeting_vote_cast, meeting_vote_open
from meetings.voting_rights import vote_right, voters_entitled
from tests.meetings.conftest import in_order_motion, running_meeting

pytestmark = pytest.mark.django_db


def _page(person, meeting) -> str:
    client = Client()
    client.force_login(person)
    return client.get(f"/meetings/{meeting.pk}/").content.decode()


def test_a_latecomer_to_a_secret_vote_sees_no_buttons_and_is_told_why(branch) -> None:
    motion = in_order_motion(branch)
    meeting = running_meeting(branch, present=4)
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="secret", motion=motion)
    late = branch.members[5]
    attendance_check_in_by_officer(meeting_id=meeting.pk, person=late, actor=branch.secretary)

    right = vote_right(vote=vote, person=late)
    assert not right.may and right.code == "not_on_roll" and "after this secret vote opened" in right.reason
    page = _page(late, meeting)
    assert 'name="choice"' not in page and "after this secret vote opened" in page
    with pytest.raises(DomainError) as refused:
        meeting_vote_cast(vote_id=vote.pk, voter=late, choice="for")
    assert refused.value.code == "not_on_roll" and "after this secret vote opened" in refused.value.message

    on_time = branch.members[0]
    assert vote_right(vote=vote, person=on_time).may
    assert 'name="choice"' in _page(on_time, meeting)

    api = APIClient()
    api.force_authenticate(late)
    answer = api.get(f"/api/meetings/votes/{vote.pk}/right/")
    assert answer.status_code == 200 and answer.json()["may_vote"] is False
    assert answer.json()["code"] == "not_on_roll"
    api.force_authenticate(on_time)
    assert api.get(f"/api/meetings/votes/{vote.pk}/right/").json() == {"may_vote": True, "code": "", "reason": ""}


def test_the_chair_sees_how_many_may_vote(branch) -> None:
    motion = in_order_motion(branch)
    meeting = running_meeting(branch, present=4)
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="secret", motion=motion)
    attendance_check_in_by_officer(meeting_id=meeting.pk, person=branch.members[5], actor=branch.secretary)
    assert voters_entitled(vote=vote) == 4
    chair = Client()
    chair.force_login(branch.secretary)
    console = chair.get(f"/meetings/{meeting.pk}/console/").content.decode()
    assert "4 may vote" in console and "5 present" in console
