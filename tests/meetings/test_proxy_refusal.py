"""Appointing a proxy tells no one whether an e-mail address is registered
(issue 21, hole 8): an unknown address, an inactive account and a member
who may not hold this meeting's proxies get one refusal, word for word, and
it names no one; a caller who may not appoint a proxy is refused before the
address is looked at."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.meetings.test_proxies import allow_proxies, called_meeting

pytestmark = pytest.mark.django_db


def _addresses(branch: Any) -> dict[str, Any]:
    """An unregistered address, an inactive account, and a member of another unit."""
    elsewhere = UnitFactory(name="Elsewhere", slug="elsewhere")
    stranger = MembershipFactory(unit=elsewhere, person=UserFactory(full_name="Stella Stranger")).person
    inactive = MembershipFactory(unit=branch.unit, person=UserFactory(full_name="Ivy Inactive", is_active=False))
    return {
        "unregistered": ("nobody-here@example.org", None),
        "inactive": (inactive.person.email, inactive.person),
        "other unit": (stranger.email, stranger),
    }


def test_the_api_refuses_every_unavailable_holder_alike(branch) -> None:
    allow_proxies(branch)
    meeting = called_meeting(branch)
    api = APIClient()
    api.force_authenticate(branch.members[0])
    answers = {}
    for label, (email, person) in _addresses(branch).items():
        r = api.post(f"/api/meetings/{meeting.pk}/proxy/", {"holder_email": email}, format="json")
        answers[label] = (r.status_code, r.content)
        if person is not None:
            assert person.full_name not in r.content.decode()
    assert len(set(answers.values())) == 1, answers
    status, body = answers["unregistered"]
    assert status == 400 and b"holder_unavailable" in body


def test_a_caller_who_may_not_appoint_learns_nothing_about_the_address(branch) -> None:
    allow_proxies(branch)
    meeting = called_meeting(branch)
    outsider = MembershipFactory(unit=UnitFactory(name="Far away", slug="far-away"), person=UserFactory()).person
    api = APIClient()
    api.force_authenticate(outsider)
    known = api.post(f"/api/meetings/{meeting.pk}/proxy/", {"holder_email": branch.members[1].email}, format="json")
    unknown = api.post(f"/api/meetings/{meeting.pk}/proxy/", {"holder_email": "nobody@example.org"}, format="json")
    assert (known.status_code, known.content) == (unknown.status_code, unknown.content)
    assert known.status_code == 403 and known.json()["code"] == "not_eligible"
    assert branch.members[1].full_name not in known.content.decode()


def test_the_page_refuses_every_unavailable_holder_alike(branch) -> None:
    allow_proxies(branch)
    meeting = called_meeting(branch)
    c = Client()
    c.force_login(branch.members[0])
    errors = {}
    for label, (email, person) in _addresses(branch).items():
        r = c.post(f"/meetings/{meeting.pk}/proxy/", {"holder_email": email})
        page = r.content.decode()
        errors[label] = (r.status_code, "cannot hold your proxy at this meeting" in page)
        if person is not None:
            assert person.full_name not in page
    assert set(errors.values()) == {(400, True)}, errors
