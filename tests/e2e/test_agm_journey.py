"""An AGM from end to end, as production serves it (uvicorn: pages and the
room's sockets; a real Celery worker for the secret vote's count), in
Chromium: the console on a tablet (1024x768), the projector (1920x1080) and
members' phones (390x844).

Before the night the chair edits the standing orders to allow proxies, and
a member who cannot come appoints one. In the room: arrivals check in with
the code and the chair checks three more in a row from one search; a
speakers' list runs across two items; an amendment is carried by secret
ballot while a latecomer is told why she cannot vote in it; the motion as
amended is voted openly on the phones (the proxy holder voting for the
absent member); the meeting closes and the draft minutes (dated the day
held, naming the chair, those present and the proxy) are printed marked
DRAFT. The projector and the phones follow every change by push: each
keeps a marker that a reload would lose, and every wait is on what the
page shows, never on time. axe-core finds no WCAG 2.2 AA violation on the
console, the projector or a phone; no text on the projector is under 32 px.
Screenshots: tests/artifacts/agm-*.png."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django.utils.dateformat import format as date_format
from playwright.sync_api import expect

from governance.models import Holding
from meetings.models import Amendment, Meeting, MeetingVote, Motion, OpenVoteCast, StandingOrders
from meetings.services import amendments as amendment_services
from meetings.services import meetings as meeting_services
from meetings.services import motions as motion_services
from tests.conftest import CeleryProcesses
from tests.e2e.conftest import PAGE_TIMEOUT_MS, console_confirm, console_settled, saved_pdf_text, screenshot
from tests.e2e.test_meeting_room_journey import _axe
from tests.e2e.test_projector_sizes import TEXT_SIZES
from tests.factories import MembershipFactory, OfficeFactory, UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TABLET = {"width": 1024, "height": 768}
PROJECTOR = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
MOTION_TEXT = "The branch gives £200 to the renters' union.\n\nThe treasurer pays it by March."
AMENDED_TEXT = "The branch gives £300 to the renters' union.\n\nThe treasurer pays it by March."


def _person(unit: Any, name: str) -> Any:
    email = f"{name.split()[0].lower()}@example.org"
    user = UserFactory(full_name=name, email=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    MembershipFactory(unit=unit, person=user)
    return user


def _own_vote(phone: Any) -> Any:
    """The member's own vote form (a proxy holder's page has one per absent member too)."""
    return phone.locator("#vote-h ~ form")


def _projector_text_under_32px(projector: Any) -> list[Any]:
    return [(text, size) for text, size in projector.evaluate(TEXT_SIZES) if size < 32]


def test_an_agm_with_the_console_the_projector_and_phones(
    asgi_server: str, browser: Any, celery_processes: CeleryProcesses
) -> None:
    unit = UnitFactory(name="Momentum Stockport", slug="stockport")
    StandingOrders.objects.create(unit=unit, quorum=4, seconders_required=1, proxies_allowed=False)
    sol = _person(unit, "Sol Chair")
    Holding.objects.create(
        person=sol, office=OfficeFactory(unit=unit, title="Chair"), starts_on=dt.date(2024, 1, 1), authority="Elected"
    )
    maya, ali, bea, cal, dee, eve, fay = (
        _person(unit, n)
        for n in ["Maya Mills", "Ali Ahmed", "Bea Brown", "Cal Cole", "Dee Dunn", "Eve Ellis", "Fay Ford"]
    )
    motion = motion_services.motion_create(unit=unit, proposer=bea, title="Fund a renters' union", text=MOTION_TEXT)
    motion_services.motion_submit(motion_id=motion.pk, actor=bea)
    motion_services.motion_second(motion_id=motion.pk, seconder=ali)
    motion_services.motion_rule(motion_id=motion.pk, actor=sol, in_order=True)
    amendment = amendment_services.amendment_propose(
        motion_id=motion.pk, proposer=cal, summary="Give £300", text=AMENDED_TEXT
    )
    amendment_services.amendment_second(amendment_id=amendment.pk, seconder=dee)
    meeting = meeting_services.meeting_schedule(
        unit=unit, actor=sol, kind=Meeting.Kind.AGM, title="Stockport AGM",
        starts_at=timezone.now() + dt.timedelta(days=20),
    )  # fmt: skip
    meeting_services.agenda_item_add(meeting_id=meeting.pk, actor=sol, kind="report", title="Treasurer's report")
    meeting_services.agenda_item_add(meeting_id=meeting.pk, actor=sol, kind="motion", motion=motion)
    meeting_services.meeting_notice_send(meeting_id=meeting.pk, actor=sol)

    celery_processes.start_worker()
    celery_processes.wait_ready("worker")
    contexts: list[Any] = []

    def open_page(viewport: dict[str, int], user: Any | None, path: str) -> Any:
        """A browser of its own, signed in as ``user`` (CSP bypassed for axe's injected script only)."""
        context = browser.new_context(viewport=viewport, bypass_csp=True)
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": asgi_server}])
        page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        page.goto(path if path.startswith("http") else f"{asgi_server}{path}")
        return page

    def follows_pushes(page: Any) -> None:
        """The page's socket is up; a marker that any reload would lose."""
        expect(page.locator("[data-live=push]")).to_have_count(1)
        page.evaluate("window.__sameDocument = true")

    def still_same_document(page: Any) -> bool:
        return bool(page.evaluate("window.__sameDocument === true"))

    try:
        # Weeks before: the chair allows proxies (from the next meeting: this one).
        console = open_page(TABLET, sol, f"/meetings/standing-orders/{unit.slug}/")
        console.get_by_label("Members may appoint proxies").check()
        console.get_by_label("Note on this change").fill("Proxies for the AGM, as the members asked")
        console.get_by_role("button", name="Save as a new version").click()
        expect(console.get_by_text("saved as version 2")).to_be_visible()
        screenshot(console, "agm-standing-orders")

        # Maya cannot come: she appoints Ali from her phone.
        maya_phone = open_page(PHONE, maya, f"/meetings/{meeting.pk}/")
        maya_phone.get_by_role("link", name="Can't come? Appoint a proxy").click()
        maya_phone.get_by_label("Your proxy's e-mail address").fill(ali.email)
        maya_phone.get_by_role("button", name="Appoint my proxy").click()
        expect(maya_phone.get_by_text(f"{ali} is your proxy for Stockport AGM.")).to_be_visible()

        # The night: the chair opens the AGM and puts the projector up with the code.
        Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now())
        console.goto(f"{asgi_server}/meetings/{meeting.pk}/console/")
        console.get_by_role("button", name="Start the meeting").click()
        expect(console.locator(".messages")).to_contain_text("The meeting is open")
        follows_pushes(console)
        projector = open_page(PROJECTOR, None, console.locator("#projector-url").inner_text().strip())
        follows_pushes(projector)
        console.get_by_role("button", name="Show the code on the projector").click()
        console_settled(console)
        code = console.locator("#room-code").inner_text().strip()
        expect(projector.locator("[data-pj=room-code]")).to_have_text(code)

        # Ali, Bea and Cal check in with the code; the chair checks in three more in a row.
        phones: dict[str, Any] = {}
        for user in (ali, bea, cal):
            phone = open_page(PHONE, user, f"/meetings/{meeting.pk}/")
            phone.get_by_label("Code shown in the room").fill(code)
            phone.get_by_role("button", name="Check in").click()
            expect(phone.locator(".messages")).to_contain_text("You are checked in.")
            phones[user.full_name] = phone
        find = console.get_by_label("Find a member to check in")
        find.fill("example.org")
        console.get_by_role("button", name="Find", exact=True).click()
        for user in (dee, eve, sol):
            console.get_by_role("button", name=f"Check in {user}").click()
            expect(console.locator("#attendance-list")).to_contain_text(str(user))
            assert find.input_value() == "example.org", "the search is kept for the next arrival"
        expect(projector.locator("[data-pj=quorate]")).to_have_text("quorate")
        for user in (dee, eve):
            phones[user.full_name] = open_page(PHONE, user, f"/meetings/{meeting.pk}/")
        for phone in phones.values():
            follows_pushes(phone)
        console.get_by_role("button", name="Hide the code").click()
        console_settled(console)
        expect(projector.locator("#pj-code")).to_be_hidden()

        # The speakers' list, across two items. Bea asks before any item is taken: she waits for it.
        speak = open_page(PHONE, bea, f"/meetings/{meeting.pk}/speak/")
        expect(speak.locator("#no-item-yet")).to_be_visible()
        speak.get_by_label("Against").check()
        speak.get_by_role("button", name="Ask to speak").click()
        expect(speak.get_by_text("You are on the list")).to_be_visible()
        console.get_by_role("button", name="Take the next item: Treasurer's report").click()
        console_settled(console)
        expect(projector.locator("[data-pj=item]")).to_contain_text("Treasurer's report")
        expect(phones["Ali Ahmed"].locator("[data-field=current_item]")).to_contain_text("Treasurer's report")
        expect(projector.locator("#pj-queue li").first).to_contain_text("Bea Brown")
        expect(console.locator("#console-queue")).to_contain_text("Bea Brown")
        console.get_by_role("button", name="Call the next speaker: Bea Brown").click()
        console_settled(console)
        expect(projector.locator("[data-pj=speaker]")).to_have_text("Bea Brown")
        # Dee asks too; taking the motion with Dee waiting asks the chair first.
        dee_speak = open_page(PHONE, dee, f"/meetings/{meeting.pk}/speak/")
        dee_speak.get_by_label("For the motion").check()
        dee_speak.get_by_role("button", name="Ask to speak").click()
        expect(console.locator("#console-queue")).to_contain_text("Dee Dunn")
        console.get_by_role("button", name="Take the next item").click()
        dialog = console.get_by_role("dialog")
        expect(dialog).to_contain_text("Dee Dunn")
        screenshot(console, "agm-console-take-item")
        console_confirm(console, "and clear the list")
        expect(projector.locator("[data-pj=item]")).to_contain_text("Fund a renters' union")
        expect(projector.locator("#pj-queue")).not_to_contain_text("Dee Dunn")
        # On the motion, Cal asks to move his amendment; the list shows him alone.
        cal_speak = open_page(PHONE, cal, f"/meetings/{meeting.pk}/speak/")
        cal_speak.get_by_label("For the motion").check()
        cal_speak.get_by_role("button", name="Ask to speak").click()
        expect(projector.locator("#pj-queue li")).to_have_count(1)
        expect(projector.locator("#pj-queue li").first).to_contain_text("Cal Cole")
        console.get_by_role("button", name="Call the next speaker: Cal Cole").click()
        console_settled(console)
        expect(projector.locator("[data-pj=speaker]")).to_have_text("Cal Cole")
        expect(projector.locator(".pj-diff ins").first).to_be_visible()  # the amendment, as a clean diff
        assert "**" not in projector.locator(".pj-diff").first.inner_text()
        screenshot(projector, "agm-projector-amendment")
        small = _projector_text_under_32px(projector)
        assert small == [], small

        # The amendment, by secret ballot: the phones are offered the vote by push.
        console.get_by_label("Vote on").select_option(label="Amendment to Fund a renters' union: Give £300")
        console.get_by_label("How", exact=True).select_option("secret")
        console.get_by_role("button", name="Open the vote").click()
        console_settled(console)
        expect(projector.locator("[data-pj=vote-status]")).to_contain_text("Vote open")
        for name, choice in (("Ali Ahmed", "For"), ("Bea Brown", "For"), ("Cal Cole", "For"), ("Dee Dunn", "For"),
                             ("Eve Ellis", "Against")):  # fmt: skip
            phone = phones[name]
            expect(phone.locator("#live-changed")).to_be_visible()  # pushed: the page offers the new vote
            assert still_same_document(phone)
            phone.locator("#live-changed a").click()
            _own_vote(phone).get_by_role("button", name=choice, exact=True).click()
            expect(phone.locator(".messages")).to_contain_text("Your vote is recorded.")
        # Fay arrives late; the chair checks her in. She is told why she cannot vote in this one.
        find.fill("Fay")
        console.get_by_role("button", name="Find", exact=True).click()
        console.get_by_role("button", name="Check in Fay Ford").click()
        expect(console.locator("#attendance-list")).to_contain_text("Fay Ford")
        fay_phone = open_page(PHONE, fay, f"/meetings/{meeting.pk}/")
        expect(fay_phone.locator("#vote-refused")).to_contain_text("after this secret vote opened")
        expect(fay_phone.get_by_role("button", name="For", exact=True)).to_have_count(0)
        screenshot(fay_phone, "agm-phone-latecomer")
        # The roll fixed at the opening: the six then present and Maya, by proxy; not Fay.
        expect(console.locator("#may-vote")).to_contain_text("7 may vote")
        phone_violations = _axe(fay_phone)
        console.get_by_role("button", name="Close the vote").click()
        console_confirm(console, "Close the vote")
        # The worker counts it; the result reaches the projector by push.
        expect(projector.locator("[data-pj=vote-outcome]")).to_have_text("CARRIED")
        assert "4 for, 1 against" in projector.locator("[data-pj=vote-status]").inner_text()
        assert Amendment.objects.get(pk=amendment.pk).state == Amendment.State.CARRIED
        assert Motion.objects.get(pk=motion.pk).text == AMENDED_TEXT

        # The motion as amended, openly on the phones; Ali also votes for Maya, by proxy.
        console.get_by_label("Vote on").select_option(label="Motion: Fund a renters' union")
        console.get_by_label("How", exact=True).select_option("open")
        console.get_by_role("button", name="Open the vote").click()
        console_settled(console)
        expect(projector.locator(".pj-motion-text")).to_contain_text("£300")
        screenshot(projector, "agm-projector-motion-as-amended")
        projector_violations = _axe(projector)
        voters = [("Ali Ahmed", "For"), ("Bea Brown", "For"), ("Cal Cole", "For"), ("Dee Dunn", "Against")]
        phones["Fay Ford"] = fay_phone
        voters.append(("Fay Ford", "For"))  # an open vote: whoever is present now may vote
        for name, choice in voters:
            phone = phones[name]
            phone.goto(f"{asgi_server}/meetings/{meeting.pk}/")
            _own_vote(phone).get_by_role("button", name=choice, exact=True).click()
            expect(phone.locator(".messages")).to_contain_text("Your vote is recorded.")
        ali_phone = phones["Ali Ahmed"]
        ali_phone.get_by_role("group", name=f"Vote for {maya}").get_by_role("button", name="For").click()
        expect(ali_phone.get_by_text("The proxy vote is recorded.")).to_be_visible()
        screenshot(ali_phone, "agm-phone-proxy-vote")
        expect(console.locator("#bar-vote")).to_contain_text("6 voted")  # the console's count, pushed
        console_violations = _axe(console)
        screenshot(console, "agm-console-vote-open")
        console.get_by_role("button", name="Close the vote").click()
        console_confirm(console, "Close the vote")
        expect(projector.locator("[data-pj=vote-outcome]")).to_have_text("CARRIED")
        vote = MeetingVote.objects.get(meeting=meeting, motion=motion)
        assert (vote.votes_for, vote.votes_against) == (5, 1)
        assert OpenVoteCast.objects.get(vote=vote, holder=ali).voter == maya
        assert Motion.objects.get(pk=motion.pk).state == Motion.State.CARRIED
        screenshot(projector, "agm-projector-result")
        assert still_same_document(projector), "the projector reloaded"

        # The chair closes the meeting; the phones' speakers' list is empty after it.
        console.get_by_role("button", name="Close the meeting").click()
        console_confirm(console, "Close the meeting")
        assert Meeting.objects.get(pk=meeting.pk).state == Meeting.State.CLOSED
        speak.goto(f"{asgi_server}/meetings/{meeting.pk}/speak/")
        expect(speak.get_by_text("Bea Brown")).to_have_count(0)

        # The draft minutes: the day held, the chair, who was present, the proxy.
        console.goto(f"{asgi_server}/meetings/{meeting.pk}/minutes/")
        draft = console.get_by_label("Minutes (Markdown: ## headings, **bold**, lists, tables)").input_value()
        held = date_format(timezone.localtime(Meeting.objects.get(pk=meeting.pk).held_at), "l j F Y")
        assert f"held on {held}" in draft
        assert "Chair: Sol Chair." in draft
        assert "Present (7)" in draft and "Fay Ford" in draft
        assert f"Proxies: {maya} (held by {ali})." in draft
        assert "£300" in draft
        screenshot(console, "agm-minutes")
        with console.expect_download() as download:
            console.get_by_role("link", name="Download the draft as a PDF (marked DRAFT) to circulate").click()
        text = saved_pdf_text(download.value, "agm-draft-minutes")
        assert "DRAFT" in text and "Chair: Sol Chair." in text and "Present (7)" in text

        assert console_violations == [], console_violations
        assert projector_violations == [], projector_violations
        assert phone_violations == [], phone_violations
    finally:
        for context in contexts:
            context.close()
