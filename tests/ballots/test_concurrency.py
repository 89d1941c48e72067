"""One member, one vote under real concurrency on PostgreSQL, and closing
while votes are in flight loses none."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from ballots.models import Ballot, BallotPaper, Participation, PendingPaper
from ballots.services import lifecycle
from ballots.services.casting import vote_cast
from core.errors import DomainError
from tests.factories import BallotFactory, MembershipFactory, motion_question, option

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; PostgreSQL does not"),
]


def _race(n: int, work) -> list[str]:
    """Run ``work(i)`` in ``n`` threads released at once; collect outcomes."""
    barrier = threading.Barrier(n)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            barrier.wait()
            work(i)
            outcome = "ok"
        except DomainError as exc:
            outcome = exc.code
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_same_member_voting_at_once_from_many_devices_counts_once() -> None:
    ballot = BallotFactory()
    voter = MembershipFactory(unit=ballot.unit).person
    question = motion_question(ballot)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    labels = ["For", "Against", "Abstain"]

    outcomes = _race(
        12,
        lambda i: vote_cast(
            ballot_id=ballot.pk, voter=voter, answers={question.pk: [option(question, labels[i % 3]).pk]}
        ),
    )
    assert Counter(outcomes) == {"ok": 1, "already_voted": 11}
    assert Participation.objects.filter(ballot=ballot).count() == 1
    assert PendingPaper.objects.filter(ballot=ballot).count() == 1


def test_one_request_retried_at_once_gets_one_receipt_back_every_time() -> None:
    """A client that times out and retries, several times, before the first
    attempt has answered: one vote, and every attempt answers with its receipt."""
    ballot = BallotFactory()
    voter = MembershipFactory(unit=ballot.unit).person
    question = motion_question(ballot)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    receipts: list[tuple[str, bool]] = []

    def work(i: int) -> None:
        r = vote_cast(
            ballot_id=ballot.pk,
            voter=voter,
            answers={question.pk: [option(question, "Against").pk]},
            idempotency_key="phone-retry-1",
        )
        receipts.append((r.receipt, r.replayed))

    outcomes = _race(10, work)
    assert outcomes == ["ok"] * 10
    assert len({receipt for receipt, _ in receipts}) == 1
    assert sorted(replayed for _, replayed in receipts) == [False] + [True] * 9
    assert PendingPaper.objects.filter(ballot=ballot).count() == 1


def test_many_members_at_once_all_counted() -> None:
    ballot = BallotFactory()
    voters = [MembershipFactory(unit=ballot.unit).person for _ in range(16)]
    question = motion_question(ballot)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    outcomes = _race(
        16,
        lambda i: vote_cast(ballot_id=ballot.pk, voter=voters[i], answers={question.pk: [option(question, "For").pk]}),
    )
    assert outcomes.count("ok") == 16
    assert PendingPaper.objects.filter(ballot=ballot).count() == 16


def test_close_racing_votes_leaves_no_paper_behind() -> None:
    """Every vote either lands before the shuffle or is refused as closed."""
    ballot = BallotFactory()
    voters = [MembershipFactory(unit=ballot.unit).person for _ in range(20)]
    question = motion_question(ballot)
    lifecycle.ballot_open(ballot_id=ballot.pk)

    def work(i: int) -> None:
        if i == 10:
            lifecycle.ballot_close(ballot_id=ballot.pk)
        else:
            vote_cast(ballot_id=ballot.pk, voter=voters[i], answers={question.pk: [option(question, "For").pk]})

    outcomes = _race(20, work)
    accepted = outcomes.count("ok") - 1  # the closer itself
    assert accepted + outcomes.count("ballot_not_open") == 19
    assert Ballot.objects.get(pk=ballot.pk).state in {"closed", "counted"}
    assert PendingPaper.objects.filter(ballot=ballot).count() == 0
    assert BallotPaper.objects.filter(question=question).count() == accepted
    assert Participation.objects.filter(ballot=ballot).count() == accepted


def test_vote_arriving_while_close_is_in_progress_waits_and_is_refused() -> None:
    """Deterministic form of the race: the close has changed the state and
    shuffled, but not committed, when a vote arrives. The vote must wait for
    the close (the ballot's lock) and then read the ballot as closed; were it
    to read the state from before the close committed, its paper would land
    in the pending table after the shuffle and never be counted."""
    from django.db import transaction

    ballot = BallotFactory()
    early, late = (MembershipFactory(unit=ballot.unit).person for _ in range(2))
    question = motion_question(ballot)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    answers = {question.pk: [option(question, "For").pk]}
    vote_cast(ballot_id=ballot.pk, voter=early, answers=answers)

    closed_uncommitted, release = threading.Event(), threading.Event()
    outcome: list[str] = []

    def close() -> None:
        try:
            with transaction.atomic():
                lifecycle.ballot_close(ballot_id=ballot.pk)
                closed_uncommitted.set()
                release.wait(10)
        finally:
            connections.close_all()

    def vote() -> None:
        try:
            vote_cast(ballot_id=ballot.pk, voter=late, answers=answers)
            outcome.append("ok")
        except DomainError as exc:
            outcome.append(exc.code)
        finally:
            connections.close_all()

    closer = threading.Thread(target=close)
    closer.start()
    assert closed_uncommitted.wait(10)
    voter = threading.Thread(target=vote)
    voter.start()
    voter.join(1.0)
    assert voter.is_alive(), "the vote did not wait for the close in progress"
    release.set()
    closer.join(10)
    voter.join(10)
    assert outcome == ["ballot_not_open"]
    assert PendingPaper.objects.filter(ballot=ballot).count() == 0
    assert BallotPaper.objects.filter(question=question).count() == 1
    assert Participation.objects.filter(ballot=ballot).count() == 1
