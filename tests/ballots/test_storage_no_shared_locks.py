"""Opening or closing one ballot takes no lock another ballot's votes wait
for (issue 25).

Ballot B's open (or close) runs in a transaction that is held open, as a
slow one would be, while a member votes in ballot A. The vote runs with a
``lock_timeout``: if B's transaction held a lock the vote needs (creating,
detaching or dropping a partition locks the partitioned parent every vote
writes through), the vote fails with "lock timeout" instead of going
through. ``bench/ballot_stall.py`` measures the latencies.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from ballots.models import Option, Participation
from ballots.services import lifecycle
from ballots.services.casting import vote_cast
from tests.factories import BallotFactory, MembershipFactory, motion_question

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's locks"),
]


def _open_ballot_with_voter() -> tuple[int, int, Any]:
    ballot = BallotFactory()
    question = motion_question(ballot)
    voter = MembershipFactory(unit=ballot.unit).person
    lifecycle.ballot_open(ballot_id=ballot.pk)
    return ballot.pk, question.pk, voter


def _vote_while_held(step: Callable[[], object]) -> None:
    """Run ``step`` in a transaction held open on another connection, and
    vote in ballot A meanwhile."""
    a, question_a, voter = _open_ballot_with_voter()
    answer = [Option.objects.filter(question_id=question_a).order_by("position")[0].pk]
    stepped, release = threading.Event(), threading.Event()
    failure: list[BaseException] = []

    def hold() -> None:
        try:
            with transaction.atomic():
                step()
                stepped.set()
                release.wait()
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            failure.append(exc)
            stepped.set()
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert stepped.wait(60), "the other ballot's step did not run"
        assert not failure, failure
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        try:
            vote_cast(ballot_id=a, voter=voter, answers={question_a: answer})
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
    finally:
        release.set()
        thread.join()
    assert not failure, failure
    assert Participation.objects.filter(ballot_id=a, voter=voter).count() == 1


def test_a_vote_goes_through_while_another_ballot_is_opening() -> None:
    ballot = BallotFactory()
    motion_question(ballot)
    MembershipFactory(unit=ballot.unit)
    _vote_while_held(lambda: lifecycle.ballot_open(ballot_id=ballot.pk))


def test_a_vote_goes_through_while_another_ballot_is_closing() -> None:
    b, question_b, voter_b = _open_ballot_with_voter()
    first = Option.objects.filter(question_id=question_b).order_by("position")[0].pk
    vote_cast(ballot_id=b, voter=voter_b, answers={question_b: [first]})
    _vote_while_held(lambda: lifecycle.ballot_close(ballot_id=b))
