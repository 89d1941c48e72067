"""The accounts journey in Chromium, on real processes: a member imported onto
the roll is invited by the invite_members command, the real Celery worker
sends the invitation through the outbox to the SMTP sink, and the member
claims the account from the link, sets up TOTP, signs out, signs in again
with a code and finds their ballot on their page."""

from __future__ import annotations

import re
import time

import pytest
from django.core.management import call_command

from ballots.services import lifecycle
from config.celery_app import app as celery_app
from tests.accounts.helpers import imported_person, totp_code
from tests.conftest import CeleryProcesses, SmtpSink, text_body
from tests.e2e.conftest import screenshot
from tests.factories import BallotFactory, MembershipFactory, UnitFactory, motion_question

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.django_db(transaction=True)]
PASSWORD = "spring-tulips-in-stockport"


def test_invited_member_claims_account_sets_up_totp_and_sees_ballots(
    live_server, phone_page, celery_processes: CeleryProcesses, smtp_sink: SmtpSink, settings, request
) -> None:
    page = phone_page  # the invitation is opened from an e-mail, on a phone
    settings.SITE_URL = live_server.url  # links in e-mails point at this server
    settings.CELERY_TASK_ALWAYS_EAGER = False  # the real worker sends, not this process
    celery_app.conf.task_always_eager = False
    request.addfinalizer(lambda: setattr(celery_app.conf, "task_always_eager", True))
    unit = UnitFactory(name="Momentum Stockport", slug="momentum-stockport")
    member = imported_person(email="rosa@example.org", full_name="Rosa Roll")
    MembershipFactory(unit=unit, person=member)
    ballot = BallotFactory(unit=unit, title="Support the hospital campaign")
    motion_question(ballot)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    celery_processes.start_worker()

    call_command("invite_members", unit=unit.slug)
    invitation = smtp_sink.wait_for(lambda m: "ready to claim" in m["Subject"], timeout=60)
    assert [m["X-Envelope-To"] for m in invitation] == ["rosa@example.org"]
    link = re.search(r"http://\S+/me/claim/\S+/", text_body(invitation[0]))
    assert link, text_body(invitation[0])

    page.goto(link.group(0))
    page.wait_for_url("**/me/claim/set-password/")  # the token has left the address bar
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    screenshot(page, "accounts-claim")
    page.get_by_role("button", name="Claim my account").click()
    page.wait_for_url("**/me/")

    page.get_by_role("link", name="Two-factor authentication").click()
    page.get_by_role("link", name="Activate").click()
    page.wait_for_url(re.compile(r".*/accounts/(2fa/totp/activate|reauthenticate)/.*"))
    if "/reauthenticate/" in page.url:  # allauth ≥ 65.x confirms the password before adding an authenticator
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
        page.wait_for_url("**/accounts/2fa/totp/activate/")
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    screenshot(page, "accounts-totp")
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    assert len(re.findall(r"\b\d{8}\b", page.locator("main textarea").input_value())) == 10

    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{live_server.url}/accounts/login/?next=/me/")
    page.get_by_label("Email").fill("rosa@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    page.get_by_placeholder("Code").fill(totp_code(secret, at=time.time() + 30))  # a fresh code, not the one used
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/me/")

    item = page.locator("#ballots-open li", has_text="Support the hospital campaign")
    assert "not yet voted" in item.inner_text()
    screenshot(page, "accounts-my-page")
