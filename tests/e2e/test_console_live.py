"""The chair's console on a tablet (1024x768) over the real ASGI server:
every action updates the page in place, without a reload (the page keeps a
marker a reload would lose); arrivals are checked in one after another
from one search (the box keeps its text and focus); the speakers' list
and the attendance follow pushes; closing a vote, closing the meeting and
taking the next item with speakers waiting ask first; the speech clock runs
on the console; N, T and / are keyboard shortcuts. axe-core: 0 WCAG 2.2 AA
violations. Waits are on the page's changes, never on time."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from meetings.models import AgendaItem, Meeting, MeetingVote
from meetings.services import meetings as svc
from meetings.services.attendance import attendance_check_in_by_officer
from meetings.services.speakers import speaker_request
from tests.e2e.conftest import PAGE_TIMEOUT_MS, screenshot
from tests.e2e.test_meeting_room_journey import _axe
from tests.meetings.conftest import branch, in_order_motion, running_meeting  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TABLET = {"width": 1024, "height": 768}


def _signed_in(browser: Any, server: str, user: Any, viewport: dict[str, int]) -> Any:
    """A page signed in as ``user`` (CSP bypassed for axe's injected script only)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=viewport, bypass_csp=True)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": server}])
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    return page


def _pressed(page: Any, key: str) -> None:
    """A shortcut pressed with nothing focused (shortcuts ignore typing in boxes)."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press(key)


def test_the_console_runs_the_room_without_a_reload(asgi_server: str, browser: Any, branch: Any) -> None:  # noqa: F811
    motion = in_order_motion(branch)
    meeting = running_meeting(branch, present=3)
    svc.agenda_item_add(meeting_id=meeting.pk, actor=branch.secretary, kind="report", title="Treasurer's report")
    svc.agenda_item_add(meeting_id=meeting.pk, actor=branch.secretary, kind="motion", motion=motion)
    ann, bob = branch.members[0], branch.members[1]

    console = _signed_in(browser, asgi_server, branch.secretary, TABLET)
    console.goto(f"{asgi_server}/meetings/{meeting.pk}/console/")
    expect(console.locator("[data-live=push]")).to_have_count(1)
    console.evaluate("window.__sameDocument = true")  # gone if the page ever reloads
    # The bar: the item, quorum, the vote and the speaker, pinned while the chair scrolls.
    bar = console.locator("#console-bar")
    assert bar.evaluate("b => getComputedStyle(b).position") == "sticky"
    expect(bar).to_contain_text("No item taken yet")

    # Three arrivals in a row from one search: the box keeps its text and focus.
    find = console.get_by_label("Find a member to check in")
    find.fill("Member")
    expect(console.locator("#found")).to_contain_text("Member 4")
    for name in ("Member 4", "Member 5", "Member 6"):
        console.get_by_role("button", name=f"Check in {name}").click()
        expect(console.locator("#attendance-list")).to_contain_text(name)
        expect(console.locator("#found")).not_to_contain_text(name)
        assert find.input_value() == "Member"
        assert console.evaluate("document.activeElement.id") == "find"
    expect(console.locator("#bar-quorum [data-field=present]")).to_have_text("6")
    expect(console.locator(".messages")).to_contain_text("Checked in.")

    # A member checked in from elsewhere appears by push, the scroll position kept.
    console.locator("#attendance-h").scroll_into_view_if_needed()
    scrolled = console.evaluate("window.scrollY")
    assert scrolled > 0
    attendance_check_in_by_officer(meeting_id=meeting.pk, person=branch.members[7], actor=branch.secretary)
    expect(console.locator("#attendance-list")).to_contain_text("Member 7")
    expect(console.locator("#found")).not_to_contain_text("Member 7")
    assert console.evaluate("window.scrollY") == scrolled

    # T takes the first item (nobody waits: no question asked).
    expect(console.get_by_role("button", name="Take the next item: Treasurer's report")).to_have_attribute(
        "aria-keyshortcuts", "T"
    )
    _pressed(console, "t")
    expect(bar).to_contain_text("1. Treasurer's report")

    # Ann asks to speak from her phone: the chair's list shows her, by push.
    speaker_request(meeting_id=meeting.pk, person=ann, kind="against")
    next_speaker = console.get_by_role("button", name="Call the next speaker: " + str(ann))
    expect(next_speaker).to_be_visible()
    expect(next_speaker).to_have_attribute("aria-keyshortcuts", "N")
    expect(console.locator("#console-queue")).to_contain_text(str(ann))
    _pressed(console, "n")
    expect(console.locator("#console-speaker")).to_have_text(str(ann))
    clock = console.locator("#console-clock")
    first = clock.inner_text()
    console.wait_for_function(
        "first => document.querySelector('#console-clock').textContent !== first", arg=first
    )  # the speech clock runs on the console
    screenshot(console, "console-tablet-speaking")

    # Bob waits; taking the next item asks first, names him, and Go back keeps him.
    speaker_request(meeting_id=meeting.pk, person=bob, kind="for")
    expect(console.locator("#console-queue")).to_contain_text(str(bob))
    console.get_by_role("button", name="Take the next item").click()
    dialog = console.get_by_role("dialog")
    expect(dialog).to_contain_text(str(bob))
    expect(dialog).to_contain_text("taken off the list")
    dialog.get_by_role("button", name="Go back").click()
    expect(dialog).to_be_hidden()
    assert AgendaItem.objects.get(meeting=meeting, state=AgendaItem.State.CURRENT).title == "Treasurer's report"
    console.get_by_role("button", name="Take the next item").click()
    dialog.get_by_role("button", name="and clear the list").click()
    expect(bar).to_contain_text("2. " + motion.title)
    expect(console.locator(".messages")).to_contain_text("was taken off the list")
    expect(console.locator("#console-queue")).not_to_contain_text(str(bob))

    # A vote opens and closes, the close asked first.
    console.get_by_label("Vote on").select_option(label=f"Motion: {motion.title}")
    console.get_by_label("How", exact=True).select_option("hands")
    console.get_by_role("button", name="Open the vote").click()
    expect(bar.locator("#bar-vote")).to_contain_text(motion.title)
    console.get_by_label("For", exact=True).fill("5")
    console.get_by_label("Against", exact=True).fill("1")
    console.get_by_role("button", name="Close the vote").click()
    expect(dialog).to_contain_text("Nobody can vote in it after this")
    screenshot(console, "console-tablet-confirm")
    dialog.get_by_role("button", name="Go back").click()
    assert MeetingVote.objects.get(meeting=meeting).state == MeetingVote.State.OPEN
    assert console.get_by_label("For", exact=True).input_value() == "5", "what the chair typed is kept"
    console.get_by_role("button", name="Close the vote").click()
    dialog.get_by_role("button", name="Close the vote").click()
    expect(console.locator("#last-vote")).to_contain_text("carried (5 for, 1 against")
    expect(bar.locator("#bar-vote")).to_contain_text("none open")

    # Closing the meeting asks first; Go back leaves it running.
    console.get_by_role("button", name="Close the meeting and draft the minutes").click()
    expect(dialog).to_contain_text("Close the meeting now?")
    dialog_violations = _axe(console)  # the page with its question open
    dialog.get_by_role("button", name="Go back").click()
    assert Meeting.objects.get(pk=meeting.pk).state == Meeting.State.IN_PROGRESS
    assert console.evaluate("window.__sameDocument === true"), "the console reloaded"
    violations = _axe(console)
    screenshot(console, "console-tablet")
    assert violations == [], violations
    assert dialog_violations == [], dialog_violations
    console.context.close()
