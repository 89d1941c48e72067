"""The pages of issue 26's e-mail work, in Chromium at 390×844 and 1280×800:
the preferences (digest apart from optional news), the digest's unsubscribe
page, a member's e-mail log, a unit's for its secretary, and the candidate's
name field with the members' names offered. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts import tokens
from ballots.services import lifecycle, setup
from tests.accounts.helpers import make_officer
from tests.e2e.conftest import PHONE, screenshot
from tests.factories import BallotFactory, MembershipFactory, UnitFactory, UserFactory, motion_question

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
DESKTOP = {"width": 1280, "height": 800}


def _as(new_page: Any, live_server: Any, user: Any) -> Any:
    page = new_page(PHONE)
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def _shoot(page: Any, name: str) -> None:
    for width in (PHONE, DESKTOP):
        page.set_viewport_size(width)
        screenshot(page, name)
        fits = page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        assert fits, f"{name} overflows at {width['width']}"


def test_the_email_pages_at_both_widths(live_server, new_page) -> None:
    unit = UnitFactory(name="Stockport", slug="stockport")
    member = MembershipFactory(unit=unit, person=UserFactory(full_name="Nia Jones")).person
    secretary = MembershipFactory(unit=unit, person=UserFactory(full_name="Sam Secretary")).person
    make_officer(secretary, unit)
    ballot = BallotFactory(unit=unit, title="Affiliation ballot")
    motion_question(ballot)
    lifecycle.ballot_open(ballot_id=ballot.pk)

    page = _as(new_page, live_server, member)
    page.goto(f"{live_server.url}/me/preferences/")
    page.get_by_label("E-mail me what needs my attention").uncheck()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Your preferences are saved.").wait_for()
    assert not page.get_by_label("E-mail me what needs my attention").is_checked()
    assert page.get_by_label("Send me optional news by e-mail").is_checked()
    _shoot(page, "email-preferences")
    page.goto(f"{live_server.url}/me/emails/")
    page.get_by_text("Notice of poll: Affiliation ballot").wait_for()
    _shoot(page, "email-log-mine")
    page.goto(f"{live_server.url}/me/unsubscribe/{tokens.unsubscribe_token_make(user=member, scope='digest')}/")
    _shoot(page, "email-unsubscribe-digest")

    officer = _as(new_page, live_server, secretary)
    officer.goto(f"{live_server.url}/me/")
    officer.get_by_role("link", name="e-mails to members").click()
    officer.get_by_role("link", name="Nia Jones").click()
    officer.get_by_text("Notice of poll: Affiliation ballot").wait_for()
    _shoot(officer, "email-log-member")
    officer.goto(f"{live_server.url}/me/units/stockport/emails/")
    _shoot(officer, "email-log-unit")

    start = timezone.now() + dt.timedelta(days=3)
    draft = setup.ballot_create(
        unit=unit, actor=secretary, title="Officers", returning_officer=secretary, opens_at=start,
        closes_at=start + dt.timedelta(days=7),
    )  # fmt: skip
    question = setup.question_add(
        ballot_id=draft.pk, actor=secretary, kind="election", title="Chair", method="irv", seats=1
    )
    officer.goto(f"{live_server.url}/ballots/{draft.pk}/manage/")
    officer.get_by_text("Add a candidate to Chair").click()
    officer.get_by_label("Candidate (a member): their name").fill("Nia Jones")
    _shoot(officer, "candidate-by-name")
    officer.get_by_role("button", name="Add the candidate").click()
    officer.get_by_text("Nia Jones is on the paper").wait_for()
    assert question.options.get().candidate_id == member.pk
