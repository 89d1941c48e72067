"""Minutes dated with the day the meeting was held, naming its chair and
those present; a draft-minutes PDF marked DRAFT for officers to circulate
(issue 24)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from meetings.models import Meeting, Minutes
from meetings.papers import paper_html
from meetings.services import meetings as svc
from tests.meetings.conftest import running_meeting
from tests.meetings.test_papers_and_minutes import pdf_text

pytestmark = pytest.mark.django_db


def _closed_early(branch) -> Meeting:
    """Called for 20 days ahead, started today by the chair's confirmation, closed."""
    meeting = running_meeting(branch, present=3)
    svc.meeting_close(meeting_id=meeting.pk, actor=branch.secretary)
    meeting.refresh_from_db()
    return meeting


def test_minutes_carry_the_day_held_the_chair_and_those_present(branch) -> None:
    meeting = _closed_early(branch)
    held = timezone.localtime(meeting.started_at)
    called = timezone.localtime(meeting.starts_at)
    assert held.date() != called.date()
    text = Minutes.objects.get(meeting=meeting).versions.get(number=1).text
    assert f"{held:%A} {held.day} {held:%B %Y}" in text
    assert f"{called.day} {called:%B %Y}" not in text
    assert "Chair: Sol Secretary." in text
    assert re.search(r"Present \(3\): Member 0, Member 1, Sol Secretary\.", text), text
    assert meeting.chair_id == branch.secretary.pk


def test_past_meetings_are_listed_under_the_day_they_were_held(branch) -> None:
    meeting = _closed_early(branch)
    page = Client().get("/meetings/").content.decode()
    past = page.split("Past meetings", 1)[1]
    held = timezone.localtime(meeting.started_at)
    assert f"{held.day} {held:%b %Y}" in past
    called = timezone.localtime(meeting.starts_at)
    assert f"{called.day} {called:%b %Y}" not in past


def test_draft_minutes_pdf_is_marked_draft_and_for_officers_only(branch, tmp_path) -> None:
    meeting = _closed_early(branch)
    assert "DRAFT" in paper_html(meeting=meeting, paper="draft-minutes")
    officer = Client()
    officer.force_login(branch.secretary)
    response = officer.get(f"/meetings/{meeting.pk}/papers/draft-minutes.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "DRAFT" in text and "Draft minutes: General meeting" in text and "Chair: Sol Secretary" in text
    member = Client()
    member.force_login(branch.members[0])
    assert member.get(f"/meetings/{meeting.pk}/papers/draft-minutes.pdf").status_code == 404
    assert Client().get(f"/meetings/{meeting.pk}/papers/draft-minutes.pdf").status_code == 404
    # A meeting without minutes yet has no draft to print.
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(days=40))
    fresh = running_meeting(branch, present=1)
    assert officer.get(f"/meetings/{fresh.pk}/papers/draft-minutes.pdf").status_code == 404
