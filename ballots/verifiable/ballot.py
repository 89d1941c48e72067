"""A whole Belenios ballot: made by a voter's device, checked by anyone.

A ballot names its election twice (``election_uuid`` and ``election_hash``,
the fingerprint of the exact election text), names the voter's public
credential, holds one encrypted answer per question, and is signed with the
secret credential. ``check_ballot`` proves, in this order:

1. it is a Belenios ballot written byte for byte as Belenios writes it
   (one text, one fingerprint: the voter's tracker means one thing);
2. it is for this election (``wrong_election`` otherwise);
3. its credential is on the roll, when a roll is given;
4. the signature: the ballot's hash (all of it but the signature) is the
   one signed, and the signature is a Schnorr proof that whoever signed
   knows the secret exponent behind the credential. Without the secret
   credential nobody (the server included) can add or alter a ballot;
5. every answer's proofs: for a homomorphic question (see ``answers``) each
   choice 0 or 1, the number of choices within the question's bounds, blank
   only if allowed; for a non-homomorphic one (a ranking, see
   ``nonhomomorphic``) that the voter's device encrypted it itself.

It does not prove the ballot is the voter's latest, nor that it was
counted: those are properties of the board and the tally.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ballots.verifiable import jsonfields as jf
from ballots.verifiable.answers import EncryptedAnswer, check_answer, check_plain_answer, encrypt_answer, read_answer
from ballots.verifiable.credentials import credential_secret
from ballots.verifiable.election import AnyQuestion, Election, NonHomomorphicQuestion, Question
from ballots.verifiable.errors import FormatError
from ballots.verifiable.fastpow import powmod
from ballots.verifiable.nonhomomorphic import (
    NonHomomorphicAnswer,
    check_nh_answer,
    check_plain_nh_answer,
    encrypt_nh_answer,
    read_nh_answer,
)
from ballots.verifiable.proofs import Proof, prove_exponent, read_proof, verify_exponent
from ballots.verifiable.rejection import ACCEPTED, Rejection, Verdict

AnyAnswer = EncryptedAnswer | NonHomomorphicAnswer


def _check_plain(election: Election, question: AnyQuestion, plain: Sequence[int], where: str) -> None:
    if isinstance(question, NonHomomorphicQuestion):
        check_plain_nh_answer(election.group, question, plain, where)
    else:
        check_plain_answer(question, plain, where)


def _encrypt(election: Election, question: AnyQuestion, s0: str, plain: Sequence[int]) -> AnyAnswer:
    if isinstance(question, NonHomomorphicQuestion):
        return encrypt_nh_answer(election, s0, plain)
    return encrypt_answer(election, question, s0, plain)


def _read_answer(value: object, where: str) -> AnyAnswer:
    """An answer by its shape: a non-homomorphic one has one ciphertext and a ``proof``."""
    if isinstance(value, dict) and "proof" in value:
        return read_nh_answer(value, where)
    return read_answer(value, where)


def _check(election: Election, question: AnyQuestion, s0: str, answer: AnyAnswer) -> Verdict:
    if isinstance(question, NonHomomorphicQuestion) and isinstance(answer, NonHomomorphicAnswer):
        return check_nh_answer(election, s0, answer)
    if isinstance(question, Question) and isinstance(answer, EncryptedAnswer):
        return check_answer(election, question, s0, answer)
    return Verdict(Rejection.MALFORMED, "the answer's shape is not the question's kind")


def _unsigned(uuid: str, election_hash: str, credential: int, answers: Sequence[AnyAnswer]) -> dict[str, Any]:
    return {
        "election_uuid": uuid,
        "election_hash": election_hash,
        "credential": str(credential),
        "answers": [a.to_json() for a in answers],
    }


def _signature_prefix(ballot_hash: str) -> str:
    return f"sig|{ballot_hash}|"


def create_ballot(election: Election, credential: str, choices: Sequence[Sequence[int]]) -> str:
    """Encrypt ``choices`` (per question, a list of 0/1, or of ranks for a non-homomorphic one) into a signed ballot, as its exact text.

    ``credential`` is the voter's secret credential. Raises ``FormatError``
    for choices the questions do not allow: a device must never produce a
    ballot that will be refused.
    """
    if len(choices) != len(election.questions):
        raise FormatError(f"expected choices for {len(election.questions)} questions")
    for i, (question, plain) in enumerate(zip(election.questions, choices, strict=True)):
        _check_plain(election, question, plain, f"question {i}")
    group = election.group
    secret = credential_secret(group, election.uuid, credential)
    public = powmod(group.g, secret, group.p)
    s0 = f"{election.fingerprint}|{public}"
    answers = [_encrypt(election, q, s0, plain) for q, plain in zip(election.questions, choices, strict=True)]
    ballot = _unsigned(election.uuid, election.fingerprint, public, answers)
    ballot_hash = jf.sha256_b64(jf.canonical_json(ballot))
    proof = prove_exponent(group, [group.g], secret, _signature_prefix(ballot_hash))
    ballot["signature"] = {"hash": ballot_hash, "proof": proof.to_json()}
    return jf.canonical_json(ballot)


def _read(raw: str) -> tuple[str, str, int, list[AnyAnswer], str, Proof]:
    data = jf.obj(jf.parse_json(raw, "the ballot"), "the ballot")
    signature = jf.obj(jf.field(data, "signature", "the ballot"), "the signature")
    answers = jf.seq(jf.field(data, "answers", "the ballot"), "answers")
    return (
        jf.text(jf.field(data, "election_uuid", "the ballot"), "election_uuid"),
        jf.text(jf.field(data, "election_hash", "the ballot"), "election_hash"),
        jf.big_int(jf.field(data, "credential", "the ballot"), "credential"),
        [_read_answer(a, f"answers[{i}]") for i, a in enumerate(answers)],
        jf.text(jf.field(signature, "hash", "the signature"), "the signature's hash"),
        read_proof(jf.field(signature, "proof", "the signature"), "the signature's proof"),
    )


def check_ballot(election: Election, raw: str, public_credentials: Mapping[int, int] | None = None) -> Verdict:
    """Check one ballot's text against its election (and the roll of credentials, if given)."""
    try:
        uuid, election_hash, credential, answers, ballot_hash, proof = _read(raw)
    except FormatError as error:
        return Verdict(Rejection.MALFORMED, str(error))
    unsigned = _unsigned(uuid, election_hash, credential, answers)
    signed = {**unsigned, "signature": {"hash": ballot_hash, "proof": proof.to_json()}}
    if jf.canonical_json(signed) != raw:
        return Verdict(Rejection.NOT_CANONICAL, "Belenios accepts a ballot only in its compact canonical form")
    if uuid != election.uuid or election_hash != election.fingerprint:
        return Verdict(Rejection.WRONG_ELECTION)
    if public_credentials is not None and credential not in public_credentials:
        return Verdict(Rejection.UNKNOWN_CREDENTIAL)
    group = election.group
    if (
        ballot_hash != jf.sha256_b64(jf.canonical_json(unsigned))
        or not group.is_element(credential)
        or not verify_exponent(group, [group.g], [credential], proof, _signature_prefix(ballot_hash))
    ):
        return Verdict(Rejection.BAD_SIGNATURE)
    if len(answers) != len(election.questions):
        return Verdict(Rejection.MALFORMED, f"expected {len(election.questions)} answers")
    s0 = f"{election.fingerprint}|{credential}"
    for i, (question, answer) in enumerate(zip(election.questions, answers, strict=True)):
        verdict = _check(election, question, s0, answer)
        if not verdict.accepted:
            return Verdict(verdict.reason, f"question {i}" + (f", {verdict.detail}" if verdict.detail else ""))
    return ACCEPTED
