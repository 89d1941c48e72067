"""A paragraph amendment in Chromium (issue 24): a member on a phone
(390x844) reads the motion's numbered paragraphs, picks paragraph 2 and
amends only it; the motion page shows the diff of that paragraph alone; the
vote on it shows the same diff on the member's phone, and the projector at
1920x1080 shows it with its number; once another carries, the motion reads
as amended with the original in its history. axe-core finds no WCAG 2.2 AA violation
on any of these pages. Screenshots: tests/artifacts/amend-paragraph-*.png."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from meetings.models import Amendment
from meetings.services import amendments as amendment_services
from meetings.services import meetings as svc
from meetings.services.votes import meeting_vote_open
from tests.e2e.conftest import PHONE, screenshot
from tests.e2e.test_discussion_journey import PASSWORD, sign_in
from tests.e2e.test_meeting_room_journey import _axe
from tests.meetings.conftest import branch, in_order_motion, running_meeting  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PROJECTOR = {"width": 1920, "height": 1080}
TEXT = (
    "Conference notes that rents in Stockport rose by **a fifth** in two years.\n\n"
    "Conference resolves to give the renters' union £100 a year.\n\n"
    "The secretary writes to the union to say so."
)


def _signs_in(user: Any) -> None:
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


def test_a_member_amends_paragraph_two_on_a_phone_and_the_projector_shows_it(
    browser: Any,
    live_server: Any,
    branch: Any,  # noqa: F811
) -> None:
    meeting = running_meeting(branch, present=7)
    motion = in_order_motion(branch, title="Fund the renters' union")
    motion.text = motion.original_text = TEXT
    motion.save(update_fields=["text", "original_text"])
    item = svc.agenda_item_add(meeting_id=meeting.pk, actor=branch.secretary, kind="motion", motion=motion)
    svc.agenda_item_take(item_id=item.pk, actor=branch.secretary)
    amender = branch.members[3]
    amender.email = "amy@example.org"
    amender.save(update_fields=["email"])
    _signs_in(amender)

    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    try:
        phone = context.new_page()
        sign_in(phone, live_server, amender, f"/meetings/motions/{motion.pk}/")
        numbered = phone.locator(".motion-text .numbered-paragraph")
        expect(numbered).to_have_count(3)
        expect(numbered.nth(1).locator(".paragraph-number")).to_have_text("Paragraph 2")
        assert "**" not in phone.locator(".motion-text").inner_text()
        phone.get_by_role("link", name="Propose an amendment").click()
        phone.get_by_role("link", name="Amend paragraph 2").click()
        expect(phone.locator("#paragraph-now")).to_contain_text("£100 a year")
        assert _axe(phone) == []
        phone.get_by_label("What the amendment does").fill("Two hundred pounds")
        field = phone.get_by_label("Paragraph 2 as amended")
        expect(field).to_have_value("Conference resolves to give the renters' union £100 a year.")
        field.fill("Conference resolves to give the renters' union £200 a year.")
        screenshot(phone, "amend-paragraph-form")
        phone.get_by_role("button", name="Propose the amendment").click()
        phone.wait_for_url(f"**/meetings/motions/{motion.pk}/")

        shown = phone.get_by_role("region", name="Amendment: Two hundred pounds")
        expect(shown.locator(".diff-where")).to_have_text("Paragraph 2")
        expect(shown.locator("del")).to_have_text("£100")
        expect(shown.locator("ins")).to_have_text("£200")
        assert "secretary writes" not in shown.inner_text(), "only the amended paragraph is shown"
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert _axe(phone) == []
        screenshot(phone, "amend-paragraph-motion")

        amendment = Amendment.objects.get()
        assert (amendment.paragraph, amendment.new_paragraph) == (
            2,
            "Conference resolves to give the renters' union £200 a year.",
        )
        amendment_services.amendment_second(amendment_id=amendment.pk, seconder=branch.members[4])
        meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="open", amendment=amendment)

        phone.goto(f"{live_server.url}/meetings/{meeting.pk}/")
        vote = phone.locator("#vote-amendment")
        expect(vote).to_contain_text("changes paragraph 2 of “Fund the renters' union”")
        expect(vote.locator("ins")).to_have_text("£200")
        assert _axe(phone) == []
        screenshot(phone, "amend-paragraph-vote")
    finally:
        context.close()

    context = browser.new_context(viewport=PROJECTOR, bypass_csp=True)
    try:
        projector = context.new_page()
        projector.goto(f"{live_server.url}/meetings/{meeting.pk}/projector/{meeting.projector_token}/")
        projector.wait_for_selector("main[data-updated]")
        expect(projector.locator("[data-pj='motion-text'] .numbered-paragraph")).to_have_count(3)
        shown = projector.locator("#pj-amendments .pj-amendment")
        expect(shown).to_have_count(1)
        expect(shown.locator(".diff-where")).to_have_text("Paragraph 2")
        expect(shown.locator("ins")).to_have_text("£200")
        expect(shown.locator("del")).to_have_text("£100")
        assert "**" not in projector.locator("main").inner_text()
        assert projector.evaluate("document.documentElement.scrollWidth") <= PROJECTOR["width"]
        assert _axe(projector) == []
        screenshot(projector, "amend-paragraph-projector")
    finally:
        context.close()

    # The mover takes a friendly amendment to paragraph 3: the motion reads as
    # amended, the one to paragraph 2 still stands, the original is in its history.
    third = amendment_services.amendment_propose(
        motion_id=motion.pk, proposer=branch.members[5], summary="At once", paragraph=3,
        text="The secretary writes to the union at once.",
    )  # fmt: skip
    amendment_services.amendment_accept_friendly(amendment_id=third.pk, actor=branch.members[0])
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    try:
        reader = context.new_page()
        reader.goto(f"{live_server.url}/meetings/motions/{motion.pk}/")
        expect(reader.get_by_role("heading", name="Text as amended")).to_be_visible()
        expect(reader.locator(".motion-text #paragraph-3")).to_contain_text("at once")
        reader.locator("#motion-history summary").click()
        expect(reader.locator("#motion-history .diff-where")).to_have_text("Paragraph 3")
        expect(reader.locator("#motion-history ins").first).to_have_text("at")
        assert "£100" not in reader.locator("#motion-history .diff").inner_text(), "only the changed paragraph"
        expect(reader.locator(".motion-original")).to_contain_text("£100 a year")
        standing = reader.get_by_role("region", name="Amendment: Two hundred pounds")
        expect(standing).to_contain_text("Seconded, to be decided")
        expect(standing.locator(".diff-where")).to_have_text("Paragraph 2")
        assert _axe(reader) == []
        screenshot(reader, "amend-paragraph-amended-motion")
    finally:
        context.close()
