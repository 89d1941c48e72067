"""A branch secretary sets a ballot up in the browser — a motion and an STV
election for two seats with three candidates and RON — and schedules it;
once it opens, a member sees it open."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from ballots.models import Ballot
from ballots.services import lifecycle
from tests.e2e.conftest import screenshot
from tests.factories import HoldingFactory, MembershipFactory, OfficeFactory, UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def _person(email: str, name: str, unit: Any) -> Any:
    from allauth.account.models import EmailAddress

    person = UserFactory(email=email, full_name=name, password=PASSWORD)
    EmailAddress.objects.create(user=person, email=email, verified=True, primary=True)
    MembershipFactory(unit=unit, person=person)
    return person


def _sign_in(page: Any, base: str, email: str, next_url: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"**{next_url}")


def _form(page: Any, button: str) -> Any:
    return page.locator("form", has=page.get_by_role("button", name=button, exact=True))


def _fits_the_screen(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_secretary_sets_up_and_schedules_a_ballot(live_server: Any, page: Any, new_page: Any) -> None:
    unit = UnitFactory(name="Stockport", slug="stockport")
    secretary = _person("sec@example.org", "Sam Secretary", unit)
    HoldingFactory(person=secretary, office=OfficeFactory(unit=unit, title="Secretary"))
    member = _person("maya@example.org", "Maya Member", unit)
    base = live_server.url

    _sign_in(page, base, secretary.email, f"/units/{unit.slug}/")
    page.get_by_role("link", name="Set up a ballot").click()
    page.wait_for_url(f"**/ballots/new/{unit.slug}/")
    page.get_by_label("Title").fill("Branch AGM ballot")
    page.get_by_label("Description (optional)").fill("Our annual elections and one motion.")
    assert _fits_the_screen(page)
    screenshot(page, "ballot-setup-new")
    page.get_by_role("button", name="Create the ballot").click()
    page.wait_for_url("**/manage/")
    ballot = Ballot.objects.get(title="Branch AGM ballot")
    assert page.locator("#ballot-state").inner_text() == "Draft"

    # A motion (For / Against / Abstain come with it).
    form = _form(page, "Add the question")
    form.get_by_label("Kind").select_option("motion")
    form.get_by_label("Title").fill("Affiliate to the trades council")
    form.get_by_role("button", name="Add the question").click()
    page.wait_for_url("**/manage/")
    assert "is added" in page.locator(".messages").inner_text()

    # An STV election for two seats.
    page.get_by_text("Add a question", exact=True).click()
    form = _form(page, "Add the question")
    form.get_by_label("Kind").select_option("election")
    form.get_by_label("Title").fill("Branch committee")
    form.get_by_label("Counting method (elections)").select_option("scottish-stv")
    form.get_by_label("Seats (elections)").fill("2")
    form.get_by_role("button", name="Add the question").click()
    page.wait_for_url("**/manage/")

    for name in ("Ann Archer", "Bob Baker", "Cat Carter", None):
        page.get_by_text("Add a candidate to Branch committee").click()
        form = _form(page, "Add the candidate")
        if name is None:
            form.get_by_label("This is RON (re-open nominations)").check()
        else:
            form.get_by_label("Name on the paper").fill(name)
        form.get_by_role("button", name="Add the candidate").click()
        page.wait_for_url("**/manage/")
        assert "is on the paper" in page.locator(".messages").inner_text()
    choices = page.get_by_role("list", name="Choices for Branch committee").inner_text()
    for label in ("Ann Archer", "Bob Baker", "Cat Carter", "Re-open nominations (RON)"):
        assert label in choices
    assert "About 2 voters today" in page.locator("#roll-estimate").inner_text()
    expect(page.locator("#problems")).to_have_count(0)
    assert _fits_the_screen(page)
    screenshot(page, "ballot-setup-manage")

    page.get_by_role("button", name="Schedule the ballot").click()
    page.wait_for_url("**/manage/")
    assert page.locator("#ballot-state").inner_text() == "Scheduled"
    assert "Voting opens by itself" in page.content()
    screenshot(page, "ballot-setup-scheduled")
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.SCHEDULED

    lifecycle.ballot_open(ballot_id=ballot.pk, send_notices=False)  # what beat does at opens_at
    voter = new_page(page.viewport_size)
    _sign_in(voter, base, member.email, f"/ballots/{ballot.pk}/")
    assert "Open for voting" in voter.locator(".meta").first.inner_text()
    expect(voter.get_by_role("group", name="Branch committee")).to_be_visible()
    expect(voter.get_by_label("Cat Carter")).to_be_visible()
    expect(voter.get_by_role("button", name="Check my vote")).to_be_visible()
    screenshot(voter, "ballot-setup-open-for-member")
