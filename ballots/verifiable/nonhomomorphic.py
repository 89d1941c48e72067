"""One encrypted answer to a non-homomorphic question (a ranking), with its proof.

A non-homomorphic answer is a vector of small integers, one per answer of
the question: for a ranked (STV) ballot, the rank given to each candidate.
It is never added to others; instead the whole vector is packed into one
number ``xi`` (``group_encode``: each integer in ``bits_per_int`` bits, then
``padding`` low bits chosen so that ``xi`` is a group element) and
encrypted once, ``(alpha, beta) = (g ** r, y ** r * xi)``. At the close the
ciphertexts are shuffled (``shuffle``) and each is decrypted, so every
ranking is revealed but nobody can tell whose it is.

So no homomorphic "each choice is 0 or 1" proof applies. What the answer
proves instead is that the device that made it **knows r** (a Schnorr proof
on ``alpha = g ** r``, hash prefix ``raweg|S0|y,alpha,beta|``). That is what
stops a dishonest voter from copying, or re-encrypting, somebody else's
ciphertext to learn that person's ranking when the rankings are revealed:
to prove knowledge of ``r`` one must have encrypted it oneself. The proof is
bound to ``S0 = fingerprint|credential``, so it cannot be lifted into
another ballot or election.

What the proof does not say is that the ranking is well formed (every rank
used once, say): that cannot be checked on the ciphertext, and is decided
when the revealed rankings are read (see ``rankings``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ballots.verifiable import jsonfields as jf
from ballots.verifiable.answers import Ciphertext, read_ciphertext
from ballots.verifiable.election import Election, NonHomomorphicQuestion
from ballots.verifiable.errors import FormatError
from ballots.verifiable.fastpow import powmod, recurring_pow
from ballots.verifiable.group import Embedding, Group
from ballots.verifiable.proofs import Proof, read_proof
from ballots.verifiable.rejection import ACCEPTED, Rejection, Verdict


@dataclass(frozen=True)
class NonHomomorphicAnswer:
    choices: Ciphertext
    proof: Proof

    def to_json(self) -> dict[str, Any]:
        return {"choices": self.choices.to_json(), "proof": self.proof.to_json()}


def read_nh_answer(value: object, where: str) -> NonHomomorphicAnswer:
    data = jf.obj(value, where)
    return NonHomomorphicAnswer(
        choices=read_ciphertext(jf.field(data, "choices", where), f"{where}.choices"),
        proof=read_proof(jf.field(data, "proof", where), f"{where}.proof"),
    )


def _embedding(group: Group) -> Embedding:
    if group.embedding is None:
        raise FormatError(f"group {group.name} has no embedding for non-homomorphic answers")
    return group.embedding


def encode(group: Group, values: Sequence[int]) -> int:
    """``group_encode``: pack the integers, then the first padding that gives a group element."""
    embedding = _embedding(group)
    packed = 0
    for value in values:
        packed = (packed << embedding.bits_per_int) | value
    packed <<= embedding.padding
    for padding in range(1 << embedding.padding):
        if group.is_element(packed + padding):
            return packed + padding
    raise FormatError("no padding makes this answer a group element")  # odds 2 ** -256 in RFC 3526's group


def decode(group: Group, width: int, element: int) -> tuple[int, ...]:
    """``group_decode``: the ``width`` integers packed in a decrypted element (its padding dropped)."""
    embedding = _embedding(group)
    mask = (1 << embedding.bits_per_int) - 1
    packed = element >> embedding.padding
    values = []
    for _ in range(width):
        values.append(packed & mask)
        packed >>= embedding.bits_per_int
    return tuple(reversed(values))


def check_plain_nh_answer(group: Group, question: NonHomomorphicQuestion, plain: Sequence[int], where: str) -> None:
    """Refuse a vector the embedding cannot hold (belenios-tool would silently cut it to its low bits)."""
    limit = 1 << _embedding(group).bits_per_int
    if len(plain) != question.width or any(isinstance(v, bool) or not 0 <= v < limit for v in plain):
        raise FormatError(f"{where} needs {question.width} integers, each from 0 to {limit - 1}")


def _prefix(s0: str, y: int, c: Ciphertext) -> str:
    return f"raweg|{s0}|{y},{c.alpha},{c.beta}|"


def encrypt_nh_answer(election: Election, s0: str, plain: Sequence[int]) -> NonHomomorphicAnswer:
    """Encrypt the vector (``check_plain_nh_answer`` first) and prove knowledge of the randomness."""
    group, y = election.group, election.public_key
    p, q, g = group.p, group.q, group.g
    r = group.random_exponent()
    choices = Ciphertext(recurring_pow(group, g, r), recurring_pow(group, y, r) * encode(group, plain) % p)
    w = group.random_exponent()
    challenge = group.hash_to_exponent(_prefix(s0, y, choices), [recurring_pow(group, g, w)])
    return NonHomomorphicAnswer(choices, Proof(challenge=challenge, response=(w - r * challenge) % q))


def check_nh_answer(election: Election, s0: str, answer: NonHomomorphicAnswer) -> Verdict:
    """The ciphertext is made of group elements and its maker proved knowing its randomness."""
    group, y = election.group, election.public_key
    c, proof = answer.choices, answer.proof
    if not (group.is_element(c.alpha) and group.is_element(c.beta)):
        return Verdict(Rejection.BAD_CIPHERTEXT, "the ranking")
    if not (group.is_exponent(proof.challenge) and group.is_exponent(proof.response)):
        return Verdict(Rejection.BAD_ENCRYPTION_PROOF, "challenge or response not reduced modulo q")
    p = group.p
    commitment = recurring_pow(group, group.g, proof.response) * powmod(c.alpha, proof.challenge, p) % p
    if group.hash_to_exponent(_prefix(s0, y, c), [commitment]) != proof.challenge:
        return Verdict(Rejection.BAD_ENCRYPTION_PROOF)
    return ACCEPTED
