"""Reminders go once, only to members on the roll who have not voted."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from ballots.services import lifecycle, reminders
from ballots.services.casting import vote_cast
from core.models import OutboxEmail
from tests.factories import BallotFactory, MembershipFactory, motion_question, option

pytestmark = pytest.mark.django_db


def test_reminder_goes_once_to_those_who_have_not_voted() -> None:
    ballot = BallotFactory(closes_at=timezone.now() + dt.timedelta(hours=2), reminder_before=dt.timedelta(hours=3))
    voters = [MembershipFactory(unit=ballot.unit).person for _ in range(4)]
    question = motion_question(ballot)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    vote_cast(ballot_id=ballot.pk, voter=voters[0], answers={question.pk: [option(question, "For").pk]})
    early = timezone.now() - dt.timedelta(hours=2)
    assert reminders.reminders_enqueue_due(now=early) == 0
    assert reminders.reminders_enqueue_due() == 3
    assert reminders.reminders_enqueue_due() == 0
    sent_to = set(
        OutboxEmail.objects.filter(key__startswith=f"ballot-reminder:{ballot.pk}:").values_list("to_address", flat=True)
    )
    assert sent_to == {v.email for v in voters[1:]}
    mail = OutboxEmail.objects.filter(key__startswith="ballot-reminder:").first()
    assert mail is not None and "have not yet voted" in mail.body_text
    assert str(ballot.title) in mail.subject


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock modes are PostgreSQL's")
def test_a_committing_vote_does_not_make_the_reminder_skip_its_ballot() -> None:
    """A committing vote's foreign-key checks hold KEY SHARE on the ballot
    row; the reminder claim must not mistake that for another beat."""
    ballot = BallotFactory(closes_at=timezone.now() + dt.timedelta(hours=2), reminder_before=dt.timedelta(hours=3))
    voters = [MembershipFactory(unit=ballot.unit).person for _ in range(3)]
    question = motion_question(ballot)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    voting, done = threading.Event(), threading.Event()

    def vote_held_open() -> None:
        try:
            with transaction.atomic():
                # Django's foreign keys are checked at commit; check them now,
                # so the lock a committing vote takes is held for the test.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                vote_cast(ballot_id=ballot.pk, voter=voters[0], answers={question.pk: [option(question, "For").pk]})
                voting.set()
                done.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=vote_held_open)
    holder.start()
    try:
        assert voting.wait(10)
        assert reminders.reminders_enqueue_due() == 3  # the uncommitted voter is still a non-voter
    finally:
        done.set()
        holder.join(10)
