"""The room code's guessing limit (issue 21, hole 10): the check-in page
counts attempts against the same limit as the check-in API, one count per
member shared by both, and says clearly when it is reached (429)."""

from __future__ import annotations

from django.test import Client
from rest_framework.test import APIClient

from meetings.models import Attendance
from tests.factories import MembershipFactory, UserFactory
from tests.meetings.conftest import running_meeting


def test_the_page_and_the_api_share_one_check_in_limit(branch, settings) -> None:
    settings.MEETINGS_CHECK_IN_THROTTLE = "3/min"
    meeting = running_meeting(branch, present=1)
    guesser = MembershipFactory(unit=branch.unit, person=UserFactory()).person
    page = Client()
    page.force_login(guesser)
    url = f"/meetings/{meeting.pk}/check-in/"
    for _ in range(3):
        wrong = page.post(url, {"code": "AAAAAA"}, follow=True)
        assert "That is not the code shown in the room." in wrong.content.decode()
    limited = page.post(url, {"code": meeting.room_code})
    assert limited.status_code == 429
    assert "Too many check-in attempts" in limited.content.decode() and limited["Retry-After"]
    assert not Attendance.objects.filter(meeting=meeting, person=guesser).exists()  # even the right code waits
    api = APIClient()
    api.force_authenticate(guesser)
    over = api.post(f"/api/meetings/{meeting.pk}/check-in/", {"code": meeting.room_code}, format="json")
    assert over.status_code == 429  # the same count: the API is no way round the page's limit
    other = MembershipFactory(unit=branch.unit, person=UserFactory()).person  # the limit is per member
    api.force_authenticate(other)
    assert (
        api.post(f"/api/meetings/{meeting.pk}/check-in/", {"code": meeting.room_code}, format="json").status_code == 201
    )


def test_the_api_counts_towards_the_page_limit(branch, settings) -> None:
    settings.MEETINGS_CHECK_IN_THROTTLE = "2/min"
    meeting = running_meeting(branch, present=1)
    guesser = MembershipFactory(unit=branch.unit, person=UserFactory()).person
    api = APIClient()
    api.force_authenticate(guesser)
    for _ in range(2):
        assert api.post(f"/api/meetings/{meeting.pk}/check-in/", {"code": "AAAAAA"}, format="json").status_code == 400
    page = Client()
    page.force_login(guesser)
    assert page.post(f"/meetings/{meeting.pk}/check-in/", {"code": meeting.room_code}).status_code == 429
