"""vote_cast: validation, one member one vote, idempotent retries, secrecy of rows."""

from __future__ import annotations

import pytest

from ballots.models import Ballot, BallotPaper, Participation, PendingPaper, PendingTracker, Tracker
from ballots.services import casting, lifecycle
from ballots.services.casting import receipt_tracker, vote_cast
from ballots.services.paper_crypto import paper_open
from core.errors import DomainError
from tests.factories import BallotFactory, MembershipFactory, UserFactory, election_question, motion_question, option

pytestmark = pytest.mark.django_db


def _clear(paper: PendingPaper) -> object:
    """A pending paper's content, decrypted as closing decrypts it."""
    return paper_open(ballot_id=paper.ballot_id, question_id=paper.question_id, content=paper.content)[0]


@pytest.fixture
def open_ballot() -> tuple[Ballot, list]:
    ballot = BallotFactory()
    voters = [MembershipFactory(unit=ballot.unit).person for _ in range(3)]
    motion_question(ballot)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    ballot.refresh_from_db()
    return ballot, voters


def test_vote_is_recorded_apart_from_the_voter(open_ballot: tuple[Ballot, list]) -> None:
    ballot, voters = open_ballot
    question = ballot.questions.get()
    receipt = vote_cast(ballot_id=ballot.pk, voter=voters[0], answers={question.pk: [option(question, "For").pk]})
    assert len(receipt.receipt) == 19
    assert Participation.objects.filter(ballot=ballot, voter=voters[0]).exists()
    paper = PendingPaper.objects.get(ballot=ballot)
    assert isinstance(paper.content, str) and paper.content.startswith("v3:"), "stored encrypted while open"
    assert _clear(paper) == [option(question, "For").pk]
    assert not PendingTracker.objects.filter(ballot=ballot).exists(), "the tracker travels inside the paper"
    assert paper_open(ballot_id=ballot.pk, question_id=question.pk, content=paper.content)[1] == receipt_tracker(
        receipt.receipt
    )
    field_names = {f.name for f in PendingPaper._meta.get_fields()}
    assert not field_names & {"voter", "participation", "created_at", "at"}


def test_second_vote_is_refused(open_ballot: tuple[Ballot, list]) -> None:
    ballot, voters = open_ballot
    question = ballot.questions.get()
    vote_cast(ballot_id=ballot.pk, voter=voters[0], answers={question.pk: [option(question, "For").pk]})
    with pytest.raises(DomainError) as exc:
        vote_cast(ballot_id=ballot.pk, voter=voters[0], answers={question.pk: [option(question, "Against").pk]})
    assert exc.value.code == "already_voted"
    assert PendingPaper.objects.filter(ballot=ballot).count() == 1


def test_retry_with_same_key_returns_first_receipt(open_ballot: tuple[Ballot, list]) -> None:
    ballot, voters = open_ballot
    question = ballot.questions.get()
    answers = {question.pk: [option(question, "For").pk]}
    first = vote_cast(ballot_id=ballot.pk, voter=voters[0], answers=answers, idempotency_key="k-123")
    again = vote_cast(ballot_id=ballot.pk, voter=voters[0], answers=answers, idempotency_key="k-123")
    assert again.receipt == first.receipt and again.replayed
    row = Participation.objects.get(ballot=ballot, voter=voters[0])
    assert first.receipt not in (row.sealed_receipt, row.idempotency_key_hash)
    assert PendingPaper.objects.filter(ballot=ballot).count() == 1


@pytest.mark.parametrize(
    ("answers_for", "code"),
    [
        (lambda q, o: {q.pk: [o]}, None),
        (lambda q, o: {q.pk: []}, "invalid_paper"),
        (lambda q, o: {q.pk: [o, o]}, "invalid_paper"),
        (lambda q, o: {q.pk: [999999]}, "invalid_paper"),
        (lambda q, o: {q.pk: "for"}, "invalid_paper"),
        (lambda q, o: {q.pk: [o], 424242: [o]}, "unknown_question"),
        (lambda q, o: {}, "invalid_paper"),
    ],
)
def test_malformed_papers_are_refused_with_a_reason(open_ballot: tuple[Ballot, list], answers_for, code) -> None:
    ballot, voters = open_ballot
    question = ballot.questions.get()
    answers = answers_for(question, option(question, "For").pk)
    if code is None:
        vote_cast(ballot_id=ballot.pk, voter=voters[0], answers=answers)
        return
    with pytest.raises(DomainError) as exc:
        vote_cast(ballot_id=ballot.pk, voter=voters[0], answers=answers)
    assert exc.value.code == code and exc.value.message
    assert not Participation.objects.filter(ballot=ballot).exists()


