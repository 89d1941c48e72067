"""Nominations: who may nominate and second, acceptance, withdrawal, and the
papers settled at close."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from ballots.models import Ballot, Question
from ballots.services import nominations as service
from core.errors import DomainError
from tests.factories import BallotFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def election() -> Question:
    ballot = BallotFactory(state=Ballot.State.NOMINATIONS, nominations_close_at=timezone.now() + dt.timedelta(days=1))
    return Question.objects.create(
        ballot=ballot,
        kind=Question.Kind.ELECTION,
        title="Secretary",
        method=Question.Method.IRV,
        seconders_for_nomination=1,
        include_ron=True,
    )


def _member(question: Question, name: str):
    return MembershipFactory(unit=question.ballot.unit, person=UserFactory(full_name=name)).person


def test_nominate_second_accept_and_close_settles_the_paper(election: Question) -> None:
    zed, amy, bea, sec = (_member(election, n) for n in ("Zed Zorn", "Amy Ash", "Bea Bell", "Sam Second"))
    n_zed = service.nomination_make(question=election, nominee=zed, nominated_by=zed)
    n_amy = service.nomination_make(question=election, nominee=amy, nominated_by=sec)
    n_bea = service.nomination_make(question=election, nominee=bea, nominated_by=bea)
    for n in (n_zed, n_amy):
        service.nomination_second(nomination=n, seconder=sec if n is n_zed else zed)
    service.nomination_accept(nomination=n_zed, nominee=zed, statement="I will keep good minutes.")
    service.nomination_accept(nomination=n_amy, nominee=amy, statement="")
    service.nomination_accept(nomination=n_bea, nominee=bea, statement="Unseconded")  # not enough seconders
    service.ballot_nominations_close(ballot_id=election.ballot_id)
    labels = list(election.options.order_by("position").values_list("label", flat=True))
    assert labels == ["Amy Ash", "Zed Zorn", "Re-open nominations (RON)"]
    assert election.options.get(label="Zed Zorn").statement == "I will keep good minutes."
    assert Ballot.objects.get(pk=election.ballot_id).state == Ballot.State.SCHEDULED


@pytest.mark.parametrize("case", ["outsider", "twice", "self_second", "not_nominee_accepts", "closed"])
def test_refusals_are_clear(election: Question, case: str) -> None:
    amy = _member(election, "Amy Ash")
    other = _member(election, "Olly Other")
    nomination = service.nomination_make(question=election, nominee=amy, nominated_by=amy)

    def close_nominations() -> None:
        Ballot.objects.filter(pk=election.ballot_id).update(nominations_close_at=timezone.now())
        nomination.question.ballot.refresh_from_db()
        service.nomination_second(nomination=nomination, seconder=other)

    actions = {
        "outsider": lambda: service.nomination_make(question=election, nominee=UserFactory(), nominated_by=other),
        "twice": lambda: service.nomination_make(question=election, nominee=amy, nominated_by=other),
        "self_second": lambda: service.nomination_second(nomination=nomination, seconder=amy),
        "not_nominee_accepts": lambda: service.nomination_accept(nomination=nomination, nominee=other, statement=""),
        "closed": close_nominations,
    }
    with pytest.raises(DomainError) as exc:
        actions[case]()
    expected = {
        "outsider": "not_eligible",
        "twice": "already_nominated",
        "self_second": "invalid_nomination",
        "not_nominee_accepts": "not_nominee",
        "closed": "nominations_closed",
    }[case]
    assert exc.value.code == expected and exc.value.message


def test_nominations_page_flow(election: Question) -> None:
    amy = _member(election, "Amy Ash")
    client = Client()
    client.force_login(amy)
    url = f"/ballots/{election.ballot_id}/nominations/"
    assert client.post(url, {"action": "nominate", "question": election.pk}).status_code == 302
    nomination = election.nominations.get()
    response = client.post(url, {"action": "accept", "nomination": nomination.pk, "statement": "Hello <b>all</b>"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Hello &lt;b&gt;all&lt;/b&gt;" in page and "Accepted" in page
    bad = client.post(url, {"action": "second", "nomination": nomination.pk})
    assert bad.status_code == 400 and "seconded by someone else" in bad.content.decode()
    assert client.post(url, {"action": "nominate", "question": election.pk, "email": "nobody@x.org"}).status_code == 400


def test_due_nominations_close_only_when_the_election_would_be_ready(election: Question) -> None:
    amy, bob, sec = (_member(election, n) for n in ("Amy Ash", "Bob Bell", "Sam Second"))
    only = service.nomination_make(question=election, nominee=amy, nominated_by=amy)
    service.nomination_second(nomination=only, seconder=sec)
    service.nomination_accept(nomination=only, nominee=amy, statement="")
    Question.objects.filter(pk=election.pk).update(include_ron=False)
    later = timezone.now() + dt.timedelta(days=2)
    assert service.ballots_nominations_close_due(now=later) == 0  # one candidate for one seat, no RON
    assert Ballot.objects.get(pk=election.ballot_id).state == Ballot.State.NOMINATIONS
    assert not election.options.exists()
    Ballot.objects.filter(pk=election.ballot_id).update(nominations_close_at=timezone.now() + dt.timedelta(days=1))
    second = service.nomination_make(question=election, nominee=bob, nominated_by=bob)
    service.nomination_second(nomination=second, seconder=sec)
    service.nomination_accept(nomination=second, nominee=bob, statement="")
    assert service.ballots_nominations_close_due(now=later) == 1
    assert Ballot.objects.get(pk=election.ballot_id).state == Ballot.State.SCHEDULED
    assert election.options.count() == 2
