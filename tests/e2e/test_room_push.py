"""The projector changes when the chair closes a vote, by a push over its
socket (meetings/consumers.py), not by polling: the page says it is on
the socket (data-live="push") and asks live.json nothing while it is."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from meetings.services import meetings as svc
from meetings.services.votes import meeting_vote_cast, meeting_vote_open
from tests.e2e.conftest import DESKTOP, PAGE_TIMEOUT_MS
from tests.meetings.conftest import branch, in_order_motion, running_meeting  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in(browser: Any, server: str, user: Any) -> Any:
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=DESKTOP)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": server,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    return page


def test_the_projector_shows_the_result_pushed_when_the_chair_closes_the_vote(
    branch: Any,  # noqa: F811
    asgi_server: str,
    browser: Any,
) -> None:
    motion = in_order_motion(branch)
    meeting = running_meeting(branch, present=4)
    item = svc.agenda_item_add(meeting_id=meeting.pk, actor=branch.secretary, kind="motion", motion=motion)
    svc.agenda_item_take(item_id=item.pk, actor=branch.secretary)
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="open", motion=motion)
    for person in [branch.secretary, *branch.members[:2]]:
        meeting_vote_cast(vote_id=vote.pk, voter=person, choice="for")

    screen_context = browser.new_context(viewport=DESKTOP)
    projector = screen_context.new_page()
    projector.set_default_timeout(PAGE_TIMEOUT_MS)
    polls: list[str] = []
    projector.on("request", lambda r: polls.append(r.url) if r.url.endswith("live.json") else None)
    projector.goto(f"{asgi_server}/meetings/{meeting.pk}/projector/{meeting.projector_token}/")
    expect(projector.locator("main[data-live=push]")).to_have_count(1)
    expect(projector.locator("[data-pj=vote-status]")).to_contain_text("3 of 4 who may vote have voted")
    polls_before = len(polls)

    console = _signed_in(browser, asgi_server, branch.secretary)
    console.goto(f"{asgi_server}/meetings/{meeting.pk}/console/")
    expect(console.locator("[data-live=push]")).to_have_count(1)
    console.get_by_role("button", name="Close the vote").click()
    console.get_by_role("dialog").get_by_role("button", name="Close the vote").click()

    expect(projector.locator("[data-pj=vote-outcome]")).to_have_text("CARRIED")
    expect(projector.locator("[data-pj=vote-status]")).to_contain_text("3 for, 0 against, 0 abstentions")
    assert projector.locator("main").get_attribute("data-live") == "push"
    assert len(polls) == polls_before, f"the projector polled instead of being pushed to: {polls}"
    console.context.close()
    screen_context.close()
