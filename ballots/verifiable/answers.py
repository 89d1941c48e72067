"""One encrypted answer to a homomorphic question, with the proofs that it is well formed.

Each answer is a list of ElGamal ciphertexts ``(alpha, beta) = (g ** r,
y ** r * g ** m)`` under the election key ``y``, one per possible answer
(plus, first, a "blank" flag when blank votes are allowed). Only the
trustees together can decrypt; the count is obtained by multiplying all
ballots' ciphertexts and decrypting the product once, so no single ballot
is ever decrypted.

That only works if no ballot cheats, e.g. by encrypting 5 for a candidate.
So every answer proves, without revealing the vote:

* **individual proofs**: each ciphertext holds 0 or 1;
* **overall proof**: the product of the ciphertexts (the number of answers
  chosen) holds a number between the question's ``min`` and ``max``;
* with blank allowed, **blank proof**: the blank flag is 0 or nothing is
  chosen, and the overall proof becomes "the flag is 1, or min..max are
  chosen" (so a blank vote chooses nothing, and a non-blank one is in range).

Every proof's hash input starts with ``S0 = fingerprint|credential``, and
the overall and blank proofs also with all the ciphertexts: a proof copied
from another ballot, another voter or another election does not verify.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ballots.verifiable import jsonfields as jf
from ballots.verifiable.election import Election, Question
from ballots.verifiable.errors import FormatError
from ballots.verifiable.fastpow import powmod, recurring_pow
from ballots.verifiable.group import Group
from ballots.verifiable.proofs import Proof, prove_one_of, read_proofs, verify_one_of
from ballots.verifiable.rejection import ACCEPTED, Rejection, Verdict


@dataclass(frozen=True)
class Ciphertext:
    alpha: int
    beta: int

    def to_json(self) -> dict[str, str]:
        return {"alpha": str(self.alpha), "beta": str(self.beta)}


@dataclass(frozen=True)
class EncryptedAnswer:
    choices: tuple[Ciphertext, ...]
    individual_proofs: tuple[tuple[Proof, ...], ...]
    overall_proof: tuple[Proof, ...]
    blank_proof: tuple[Proof, ...] | None

    def to_json(self) -> dict[str, Any]:
        """The answer in Belenios' field order (``blank_proof`` left out when absent)."""
        data: dict[str, Any] = {
            "choices": [c.to_json() for c in self.choices],
            "individual_proofs": [[p.to_json() for p in proofs] for proofs in self.individual_proofs],
            "overall_proof": [p.to_json() for p in self.overall_proof],
        }
        if self.blank_proof is not None:
            data["blank_proof"] = [p.to_json() for p in self.blank_proof]
        return data


def read_ciphertext(value: object, where: str) -> Ciphertext:
    data = jf.obj(value, where)
    return Ciphertext(
        alpha=jf.big_int(jf.field(data, "alpha", where), f"{where}.alpha"),
        beta=jf.big_int(jf.field(data, "beta", where), f"{where}.beta"),
    )


def read_answer(value: object, where: str) -> EncryptedAnswer:
    data = jf.obj(value, where)
    choices = jf.seq(jf.field(data, "choices", where), f"{where}.choices")
    individual = jf.seq(jf.field(data, "individual_proofs", where), f"{where}.individual_proofs")
    blank = data.get("blank_proof")
    return EncryptedAnswer(
        choices=tuple(read_ciphertext(c, f"{where}.choices[{i}]") for i, c in enumerate(choices)),
        individual_proofs=tuple(read_proofs(p, f"{where}.individual_proofs[{i}]") for i, p in enumerate(individual)),
        overall_proof=read_proofs(jf.field(data, "overall_proof", where), f"{where}.overall_proof"),
        blank_proof=None if blank is None else read_proofs(blank, f"{where}.blank_proof"),
    )


def _choices_text(choices: Sequence[Ciphertext]) -> str:
    return ",".join(f"{c.alpha},{c.beta}" for c in choices)


def _product(group: Group, choices: Sequence[Ciphertext]) -> Ciphertext:
    alpha, beta = 1, 1
    for c in choices:
        alpha, beta = alpha * c.alpha % group.p, beta * c.beta % group.p
    return Ciphertext(alpha, beta)


def _pairs(group: Group, c: Ciphertext, values: Sequence[int]) -> list[tuple[int, int]]:
    """``(alpha, beta / g ** m)`` for each ``m``: the pair that is ``(g ** r, y ** r)`` iff c holds m."""
    return [(c.alpha, c.beta * powmod(group.g, -m, group.p) % group.p) for m in values]


def _individual_prefix(s0: str, c: Ciphertext) -> str:
    return f"prove|{s0}|{c.alpha},{c.beta}|"


