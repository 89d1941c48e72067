"""The console without JavaScript and the officers' state it follows: a
check-in keeps the chair's search; the forms that need a confirmation or
have a shortcut say so in the HTML; the chair's list of who may vote; the
officers' pushed state carries the speakers' list and clock."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from meetings.models import Attendance, Meeting
from meetings.room import officers_live
from meetings.services import meetings as svc
from meetings.services.attendance import attendance_check_in_by_officer
from meetings.services.live import officers_group, room_states
from meetings.services.speakers import speaker_call_next, speaker_request
from meetings.services.votes import meeting_vote_open
from tests.meetings.conftest import Branch, in_order_motion, running_meeting

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_check_in_without_javascript_keeps_the_search(branch: Branch) -> None:
    meeting = running_meeting(branch, present=2)
    chair = _client(branch.secretary)
    arrival = branch.members[3]
    response = chair.post(f"/meetings/{meeting.pk}/console/check-in-person/", {"person": arrival.pk, "find": "Member"})
    assert response.status_code == 302
    assert response["Location"] == f"/meetings/{meeting.pk}/console/?find=Member"
    assert Attendance.objects.filter(meeting=meeting, person=arrival, checked_out_at__isnull=True).exists()
    page = chair.get(response["Location"]).content.decode()
    assert 'value="Member"' in page  # the search box keeps its text
    found = page[page.index('id="found"') :]
    found = found[: found.index("</ul>")]
    assert "Member 4" in found and "Member 3" not in found  # the next arrival is one press away


def test_the_console_marks_its_confirmations_and_shortcuts(branch: Branch) -> None:
    motion = in_order_motion(branch)
    meeting = running_meeting(branch, present=3)
    first = svc.agenda_item_add(meeting_id=meeting.pk, actor=branch.secretary, kind="report", title="Report")
    svc.agenda_item_add(meeting_id=meeting.pk, actor=branch.secretary, kind="motion", motion=motion)
    svc.agenda_item_take(item_id=first.pk, actor=branch.secretary)
    speaker_request(meeting_id=meeting.pk, person=branch.members[0], kind="for")
    speaker_request(meeting_id=meeting.pk, person=branch.members[1], kind="against")
    meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="open", motion=motion)
    page = _client(branch.secretary).get(f"/meetings/{meeting.pk}/console/").content.decode()
    assert 'data-confirm="2 people wait to speak on “Report”: Member 0 (for), Member 1 (against).' in page
    assert "Close the vote on “Back the renters&#x27; union”?" in page
    assert 'data-confirm-yes="Close the meeting"' in page
    for key in ("N", "T", "/"):
        assert f'aria-keyshortcuts="{key}"' in page
    assert "Refresh the list" not in page  # the list follows pushes


def test_the_chair_sees_who_may_vote_and_a_latecomer_is_not_listed(branch: Branch) -> None:
    motion = in_order_motion(branch)
    meeting = running_meeting(branch, present=3)
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="secret", motion=motion)
    late = branch.members[5]
    attendance_check_in_by_officer(meeting_id=meeting.pk, person=late, actor=branch.secretary)
    chair = _client(branch.secretary)
    console = chair.get(f"/meetings/{meeting.pk}/console/").content.decode()
    assert "3 may vote" in console
    assert f"/meetings/{meeting.pk}/console/votes/{vote.pk}/voters/" in console
    page = chair.get(f"/meetings/{meeting.pk}/console/votes/{vote.pk}/voters/")
    assert page.status_code == 200
    listed = page.content.decode()
    assert "3 members" in listed and "Member 0" in listed and "Sol Secretary" in listed
    assert str(late) not in listed
    assert _client(branch.members[0]).get(f"/meetings/{meeting.pk}/console/votes/{vote.pk}/voters/").status_code == 403
    other = running_meeting(branch, present=1)
    assert chair.get(f"/meetings/{other.pk}/console/votes/{vote.pk}/voters/").status_code == 404


def test_the_officers_state_carries_the_speakers_list_and_clock(branch: Branch) -> None:
    meeting = running_meeting(branch, present=3)
    speaker_request(meeting_id=meeting.pk, person=branch.members[0], kind="for")
    speaker_request(meeting_id=meeting.pk, person=branch.members[1], kind="against")
    speaker_call_next(meeting_id=meeting.pk, actor=branch.secretary)
    meeting = Meeting.objects.get(pk=meeting.pk)
    state = officers_live(meeting=meeting)
    assert state["speakers"]["current"]["name"] == "Member 0"
    assert [r["name"] for r in state["speakers"]["queue"]] == ["Member 1"]
    pushed = json.loads(room_states(meeting=meeting)[officers_group(meeting.pk)])
    assert pushed["speakers"]["queue"] == state["speakers"]["queue"]
    assert pushed["speakers"]["current"]["id"] == state["speakers"]["current"]["id"]
    polled = _client(branch.secretary).get(f"/meetings/{meeting.pk}/live.json").json()
    assert polled["speakers"]["current"]["name"] == "Member 0"
    public = Client().get(f"/meetings/{meeting.pk}/live.json").json()
    assert "speakers" not in public  # the public view is live_state's, unchanged


def test_a_big_room_lists_the_latest_arrivals_and_everyone_on_request(branch: Branch, monkeypatch: Any) -> None:
    """At a conference the console lists the latest check-ins, not every row
    (1,000 made each page 600 KB); the rest are one link or one search away."""
    monkeypatch.setattr("meetings.selectors.CONSOLE_ATTENDANCE_ROWS", 3)
    meeting = running_meeting(branch, present=2)
    for person in branch.members[2:5]:
        attendance_check_in_by_officer(meeting_id=meeting.pk, person=person, actor=branch.secretary)
    present = Attendance.objects.filter(meeting=meeting).count()
    assert present > 3
    chair = _client(branch.secretary)
    page = chair.get(f"/meetings/{meeting.pk}/console/").content.decode()
    listed = page[page.index('id="attendance-list"') :]
    listed = listed[: listed.index("</ul>")]
    assert f"Attendance list ({present})" in page
    assert listed.count("<li") == 3
    assert "Member 4" in listed and "Member 0" not in listed  # the latest arrival first
    assert f"show all {present}" in page
    everyone = chair.get(f"/meetings/{meeting.pk}/console/?attendance=all").content.decode()
    listed = everyone[everyone.index('id="attendance-list"') :]
    assert listed[: listed.index("</ul>")].count("<li") == present
    assert 'id="attendance-cut"' not in everyone
