"""Building ballots through the real services, for tests."""

from __future__ import annotations

from collections.abc import Sequence

from ballots.models import Ballot, Question
from ballots.services import lifecycle
from ballots.services.casting import vote_cast
from tests.factories import BallotFactory, MembershipFactory, election_question, option


def declared_election(
    rankings: Sequence[Sequence[str]],
    names: Sequence[str] = ("Ann", "Bob", "Cat"),
    *,
    method: str = Question.Method.IRV,
    seats: int = 1,
    extra_voters: int = 0,
    **ballot_fields: object,
) -> tuple[Ballot, Question]:
    """A declared ballot with one election question and one paper per ranking."""
    ballot = BallotFactory(**ballot_fields)
    voters = [MembershipFactory(unit=ballot.unit).person for _ in range(len(rankings) + extra_voters)]
    question = election_question(ballot, list(names), method=method, seats=seats)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    for voter, ranking in zip(voters, rankings, strict=False):
        vote_cast(ballot_id=ballot.pk, voter=voter, answers={question.pk: [option(question, n).pk for n in ranking]})
    lifecycle.ballot_close(ballot_id=ballot.pk)
    lifecycle.ballot_declare(ballot_id=ballot.pk)
    ballot.refresh_from_db()
    return ballot, question