def check_plain_answer(question: Question, plain: Sequence[int], where: str) -> None:
    """Refuse choices this question does not allow, before anything is encrypted."""
    if len(plain) != question.width or any(m not in (0, 1) for m in plain):
        raise FormatError(f"{where} needs {question.width} values, each 0 or 1")
    chosen = sum(plain[1:]) if question.blank else sum(plain)
    if question.blank and plain[0] == 1:
        if chosen:
            raise FormatError(f"{where} is blank, so it may not choose anything")
    elif not question.min <= chosen <= question.max:
        raise FormatError(f"{where} must choose between {question.min} and {question.max} answers")


def encrypt_answer(election: Election, question: Question, s0: str, plain: Sequence[int]) -> EncryptedAnswer:
    """Encrypt 0/1 values for one question and prove them well formed (``check_plain_answer`` first)."""
    group, y = election.group, election.public_key
    p, g = group.p, group.g
    randomness = [group.random_exponent() for _ in plain]
    choices = tuple(
        Ciphertext(recurring_pow(group, g, r), recurring_pow(group, y, r) * powmod(g, m, p) % p)
        for r, m in zip(randomness, plain, strict=True)
    )
    individual = tuple(
        prove_one_of(group, y, _pairs(group, c, (0, 1)), m, r, _individual_prefix(s0, c))
        for c, r, m in zip(choices, randomness, plain, strict=True)
    )
    s = f"{s0}|{_choices_text(choices)}"
    counted = slice(1, None) if question.blank else slice(None)
    total = _product(group, choices[counted])
    total_r = sum(randomness[counted]) % group.q
    chosen = sum(plain[counted])
    allowed = range(question.min, question.max + 1)
    if not question.blank:
        overall = prove_one_of(
            group, y, _pairs(group, total, allowed), chosen - question.min, total_r, _individual_prefix(s, total)
        )
        return EncryptedAnswer(choices, individual, overall, None)
    flag, flag_r = choices[0], randomness[0]
    blank_pairs = [(flag.alpha, flag.beta), (total.alpha, total.beta)]
    overall_pairs = _pairs(group, flag, (1,)) + _pairs(group, total, allowed)
    if plain[0] == 0:
        blank = prove_one_of(group, y, blank_pairs, 0, flag_r, f"bproof0|{s}|")
        overall = prove_one_of(group, y, overall_pairs, 1 + chosen - question.min, total_r, f"bproof1|{s}|")
    else:
        blank = prove_one_of(group, y, blank_pairs, 1, total_r, f"bproof0|{s}|")
        overall = prove_one_of(group, y, overall_pairs, 0, flag_r, f"bproof1|{s}|")
    return EncryptedAnswer(choices, individual, overall, blank)


def check_answer(election: Election, question: Question, s0: str, answer: EncryptedAnswer) -> Verdict:
    """Check every proof of one answer; the first failure gives the reason."""
    group, y = election.group, election.public_key
    if len(answer.choices) != question.width or len(answer.individual_proofs) != question.width:
        return Verdict(Rejection.MALFORMED, f"expected {question.width} choices and individual proofs")
    if (answer.blank_proof is not None) != question.blank:
        return Verdict(Rejection.MALFORMED, "blank_proof must be present exactly when blank is allowed")
    for i, c in enumerate(answer.choices):
        if not (group.is_element(c.alpha) and group.is_element(c.beta)):
            return Verdict(Rejection.BAD_CIPHERTEXT, f"choice {i}")
    for i, (c, proofs) in enumerate(zip(answer.choices, answer.individual_proofs, strict=True)):
        if not verify_one_of(group, y, _pairs(group, c, (0, 1)), proofs, _individual_prefix(s0, c)):
            return Verdict(Rejection.BAD_INDIVIDUAL_PROOF, f"choice {i}")
    s = f"{s0}|{_choices_text(answer.choices)}"
    allowed = range(question.min, question.max + 1)
    if answer.blank_proof is None:
        total = _product(group, answer.choices)
        if not verify_one_of(
            group, y, _pairs(group, total, allowed), answer.overall_proof, _individual_prefix(s, total)
        ):
            return Verdict(Rejection.BAD_OVERALL_PROOF)
        return ACCEPTED
    flag, total = answer.choices[0], _product(group, answer.choices[1:])
    if not verify_one_of(
        group, y, [(flag.alpha, flag.beta), (total.alpha, total.beta)], answer.blank_proof, f"bproof0|{s}|"
    ):
        return Verdict(Rejection.BAD_BLANK_PROOF)
    overall_pairs = _pairs(group, flag, (1,)) + _pairs(group, total, allowed)
    if not verify_one_of(group, y, overall_pairs, answer.overall_proof, f"bproof1|{s}|"):
        return Verdict(Rejection.BAD_OVERALL_PROOF)
    return ACCEPTED
