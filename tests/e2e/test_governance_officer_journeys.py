"""A branch secretary runs the branch in Chromium: replaces the treasurer (the
public page shows the new holder on their authority, the office's history the
old term ended), is refused on another branch, and uploads the roll."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from governance.models import Holding, Membership, Office, Unit
from tests.e2e.conftest import screenshot
from tests.factories import HoldingFactory, MembershipFactory, OfficeFactory, UnitFactory, UserFactory
from tests.governance.conftest import person_row, roll_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def _branch() -> dict[str, Any]:
    from allauth.account.models import EmailAddress

    national = UnitFactory(name="Momentum", slug="momentum", kind=Unit.Kind.NATIONAL)
    unit = UnitFactory(name="Momentum Stockport", slug="momentum-stockport", parent=national)
    secretary = UserFactory(email="sam@example.org", full_name="Sam Secretary", password=PASSWORD)
    EmailAddress.objects.create(user=secretary, email=secretary.email, verified=True, primary=True)
    MembershipFactory(unit=unit, person=secretary)
    HoldingFactory(office=OfficeFactory(unit=unit, title="Secretary"), person=secretary)
    treasurer = OfficeFactory(unit=unit, title="Treasurer", filled_by=Office.FilledBy.APPOINTMENT)
    old = HoldingFactory(
        office=treasurer,
        person=UserFactory(full_name="Olive Old"),
        starts_on=dt.date(2024, 5, 1),
        authority="Founding meeting",
    )
    MembershipFactory(unit=unit, person=UserFactory(full_name="Nadia New", email="nadia@example.org"))
    manchester = UnitFactory(name="Momentum Manchester", slug="momentum-manchester", parent=national)
    return {"unit": unit, "secretary": secretary, "treasurer": treasurer, "old": old, "manchester": manchester}


def _sign_in(page: Any, base: str, email: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"**{next_path}")


def test_secretary_appoints_a_treasurer(live_server, page) -> None:
    branch = _branch()
    ended_on = timezone.localdate() - dt.timedelta(days=1)
    _sign_in(page, live_server.url, "sam@example.org", "/units/momentum-stockport/")

    page.get_by_role("link", name="Manage bodies, offices and documents").click()
    page.wait_for_url("**/units/momentum-stockport/manage/")
    screenshot(page, "governance-manage")
    page.locator("#manage-offices").get_by_role("link", name="Treasurer").click()
    assert "Every seat is filled." in page.locator("#office-summary").inner_text()

    ending = page.get_by_role("form", name="End the term of Olive Old")
    ending.get_by_label("Ends on").fill(ended_on.isoformat())
    ending.get_by_role("button", name="End the term of Olive Old").click()
    page.wait_for_load_state()
    assert "The term of Olive Old has ended." in page.locator(".messages").inner_text()
    assert "Vacant." in page.locator("#office-summary").inner_text()

    appoint = page.get_by_role("form", name="Appoint someone")
    appoint.get_by_label("Member's e-mail or membership number").fill("nobody@example.org")
    appoint.get_by_label("Authority").fill("Branch committee, minute 7")
    appoint.get_by_role("button", name="Appoint").click()
    appoint = page.get_by_role("form", name="Appoint someone")
    assert "Nobody on the roll of Momentum Stockport" in appoint.get_by_role("alert").first.inner_text()
    screenshot(page, "governance-appoint-error")
    appoint.get_by_label("Member's e-mail or membership number").fill("nadia@example.org")
    appoint.get_by_role("button", name="Appoint").click()
    page.wait_for_load_state()
    assert "Nadia New has been appointed Treasurer." in page.locator(".messages").inner_text()
    screenshot(page, "governance-appointed")

    page.goto(f"{live_server.url}/units/momentum-stockport/")
    officers = page.locator("#officers")
    treasurer_line = officers.locator("li", has_text="Treasurer").inner_text()
    assert "Nadia New" in treasurer_line and "Branch committee, minute 7" in treasurer_line
    assert "Olive Old" not in treasurer_line and "vacant" not in treasurer_line
    screenshot(page, "governance-who-runs-it-after")
    officers.get_by_role("link", name="Treasurer").click()
    rows = page.get_by_role("table", name="Every holder of the office, on whose authority").locator("tbody tr")
    expect(rows).to_have_count(2)
    assert "Nadia New" in rows.nth(0).inner_text() and "now" in rows.nth(0).inner_text()
    old_row = rows.nth(1).inner_text()
    assert "Olive Old" in old_row and ended_on.strftime("%-d %b %Y") in old_row and "Founding meeting" in old_row
    screenshot(page, "governance-office-history")
    assert Holding.objects.filter(office=branch["treasurer"]).count() == 2


def test_secretary_is_refused_on_another_branch(live_server, page) -> None:
    _branch()
    _sign_in(page, live_server.url, "sam@example.org", "/units/momentum-stockport/")
    response = page.goto(f"{live_server.url}/units/momentum-manchester/manage/")
    assert response is not None and response.status == 403
    assert "Only officers of Momentum Manchester" in page.locator("main").inner_text()
    screenshot(page, "governance-manage-refused")


def test_secretary_uploads_the_roll(live_server, page) -> None:
    branch = _branch()
    _sign_in(page, live_server.url, "sam@example.org", "/units/momentum-stockport/")
    page.get_by_role("link", name="Manage the roll").click()
    page.wait_for_url("**/units/momentum-stockport/roll/")
    page.get_by_label("Roll CSV file").set_input_files(
        files=[{"name": "roll.csv", "mimeType": "text/csv", "buffer": roll_csv([person_row(i) for i in range(3)])}]
    )
    page.get_by_role("button", name="Upload and import").click()
    page.wait_for_url("**/roll/imports/*/")
    summary = page.locator("#import-summary")
    summary.wait_for()
    assert "Imported 3 rows: 3 new people, 3 new memberships" in summary.inner_text()
    screenshot(page, "governance-roll-imported")
    page.get_by_role("link", name="Roll of Momentum Stockport").click()
    page.get_by_label("Search by name, e-mail or number").fill("p2@example.org")
    page.get_by_role("button", name="Search").click()
    assert "Person 2" in page.get_by_role("table").inner_text()
    assert Membership.objects.filter(unit=branch["unit"]).count() == 5
