"""A trustee's step in "Needs your attention": the key before voting opens,
a shuffle once the server has shuffled, the decryption once the shuffles end,
and nothing once it is done or not yet theirs (accounts/attention.py)."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.attention import attention_items
from ballots.models import Ballot, Question, VerifiableElection, VerifiableShuffle, VerifiableTrustee
from ballots.services.verifiable_setup import trustee_key_upload, verifiable_enable
from tests.ballots.verifiable.test_board_writer import trustee_key
from tests.factories import BallotFactory, MembershipFactory, election_question

pytestmark = pytest.mark.django_db


def _kinds(user: Any) -> list[str]:
    return [i.kind for i in attention_items(user=user) if i.kind.startswith("trustee_")]


@pytest.fixture
def election() -> VerifiableElection:
    ballot = BallotFactory(state=Ballot.State.DRAFT)
    election_question(ballot, ["Ann", "Bob", "Cat"], method=Question.Method.IRV)
    trustees = [MembershipFactory(unit=ballot.unit).person for _ in range(2)]
    return verifiable_enable(ballot_id=ballot.pk, actor=ballot.returning_officer, trustees=trustees)


def test_a_trustee_is_asked_for_their_key_until_it_is_in(election: VerifiableElection) -> None:
    first, second = [t.person for t in election.trustee_rows.order_by("position")]
    item = next(i for i in attention_items(user=first) if i.kind == "trustee_key")
    assert item.url == f"/ballots/{election.ballot_id}/trustee/" and item.title == election.ballot.title
    trustee_key_upload(ballot_id=election.ballot_id, actor=first, public_key=trustee_key()[1])
    assert _kinds(first) == []
    assert _kinds(second) == ["trustee_key"]


def test_a_threshold_step_waiting_on_others_is_not_theirs_yet(election: VerifiableElection) -> None:
    election.threshold = 1
    election.save()
    first, second = election.trustee_rows.order_by("position")
    assert _kinds(first.person) == ["trustee_key"]  # the certificate is always theirs to send
    VerifiableTrustee.objects.filter(pk=first.pk).update(certificate="{}")
    assert _kinds(first.person) == []  # the polynomial waits for every certificate
    VerifiableTrustee.objects.filter(pk=second.pk).update(certificate="{}")
    assert _kinds(first.person) == ["trustee_key"]


def test_shuffle_then_decrypt_when_due(election: VerifiableElection) -> None:
    first, second = election.trustee_rows.order_by("position")
    Ballot.objects.filter(pk=election.ballot_id).update(state=Ballot.State.CLOSED)
    assert _kinds(first.person) == []  # the server has not shuffled yet
    VerifiableShuffle.objects.create(election=election, position=1, owner=0, text="{}")
    assert _kinds(first.person) == ["trustee_shuffle"]
    VerifiableShuffle.objects.create(election=election, position=2, owner=first.position, text="{}")
    assert _kinds(first.person) == [] and _kinds(second.person) == ["trustee_shuffle"]
    VerifiableElection.objects.filter(pk=election.pk).update(shuffles_ended=True)
    assert _kinds(first.person) == ["trustee_decrypt"] and _kinds(second.person) == ["trustee_decrypt"]
    VerifiableTrustee.objects.filter(pk=first.pk).update(partial_decryption="{}")
    assert _kinds(first.person) == [] and _kinds(second.person) == ["trustee_decrypt"]
    VerifiableElection.objects.filter(pk=election.pk).update(result="{}")
    assert _kinds(second.person) == []
