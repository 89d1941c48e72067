"""Proxies and printed papers in Chromium (issue 17): a member appoints a
proxy from their phone (a bad address gets the form's error first), the
holder votes for her in the room, and an observer downloads the motions
book as a PDF whose text carries the motion and its result."""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from governance.models import Holding
from meetings.models import Meeting, MeetingVote, OpenVoteCast, ProxyAppointment, StandingOrders
from meetings.services import meetings as svc
from meetings.services import motions as motion_services
from meetings.services.attendance import attendance_check_in_by_officer
from meetings.services.votes import meeting_vote_close, meeting_vote_open
from tests.e2e.conftest import PAGE_TIMEOUT_MS, saved_pdf_text, screenshot
from tests.factories import MembershipFactory, OfficeFactory, UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def person(unit, name: str, email: str):
    user = UserFactory(full_name=name, email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    MembershipFactory(unit=unit, person=user)
    return user


def sign_in(new_page, live_server, user, next_url: str):
    page = new_page(PHONE)
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"**{next_url}")
    return page


def test_proxy_appointed_and_used_then_the_motions_book_downloaded(live_server, new_page) -> None:
    unit = UnitFactory(name="Stockport", slug="stockport")
    StandingOrders.objects.create(
        unit=unit, quorum=2, seconders_required=1, proxies_allowed=True, proxy_deadline_hours=24
    )
    sol = person(unit, "Sol Secretary", "sol@example.org")
    Holding.objects.create(person=sol, office=OfficeFactory(unit=unit), starts_on=dt.date(2024, 1, 1), authority="x")
    maya, ali, bea, cal = (
        person(unit, n, f"{n.split()[0].lower()}@example.org") for n in ["Maya M", "Ali A", "Bea B", "Cal C"]
    )
    motion = motion_services.motion_create(unit=unit, proposer=bea, title="Back the renters' union", text="We back it.")
    motion_services.motion_submit(motion_id=motion.pk, actor=bea)
    motion_services.motion_second(motion_id=motion.pk, seconder=cal)
    motion_services.motion_rule(motion_id=motion.pk, actor=sol, in_order=True)
    meeting = svc.meeting_schedule(
        unit=unit, actor=sol, kind=Meeting.Kind.AGM, title="Stockport AGM",
        starts_at=timezone.now() + dt.timedelta(days=20),
    )  # fmt: skip
    svc.meeting_notice_send(meeting_id=meeting.pk, actor=sol)
    item = svc.agenda_item_add(meeting_id=meeting.pk, actor=sol, kind="motion", motion=motion)

    # Maya cannot come: she appoints Ali from her phone, after a typo.
    phone = sign_in(new_page, live_server, maya, f"/meetings/{meeting.pk}/")
    phone.get_by_role("link", name="Can't come? Appoint a proxy").click()
    phone.wait_for_url(f"**/meetings/{meeting.pk}/proxy/")
    phone.get_by_label("Your proxy's e-mail address").fill("ali@example")
    phone.get_by_role("button", name="Appoint my proxy").click()
    expect(phone.get_by_text("Enter a valid email address.").first).to_be_visible()
    screenshot(phone, "proxy-appoint-error")
    phone.get_by_label("Your proxy's e-mail address").fill("ali@example.org")
    phone.get_by_role("button", name="Appoint my proxy").click()
    phone.get_by_text("Ali A is your proxy for Stockport AGM.").wait_for()
    screenshot(phone, "proxy-appointed")
    assert ProxyAppointment.objects.get(meeting=meeting, revoked_at__isnull=True).holder == ali

    # The day comes; Ali is in the room and votes for Maya on a show of hands.
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=5))
    svc.meeting_start(meeting_id=meeting.pk, actor=sol)
    for present in (sol, ali, bea):
        attendance_check_in_by_officer(meeting_id=meeting.pk, person=present, actor=sol)
    svc.agenda_item_take(item_id=item.pk, actor=sol)
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=sol, mode="hands", motion=motion)
    holder = sign_in(new_page, live_server, ali, f"/meetings/{meeting.pk}/")
    group = holder.get_by_role("group", name="Vote for Maya M")
    group.get_by_role("button", name="For").click()
    holder.get_by_text("The proxy vote is recorded.").wait_for()
    screenshot(holder, "proxy-vote-recorded")
    assert OpenVoteCast.objects.get(vote=vote, holder__isnull=False).voter == maya
    meeting_vote_close(vote_id=vote.pk, actor=sol, votes_for=2, votes_against=1, abstentions=0)
    assert MeetingVote.objects.get(pk=vote.pk).votes_for == 3  # 2 hands in the room + Maya's proxy

    # An observer downloads the motions book from the meeting's page.
    observer = new_page(DESKTOP)
    observer.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    screenshot(observer, "meeting-papers-links")
    with observer.expect_download() as download:
        observer.get_by_role("link", name="motions book").click()
    flat = saved_pdf_text(download.value, "motions-book")
    assert "Back the renters' union" in flat and "State: Carried" in flat
    assert "carried, 3 for, 1 against, 0 abstentions" in flat

    # After the meeting the secretary edits the minutes: the preview follows the typing.
    svc.meeting_close(meeting_id=meeting.pk, actor=sol)
    secretary = sign_in(new_page, live_server, sol, f"/meetings/{meeting.pk}/minutes/")
    secretary.set_viewport_size(DESKTOP)
    editor = secretary.get_by_label("Minutes (Markdown: ## headings, **bold**, lists, tables)")
    assert "Proxies: Maya M (held by Ali A)." in editor.input_value()
    editor.press("Control+End")
    editor.type("\n\n**Apologies** from Maya M, by proxy.")
    preview = secretary.locator("#minutes-preview")
    preview.locator("strong", has_text="Apologies").wait_for()
    assert "<script" not in preview.inner_html()
    assert secretary.locator("#minutes-preview-status").inner_text() == "Preview up to date."
    screenshot(secretary, "minutes-editor-preview")


