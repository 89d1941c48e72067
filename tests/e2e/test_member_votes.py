"""A member signs in with the browser, ranks candidates, gets a receipt; after
the count an anonymous observer sees the count sheet and checks the receipt."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ballots.models import Ballot
from ballots.services import lifecycle
from tests.e2e.conftest import screenshot
from tests.factories import BallotFactory, MembershipFactory, UserFactory, election_question

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_ranks_candidates_and_observer_checks_receipt(live_server, page, new_page) -> None:
    ballot = BallotFactory(title="Branch secretary election")
    member = UserFactory(email="maya@example.org", full_name="Maya Member", password="correct-horse-battery")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    MembershipFactory(unit=ballot.unit, person=member)
    others = [MembershipFactory(unit=ballot.unit).person for _ in range(2)]
    question = election_question(ballot, ["Ann Archer", "Bob Baker", "Cat Carter"])
    lifecycle.ballot_open(ballot_id=ballot.pk)

    page.goto(f"{live_server.url}/accounts/login/?next=/ballots/{ballot.pk}/")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"**/ballots/{ballot.pk}/")
    # A paper with a gap is stopped before it leaves the page, and keeps every number typed.
    page.get_by_label("Cat Carter").fill("1")
    page.get_by_label("Ann Archer").fill("3")
    page.get_by_role("button", name="Check my vote").click()
    problems = page.locator("[data-paper-problems]")
    expect(problems).to_be_visible()
    assert "Number 2 is missing" in problems.inner_text()
    assert page.get_by_label("Cat Carter").input_value() == "1" and page.get_by_label("Ann Archer").input_value() == "3"
    screenshot(page, "ballot-ranked-gap")
    page.get_by_label("Ann Archer").fill("2")
    screenshot(page, "ballot-ranked")
    page.get_by_role("button", name="Check my vote").click()
    page.get_by_role("heading", name="Check your vote").wait_for()
    assert page.locator(".check-answers ol li").all_inner_texts() == ["Cat Carter", "Ann Archer"]
    screenshot(page, "ballot-check")
    page.get_by_role("button", name="Cast my vote").click()
    receipt = page.locator("#receipt").inner_text().strip()
    assert len(receipt) == 19
    screenshot(page, "ballot-receipt")

    from ballots.services.casting import vote_cast

    for voter in others:
        vote_cast(
            ballot_id=ballot.pk, voter=voter, answers={question.pk: [question.options.get(label="Cat Carter").pk]}
        )
    lifecycle.ballot_close(ballot_id=ballot.pk)
    lifecycle.ballot_declare(ballot_id=ballot.pk)
    assert Ballot.objects.get(pk=ballot.pk).state == Ballot.State.DECLARED

    observer = new_page(page.viewport_size)
    observer.goto(f"{live_server.url}/ballots/{ballot.pk}/result/")
    assert "Elected: Cat Carter" in observer.locator(".outcome").inner_text()
    expect(observer.get_by_role("table", name="Count sheet, stage by stage")).to_be_visible()
    screenshot(observer, "result")
    observer.get_by_role("link", name="Check my receipt").click()
    observer.get_by_label("Receipt code").fill(receipt)
    observer.get_by_role("button", name="Check").click()
    assert "is on the list of counted ballots" in observer.locator("#receipt-result").inner_text()
    observer.get_by_label("Receipt code").fill("AAAA-BBBB-CCCC-DDDD")
    observer.get_by_role("button", name="Check").click()
    assert "is not on the list" in observer.locator("#receipt-result").inner_text()
