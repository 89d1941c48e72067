"""Setting ballots up: creating, editing, questions, candidates, the ready
check and the officers' lifecycle steps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from ballots.models import Ballot, Option, Question
from ballots.services import setup
from core.errors import DomainError
from core.models import AuditEntry
from governance.models import Unit
from tests.factories import (
    BodyFactory,
    HoldingFactory,
    MembershipFactory,
    OfficeFactory,
    UnitFactory,
    UserFactory,
    member_of,
)

pytestmark = pytest.mark.django_db

S = Ballot.State


@dataclass
class World:
    unit: Unit
    secretary: Any
    returning_officer: Any
    member: Any


@pytest.fixture
def world() -> World:
    unit = UnitFactory(name="Stockport")
    secretary = member_of(unit)
    HoldingFactory(person=secretary, office=OfficeFactory(unit=unit, title="Secretary"))
    return World(unit=unit, secretary=secretary, returning_officer=member_of(unit), member=member_of(unit))


def _times(days: int = 3) -> dict[str, dt.datetime]:
    start = timezone.now() + dt.timedelta(days=days)
    return {"opens_at": start, "closes_at": start + dt.timedelta(days=7)}


def _ballot(w: World, **extra: Any) -> Ballot:
    return setup.ballot_create(
        unit=w.unit,
        actor=w.secretary,
        title="Branch elections 2025",
        returning_officer=w.returning_officer,
        **{**_times(), **extra},
    )


def _election(w: World, ballot: Ballot, names: list[str], **extra: Any) -> Question:
    fields = {"method": Question.Method.SCOTTISH_STV, "seats": 2, **extra}
    question = setup.question_add(
        ballot_id=ballot.pk, actor=w.returning_officer, kind=Question.Kind.ELECTION, title="Committee", **fields
    )
    for name in names:
        setup.option_add(question_id=question.pk, ballot_id=ballot.pk, actor=w.returning_officer, label=name)
    return question


def test_create_makes_an_audited_draft(world: World) -> None:
    ballot = _ballot(world, membership_kinds=["member"], reminder_before=dt.timedelta(hours=6))
    assert ballot.state == S.DRAFT
    assert ballot.membership_kinds == ["member"]
    assert AuditEntry.objects.filter(action="ballot_created", object_id=str(ballot.pk), unit=world.unit).exists()


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("not_officer", "not_ballot_manager"),
        ("officer_elsewhere", "not_ballot_manager"),
        ("ro_not_member", "invalid_returning_officer"),
        ("closes_before_opening", "invalid_schedule"),
        ("in_the_past", "invalid_schedule"),
        ("nominations_after_opening", "invalid_schedule"),
        ("unknown_kind", "invalid_eligibility"),
        ("no_title", "invalid_schedule"),
    ],
)
def test_create_refusals(world: World, case: str, code: str) -> None:
    other = UnitFactory()
    elsewhere = member_of(other)
    HoldingFactory(person=elsewhere, office=OfficeFactory(unit=other))
    times = _times()
    kwargs: dict[str, Any] = {
        "unit": world.unit,
        "actor": world.secretary,
        "title": "Ballot",
        "returning_officer": world.returning_officer,
        **times,
    }
    changes: dict[str, dict[str, Any]] = {
        "not_officer": {"actor": world.member},
        "officer_elsewhere": {"actor": elsewhere},
        "ro_not_member": {"returning_officer": UserFactory()},
        "closes_before_opening": {"closes_at": times["opens_at"] - dt.timedelta(hours=1)},
        "in_the_past": {
            "opens_at": timezone.now() - dt.timedelta(hours=1),
            "closes_at": timezone.now() + dt.timedelta(days=1),
        },
        "nominations_after_opening": {"nominations_close_at": times["opens_at"] + dt.timedelta(hours=1)},
        "unknown_kind": {"membership_kinds": ["lord"]},
        "no_title": {"title": "  "},
    }
    with pytest.raises(DomainError) as exc:
        setup.ballot_create(**{**kwargs, **changes[case]})
    assert exc.value.code == code
    assert not Ballot.objects.exists()


def test_update_changes_only_what_changed_and_only_while_editable(world: World) -> None:
    ballot = _ballot(world)
    setup.ballot_update(ballot_id=ballot.pk, actor=world.returning_officer, data={"title": "Renamed"})
    ballot.refresh_from_db()
    assert ballot.title == "Renamed"
    entry = AuditEntry.objects.get(action="ballot_updated")
    assert entry.detail == {"fields": ["title"]}
    # The returning officer cannot hand the ballot to someone else; an officer can.
    with pytest.raises(DomainError) as exc:
        setup.ballot_update(
            ballot_id=ballot.pk, actor=world.returning_officer, data={"returning_officer": world.member}
        )
    assert exc.value.code == "not_ballot_manager"
    setup.ballot_update(ballot_id=ballot.pk, actor=world.secretary, data={"returning_officer": world.member})
    Ballot.objects.filter(pk=ballot.pk).update(state=S.SCHEDULED)
    with pytest.raises(DomainError) as exc:
        setup.ballot_update(ballot_id=ballot.pk, actor=world.secretary, data={"title": "Again"})
    assert exc.value.code == "ballot_not_editable"


def test_motion_gets_for_against_abstain(world: World) -> None:
    ballot = _ballot(world)
    question = setup.question_add(
        ballot_id=ballot.pk,
        actor=world.secretary,
        kind=Question.Kind.MOTION,
        title="Affiliate to the trades council",
        threshold=Question.Threshold.TWO_THIRDS,
        quorum=10,
    )
    assert question.method == Question.Method.MOTION
    assert list(question.options.values_list("label", flat=True)) == ["For", "Against", "Abstain"]
    with pytest.raises(DomainError) as exc:
        setup.option_add(question_id=question.pk, ballot_id=ballot.pk, actor=world.secretary, label="Maybe")
    assert exc.value.code == "invalid_option"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"method": Question.Method.IRV, "seats": 2}, "invalid_question"),
        ({"method": Question.Method.MOTION}, "invalid_question"),
        ({"seats": 0}, "invalid_question"),
        ({"minimums": [{"group": "women", "seats": 3}]}, "invalid_minimums"),  # more than the 2 seats
        ({"minimums": [{"group": "women", "seats": 1}, {"group": "women", "seats": 1}]}, "invalid_minimums"),
        ({"method": Question.Method.ERS97, "minimums": [{"group": "women", "seats": 1}]}, "invalid_minimums"),
        ({"minimums": [{"group": "wo\x00men", "seats": 1}]}, "invalid_minimums"),
        ({"minimums": [{"name": "women"}]}, "invalid_minimums"),
    ],
)
def test_election_validation(world: World, fields: dict[str, Any], code: str) -> None:
    ballot = _ballot(world)
    with pytest.raises(DomainError) as exc:
        setup.question_add(
            ballot_id=ballot.pk,
            actor=world.secretary,
            kind=Question.Kind.ELECTION,
            title="Committee",
            **{"method": Question.Method.SCOTTISH_STV, "seats": 2, **fields},
        )
    assert exc.value.code == code


def test_office_or_body_must_be_of_the_same_unit(world: World) -> None:
    ballot = _ballot(world)
    foreign = OfficeFactory(unit=UnitFactory())
    with pytest.raises(DomainError, match="not part of"):
        setup.question_add(
            ballot_id=ballot.pk,
            actor=world.secretary,
            kind=Question.Kind.ELECTION,
            title="Chair",
            method=Question.Method.IRV,
            office=foreign,
        )
    office, body = OfficeFactory(unit=world.unit, title="Chair"), BodyFactory(unit=world.unit)
    with pytest.raises(DomainError, match="not both"):
        setup.question_add(
            ballot_id=ballot.pk,
            actor=world.secretary,
            kind=Question.Kind.ELECTION,
            title="Chair",
            method=Question.Method.IRV,
            office=office,
            body=body,
        )
    question = setup.question_add(
        ballot_id=ballot.pk,
        actor=world.secretary,
        kind=Question.Kind.ELECTION,
        title="Chair",
        method=Question.Method.IRV,
        office=office,
    )
    assert question.office == office


def test_update_and_remove_questions(world: World) -> None:
    ballot = _ballot(world)
    question = _election(world, ballot, ["Ann", "Bob", "Cat"])
    setup.question_update(
        question_id=question.pk,
        ballot_id=ballot.pk,
        actor=world.secretary,
        data={"seats": 1, "method": Question.Method.MEEK_STV, "kind": "motion"},  # kind is ignored
    )
    question.refresh_from_db()
    assert (question.seats, question.method, question.kind) == (1, Question.Method.MEEK_STV, Question.Kind.ELECTION)
    setup.question_remove(question_id=question.pk, ballot_id=ballot.pk, actor=world.secretary)
    assert not Question.objects.filter(pk=question.pk).exists()
    assert AuditEntry.objects.filter(action="question_removed", object_id=str(question.pk)).exists()


def test_options_members_free_labels_and_ron(world: World) -> None:
    ballot = _ballot(world)
    question = _election(world, ballot, [])
    candidate = MembershipFactory(unit=world.unit, person=UserFactory(full_name="Dee Dent")).person
    ron = setup.option_add(question_id=question.pk, ballot_id=ballot.pk, actor=world.secretary, is_ron=True)
    dee = setup.option_add(
        question_id=question.pk, ballot_id=ballot.pk, actor=world.secretary, candidate=candidate, groups=["women", " "]
    )
    free = setup.option_add(question_id=question.pk, ballot_id=ballot.pk, actor=world.secretary, label="Eve External")
    order = list(question.options.order_by("position").values_list("label", flat=True))
    assert order == ["Dee Dent", "Eve External", ron.label]  # RON stays last
    assert dee.groups == ["women"] and free.candidate is None
    refusals = {
        "outsider": {"candidate": UserFactory()},
        "again": {"candidate": candidate},
        "same_label": {"label": "Eve External"},
        "second_ron": {"is_ron": True},
        "nothing": {},
    }
    codes = {}
    for case, kwargs in refusals.items():
        with pytest.raises(DomainError) as exc:
            setup.option_add(question_id=question.pk, ballot_id=ballot.pk, actor=world.secretary, **kwargs)
        codes[case] = exc.value.code
    assert codes == {
        "outsider": "invalid_option",
        "again": "option_exists",
        "same_label": "option_exists",
        "second_ron": "option_exists",
        "nothing": "invalid_option",
    }


def test_ready_check_and_schedule(world: World) -> None:
    ballot = _ballot(world)
    problems = setup.ballot_ready_problems(ballot=ballot)
    assert problems == ["Add at least one question."]
    question = _election(world, ballot, ["Ann", "Bob"])  # 2 candidates for 2 seats
    with pytest.raises(DomainError) as exc:
        setup.ballot_setup_schedule(ballot_id=ballot.pk, actor=world.returning_officer)
    assert exc.value.code == "ballot_not_ready"
    assert "needs at least 3 (or RON)" in exc.value.message
    setup.question_update(
        question_id=question.pk, ballot_id=ballot.pk, actor=world.secretary, data={"include_ron": True}
    )
    ballot = setup.ballot_setup_schedule(ballot_id=ballot.pk, actor=world.returning_officer)
    assert ballot.state == S.SCHEDULED
    assert question.options.filter(is_ron=True, position=3).exists()  # RON added at scheduling
    with pytest.raises(DomainError) as exc:
        setup.question_add(ballot_id=ballot.pk, actor=world.secretary, kind="motion", title="Too late")
    assert exc.value.code == "ballot_not_editable"


def test_minimums_must_be_satisfiable(world: World) -> None:
    ballot = _ballot(world)
    question = _election(world, ballot, [], minimums=[{"group": "women", "seats": 1}])
    for name, groups in (("Ann", ["women"]), ("Bob", []), ("Cat", [])):
        setup.option_add(question_id=question.pk, ballot_id=ballot.pk, actor=world.secretary, label=name, groups=groups)
    assert setup.ballot_ready_problems(ballot=ballot) == []
    ann = question.options.get(label="Ann")
    setup.option_withdraw(option_id=ann.pk, ballot_id=ballot.pk, actor=world.secretary)
    Option.objects.create(question=question, label="Dan", position=9)
    problems = setup.ballot_ready_problems(ballot=ballot)
    assert problems == ["“Committee” needs 1 seat for women but only 0 such candidates stand."]


def test_withdrawal_after_scheduling_may_not_end_the_contest(world: World) -> None:
    ballot = _ballot(world)
    question = _election(world, ballot, ["Ann", "Bob", "Cat", "Dan"])
    setup.ballot_setup_schedule(ballot_id=ballot.pk, actor=world.secretary)
    setup.option_withdraw(option_id=question.options.get(label="Dan").pk, ballot_id=ballot.pk, actor=world.secretary)
    with pytest.raises(DomainError) as exc:
        setup.option_withdraw(
            option_id=question.options.get(label="Cat").pk, ballot_id=ballot.pk, actor=world.secretary
        )
    assert exc.value.code == "ballot_not_ready"
    assert not question.options.get(label="Cat").withdrawn


def test_nominations_round_trip_with_ready_check(world: World) -> None:
    from ballots.services import nominations

    ballot = _ballot(world)
    with pytest.raises(DomainError, match="Add an election"):
        setup.ballot_setup_nominations_open(ballot_id=ballot.pk, actor=world.returning_officer)
    question = _election(world, ballot, [], seats=1, method=Question.Method.IRV)
    setup.ballot_setup_nominations_open(ballot_id=ballot.pk, actor=world.returning_officer)
    question = Question.objects.select_related("ballot__unit").get(pk=question.pk)
    nominee = member_of(world.unit)
    n = nominations.nomination_make(question=question, nominee=nominee, nominated_by=nominee)
    nominations.nomination_accept(nomination=n, nominee=nominee, statement="")
    with pytest.raises(DomainError) as exc:  # only one candidate stands: nothing changes
        setup.ballot_setup_nominations_close(ballot_id=ballot.pk, actor=world.returning_officer)
    assert exc.value.code == "ballot_not_ready"
    ballot.refresh_from_db()
    assert ballot.state == S.NOMINATIONS
    assert not question.options.exists()
    assert n.__class__.objects.get(pk=n.pk).state == "accepted"
    other = member_of(world.unit)
    n = nominations.nomination_make(question=question, nominee=other, nominated_by=other)
    nominations.nomination_accept(nomination=n, nominee=other, statement="")
    ballot = setup.ballot_setup_nominations_close(ballot_id=ballot.pk, actor=world.returning_officer)
    assert ballot.state == S.SCHEDULED
    assert question.options.count() == 2


def test_cancel_needs_a_reason_and_a_manager(world: World) -> None:
    ballot = _ballot(world)
    with pytest.raises(DomainError) as exc:
        setup.ballot_setup_cancel(ballot_id=ballot.pk, actor=world.secretary, reason="  ")
    assert exc.value.code == "reason_required"
    with pytest.raises(DomainError) as exc:
        setup.ballot_setup_cancel(ballot_id=ballot.pk, actor=world.member, reason="Because")
    assert exc.value.code == "not_ballot_manager"
    setup.ballot_setup_cancel(ballot_id=ballot.pk, actor=world.secretary, reason="Rules changed")
    ballot.refresh_from_db()
    assert ballot.state == S.CANCELLED
    assert AuditEntry.objects.get(action="ballot_cancelled").detail == {"reason": "Rules changed"}


def test_roll_estimate_follows_the_rule(world: World) -> None:
    ballot = _ballot(world)
    MembershipFactory(unit=world.unit, kind="supporter")
    assert setup.ballot_roll_estimate(ballot=ballot) == 4
    setup.ballot_update(ballot_id=ballot.pk, actor=world.secretary, data={"membership_kinds": ["member"]})
    ballot.refresh_from_db()
    assert setup.ballot_roll_estimate(ballot=ballot) == 3
