"""The issue's journey in Chromium: propose, second ×2, rule in order, put on
the AGM agenda, notice e-mailed, check in, quorum, amendment carried, the
amended motion carried by two-thirds, minutes with figures, observer reads it."""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from core.models import OutboxEmail
from governance.models import Holding
from meetings.models import Meeting, Minutes, Motion, StandingOrders
from tests.e2e.conftest import PAGE_TIMEOUT_MS, console_confirm, console_settled, screenshot
from tests.factories import MembershipFactory, OfficeFactory, UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"
# Each person on the device they would use: officers and the projector on a
# desktop, members on phones (one, the amender, at a laptop). One run covers
# both widths; the a11y journey checks every one of these pages at both.
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def person(unit, name: str, email: str):
    user = UserFactory(full_name=name, email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    MembershipFactory(unit=unit, person=user)
    return user


def sign_in(new_page, live_server, viewport, user, next_url: str):
    page = new_page(viewport)
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"**{next_url}")
    return page


def test_motion_to_carried_resolution_at_the_agm(live_server, new_page) -> None:
    unit = UnitFactory(name="Stockport", slug="stockport")
    StandingOrders.objects.create(unit=unit, seconders_required=2, quorum=4)
    sol = person(unit, "Sol Secretary", "sol@example.org")
    Holding.objects.create(person=sol, office=OfficeFactory(unit=unit), starts_on=dt.date(2024, 1, 1), authority="x")
    maya, ali, bea, cal = (
        person(unit, n, f"{n.split()[0].lower()}@example.org") for n in ["Maya M", "Ali A", "Bea B", "Cal C"]
    )

    # Sol schedules the AGM in the console (15 days ahead: 14 clear days' notice).
    officer = sign_in(new_page, live_server, DESKTOP, sol, "/meetings/schedule/stockport/")
    officer.get_by_label("Kind").select_option("agm")
    officer.get_by_label("Title").fill("Stockport AGM")
    starts = timezone.localtime(timezone.now() + dt.timedelta(days=16)).strftime("%Y-%m-%dT%H:%M")
    officer.get_by_label("Starts at").fill(starts)
    officer.get_by_role("button", name="Schedule").click()
    officer.wait_for_url("**/console/")
    meeting = Meeting.objects.get(title="Stockport AGM")

    # Maya proposes a constitutional motion for the AGM.
    member = sign_in(new_page, live_server, PHONE, maya, "/meetings/motions/new/stockport/")
    member.get_by_label("Title").fill("Elect a welfare officer")
    member.get_by_label("Text").fill("The constitution is amended to create the office of **welfare officer**.")
    member.get_by_label("Meeting").select_option(str(meeting.pk))
    member.get_by_label("This motion changes the constitution").check()
    member.get_by_role("button", name="Submit for seconding").click()
    member.wait_for_url("**/meetings/motions/*/")
    motion = Motion.objects.get(title="Elect a welfare officer")
    expect(member.locator("strong", has_text="welfare officer").first).to_be_visible()
    screenshot(member, "meetings-motion-submitted")

    for seconder in (ali, bea):
        p = sign_in(new_page, live_server, PHONE, seconder, f"/meetings/motions/{motion.pk}/")
        p.get_by_role("button", name="Second this motion").click()
        assert "You seconded the motion." in p.locator(".messages").inner_text()
        p.context.close()

    officer.goto(f"{live_server.url}/meetings/motions/{motion.pk}/")
    officer.get_by_role("button", name="Rule in order").click()
    assert "Ruled in order" in officer.locator("#motion-state").inner_text()

    # Cal proposes an amendment, Bea seconds it.
    amender = sign_in(new_page, live_server, DESKTOP, cal, f"/meetings/motions/{motion.pk}/amend/")
    amender.get_by_label("What the amendment does").fill("Two welfare officers")
    amender.get_by_label("The motion as amended").fill(
        "The constitution is amended to create two offices of **welfare officer**."
    )
    amender.get_by_role("button", name="Propose the amendment").click()
    expect(amender.locator("ins", has_text="offices").first).to_be_visible()
    expect(amender.locator("del", has_text="office").first).to_be_visible()
    p = sign_in(new_page, live_server, PHONE, bea, f"/meetings/motions/{motion.pk}/")
    p.get_by_role("button", name="Second this amendment").click()
    p.context.close()

    # On the agenda, notice sent, meeting started.
    officer.goto(f"{live_server.url}/meetings/{meeting.pk}/console/")
    officer.get_by_label("Kind").select_option("motion")
    officer.get_by_label("Motion (for a motion item)").select_option(str(motion.pk))
    officer.get_by_role("button", name="Add to the agenda").click()
    console_settled(officer)
    officer.get_by_role("button", name="Send the notice now").click()
    notices = OutboxEmail.objects.filter(key__startswith=f"meeting-notice:{meeting.pk}:")
    assert {n.to_address for n in notices} == {u.email for u in (sol, maya, ali, bea, cal)}
    assert "Elect a welfare officer" in notices[0].body_text
    officer.get_by_label("I confirm it starts today").check()  # the AGM is called for a later day
    officer.get_by_role("button", name="Start the meeting").click()
    code = officer.locator("#room-code").inner_text().strip()
    assert "not quorate" in officer.locator("#quorum").inner_text()

    # Members check in with the room code; Sol finds one by name and checks him in.
    phones = {}
    for user in (maya, ali, bea):
        p = sign_in(new_page, live_server, PHONE, user, f"/meetings/{meeting.pk}/")
        p.get_by_label("Code shown in the room").fill(code)
        p.get_by_role("button", name="Check in").click()
        assert "You are checked in." in p.locator(".messages").inner_text()
        phones[user.pk] = p
    officer.get_by_label("Find a member to check in").fill("cal")
    officer.get_by_role("button", name="Find", exact=True).click()
    officer.get_by_role("button", name="Check in Cal C").click()
    console_settled(officer)
    officer.wait_for_function(
        "document.querySelector('#quorum').textContent.includes('quorate') && !document.querySelector('#quorum').textContent.includes('not quorate')"
    )
    screenshot(officer, "meetings-console")

    # The amendment is voted first (open vote on phones) and carried.
    officer.get_by_role("button", name="Take this item").first.click()
    console_settled(officer)
    officer.get_by_label("Vote on").select_option(label="Amendment to Elect a welfare officer: Two welfare officers")
    officer.get_by_label("How", exact=True).select_option("open")
    officer.get_by_role("button", name="Open the vote").click()
    console_settled(officer)
    for user in (maya, ali, bea):
        phones[user.pk].reload()
        phones[user.pk].get_by_role("button", name="For", exact=True).click()
    officer.get_by_role("button", name="Close the vote").click()
    console_confirm(officer, "Close the vote")
    assert "carried (3 for, 0 against, 0 abstentions)" in officer.locator("#last-vote").inner_text()

    # The amended motion: show of hands counted by the chair, two-thirds needed.
    officer.get_by_label("Vote on").select_option(label="Motion: Elect a welfare officer")
    officer.get_by_label("How", exact=True).select_option("hands")
    officer.get_by_role("button", name="Open the vote").click()
    console_settled(officer)
    officer.get_by_label("For", exact=True).fill("3")
    officer.get_by_label("Against", exact=True).fill("1")
    officer.get_by_label("Abstentions").fill("0")
    officer.get_by_role("button", name="Close the vote").click()
    console_confirm(officer, "Close the vote")
    assert "carried (3 for, 1 against" in officer.locator("#last-vote").inner_text()
    projector_url = officer.locator("#projector-url").inner_text().strip()
    projector = new_page(DESKTOP)
    projector.goto(projector_url)
    assert projector.locator("[data-pj=vote-outcome]").inner_text() == "CARRIED"
    screenshot(projector, "meetings-projector")

    officer.get_by_role("button", name="Close the meeting and draft the minutes").click()
    console_confirm(officer, "Close the meeting")
    minutes = Minutes.objects.get(meeting=meeting).versions.get(number=1).text
    assert "3 for, 1 against, 0 abstentions" in minutes and "two-thirds required" in minutes

    observer = new_page(PHONE)
    observer.goto(f"{live_server.url}/meetings/motions/{motion.pk}/")
    assert "Carried" in observer.locator("#motion-state").inner_text()
    assert "3 for, 1 against" in observer.locator(".outcome").inner_text()
    assert "two offices" in observer.locator(".motion-text").inner_text()
    expect(observer.locator("ins", has_text="offices").first).to_be_attached()
    screenshot(observer, "meetings-decision")
