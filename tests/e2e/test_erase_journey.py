"""A member erases their own data in Chromium: from their page to the
erasure page, a wrong password refused with a reason, the right one erases,
signs them out, and the account no longer signs in."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress

from accounts.models import User
from tests.e2e.conftest import screenshot
from tests.factories import MembershipFactory, UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"  # the factories' password


def test_member_erases_their_data_with_their_password(live_server, page) -> None:
    member = UserFactory(email="grace@example.org", full_name="Grace Leaving")
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    MembershipFactory(unit=UnitFactory(name="Momentum Stockport"), person=member)
    base = live_server.url
    page.goto(f"{base}/accounts/login/?next=/me/")
    page.fill("input[name=login]", member.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/me/$"))

    page.get_by_role("link", name="Erase my data").click()
    page.wait_for_url(re.compile(r".*/me/erase/$"))
    assert page.get_by_role("heading", name="Erase my data").is_visible()
    screenshot(page, "portal-erase-me")

    page.get_by_label("Your password, to confirm").fill("not-my-password")
    page.get_by_role("button", name="Erase my data and close my account").click()
    assert page.get_by_role("alert").filter(has_text="That is not your password.").is_visible()
    screenshot(page, "portal-erase-me-wrong-password")
    assert User.objects.get(pk=member.pk).full_name == "Grace Leaving"

    page.get_by_label("Your password, to confirm").fill(PASSWORD)
    page.get_by_role("button", name="Erase my data and close my account").click()
    page.wait_for_url(f"{base}/")
    assert "Your data has been erased" in page.content()
    screenshot(page, "portal-erased")
    member.refresh_from_db()
    assert member.full_name == "Removed member" and not member.is_active

    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", "grace@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    assert "Sign out" not in page.content()
