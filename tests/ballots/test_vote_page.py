"""The web paper: check, change, cast. A refused paper comes back as it was
filled in; nothing is cast until the member confirms on the check page."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from ballots.models import BallotPaper, Participation, PendingPaper
from ballots.services import lifecycle
from tests.factories import BallotFactory, MembershipFactory, election_question, motion_question, option

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper() -> dict:
    ballot = BallotFactory(title="Branch election")
    voter = MembershipFactory(unit=ballot.unit).person
    motion = motion_question(ballot)
    election = election_question(ballot, ["Ann Archer", "Bob Baker", "Cat Carter"])
    lifecycle.ballot_open(ballot_id=ballot.pk)
    client = Client()
    client.force_login(voter)
    ids = {o.label: o.pk for o in election.options.all()}
    return {"ballot": ballot, "client": client, "motion": motion, "election": election, "ids": ids}


def _votes() -> int:
    return Participation.objects.count()


def test_a_paper_with_a_gap_is_refused_and_shown_again_as_typed(paper: dict) -> None:
    ballot, e, ids = paper["ballot"], paper["election"], paper["ids"]
    data = {
        f"choice-{paper['motion'].pk}": option(paper["motion"], "Against").pk,
        f"rank-{e.pk}-{ids['Cat Carter']}": "1",
        f"rank-{e.pk}-{ids['Ann Archer']}": "3",
        "idempotency_key": "k" * 32,
        "step": "check",
    }
    page = paper["client"].post(f"/ballots/{ballot.pk}/", data)
    assert page.status_code == 400
    html = page.content.decode()
    assert "Your vote was not recorded" in html and "without gaps or repeats" in html
    assert re.search(rf'name="rank-{e.pk}-{ids["Cat Carter"]}" value="1"', html)
    assert re.search(rf'name="rank-{e.pk}-{ids["Ann Archer"]}" value="3"', html)
    assert re.search(rf'value="{option(paper["motion"], "Against").pk}" checked', html)
    assert 'value="' + "k" * 32 + '"' in html  # the same paper keeps its key
    assert _votes() == 0


def test_check_shows_the_paper_in_order_and_casts_nothing_until_confirmed(paper: dict) -> None:
    ballot, e, ids, client = paper["ballot"], paper["election"], paper["ids"], paper["client"]
    data = {
        f"choice-{paper['motion'].pk}": option(paper["motion"], "For").pk,
        f"rank-{e.pk}-{ids['Bob Baker']}": "2",
        f"rank-{e.pk}-{ids['Cat Carter']}": "1",
        "idempotency_key": "x" * 32,
    }
    check = client.post(f"/ballots/{ballot.pk}/", {**data, "step": "check"})
    assert check.status_code == 200 and b"Check your vote" in check.content
    assert [c for item in check.context["review"] for c in item["choices"]] == ["For", "Cat Carter", "Bob Baker"]
    assert _votes() == 0 and PendingPaper.objects.count() == 0 and BallotPaper.objects.count() == 0
    changed = client.post(f"/ballots/{ballot.pk}/", {**data, "step": "change"})
    assert changed.status_code == 200 and b"Check my vote" in changed.content
    assert re.search(rf'name="rank-{e.pk}-{ids["Bob Baker"]}" value="2"', changed.content.decode())
    assert _votes() == 0
    cast = client.post(f"/ballots/{ballot.pk}/", {**data, "step": "cast"})
    assert cast.status_code == 200 and b"Your vote is recorded" in cast.content
    assert _votes() == 1


def test_the_check_page_is_not_offered_to_someone_who_may_not_vote(paper: dict) -> None:
    outsider = Client()
    outsider.force_login(MembershipFactory().person)  # a member of another unit: not on this roll
    page = outsider.post(f"/ballots/{paper['ballot'].pk}/", {"step": "check"})
    assert b"Check your vote" not in page.content and b"not on the roll" in page.content
