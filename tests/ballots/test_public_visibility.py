"""What the public sees of a ballot before it is open or declared.

A draft is its officers' work in progress: only those who may run it see it
(page, API, nominations). A counted but undeclared ballot is shown to the
public as closed with the count in progress: not "counted", which says a
result exists and is being held."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from ballots.models import Ballot
from ballots.services import lifecycle
from tests.factories import BallotFactory, MembershipFactory, election_question, option

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _clear_limits() -> Any:
    cache.clear()
    yield
    cache.clear()


def test_a_draft_is_not_shown_to_the_public_or_members() -> None:
    ballot = BallotFactory(title="Secret plans", state=Ballot.State.DRAFT)
    election_question(ballot, ["Ann", "Bob"])
    member = MembershipFactory(unit=ballot.unit).person
    signed_in = Client()
    signed_in.force_login(member)
    for client in (Client(), signed_in):
        page = client.get(f"/ballots/{ballot.pk}/")
        assert page.status_code == 404 and b"Secret plans" not in page.content
    api = APIClient().get(f"/api/ballots/{ballot.pk}/")
    assert api.status_code == 404 and b"Secret plans" not in api.content
    nominations = signed_in.get(f"/ballots/{ballot.pk}/nominations/")
    assert nominations.status_code == 404


def test_a_draft_is_shown_to_its_returning_officer() -> None:
    ballot = BallotFactory(title="Secret plans", state=Ballot.State.DRAFT)
    client = Client()
    client.force_login(ballot.returning_officer)
    page = client.get(f"/ballots/{ballot.pk}/")
    assert page.status_code == 200 and b"Secret plans" in page.content


def _counted() -> Ballot:
    ballot = BallotFactory(title="Held result")
    question = election_question(ballot, ["Ann", "Bob"])
    voter = MembershipFactory(unit=ballot.unit).person
    lifecycle.ballot_open(ballot_id=ballot.pk)
    from ballots.services.casting import vote_cast

    vote_cast(ballot_id=ballot.pk, voter=voter, answers={question.pk: [option(question, "Ann").pk]})
    lifecycle.ballot_close(ballot_id=ballot.pk)
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.COUNTED
    return ballot


def test_a_counted_ballot_is_shown_to_the_public_as_closed_with_the_count_in_progress() -> None:
    ballot = _counted()
    html = Client().get(f"/ballots/{ballot.pk}/").content.decode()
    assert "count in progress" in html
    assert "Counted" not in html and "counted" not in html
    api = APIClient().get(f"/api/ballots/{ballot.pk}/")
    assert api.status_code == 200 and api.json()["state"] == "closed"
    officer = Client()
    officer.force_login(ballot.returning_officer)
    assert "provisional result" in officer.get(f"/ballots/{ballot.pk}/").content.decode()
