"""Lifecycle: close shuffles papers away from voters, tally is repeatable,
declaration hands over office and queues result e-mails once."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.utils import timezone

from ballots.models import Ballot, BallotPaper, PendingPaper, Result, Tracker
from ballots.services import lifecycle, tallying
from ballots.services.casting import vote_cast
from ballots.services.storage import paper_table
from core.errors import DomainError
from core.models import AuditEntry, OutboxEmail
from governance.models import Holding
from tests.factories import (
    BallotFactory,
    MembershipFactory,
    OfficeFactory,
    election_question,
    motion_question,
    option,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _vote_all(ballot: Ballot, voters: list, choices: list[str]) -> None:
    question = ballot.questions.get()
    for voter, label in zip(voters, choices, strict=True):
        vote_cast(ballot_id=ballot.pk, voter=voter, answers={question.pk: [option(question, label).pk]})


def test_motion_ballot_from_open_to_declared() -> None:
    ballot = BallotFactory()
    voters = [MembershipFactory(unit=ballot.unit).person for _ in range(5)]
    motion_question(ballot)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    _vote_all(ballot, voters[:4], ["For", "For", "Against", "Abstain"])
    lifecycle.ballot_close(ballot_id=ballot.pk)  # tally runs inline here (eager)
    assert not PendingPaper.objects.exists()
    assert BallotPaper.objects.count() == 4 and Tracker.objects.filter(ballot=ballot).count() == 4
    result = Result.objects.get(question__ballot=ballot)
    assert result.count_sheet["votes_for"] == 2 and result.count_sheet["votes_against"] == 1
    assert result.count_sheet["carried"] is True and result.electorate == 5 and result.papers_counted == 4
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.COUNTED
    lifecycle.ballot_declare(ballot_id=ballot.pk, actor=ballot.returning_officer)
    results_mail = OutboxEmail.objects.filter(key__startswith=f"ballot-result:{ballot.pk}:")
    assert results_mail.count() == 5
    with pytest.raises(DomainError) as exc:
        lifecycle.ballot_declare(ballot_id=ballot.pk)
    assert exc.value.code == "invalid_transition"
    assert results_mail.count() == 5
    actions = list(AuditEntry.objects.filter(object_id=str(ballot.pk)).values_list("action", flat=True))
    assert {"ballot_opened", "ballot_closed", "ballot_counted", "ballot_declared"} <= set(actions)


def test_tally_twice_gives_the_same_result() -> None:
    ballot = BallotFactory()
    voters = [MembershipFactory(unit=ballot.unit).person for _ in range(6)]
    question = election_question(ballot, ["Ann", "Bob", "Cat"])
    lifecycle.ballot_open(ballot_id=ballot.pk)
    rankings = [["Ann", "Bob"], ["Bob", "Ann"], ["Cat", "Bob"], ["Ann"], ["Bob", "Cat"], ["Bob", "Ann"]]
    for voter, ranking in zip(voters, rankings, strict=True):
        vote_cast(
            ballot_id=ballot.pk, voter=voter, answers={question.pk: [option(question, name).pk for name in ranking]}
        )
    lifecycle.ballot_close(ballot_id=ballot.pk)
    first = Result.objects.get(question=question)
    tallying.ballot_tally(ballot_id=ballot.pk)
    second = Result.objects.get(question=question)
    assert first.count_sheet == second.count_sheet and first.seed == second.seed
    assert Result.objects.filter(question=question).count() == 1
    assert second.count_sheet["elected"] == ["Bob"]


def test_declaring_an_election_seats_the_winner_and_ends_the_old_term() -> None:
    ballot = BallotFactory()
    office = OfficeFactory(unit=ballot.unit, title="Treasurer")
    voters = [MembershipFactory(unit=ballot.unit).person for _ in range(3)]
    old = MembershipFactory(unit=ballot.unit).person
    Holding.objects.create(person=old, office=office, starts_on=dt.date(2024, 1, 1), authority="Appointed")
    question = election_question(ballot, ["Ann", "Bob"], office=office)
    ann = option(question, "Ann")
    ann.candidate = voters[0]
    ann.save()
    lifecycle.ballot_open(ballot_id=ballot.pk)
    for voter in voters:
        vote_cast(ballot_id=ballot.pk, voter=voter, answers={question.pk: [ann.pk]})
    lifecycle.ballot_close(ballot_id=ballot.pk)
    lifecycle.ballot_declare(ballot_id=ballot.pk)
    current = Holding.objects.get(office=office, ends_on__isnull=True)
    assert current.person == voters[0] and current.ballot_question == question
    assert Holding.objects.get(person=old).ends_on == timezone.localdate()


def test_close_due_is_idempotent_and_selects_by_state() -> None:
    ballot = BallotFactory(closes_at=timezone.now() + dt.timedelta(seconds=1))
    motion_question(ballot)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    later = timezone.now() + dt.timedelta(minutes=1)
    assert lifecycle.ballots_close_due(now=later) == 1
    assert lifecycle.ballots_close_due(now=later) == 0


def test_invalid_transition_is_a_clear_error() -> None:
    ballot = BallotFactory(state=Ballot.State.DRAFT)
    with pytest.raises(DomainError) as exc:
        lifecycle.ballot_close(ballot_id=ballot.pk)
    assert exc.value.code == "invalid_transition" and "draft" in exc.value.message


@pytest.mark.skipif(connection.vendor != "postgresql", reason="xmin is PostgreSQL's")
def test_no_link_from_xmin_or_row_order_after_close() -> None:
    """The published papers share one transaction id and a shuffled order, so
    neither ``xmin`` nor physical order can re-link them to participations."""
    ballot = BallotFactory()
    voters = [MembershipFactory(unit=ballot.unit).person for _ in range(30)]
    question = election_question(ballot, [f"C{i}" for i in range(30)])
    lifecycle.ballot_open(ballot_id=ballot.pk)
    # Each voter ranks a distinct candidate first: order of voting = candidate index.
    ids = [option(question, f"C{i}").pk for i in range(30)]
    for i, voter in enumerate(voters):
        vote_cast(ballot_id=ballot.pk, voter=voter, answers={question.pk: [ids[i]]})
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT xmin::text FROM {paper_table(ballot.pk)}")  # noqa: S608 - the ballot's own table
        assert len({row[0] for row in cursor.fetchall()}) == 30  # the leak closing removes
    lifecycle.ballot_close(ballot_id=ballot.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT xmin::text, content FROM ballots_ballotpaper WHERE question_id = %s ORDER BY ctid", [question.pk]
        )
        rows = cursor.fetchall()
        cursor.execute("SELECT count(*) FROM ballots_pendingpaper")
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT to_regclass(%s)", [paper_table(ballot.pk)])
        assert cursor.fetchone()[0] is None, "the ballot's own table is dropped"
    assert len({xmin for xmin, _ in rows}) == 1
    physical = [ids.index(json.loads(content)[0] if isinstance(content, str) else content[0]) for _, content in rows]
    assert sorted(physical) == list(range(30))
    assert physical != list(range(30)), "papers kept the order in which they were cast"
