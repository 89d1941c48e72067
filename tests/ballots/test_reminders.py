"""Reminders go once, only to members on the roll who have not voted."""

from __future__ import annotations

import datetime as dt

import pytest
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
