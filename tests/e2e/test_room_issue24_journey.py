"""Issue 24's room pages in Chromium, screenshotted (tests/artifacts/): a
member asks to speak before the first item and waits for it; the chair's
"next item" asks first while they wait; a latecomer to a secret vote is told
why they cannot vote and the console counts who may; an amendment's clean
diff on a phone and on the projector; the standing orders page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from governance.models import Holding
from meetings.models import Meeting, StandingOrders
from meetings.services import amendments as amendment_services
from meetings.services import meetings as meeting_services
from meetings.services import motions as motion_services
from meetings.services.attendance import attendance_check_in_by_officer
from meetings.services.votes import meeting_vote_open
from tests.e2e.conftest import console_confirm, console_settled, screenshot
from tests.e2e.test_meeting_room_journey import _axe
from tests.factories import MembershipFactory, OfficeFactory, UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1024, "height": 768}
PROJECTOR = {"width": 1920, "height": 1080}


def _person(unit: Any, name: str) -> Any:
    email = f"{name.split()[0].lower()}@example.org"
    user = UserFactory(full_name=name, email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    MembershipFactory(unit=unit, person=user)
    return user


def test_issue_24_room_pages(browser: Any, live_server: Any) -> None:
    unit = UnitFactory(name="Momentum Stockport", slug="stockport")
    StandingOrders.objects.create(unit=unit, quorum=3, seconders_required=2)
    sol = _person(unit, "Sol Secretary")
    office = OfficeFactory(unit=unit, title="Secretary")
    Holding.objects.create(person=sol, office=office, starts_on=dt.date(2024, 1, 1), authority="Appointed")
    ann, bob, cat, dan, eve = (_person(unit, n) for n in ["Ann Adams", "Bob Brown", "Cat Cole", "Dan Dee", "Eve Ellis"])
    motion = motion_services.motion_create(
        unit=unit, proposer=ann, title="Affiliate to the trades council",
        text="This branch will **affiliate to the trades council** and send a delegate.",
    )  # fmt: skip
    motion_services.motion_submit(motion_id=motion.pk, actor=ann)
    motion_services.motion_second(motion_id=motion.pk, seconder=bob)
    motion_services.motion_second(motion_id=motion.pk, seconder=cat)
    motion_services.motion_rule(motion_id=motion.pk, actor=sol, in_order=True)
    amendment = amendment_services.amendment_propose(
        motion_id=motion.pk, proposer=dan, summary="Two delegates, and the trades union council",
        text="This branch will **affiliate to the trades union council** and send two delegates.",
    )  # fmt: skip
    amendment_services.amendment_second(amendment_id=amendment.pk, seconder=cat)
    meeting = meeting_services.meeting_schedule(
        unit=unit, actor=sol, kind=Meeting.Kind.GENERAL, title="General meeting",
        starts_at=timezone.now() + dt.timedelta(days=20),
    )  # fmt: skip
    report = meeting_services.agenda_item_add(meeting_id=meeting.pk, actor=sol, kind="report", title="Treasurer")
    meeting_services.agenda_item_add(meeting_id=meeting.pk, actor=sol, kind="motion", motion=motion)
    meeting_services.meeting_notice_send(meeting_id=meeting.pk, actor=sol)
    meeting_services.meeting_start(meeting_id=meeting.pk, actor=sol, confirm_early=True)
    for person in [sol, ann, bob, cat]:
        attendance_check_in_by_officer(meeting_id=meeting.pk, person=person, actor=sol)

    contexts: list[Any] = []

    def open_page(viewport: dict[str, int], user: Any, url: str) -> Any:
        context = browser.new_context(viewport=viewport, bypass_csp=True)  # for axe's injected script only
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(f"{live_server.url}/accounts/login/?next={url}")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_url(f"**{url}")
        return page

    try:
        # Ann asks to speak before the chair takes the first item: she waits for it.
        phone = open_page(PHONE, ann, f"/meetings/{meeting.pk}/speak/")
        assert phone.locator("#no-item-yet").is_visible()
        phone.get_by_label("Against").check()
        phone.get_by_role("button", name="Ask to speak").click()
        phone.wait_for_selector("text=You are on the list")
        assert "Ann Adams" in phone.locator("#speak-queue").inner_text()
        screenshot(phone, "issue24-speak-before-item")

        console = open_page(TABLET, sol, f"/meetings/{meeting.pk}/console/")
        console.get_by_role("button", name="Take the next item: Treasurer").click()
        console_settled(console)
        phone.reload()
        assert "Ann Adams" in phone.locator("#speak-queue").inner_text()
        # Taking the motion with Ann still waiting asks first, and says what happens.
        console.get_by_role("button", name="Take the next item").click()
        dialog = console.get_by_role("dialog")
        expect(dialog).to_contain_text("Ann Adams (against)")
        expect(dialog).to_contain_text("taken off the list")
        screenshot(console, "issue24-take-item-confirm")
        console_confirm(console, "and clear the list")
        expect(console.locator(".messages")).to_contain_text("was taken off the list")
        phone.reload()
        assert phone.locator("text=You are on the list").count() == 0
        assert report.pk  # the report was taken, then left

        # A secret vote opens; Dan checks in late and is told why he cannot vote.
        vote = meeting_vote_open(meeting_id=meeting.pk, actor=sol, mode="secret", amendment=amendment)
        attendance_check_in_by_officer(meeting_id=meeting.pk, person=dan, actor=sol)
        late = open_page(PHONE, dan, f"/meetings/{meeting.pk}/")
        assert "after this secret vote opened" in late.locator("#vote-refused").inner_text()
        assert late.get_by_role("button", name="For", exact=True).count() == 0
        screenshot(late, "issue24-latecomer")
        late_violations = _axe(late)
        assert late_violations == [], late_violations
        console.goto(f"{live_server.url}/meetings/{meeting.pk}/console/")
        assert "4 may vote" in console.locator("#may-vote").inner_text()
        screenshot(console, "issue24-console-may-vote")
        console.get_by_role("link", name="who may vote").click()
        voters = console.locator("#voters li").all_inner_texts()
        assert voters == ["Ann Adams", "Bob Brown", "Cat Cole", "Sol Secretary"], voters  # not Dan, the latecomer
        voters_violations = _axe(console)
        assert voters_violations == [], voters_violations
        screenshot(console, "issue24-console-voters")
        assert vote.pk

        # The amendment's diff: rendered, no raw Markdown, words kept apart.
        motion_page = open_page(PHONE, eve, f"/meetings/motions/{motion.pk}/")
        diff = motion_page.locator(".diff").first.inner_text()
        assert "**" not in diff and "union" in diff
        screenshot(motion_page, "issue24-amendment-diff")
        projector = open_page(PROJECTOR, sol, f"/meetings/{meeting.pk}/projector/{meeting.projector_token}/")
        projector.wait_for_selector(".pj-diff ins")
        assert "**" not in projector.locator(".pj-diff").first.inner_text()
        assert "**" not in projector.locator(".pj-motion-text").inner_text()
        assert projector.locator(".pj-motion-text strong").count() == 1
        screenshot(projector, "issue24-projector-diff")

        # The standing orders page.
        orders = open_page(TABLET, sol, f"/meetings/standing-orders/{unit.slug}/")
        orders.get_by_label("Members may appoint proxies").check()
        orders.get_by_label("Note on this change").fill("Agreed at the AGM")
        orders.get_by_role("button", name="Save as a new version").click()
        orders.wait_for_selector("text=saved as version 2")
        assert StandingOrders.objects.get(unit=unit).proxies_allowed is True
        screenshot(orders, "issue24-standing-orders")
    finally:
        for context in contexts:
            context.close()