def test_not_on_roll_and_not_open_are_refused(open_ballot: tuple[Ballot, list]) -> None:
    ballot, _ = open_ballot
    question = ballot.questions.get()
    outsider = UserFactory()
    with pytest.raises(DomainError) as exc:
        vote_cast(ballot_id=ballot.pk, voter=outsider, answers={question.pk: [option(question, "For").pk]})
    assert exc.value.code == "not_on_roll" and exc.value.status == 403
    draft = BallotFactory(state=Ballot.State.DRAFT)
    q2 = motion_question(draft)
    with pytest.raises(DomainError) as exc:
        vote_cast(ballot_id=draft.pk, voter=outsider, answers={q2.pk: [option(q2, "For").pk]})
    assert exc.value.code == "ballot_not_open"


def test_roll_is_frozen_when_voting_opens() -> None:
    ballot = BallotFactory()
    early = MembershipFactory(unit=ballot.unit).person
    MembershipFactory(unit=ballot.unit, status="lapsed")
    motion_question(ballot)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    late = MembershipFactory(unit=ballot.unit).person
    assert list(ballot.roll.values_list("voter", flat=True)) == [early.pk]
    question = ballot.questions.get()
    with pytest.raises(DomainError):
        vote_cast(ballot_id=ballot.pk, voter=late, answers={question.pk: [option(question, "For").pk]})


def test_ranked_paper_accepts_partial_ranking() -> None:
    ballot = BallotFactory()
    voter = MembershipFactory(unit=ballot.unit).person
    question = election_question(ballot, ["Ann", "Bob", "Cat"])
    lifecycle.ballot_open(ballot_id=ballot.pk)
    vote_cast(
        ballot_id=ballot.pk,
        voter=voter,
        answers={question.pk: [option(question, "Cat").pk, option(question, "Ann").pk]},
    )
    assert _clear(PendingPaper.objects.get()) == [option(question, "Cat").pk, option(question, "Ann").pk]


def test_retry_after_the_ballot_closed_still_gets_its_receipt(open_ballot: tuple[Ballot, list]) -> None:
    ballot, voters = open_ballot
    question = ballot.questions.get()
    answers = {question.pk: [option(question, "Against").pk]}
    first = vote_cast(ballot_id=ballot.pk, voter=voters[1], answers=answers, idempotency_key="late-retry")
    lifecycle.ballot_close(ballot_id=ballot.pk)
    again = vote_cast(ballot_id=ballot.pk, voter=voters[1], answers=answers, idempotency_key="late-retry")
    assert again.receipt == first.receipt and again.replayed
    with pytest.raises(DomainError) as exc:
        vote_cast(ballot_id=ballot.pk, voter=voters[2], answers=answers, idempotency_key="late-retry")
    assert exc.value.code == "ballot_not_open"


def test_a_different_key_is_a_second_vote_and_refused(open_ballot: tuple[Ballot, list]) -> None:
    ballot, voters = open_ballot
    question = ballot.questions.get()
    answers = {question.pk: [option(question, "For").pk]}
    vote_cast(ballot_id=ballot.pk, voter=voters[0], answers=answers, idempotency_key="first")
    for key in ("second", ""):
        with pytest.raises(DomainError) as exc:
            vote_cast(ballot_id=ballot.pk, voter=voters[0], answers=answers, idempotency_key=key)
        assert exc.value.code == "already_voted"


