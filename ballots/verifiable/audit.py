"""Checking a Benaloh-audited ballot: which choices it holds, from its revealed randomness.

A voter cannot see inside the ballot their browser encrypted, so a
dishonest page could encrypt another choice than the one shown. Before
casting, the voter may instead challenge the ballot: the browser reveals
the randomness ``r`` of every ciphertext (``static/js/verifiable/audit.js``)
and the ballot is spoiled, never cast. Anyone holding the record can then
re-encrypt 0 and 1 with each ``r`` under the election key and see which one
the ciphertext is; the page cannot tell which ballot the voter will
challenge, so a page that cheats is caught as often as voters audit.

The record is JSON: ``{"ballot": <the ballot's exact text>, "randomness":
[[r, ...] per question]}``, each ``r`` a base-10 string as Belenios writes
exponents (extra fields, such as the tracker the page showed, are ignored).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ballots.verifiable import jsonfields as jf
from ballots.verifiable.answers import Ciphertext, read_answer
from ballots.verifiable.election import Election
from ballots.verifiable.errors import FormatError
from ballots.verifiable.fastpow import powmod, recurring_pow


@dataclass(frozen=True)
class AuditRecord:
    """A spoiled ballot's text and the randomness of each of its ciphertexts."""

    ballot: str
    randomness: tuple[tuple[int, ...], ...]


def read_audit_record(raw: str) -> AuditRecord:
    """Parse an audit record; raise ``FormatError`` naming the field that is wrong."""
    data = jf.obj(jf.parse_json(raw, "the audit record"), "the audit record")
    questions = jf.seq(jf.field(data, "randomness", "the audit record"), "randomness")
    return AuditRecord(
        ballot=jf.text(jf.field(data, "ballot", "the audit record"), "the audited ballot"),
        randomness=tuple(
            tuple(jf.big_int(r, f"randomness[{i}][{j}]") for j, r in enumerate(jf.seq(rs, f"randomness[{i}]")))
            for i, rs in enumerate(questions)
        ),
    )


def encrypt_with_randomness(
    election: Election, plain: Sequence[int], randomness: Sequence[int]
) -> tuple[Ciphertext, ...]:
    """The ciphertexts ``(g ** r, y ** r * g ** m)`` of one question's values, with the given ``r``."""
    group, y = election.group, election.public_key
    p, g = group.p, group.g
    return tuple(
        Ciphertext(recurring_pow(group, g, r % group.q), recurring_pow(group, y, r % group.q) * powmod(g, m, p) % p)
        for m, r in zip(plain, randomness, strict=True)
    )


def open_audited_ballot(election: Election, record: AuditRecord) -> tuple[tuple[int, ...], ...]:
    """The 0/1 values each question of the audited ballot holds.

    Raises ``FormatError`` when the ballot is not for this election or has
    the wrong shape, or when a ciphertext is the encryption of neither 0 nor
    1 with its revealed randomness: then the page did not encrypt what it
    said, or revealed something else. It does not check the proofs and the
    signature; ``check_ballot`` does, and an honest page's ballot passes both.
    """
    data = jf.obj(jf.parse_json(record.ballot, "the audited ballot"), "the audited ballot")
    if data.get("election_uuid") != election.uuid or data.get("election_hash") != election.fingerprint:
        raise FormatError("the audited ballot is for another election")
    answers = jf.seq(jf.field(data, "answers", "the audited ballot"), "answers")
    if len(answers) != len(election.questions) or len(record.randomness) != len(election.questions):
        raise FormatError(f"expected {len(election.questions)} answers and as many lists of randomness")
    held: list[tuple[int, ...]] = []
    for i, (question, answer_data, randomness) in enumerate(
        zip(election.questions, answers, record.randomness, strict=True)
    ):
        choices = read_answer(answer_data, f"answers[{i}]").choices
        if len(choices) != question.width or len(randomness) != question.width:
            raise FormatError(f"question {i} needs {question.width} ciphertexts and as many values of randomness")
        zeros = encrypt_with_randomness(election, [0] * question.width, randomness)
        values: list[int] = []
        for j, (choice, zero) in enumerate(zip(choices, zeros, strict=True)):
            one = Ciphertext(zero.alpha, zero.beta * election.group.g % election.group.p)
            if choice not in (zero, one):
                raise FormatError(
                    f"question {i}, choice {j} is not an encryption of 0 or 1 with its revealed randomness"
                )
            values.append(0 if choice == zero else 1)
        held.append(tuple(values))
    return tuple(held)
