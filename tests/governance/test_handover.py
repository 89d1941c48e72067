"""The handover: winners seated, terms ended, interim bodies ended, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest

from ballots.models import Question
from core.models import AuditEntry
from governance.models import Body, Handover, Holding, Unit
from governance.services import handover_declare
from tests.factories import BallotFactory, BodyFactory, HoldingFactory, OfficeFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db
DECLARED = dt.date(2026, 6, 1)


def _question(unit: Unit, **target: object) -> Question:
    ballot = BallotFactory(unit=unit)
    return Question.objects.create(
        ballot=ballot,
        kind=Question.Kind.ELECTION,
        title="Election",
        method=Question.Method.SCOTTISH_STV,
        seats=3,
        **target,
    )


@pytest.fixture
def branch() -> dict[str, object]:
    unit = UnitFactory(name="Momentum Stockport")
    interim = BodyFactory(
        unit=unit,
        name="Interim organisers",
        mandate=Body.Mandate.APPOINTED,
        ends_when_elected_body_constituted=True,
        kind=Body.Kind.REFERENCE_GROUP,
        mandate_authority="Founding meeting",
    )
    board = BodyFactory(unit=unit, name="Board", kind=Body.Kind.BOARD, mandate=Body.Mandate.APPOINTED)
    committee = BodyFactory(unit=unit, name="Branch committee", mandate=Body.Mandate.ELECTED, seats=3)
    appointees = [HoldingFactory(body=interim, office=None).person for _ in range(2)]
    director = HoldingFactory(body=board, office=None)
    return {
        "unit": unit,
        "interim": interim,
        "board": board,
        "committee": committee,
        "appointees": appointees,
        "director": director,
    }


def test_electing_the_first_body_ends_the_interim_body_and_establishes_the_unit(branch: dict) -> None:
    unit, committee = branch["unit"], branch["committee"]
    winners = UserFactory.create_batch(3)
    question = _question(unit, body=committee)
    holdings = handover_declare(
        office=None,
        body=committee,
        winners=winners,
        declared_on=DECLARED,
        authority="Declared result",
        question=question,
    )
    assert {h.person for h in holdings} == set(winners)
    assert all(h.starts_on == DECLARED and h.ballot_question == question for h in holdings)
    unit.refresh_from_db()
    assert unit.governance_status == Unit.GovernanceStatus.ESTABLISHED
    interim = Body.objects.get(pk=branch["interim"].pk)
    assert interim.mandate_ended_at is not None
    assert set(Holding.objects.filter(body=interim).values_list("ends_on", flat=True)) == {DECLARED}
    committee.refresh_from_db()
    assert committee.mandate == Body.Mandate.ELECTED and committee.mandate_authority == "Declared result"
    # The board of the company is not an interim body: it carries on.
    board = Body.objects.get(pk=branch["board"].pk)
    assert board.mandate_ended_at is None and Holding.objects.get(pk=branch["director"].pk).ends_on is None
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"handover", "interim_mandate_ended", "unit_established"} <= actions


def test_declaring_twice_changes_nothing(branch: dict) -> None:
    committee = branch["committee"]
    winners = UserFactory.create_batch(3)
    question = _question(branch["unit"], body=committee)
    kwargs = {
        "office": None,
        "body": committee,
        "winners": winners,
        "declared_on": DECLARED,
        "authority": "Result",
        "question": question,
    }
    first = handover_declare(**kwargs)
    audit_count = AuditEntry.objects.count()
    second = handover_declare(**{**kwargs, "declared_on": DECLARED + dt.timedelta(days=3)})
    assert [h.pk for h in first] == [h.pk for h in second]
    assert Holding.objects.filter(body=committee).count() == 3 and Handover.objects.count() == 1
    assert AuditEntry.objects.count() == audit_count


def test_office_election_replaces_the_holder_and_keeps_history() -> None:
    office = OfficeFactory(title="Treasurer")
    old = HoldingFactory(office=office)
    winner = UserFactory()
    question = _question(office.unit, office=office)
    handover_declare(
        office=office, body=None, winners=[winner], declared_on=DECLARED, authority="Result", question=question
    )
    old.refresh_from_db()
    assert old.ends_on == DECLARED
    current = Holding.objects.get(office=office, ends_on__isnull=True)
    assert current.person == winner and current.authority == "Result"
    office.unit.refresh_from_db()
    assert office.unit.governance_status == Unit.GovernanceStatus.INTERIM  # an office alone does not establish a unit


def test_reelected_holder_starts_a_new_term() -> None:
    office = OfficeFactory()
    old = HoldingFactory(office=office)
    question = _question(office.unit, office=office)
    handover_declare(
        office=office, body=None, winners=[old.person], declared_on=DECLARED, authority="R", question=question
    )
    terms = list(Holding.objects.filter(office=office, person=old.person).order_by("starts_on"))
    assert [(t.starts_on, t.ends_on) for t in terms] == [(dt.date(2024, 1, 1), DECLARED), (DECLARED, None)]


def test_nobody_elected_is_recorded_once_and_ends_nothing_twice(branch: dict) -> None:
    committee = branch["committee"]
    question = _question(branch["unit"], body=committee)
    assert (
        handover_declare(
            office=None, body=committee, winners=[], declared_on=DECLARED, authority="R", question=question
        )
        == []
    )
    assert Handover.objects.filter(question=question).exists()
    branch["unit"].refresh_from_db()
    assert branch["unit"].governance_status == Unit.GovernanceStatus.INTERIM
    assert Body.objects.get(pk=branch["interim"].pk).mandate_ended_at is None


def test_needs_exactly_one_seat() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        handover_declare(office=None, body=None, winners=[], declared_on=DECLARED, authority="R", question=None)


@pytest.mark.django_db(transaction=True)
def test_declaring_a_ballot_hands_over_through_the_ballots_app() -> None:
    from ballots.services import lifecycle
    from ballots.services.casting import vote_cast
    from tests.factories import MembershipFactory, election_question

    unit = UnitFactory()
    interim = BodyFactory(unit=unit, mandate=Body.Mandate.APPOINTED, ends_when_elected_body_constituted=True)
    HoldingFactory(body=interim, office=None)
    committee = BodyFactory(unit=unit, name="Committee", seats=1)
    voters = [MembershipFactory(unit=unit).person for _ in range(3)]
    ballot = BallotFactory(unit=unit)
    question = election_question(ballot, ["Ann", "Bob"], body=committee)
    question.options.filter(label="Ann").update(candidate=voters[0])
    lifecycle.ballot_open(ballot_id=ballot.pk)
    for voter in voters:
        vote_cast(ballot_id=ballot.pk, voter=voter, answers={question.pk: [question.options.get(label="Ann").pk]})
    lifecycle.ballot_close(ballot_id=ballot.pk)
    lifecycle.ballot_declare(ballot_id=ballot.pk)
    assert Holding.objects.get(body=committee, ends_on__isnull=True).person == voters[0]
    unit.refresh_from_db()
    assert unit.governance_status == Unit.GovernanceStatus.ESTABLISHED