def test_every_ciphertext_of_a_ballot_has_one_length_whatever_the_paper() -> None:
    """A paper's length must not tell how many preferences it holds, which
    question it answers, or whether it carries the vote's tracker."""
    ballot = BallotFactory()
    names = [f"Candidate {i}" for i in range(1, 13)]
    election = election_question(ballot, names, method="stv", seats=3)
    motion = motion_question(ballot)
    voters = [MembershipFactory(unit=ballot.unit).person for _ in names]
    lifecycle.ballot_open(ballot_id=ballot.pk)
    candidates = [option(election, name).pk for name in names]
    receipts = []
    for n, voter in enumerate(voters, 1):  # 1 to 12 preferences
        answers = {election.pk: candidates[:n], motion.pk: [option(motion, "For").pk]}
        receipts.append(vote_cast(ballot_id=ballot.pk, voter=voter, answers=answers).receipt)
    stored = list(PendingPaper.objects.filter(ballot=ballot).values_list("content", flat=True))
    assert len(stored) == 2 * len(voters)
    assert {len(c) for c in stored} == {len(stored[0])}, sorted({len(c) for c in stored})

    lifecycle.ballot_close(ballot_id=ballot.pk)
    assert sorted(Tracker.objects.filter(ballot=ballot).values_list("tracker", flat=True)) == sorted(
        receipt_tracker(r) for r in receipts
    ), "every voter's receipt is found among the trackers published at the close"
    assert sorted(len(p) for p in BallotPaper.objects.filter(question=election).values_list("content", flat=True)) == (
        list(range(1, 13))
    )


def test_sealed_receipts_have_one_length_whatever_the_vote(open_ballot: tuple[Ballot, list]) -> None:
    """The seal is AEAD over the receipt's 10 random bytes: its length says nothing."""
    ballot, voters = open_ballot
    question = ballot.questions.get()
    for voter, label in zip(voters, ["For", "Against", "Abstain"], strict=True):
        vote_cast(
            ballot_id=ballot.pk,
            voter=voter,
            answers={question.pk: [option(question, label).pk]},
            idempotency_key=f"k-{label}",
        )
    seals = list(Participation.objects.filter(ballot=ballot).values_list("sealed_receipt", flat=True))
    assert {len(s) for s in seals} == {casting.SEAL_LENGTH} and len(set(seals)) == 3
    assert all(s.startswith(casting.SEAL_VERSION) for s in seals)


def test_a_changed_seal_is_refused_not_answered_with_a_wrong_receipt(open_ballot: tuple[Ballot, list]) -> None:
    ballot, voters = open_ballot
    question = ballot.questions.get()
    answers = {question.pk: [option(question, "For").pk]}
    vote_cast(ballot_id=ballot.pk, voter=voters[0], answers=answers, idempotency_key="tamper-me")
    row = Participation.objects.get(ballot=ballot, voter=voters[0])
    body = row.sealed_receipt
    flipped = body[:-3] + ("A" if body[-3] != "A" else "B") + body[-2:]
    Participation.objects.filter(pk=row.pk).update(sealed_receipt=flipped)
    with pytest.raises(DomainError) as refused:
        vote_cast(ballot_id=ballot.pk, voter=voters[0], answers=answers, idempotency_key="tamper-me")
    assert refused.value.code == "already_voted" and refused.value.status == 409


def test_a_seal_opens_only_for_its_ballot_and_voter() -> None:
    receipt = casting._new_receipt()
    sealed = casting._seal(receipt, "key", ballot_id=1, voter_id=2)
    assert casting._unseal(sealed, "key", ballot_id=1, voter_id=2) == receipt
    for ballot_id, voter_id, key in [(1, 3, "key"), (2, 2, "key"), (1, 2, "other key")]:
        with pytest.raises(DomainError):
            casting._unseal(sealed, key, ballot_id=ballot_id, voter_id=voter_id)


def test_a_seal_written_before_version_2_still_opens_for_its_retry(open_ballot: tuple[Ballot, list]) -> None:
    """A vote cast before the upgrade, its retry after: the old XOR seal is read."""
    import hashlib

    ballot, voters = open_ballot
    question = ballot.questions.get()
    answers = {question.pk: [option(question, "For").pk]}
    first = vote_cast(ballot_id=ballot.pk, voter=voters[1], answers=answers, idempotency_key="old-client")
    data = first.receipt.encode()
    pad = hashlib.sha256(b"receipt-seal:old-client").digest()[: len(data)]
    old_seal = bytes(a ^ b for a, b in zip(data, pad, strict=True)).hex()
    Participation.objects.filter(ballot=ballot, voter=voters[1]).update(sealed_receipt=old_seal)
    again = vote_cast(ballot_id=ballot.pk, voter=voters[1], answers=answers, idempotency_key="old-client")
    assert again.replayed and again.receipt == first.receipt
