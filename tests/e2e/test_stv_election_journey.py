"""The ballots journey with every real part: beat opens an STV election and the
notice reaches the SMTP sink; a member ranks candidates in Chromium, gets a
receipt and e-mails it to themselves; beat closes it; the worker counts; the
returning officer declares; the winners take their seats; the result e-mail
arrives; an anonymous observer reads the count sheet and checks the receipt."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from ballots.models import Ballot, Question
from ballots.services.casting import vote_cast
from core.models import OutboxEmail
from governance.models import Body, Holding
from tests.conftest import CeleryProcesses, SmtpSink, closing_time_passes, text_body, wait_until
from tests.e2e.conftest import screenshot
from tests.factories import BallotFactory, MembershipFactory, UserFactory, election_question

pytestmark = [pytest.mark.browser, pytest.mark.integration]

PASSWORD = "correct-horse-battery"


def _login(page, base: str, email: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"**{next_path}")


@pytest.mark.parametrize("page", [{"width": 390, "height": 844}], indirect=True, ids=["phone"])
def test_stv_election_from_notice_to_declared_result(
    live_server, page, new_page, celery_processes: CeleryProcesses, smtp_sink: SmtpSink
) -> None:
    ro = UserFactory(email="ro@example.org", full_name="Rita Returning", password=PASSWORD)
    ballot = BallotFactory(
        title="Branch committee election",
        returning_officer=ro,
        opens_at=timezone.now() - dt.timedelta(seconds=1),
        closes_at=timezone.now() + dt.timedelta(hours=1),
        min_electorate_for_papers=1,
    )
    body = Body.objects.create(
        unit=ballot.unit,
        name="Branch committee",
        kind=Body.Kind.COMMITTEE,
        mandate=Body.Mandate.APPOINTED,
        mandate_authority="Interim",
        ends_when_elected_body_constituted=False,
    )
    member = UserFactory(email="maya@example.org", full_name="Maya Member", password=PASSWORD)
    for user in (member, ro):
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    MembershipFactory(unit=ballot.unit, person=member)
    others = [MembershipFactory(unit=ballot.unit).person for _ in range(5)]
    candidates = {
        n: MembershipFactory(unit=ballot.unit, person=UserFactory(full_name=n)).person
        for n in ("Ann Archer", "Bob Baker", "Cat Carter", "Dan Dyer")
    }
    question = election_question(ballot, list(candidates), method=Question.Method.SCOTTISH_STV, seats=2, body=body)
    for option in question.options.all():
        option.candidate = candidates[option.label]
        option.save()

    celery_processes.start_worker()
    celery_processes.start_beat()

    notice = smtp_sink.wait_for(lambda m: "Notice of poll" in m["Subject"] and m["X-Envelope-To"] == member.email)[0]
    link = re.search(r"http://testserver(/ballots/\d+/)", text_body(notice))
    assert link is not None and link.group(1) == f"/ballots/{ballot.pk}/"
    vote_path = link.group(1)

    _login(page, live_server.url, member.email, vote_path)
    page.get_by_label("Cat Carter").fill("1")
    page.get_by_label("Ann Archer").fill("2")
    page.get_by_label("Dan Dyer").fill("3")
    screenshot(page, "stv-ranked")
    page.get_by_role("button", name="Check my vote").click()
    page.get_by_role("button", name="Cast my vote").click()
    receipt = page.locator("#receipt").inner_text().strip()
    screenshot(page, "stv-receipt")
    page.get_by_role("button", name="E-mail me this receipt").click()
    assert member.email in page.locator("#receipt-sent").inner_text()
    copy = smtp_sink.wait_for(lambda m: "Your receipt" in m["Subject"] and m["X-Envelope-To"] == member.email)
    assert receipt in text_body(copy[0])
    assert not OutboxEmail.objects.filter(body_text__contains=receipt).exists()  # no copy kept

    ids = {o.label: o.pk for o in question.options.all()}
    rankings = [
        ["Cat Carter", "Bob Baker"],
        ["Ann Archer", "Cat Carter"],
        ["Cat Carter", "Ann Archer"],
        ["Ann Archer"],
        ["Dan Dyer", "Ann Archer"],
    ]
    for voter, ranking in zip(others, rankings, strict=True):
        vote_cast(ballot_id=ballot.pk, voter=voter, answers={question.pk: [ids[n] for n in ranking]})
    closing_time_passes(ballot)  # the votes are in: the closing time passes now, however long they took

    wait_until(
        lambda: Ballot.objects.get(pk=ballot.pk).state == Ballot.State.COUNTED,
        timeout=120,
        what="beat to close and the worker to count",
    )

    ro_page = new_page(page.viewport_size)
    _login(ro_page, live_server.url, ro.email, vote_path)
    ro_page.get_by_role("link", name="see the provisional result").click()
    ro_page.wait_for_url(f"**/ballots/{ballot.pk}/provisional/")
    assert "PROVISIONAL" in ro_page.content()
    assert "Elected: Cat Carter, Ann Archer" in ro_page.locator(".outcome").inner_text()
    ro_page.get_by_role("button", name="Declare the result").click()  # refused: not confirmed (browser check)
    assert Ballot.objects.get(pk=ballot.pk).state == Ballot.State.COUNTED
    ro_page.get_by_label("I declare: Election").check()
    ro_page.get_by_role("button", name="Declare the result").click()
    ro_page.wait_for_url(f"**/ballots/{ballot.pk}/result/")
    assert "Elected: Cat Carter, Ann Archer" in ro_page.locator(".outcome").inner_text()

    seated = set(Holding.objects.filter(body=body, ends_on__isnull=True).values_list("person__full_name", flat=True))
    assert seated == {"Cat Carter", "Ann Archer"}
    result_mail = smtp_sink.wait_for(lambda m: "Result declared" in m["Subject"] and m["X-Envelope-To"] == member.email)
    assert "Elected: Cat Carter, Ann Archer" in text_body(result_mail[0])

    observer = new_page(page.viewport_size)
    observer.goto(f"{live_server.url}/ballots/{ballot.pk}/result/")
    expect(observer.get_by_role("table", name="Count sheet, stage by stage")).to_be_visible()
    assert "quota 3" in observer.content()
    screenshot(observer, "stv-result")
    observer.get_by_role("link", name="Check my receipt").click()
    observer.get_by_label("Receipt code").fill(receipt)
    observer.get_by_role("button", name="Check").click()
    assert "is on the list of counted ballots" in observer.locator("#receipt-result").inner_text()
