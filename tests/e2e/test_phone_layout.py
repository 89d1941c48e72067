"""Issue 26: at 390 pixels a table heading never breaks inside a word, the
stage chart fits with the figure of its leading bar, and radio buttons and
checkboxes have borders of at least 3:1 against the page (WCAG 1.4.11).
Read from Chromium's computed styles and geometry, not from the CSS text."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ballots.models import Ballot
from ballots.services import lifecycle
from ballots.services.casting import vote_cast
from tests.ballots.helpers import declared_election
from tests.e2e.conftest import PHONE, screenshot
from tests.factories import BallotFactory, MembershipFactory, motion_question, option

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

CONTRAST = """(el) => {
  const rgb = (s) => s.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
  const lum = (c) => { const [r, g, b] = c.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                        return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const a = lum(rgb(getComputedStyle(el).borderTopColor)), b = lum([255, 255, 255]);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def _sign_in(page: Any, live_server: Any, user: Any) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def test_headings_chart_and_controls_on_a_phone(live_server, new_page) -> None:
    page = new_page(PHONE)
    motion = BallotFactory(title="Back the renters' union", min_electorate_for_papers=1)
    question = motion_question(motion)
    voters = [MembershipFactory(unit=motion.unit).person for _ in range(3)]
    lifecycle.ballot_open(ballot_id=motion.pk)
    for voter, choice in zip(voters, ("For", "Against", "Abstain"), strict=True):
        vote_cast(ballot_id=motion.pk, voter=voter, answers={question.pk: [option(question, choice).pk]})
    lifecycle.ballot_close(ballot_id=motion.pk)
    lifecycle.ballot_declare(ballot_id=motion.pk)
    assert Ballot.objects.get(pk=motion.pk).state == Ballot.State.DECLARED

    page.goto(f"{live_server.url}/ballots/{motion.pk}/result/")
    cells = page.eval_on_selector_all(
        "main th",
        "els => els.map(e => ({text: e.textContent.trim(), wrapped: e.scrollWidth > e.clientWidth,"
        " lines: (() => { const r = document.createRange(); r.selectNodeContents(e);"
        " return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; })(),"
        " wrap: getComputedStyle(e).overflowWrap, words: e.textContent.trim().split(/\\s+/).length}))",
    )
    assert cells, "the result page has table headings"
    for cell in cells:
        assert not cell["wrapped"] and cell["wrap"] != "anywhere", cell
        assert cell["lines"] <= cell["words"], cell  # no more lines than words: never a break inside one
    screenshot(page, "phone-layout-motion-result")

    election, _q = declared_election(
        [["Ann Archer-Whitworth"]] * 3 + [["Bob"], ["Cat", "Bob"]], names=("Ann Archer-Whitworth", "Bob", "Cat"),
        min_electorate_for_papers=1,
    )  # fmt: skip
    page.goto(f"{live_server.url}/ballots/{election.pk}/result/")
    chart = page.locator(".stage-chart svg").first
    box = chart.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    for figure in page.locator(".stage-chart .chart-value").all():
        fb = figure.bounding_box()
        assert fb is not None and fb["x"] + fb["width"] <= PHONE["width"], fb  # the figure is on screen
        assert fb["height"] >= 9, fb  # and big enough to read
    screenshot(page, "phone-layout-stage-chart")

    vote = BallotFactory(title="Policy vote")
    motion_question(vote)
    voter = MembershipFactory(unit=vote.unit).person
    lifecycle.ballot_open(ballot_id=vote.pk)
    _sign_in(page, live_server, voter)
    page.goto(f"{live_server.url}/ballots/{vote.pk}/")
    radios = page.locator("input.form-check-input")
    assert radios.count() >= 2
    for i in range(radios.count()):
        assert radios.nth(i).evaluate(CONTRAST) >= 3, "radio border under 3:1"
