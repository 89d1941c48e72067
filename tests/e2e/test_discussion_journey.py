"""The discussion on a motion in Chromium: a member posts, another replies,
the secretary hides a post with a reason, which readers see in its place."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from governance.models import Holding
from meetings.models import DiscussionPost
from meetings.services import motions as motion_services
from tests.e2e.conftest import screenshot
from tests.factories import MembershipFactory, OfficeFactory, UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def person(unit: Any, name: str, email: str) -> Any:
    user = UserFactory(full_name=name, email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    MembershipFactory(unit=unit, person=user)
    return user


def sign_in(page: Any, live_server: Any, user: Any, next_url: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"**{next_url}")


def test_members_discuss_a_motion_and_the_secretary_hides_a_post(live_server, phone_page) -> None:
    page = phone_page  # members discuss on their phones
    unit = UnitFactory(name="Stockport", slug="stockport")
    sol = person(unit, "Sol Secretary", "sol@example.org")
    Holding.objects.create(person=sol, office=OfficeFactory(unit=unit), starts_on=dt.date(2024, 1, 1), authority="x")
    maya = person(unit, "Maya Member", "maya@example.org")
    ali = person(unit, "Ali Member", "ali@example.org")
    motion = motion_services.motion_create(
        unit=unit,
        proposer=maya,
        title="Back the renters' union",
        text="We back the **renters' union**. Its site: https://example.org/" + "a" * 400,
    )
    motion_services.motion_submit(motion_id=motion.pk, actor=maya)
    url = f"/meetings/motions/{motion.pk}/"

    sign_in(page, live_server, ali, url)
    page.get_by_label("Your post").fill("I agree: *rents* rose 12% this year.")
    page.get_by_role("button", name="Post", exact=True).click()
    page.wait_for_url(f"**{url}#post-*")
    expect(page.locator(".discussion-post em", has_text="rents")).to_be_visible()

    sign_in(page, live_server, maya, url)
    page.locator("summary", has_text="Reply").first.click()
    page.get_by_label("Your reply").fill("Thanks, Ali. A long link: " + "x" * 300)
    page.get_by_role("button", name="Post the reply").click()
    page.wait_for_url(f"**{url}#post-*")
    page.get_by_role("button", name="Post", exact=True).wait_for()
    page.get_by_label("Your post").fill("Something the secretary will hide.")
    page.get_by_role("button", name="Post", exact=True).click()
    page.wait_for_url(f"**{url}#post-*")
    hidden = DiscussionPost.objects.get(text="Something the secretary will hide.")

    sign_in(page, live_server, sol, url)
    post = page.locator(f"#post-{hidden.pk}")
    post.locator("summary", has_text="Hide").click()
    post.get_by_label("Reason").fill("Off topic")
    post.get_by_role("button", name="Hide the post").click()
    page.wait_for_url(f"**{url}#post-{hidden.pk}")
    expect(page.get_by_text("Hidden by an officer: Off topic")).to_be_visible()
    expect(page.get_by_text("Something the secretary will hide.")).to_have_count(0)
    # The long unbroken motion text and reply wrap inside the page.
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.locator("#discussion").scroll_into_view_if_needed()
    screenshot(page, "discussion")