def test_proxy_and_paper_pages_have_no_wcag22_aa_violation(live_server, browser) -> None:
    from tests.e2e.test_a11y_journeys import _audit, _axe_source

    axe = _axe_source()
    unit = UnitFactory(name="Stockport", slug="stockport")
    StandingOrders.objects.create(unit=unit, quorum=1, proxies_allowed=True, proxies_per_holder=2)
    sol = person(unit, "Sol Secretary", "sol@example.org")
    Holding.objects.create(person=sol, office=OfficeFactory(unit=unit), starts_on=dt.date(2024, 1, 1), authority="x")
    maya, ali = person(unit, "Maya M", "maya@example.org"), person(unit, "Ali A", "ali@example.org")
    meeting = svc.meeting_schedule(
        unit=unit, actor=sol, kind=Meeting.Kind.GENERAL, title="Stockport GM",
        starts_at=timezone.now() + dt.timedelta(days=20),
    )  # fmt: skip
    svc.meeting_notice_send(meeting_id=meeting.pk, actor=sol)
    from meetings.services.paper import paper_count_create, paper_entry_add
    from meetings.services.proxies import proxy_appoint

    proxy_appoint(meeting_id=meeting.pk, principal=maya, holder=ali)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=5))
    svc.meeting_start(meeting_id=meeting.pk, actor=sol)
    for present in (sol, ali):
        attendance_check_in_by_officer(meeting_id=meeting.pk, person=present, actor=sol)
    meeting_vote_open(meeting_id=meeting.pk, actor=sol, mode="open", title="Thanks to the venue")
    pc = paper_count_create(
        meeting_id=meeting.pk, actor=sol, title="Election of the chair", method="irv", seats=1,
        candidates=["Ann", "Bob", "Cat"],
    )  # fmt: skip
    paper_entry_add(count_id=pc.pk, actor=sol, marks={0: "1", 1: "2"})
    found: dict[str, list] = {}
    for viewport in (PHONE, DESKTOP):
        for user, pages in (
            (ali, [f"/meetings/{meeting.pk}/", f"/meetings/{meeting.pk}/proxy/"]),
            (sol, [f"/meetings/{meeting.pk}/paper/", f"/meetings/paper/{pc.pk}/", f"/meetings/{meeting.pk}/proxy/"]),
        ):
            context = browser.new_context(viewport=viewport, bypass_csp=True)
            page = context.new_page()
            page.set_default_timeout(PAGE_TIMEOUT_MS)
            page.goto(f"{live_server.url}/accounts/login/")
            page.get_by_label("Email").fill(user.email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign In").click()
            page.wait_for_load_state()
            for url in pages:
                page.goto(f"{live_server.url}{url}")
                violations = _audit(page, axe)
                found[f"{user.email} {url} {viewport['width']}"] = [(v["id"], len(v["nodes"])) for v in violations]
            if user == sol and viewport == PHONE:
                page.goto(f"{live_server.url}/meetings/paper/{pc.pk}/")
                screenshot(page, "paper-entry-page")
            context.close()
    assert all(not v for v in found.values()), {k: v for k, v in found.items() if v}
