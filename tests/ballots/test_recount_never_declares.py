"""A recount counts again and does nothing else: on a ballot left counted
with "declare automatically" set (a worker died before declaring), the
tally's resume rule would declare it, but a recount must leave the
declaration to the returning officer's confirmation."""

from __future__ import annotations

import pytest

from ballots.models import Ballot
from ballots.services import lifecycle
from ballots.services.casting import vote_cast
from ballots.services.declaring import ballot_recount
from tests.factories import BallotFactory, MembershipFactory, election_question, option

pytestmark = pytest.mark.django_db(transaction=True)  # the close queues the tally on commit


def test_a_recount_of_a_ballot_set_to_declare_itself_does_not_declare_it() -> None:
    ballot = BallotFactory(declare_automatically=False)
    question = election_question(ballot, ["Ann", "Bob", "Cat"])
    voters = [MembershipFactory(unit=ballot.unit).person for _ in range(4)]
    lifecycle.ballot_open(ballot_id=ballot.pk)
    for voter, name in zip(voters, ["Ann", "Ann", "Bob", "Cat"], strict=True):
        vote_cast(ballot_id=ballot.pk, voter=voter, answers={question.pk: [option(question, name).pk]})
    lifecycle.ballot_close(ballot_id=ballot.pk)
    assert Ballot.objects.get(pk=ballot.pk).state == Ballot.State.COUNTED
    Ballot.objects.filter(pk=ballot.pk).update(declare_automatically=True)  # as a worker that died left it

    before, after = ballot_recount(ballot_id=ballot.pk, actor=ballot.returning_officer)

    assert before == after
    assert Ballot.objects.get(pk=ballot.pk).state == Ballot.State.COUNTED
