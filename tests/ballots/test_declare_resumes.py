"""Close → counted → declared → result e-mails queued → sent, resumed from
whatever a crashed worker committed.

Each test builds the database exactly as a worker killed after one step
leaves it, then runs what happens next in production (the tally message
delivered again, beat's sweeps) and checks that the ballot ends declared
with each result e-mail sent exactly once, however often recovery runs.

A "crash" is simulated by the state it leaves behind, never by patching the
code under test: a lost task message is a ``delay`` that sends nothing (the
outside world), and the rest is rows as a dead worker left them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db.models import QuerySet
from django.utils import timezone

from ballots import tasks as ballot_tasks
from ballots.models import Ballot
from ballots.services import lifecycle
from ballots.services.casting import vote_cast
from core import tasks as core_tasks
from core.emails import LEASE
from core.models import AuditEntry, OutboxEmail
from tests.factories import BallotFactory, MembershipFactory, election_question, option

pytestmark = pytest.mark.django_db(transaction=True)

RESULT = "Result declared"


def _closed(monkeypatch: pytest.MonkeyPatch, *, voters: int = 4, auto: bool = True) -> tuple[Ballot, list]:
    """An election, voted and closed, whose tally message was lost (the
    worker died before taking it): closed, not counted."""
    ballot = BallotFactory(declare_automatically=auto)
    people = [MembershipFactory(unit=ballot.unit).person for _ in range(voters)]
    question = election_question(ballot, ["Ann", "Bob"])
    lifecycle.ballot_open(ballot_id=ballot.pk)
    for person, name in zip(people, ["Ann", "Ann", "Bob"], strict=False):
        vote_cast(ballot_id=ballot.pk, voter=person, answers={question.pk: [option(question, name).pk]})
    with monkeypatch.context() as lost:
        lost.setattr(ballot_tasks.tally_ballot, "delay", lambda *a, **k: None)
        lifecycle.ballot_close(ballot_id=ballot.pk)
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.CLOSED
    return ballot, people


def _counted_not_declared(monkeypatch: pytest.MonkeyPatch, **kwargs: object) -> tuple[Ballot, list]:
    """Closed and counted with "declare automatically" set, not declared: a
    worker killed after the count committed and before the declaration did.

    The count is run with the setting off and the setting turned on after,
    which leaves the very rows the killed worker left."""
    ballot, people = _closed(monkeypatch, auto=False, **kwargs)  # type: ignore[arg-type]
    ballot_tasks.tally_ballot.delay(ballot.pk)
    Ballot.objects.filter(pk=ballot.pk).update(declare_automatically=True)
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.COUNTED
    return ballot, people


def _declared_not_sent(monkeypatch: pytest.MonkeyPatch) -> tuple[Ballot, list]:
    """Declared, result e-mails queued in the outbox, none sent: the worker
    died after the declaration committed, before it asked for the sending."""
    ballot, people = _counted_not_declared(monkeypatch)
    with monkeypatch.context() as lost:
        lost.setattr(core_tasks.send_pending_outbox, "delay", lambda *a, **k: None)
        lifecycle.ballot_declare(ballot_id=ballot.pk)
    assert _result_rows(ballot).count() == len(people)
    assert not _result_rows(ballot).filter(status=OutboxEmail.Status.SENT).exists()
    return ballot, people


def _result_rows(ballot: Ballot) -> QuerySet[OutboxEmail]:
    return OutboxEmail.objects.filter(key__startswith=f"ballot-result:{ballot.pk}:")


def _later() -> dt.datetime:
    """Beat's sweep a while after the crash (past the tally's retry delay)."""
    return timezone.now() + lifecycle.TALLY_RETRY_AFTER + dt.timedelta(seconds=1)


def _recover_all(ballot: Ballot) -> None:
    """Everything that may run after a crash, twice: the tally message
    delivered again, beat's ballot sweep, beat's outbox sweep."""
    for _ in range(2):
        ballot_tasks.tally_ballot.delay(ballot.pk)
        lifecycle.ballots_close_due(now=_later())
        core_tasks.send_pending_outbox.delay()


def _assert_declared_and_mailed_once(ballot: Ballot, people: list) -> None:
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.DECLARED
    sent = sorted(to for m in mail.outbox if RESULT in m.subject for to in m.to)
    assert sent == sorted(p.email for p in people)  # each voter once, nobody twice
    assert _result_rows(ballot).count() == len(people)
    assert not _result_rows(ballot).exclude(status=OutboxEmail.Status.SENT).exists()
    assert AuditEntry.objects.filter(object_id=str(ballot.pk), action="ballot_declared").count() == 1


def test_redelivered_tally_declares_a_ballot_left_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fault of issue 21: the redelivered tally saw "not the first count" and never declared."""
    ballot, people = _counted_not_declared(monkeypatch)
    ballot_tasks.tally_ballot.delay(ballot.pk)
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.DECLARED
    _recover_all(ballot)
    _assert_declared_and_mailed_once(ballot, people)


def test_sweep_declares_a_ballot_left_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the tally message gone too, beat's sweep alone finishes the job."""
    ballot, people = _counted_not_declared(monkeypatch)
    lifecycle.ballots_close_due(now=timezone.now())  # too soon: the first worker may still be declaring
    assert Ballot.objects.get(pk=ballot.pk).state == Ballot.State.COUNTED
    lifecycle.ballots_close_due(now=_later())
    _assert_declared_and_mailed_once(ballot, people)
    _recover_all(ballot)
    _assert_declared_and_mailed_once(ballot, people)


def test_sweep_leaves_a_held_result_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without "declare automatically" a counted ballot waits for the returning officer."""
    ballot, _ = _closed(monkeypatch, auto=False)
    _recover_all(ballot)
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.COUNTED
    assert not _result_rows(ballot).exists()


def test_closed_not_counted_ends_declared(monkeypatch: pytest.MonkeyPatch) -> None:
    ballot, people = _closed(monkeypatch)
    lifecycle.ballots_close_due(now=_later())
    _assert_declared_and_mailed_once(ballot, people)
    _recover_all(ballot)
    _assert_declared_and_mailed_once(ballot, people)


def test_declared_with_mail_queued_not_sent_ends_sent_once(monkeypatch: pytest.MonkeyPatch) -> None:
    ballot, people = _declared_not_sent(monkeypatch)
    assert not [m for m in mail.outbox if RESULT in m.subject]
    _recover_all(ballot)
    _assert_declared_and_mailed_once(ballot, people)


def test_worker_killed_mid_send_sends_the_rest_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """One e-mail sent and marked, the others claimed by the worker that died:
    after the lease the sweep sends the others, and not the first again."""
    ballot, people = _declared_not_sent(monkeypatch)
    first, *rest = _result_rows(ballot).order_by("pk")
    mail.send_mail(first.subject, first.body_text, None, [first.to_address])  # what the dead worker sent
    OutboxEmail.objects.filter(pk=first.pk).update(status=OutboxEmail.Status.SENT, sent_at=timezone.now())
    died_at = timezone.now() - LEASE - dt.timedelta(seconds=1)
    OutboxEmail.objects.filter(pk__in=[r.pk for r in rest]).update(
        status=OutboxEmail.Status.SENDING, claimed_at=died_at
    )
    _recover_all(ballot)
    _assert_declared_and_mailed_once(ballot, people)
