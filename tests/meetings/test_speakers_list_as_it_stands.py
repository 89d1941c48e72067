"""The speakers' list as it stands: nobody is lost between items, the phone
and the console agree, taking the next item with people waiting asks first,
and nothing shows once the meeting is closed (issue 24)."""

from __future__ import annotations

import pytest
from django.test import Client

from core.errors import Conflict
from meetings.models import SpeakerRequest
from meetings.room import projector_live
from meetings.services import meetings as svc
from meetings.services.speakers import speaker_request
from meetings.speakers import speaker_live, speaker_requests_of, speakers_queue
from tests.meetings.conftest import running_meeting

pytestmark = pytest.mark.django_db


def _items(branch, meeting, n: int = 2) -> list:
    return [
        svc.agenda_item_add(meeting_id=meeting.pk, actor=branch.secretary, kind="report", title=f"Report {i}")
        for i in range(1, n + 1)
    ]


def _chair(branch) -> Client:
    chair = Client()
    chair.force_login(branch.secretary)
    return chair


def test_a_request_made_before_the_first_item_waits_for_it(branch) -> None:
    meeting = running_meeting(branch, present=4)
    first, _ = _items(branch, meeting)
    member = branch.members[0]
    early = speaker_request(meeting_id=meeting.pk, person=member, kind="against")
    # Before any item: the phone and the list agree that they wait.
    assert [r.pk for r in speakers_queue(meeting=meeting)] == [early.pk]
    svc.agenda_item_take(item_id=first.pk, actor=branch.secretary)
    early.refresh_from_db()
    assert early.agenda_item_id == first.pk and early.state == SpeakerRequest.State.WAITING
    queue = [r["id"] for r in speaker_live(meeting=meeting)["queue"]]
    assert queue == [early.pk] == [r.pk for r in speaker_requests_of(meeting=meeting, person=member)]
    phone = Client()
    phone.force_login(member)
    page = phone.get(f"/meetings/{meeting.pk}/speak/").content.decode()
    assert "Nobody waiting" not in page and "You are on the list" in page
    console = _chair(branch).get(f"/meetings/{meeting.pk}/console/").content.decode()
    assert str(member) in console


def test_the_phone_shows_only_requests_on_the_list_as_it_stands(branch) -> None:
    """A request stranded on no item (made by the old code) is not shown as
    "waiting" on the phone while the list says nobody waits."""
    meeting = running_meeting(branch, present=4)
    (item,) = _items(branch, meeting, 1)
    member = branch.members[0]
    svc.agenda_item_take(item_id=item.pk, actor=branch.secretary)
    SpeakerRequest.objects.create(meeting=meeting, agenda_item=None, person=member, kind="against")
    assert speakers_queue(meeting=meeting) == []
    assert list(speaker_requests_of(meeting=meeting, person=member)) == []


def test_taking_the_next_item_with_people_waiting_asks_first(branch) -> None:
    meeting = running_meeting(branch, present=4)
    first, second = _items(branch, meeting)
    svc.agenda_item_take(item_id=first.pk, actor=branch.secretary)
    waiting = speaker_request(meeting_id=meeting.pk, person=branch.members[1], kind="for")
    with pytest.raises(Conflict) as refused:
        svc.agenda_item_take(item_id=second.pk, actor=branch.secretary)
    assert refused.value.code == "speakers_waiting" and str(branch.members[1]) in refused.value.message
    first.refresh_from_db()
    assert first.state == "current"

    chair = _chair(branch)
    page = chair.post(f"/meetings/{meeting.pk}/console/next-item/")
    text = page.content.decode()
    assert page.status_code == 200, text
    assert str(branch.members[1]) in text and 'name="confirm"' in text and "taken off the list" in text
    first.refresh_from_db()
    assert first.state == "current"  # nothing moved yet

    done = chair.post(f"/meetings/{meeting.pk}/console/next-item/", {"confirm": "yes"}, follow=True)
    assert "1 request to speak on “Report 1” was taken off the list" in done.content.decode()
    second.refresh_from_db()
    waiting.refresh_from_db()
    assert second.state == "current" and waiting.state == SpeakerRequest.State.WITHDRAWN
    assert speakers_queue(meeting=meeting) == []


def test_nothing_shows_after_the_meeting_closes(branch) -> None:
    meeting = running_meeting(branch, present=4)
    member = branch.members[0]
    speaker_request(meeting_id=meeting.pk, person=member, kind="for")
    svc.meeting_close(meeting_id=meeting.pk, actor=branch.secretary)
    meeting.refresh_from_db()
    assert speakers_queue(meeting=meeting) == []
    assert projector_live(meeting=meeting)["speakers"]["queue"] == []
    assert list(speaker_requests_of(meeting=meeting, person=member)) == []
    assert Client().get(f"/meetings/{meeting.pk}/live.json").json()["speakers_waiting"] == 0
