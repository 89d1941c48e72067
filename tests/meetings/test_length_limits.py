"""Every free-text field of motions, amendments, meetings and minutes has a
length limit, met with a clear message on the page and over the API (a 4xx
with the reason, never a 500 from the database)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from core.errors import DomainError
from meetings import limits
from meetings.models import Amendment, Meeting, Minutes, Motion
from meetings.services import amendments as amendment_services
from meetings.services import meetings as meeting_services
from meetings.services import motions as motion_services
from meetings.services.minutes import minutes_edit
from meetings.services.requisitions import requisition_start
from tests.meetings.conftest import in_order_motion, running_meeting

pytestmark = pytest.mark.django_db
HUGE = "x" * 200_000


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_200000_character_motion_is_refused_on_the_page_with_a_message(branch) -> None:
    r = client_for(branch.members[0]).post("/meetings/motions/new/stockport/", {"title": "Long", "text": HUGE})
    page = r.content.decode()
    assert r.status_code == 400
    assert "at most 50000 characters (it has 200000)" in page
    assert not Motion.objects.exists()


def test_a_200000_character_motion_is_refused_by_the_api(branch) -> None:
    api = APIClient()
    api.force_authenticate(branch.members[0])
    r = api.post("/api/meetings/motions/", {"unit": "stockport", "title": "Long", "text": HUGE}, format="json")
    assert r.status_code == 400
    assert r.json() == {
        "code": "too_long",
        "message": "The motion's text is 200,000 characters long; it may be at most 50,000.",
    }
    assert not Motion.objects.exists()


def test_motion_text_at_the_limit_is_accepted(branch) -> None:
    motion = motion_services.motion_create(
        unit=branch.unit, proposer=branch.members[0], title="Long", text="y" * limits.MOTION_TEXT
    )
    assert len(motion.text) == limits.MOTION_TEXT


def test_titles_reasons_and_notes_are_limited(branch) -> None:
    with pytest.raises(DomainError, match="title is 201 characters long"):
        motion_services.motion_create(unit=branch.unit, proposer=branch.members[0], title="t" * 201, text="x")
    motion = in_order_motion(branch)
    with pytest.raises(DomainError, match="note is 2,001 characters long"):
        motion_services.motion_decide(motion_id=motion.pk, actor=branch.secretary, outcome="carried", note="n" * 2001)
    assert Motion.objects.get(pk=motion.pk).state == Motion.State.IN_ORDER
    with pytest.raises(DomainError, match="amended text is 200,000 characters long"):
        amendment_services.amendment_propose(motion_id=motion.pk, proposer=branch.members[3], summary="S", text=HUGE)
    with pytest.raises(DomainError, match="What the amendment does is 201"):
        amendment_services.amendment_propose(
            motion_id=motion.pk, proposer=branch.members[3], summary="s" * 201, text="Other"
        )
    assert not Amendment.objects.exists()
    with pytest.raises(DomainError, match="purpose is 2,001"):
        requisition_start(unit=branch.unit, person=branch.members[0], purpose="p" * 2001)


def test_meeting_fields_and_minutes_are_limited(branch) -> None:
    starts = timezone.now() + dt.timedelta(days=40)
    with pytest.raises(DomainError, match="place is 201 characters long"):
        meeting_services.meeting_schedule(
            unit=branch.unit, actor=branch.secretary, kind="general", title="GM", starts_at=starts, place="p" * 201
        )
    assert not Meeting.objects.exists()
    meeting = running_meeting(branch, present=3)
    with pytest.raises(DomainError, match="notes is 5,001 characters long"):
        meeting_services.agenda_item_add(
            meeting_id=meeting.pk, actor=branch.secretary, kind="report", title="Report", notes="n" * 5001
        )
    meeting_services.meeting_close(meeting_id=meeting.pk, actor=branch.secretary)
    minutes = Minutes.objects.get(meeting=meeting)
    with pytest.raises(DomainError, match="minutes is 200,001 characters long"):
        minutes_edit(minutes_id=minutes.pk, actor=branch.secretary, text="m" * 200_001, base_version=1)
    assert minutes.versions.count() == 1


def test_the_api_refuses_an_overlong_amendment_with_a_4xx(branch) -> None:
    motion = in_order_motion(branch)
    api = APIClient()
    api.force_authenticate(branch.members[3])
    r = api.post(f"/api/meetings/motions/{motion.pk}/amendments/", {"summary": "S", "text": HUGE}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "too_long"
