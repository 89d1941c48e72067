"""The speakers' list: asking from a phone, the standing orders' queue policy
applied automatically, the chair's controls and the record for the minutes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from core.errors import Conflict, NotPermitted
from meetings.models import SpeakerRequest, StandingOrders
from meetings.services import meetings as svc
from meetings.services.speakers import (
    speaker_call_next,
    speaker_clock,
    speaker_finish,
    speaker_move,
    speaker_request,
    speaker_withdraw,
)
from meetings.speakers import QueuePolicy, order_queue, speaker_elapsed, speakers_for_minutes, speakers_queue
from tests.meetings.conftest import in_order_motion, running_meeting

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 12, 1, 19, 0, tzinfo=dt.UTC)


def _req(pk: int, person: int, kind: str = "for", gender: str = "", position: int | None = None) -> SpeakerRequest:
    return SpeakerRequest(
        pk=pk, person_id=person, kind=kind, gender=gender, position=position,
        requested_at=T0 + dt.timedelta(seconds=pk),
    )  # fmt: skip


def _names(queue: list[SpeakerRequest]) -> list[int]:
    return [r.pk for r in queue]


def test_points_of_order_first_then_first_time_speakers() -> None:
    policy = QueuePolicy(first_time_first=True, alternate=False, speech_seconds=120)
    waiting = [_req(1, 10), _req(2, 20, "against"), _req(3, 30, "order"), _req(4, 40)]
    assert _names(order_queue(waiting, spoken={10}, last_gender="", policy=policy)) == [3, 2, 4, 1]
    plain = QueuePolicy(first_time_first=False, alternate=False, speech_seconds=120)
    assert _names(order_queue(waiting, spoken={10}, last_gender="", policy=plain)) == [3, 1, 2, 4]
    assert "first-time speakers" in policy.describe() and "2:00 a speech" in policy.describe()


def test_alternation_uses_only_stated_gender() -> None:
    policy = QueuePolicy(first_time_first=False, alternate=True, speech_seconds=180)
    waiting = [_req(1, 1, gender="man"), _req(2, 2, gender="man"), _req(3, 3, gender="woman"), _req(4, 4),
               _req(5, 5, gender="non_binary")]  # fmt: skip
    # After a man spoke: a woman, then a man, then (unstated keeps its place) 4, then the non-binary speaker, then 2.
    assert _names(order_queue(waiting, spoken=set(), last_gender="man", policy=policy)) == [3, 1, 4, 5, 2]
    # Hand-placed rows keep the chair's order before the rest.
    placed = [_req(1, 1, position=2), _req(2, 2, position=1), _req(3, 3)]
    nothing = QueuePolicy(first_time_first=False, alternate=False, speech_seconds=180)
    assert _names(order_queue(placed, spoken=set(), last_gender="", policy=nothing)) == [2, 1, 3]


def test_asking_calling_the_clock_and_the_record(branch) -> None:
    StandingOrders.objects.filter(unit=branch.unit).update(speech_seconds=90, first_time_speakers_first=True)
    motion = in_order_motion(branch)
    meeting = running_meeting(branch, present=5)
    item = svc.agenda_item_add(meeting_id=meeting.pk, actor=branch.secretary, kind="motion", motion=motion)
    svc.agenda_item_take(item_id=item.pk, actor=branch.secretary)
    a, b, c, d = branch.members[:4]
    ra = speaker_request(meeting_id=meeting.pk, person=a, kind="for", gender="woman")
    assert ra.limit_seconds == 90 and ra.agenda_item_id == item.pk
    with pytest.raises(Conflict, match="already on the list"):
        speaker_request(meeting_id=meeting.pk, person=a, kind="for")
    with pytest.raises(NotPermitted, match="Check in"):
        speaker_request(meeting_id=meeting.pk, person=branch.members[6], kind="for")
    speaker_request(meeting_id=meeting.pk, person=b, kind="against")
    order = speaker_request(meeting_id=meeting.pk, person=c, kind="order")
    assert [r.person_id for r in speakers_queue(meeting=meeting)] == [c.pk, a.pk, b.pk]
    assert Client().get(f"/meetings/{meeting.pk}/live.json").json()["speakers_waiting"] == 3

    first = speaker_call_next(meeting_id=meeting.pk, actor=branch.secretary)
    assert first.pk == order.pk and first.clock_started_at is not None
    stopped = speaker_clock(meeting_id=meeting.pk, actor=branch.secretary, run=False)
    assert stopped.clock_started_at is None
    SpeakerRequest.objects.filter(pk=stopped.pk).update(elapsed_seconds=40)
    running = speaker_clock(meeting_id=meeting.pk, actor=branch.secretary, run=True)
    assert running.clock_started_at is not None
    assert speaker_elapsed(request=running, now=running.clock_started_at + dt.timedelta(seconds=5)) == 45
    # The chair moves b above a; a then withdraws; the next is b.
    speaker_move(
        meeting_id=meeting.pk, request_id=speakers_queue(meeting=meeting)[1].pk, actor=branch.secretary, up=True
    )
    assert [r.person_id for r in speakers_queue(meeting=meeting)] == [b.pk, a.pk]
    speaker_withdraw(request_id=ra.pk, actor=a)
    with pytest.raises(NotPermitted):
        speaker_move(meeting_id=meeting.pk, request_id=ra.pk, actor=d, up=True)
    assert speaker_call_next(meeting_id=meeting.pk, actor=branch.secretary).person_id == b.pk
    speaker_finish(meeting_id=meeting.pk, actor=branch.secretary)
    with pytest.raises(Conflict, match="Nobody is waiting"):
        speaker_call_next(meeting_id=meeting.pk, actor=branch.secretary)

    spoke = list(speakers_for_minutes(meeting=meeting))
    assert [(r.person_id, r.kind, r.agenda_item_id) for r in spoke] == [
        (c.pk, "order", item.pk),
        (b.pk, "against", item.pk),
    ]
    ended = spoke[0].ended_at
    assert spoke[0].elapsed_seconds >= 40 and ended is not None and ended <= timezone.now()


def test_speak_page_asks_and_refuses_bad_input(branch) -> None:
    meeting = running_meeting(branch, present=3)
    phone = Client()
    phone.force_login(branch.members[0])
    page = phone.get(f"/meetings/{meeting.pk}/speak/")
    assert page.status_code == 200 and "Point of order" in page.content.decode()
    assert phone.post(f"/meetings/{meeting.pk}/speak/", {"kind": "shout"}).status_code == 400
    assert phone.post(f"/meetings/{meeting.pk}/speak/", {"kind": "for", "gender": "robot"}).status_code == 400
    r = phone.post(f"/meetings/{meeting.pk}/speak/", {"kind": "against", "gender": ""}, follow=True)
    assert "You are on the list" in r.content.decode()
    again = phone.post(f"/meetings/{meeting.pk}/speak/", {"kind": "against"})
    assert again.status_code == 409 and "already on the list" in again.content.decode()
    outsider = Client()
    outsider.force_login(branch.members[6])
    assert "Check in to the meeting first" in outsider.get(f"/meetings/{meeting.pk}/speak/").content.decode()
    assert Client().get(f"/meetings/{meeting.pk}/speak/").status_code == 302
