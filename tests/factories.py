"""factory_boy factories for the domain."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from accounts.models import User
from ballots.models import Ballot, Option, Question
from governance.models import Body, Holding, Membership, Office, Unit


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password("correct-horse-battery")


class UnitFactory(factory.django.DjangoModelFactory[Unit]):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Branch {n}")
    slug = factory.Sequence(lambda n: f"branch-{n}")
    kind = Unit.Kind.BRANCH


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    person = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    joined_on = dt.date(2024, 1, 1)


class BodyFactory(factory.django.DjangoModelFactory[Body]):
    class Meta:
        model = Body

    unit = factory.SubFactory(UnitFactory)
    name = "Branch committee"
    kind = Body.Kind.COMMITTEE
    mandate = Body.Mandate.ELECTED
    mandate_authority = "Standing orders"


class OfficeFactory(factory.django.DjangoModelFactory[Office]):
    class Meta:
        model = Office

    unit = factory.SubFactory(UnitFactory)
    title = "Secretary"


class BallotFactory(factory.django.DjangoModelFactory[Ballot]):
    class Meta:
        model = Ballot

    unit = factory.SubFactory(UnitFactory)
    title = factory.Sequence(lambda n: f"Ballot {n}")
    returning_officer = factory.SubFactory(UserFactory)
    state = Ballot.State.SCHEDULED
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(minutes=5))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=1))


def motion_question(ballot: Ballot, title: str = "Adopt the motion", **extra: object) -> Question:
    question = Question.objects.create(
        ballot=ballot, kind=Question.Kind.MOTION, title=title, method=Question.Method.MOTION, **extra
    )
    Option.objects.bulk_create(Option.for_motion(question))
    return question


def election_question(
    ballot: Ballot, names: list[str], method: str = Question.Method.IRV, seats: int = 1, **extra: object
) -> Question:
    question = Question.objects.create(
        ballot=ballot, kind=Question.Kind.ELECTION, title="Election", method=method, seats=seats, **extra
    )
    for i, name in enumerate(names, 1):
        Option.objects.create(question=question, position=i, label=name)
    return question


def option(question: Question, label: str) -> Option:
    return question.options.get(label=label)


class HoldingFactory(factory.django.DjangoModelFactory[Holding]):
    """A current holding of an office (pass ``body=…, office=None`` for a body seat)."""

    class Meta:
        model = Holding

    person = factory.SubFactory(UserFactory)
    office = factory.SubFactory(OfficeFactory)
    starts_on = dt.date(2024, 1, 1)
    authority = "Appointed at the founding meeting"


def member_of(unit: Unit, **extra: object) -> User:
    """A new person with an active membership of ``unit`` (whom officers may appoint)."""
    return MembershipFactory(unit=unit, **extra).person  # type: ignore[no-any-return]
