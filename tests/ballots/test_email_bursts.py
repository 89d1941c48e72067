"""Issue 26: e-mails that respect people. Bringing a close forward sends the
roll one message each, in the tense of an open ballot: the notice of poll
carries the new time if it has not gone out yet, and the change is itself
the reminder it makes due."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core import mail
from django.utils import timezone

from ballots.services import lifecycle
from ballots.services.casting import vote_cast
from ballots.services.closing_time import ballot_closing_time_change
from ballots.services.reminders import reminders_enqueue_due
from core.emails import outbox_send_pending
from tests.factories import BallotFactory, MembershipFactory, motion_question, option

pytestmark = pytest.mark.django_db


def _open_ballot() -> tuple:
    ballot = BallotFactory(title="Affiliation ballot", closes_at=timezone.now() + dt.timedelta(days=10))
    voters = [MembershipFactory(unit=ballot.unit).person for _ in range(4)]
    question = motion_question(ballot)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    vote_cast(ballot_id=ballot.pk, voter=voters[0], answers={question.pk: [option(question, "For").pk]})
    return ballot, voters


def _bring_forward(ballot) -> str:
    """Move the close to two hours from now (inside the 24-hour reminder window); the new time in words."""
    sooner = (timezone.now() + dt.timedelta(hours=2)).replace(second=0, microsecond=0)
    ballot_closing_time_change(
        ballot_id=ballot.pk, actor=ballot.returning_officer, closes_at=sooner, reason="AGM moved"
    )
    assert reminders_enqueue_due() == 0  # the change was the reminder
    return f"{timezone.localtime(sooner):%-d %B %Y, %H:%M}"


def test_after_the_notice_went_out_the_roll_gets_one_message_each_in_the_present_tense() -> None:
    ballot, voters = _open_ballot()
    outbox_send_pending()  # the notice of poll goes out
    mail.outbox.clear()
    new_time = _bring_forward(ballot)
    outbox_send_pending()
    assert Counter(m.to[0] for m in mail.outbox) == Counter(v.email for v in voters)  # one each
    for message in mail.outbox:
        assert "It closed" not in message.body and "Voting is open. It was to close" in message.body
        assert f"it now closes {new_time}" in message.body and "AGM moved" in message.body


def test_before_the_notice_went_out_the_notice_carries_the_new_time_and_nothing_else_is_sent() -> None:
    ballot, voters = _open_ballot()
    mail.outbox.clear()
    new_time = _bring_forward(ballot)
    outbox_send_pending()
    assert Counter(m.to[0] for m in mail.outbox) == Counter(v.email for v in voters)  # one each
    for message in mail.outbox:
        assert message.subject == "Notice of poll: Affiliation ballot"
        assert f"Voting closes {new_time}" in message.body
