"""Zero-knowledge proofs, made non-interactive with a hash (Fiat-Shamir).

Belenios uses two shapes of proof, each a list of (challenge, response)
pairs of exponents:

* **Proof of knowledge of one exponent** (``prove_exponent`` /
  ``verify_exponent``): whoever made it knows ``x`` with ``powers[i] =
  bases[i] ** x`` for every base. With one base (``g``) it is a Schnorr
  proof: a ballot's signature by the voter's credential, a trustee's proof
  that it holds the private key of its public key. With two bases (``g``
  and a ciphertext's ``alpha``) it is a Chaum-Pedersen proof that a partial
  decryption used the same key as the trustee's public key.
* **Disjunctive proof** (``prove_one_of`` / ``verify_one_of``): given
  pairs ``(a_j, b_j)``, at least one pair is ``(g ** r, y ** r)`` for an
  ``r`` the prover knows, and the proof does not reveal which. A ballot
  uses it to show that a ciphertext holds 0 or 1 (pairs ``(alpha, beta)``
  and ``(alpha, beta / g)``) or that a sum lies between min and max, without
  saying which value it holds: that is what keeps the vote secret while
  proving it well formed.

The prover fakes every disjunct but the true one (choosing its challenge
and response first), and the hash fixes the sum of all challenges, so only
one disjunct can be answered after the commitments are fixed. The hash
input starts with a prefix that names the proof's purpose and binds it to
its context (the election, the credential, the ciphertext), so a proof
cannot be lifted into another ballot or election.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ballots.verifiable import jsonfields as jf
from ballots.verifiable.fastpow import powmod, recurring_pow
from ballots.verifiable.group import Group


@dataclass(frozen=True)
class Proof:
    """One (challenge, response) pair, both exponents modulo ``q``."""

    challenge: int
    response: int

    def to_json(self) -> dict[str, str]:
        return {"challenge": str(self.challenge), "response": str(self.response)}


def read_proof(value: object, where: str) -> Proof:
    data = jf.obj(value, where)
    return Proof(
        challenge=jf.big_int(jf.field(data, "challenge", where), f"{where}.challenge"),
        response=jf.big_int(jf.field(data, "response", where), f"{where}.response"),
    )


def read_proofs(value: object, where: str) -> tuple[Proof, ...]:
    return tuple(read_proof(p, f"{where}[{i}]") for i, p in enumerate(jf.seq(value, where)))


def _pow(group: Group, base: int, exponent: int) -> int:
    """A power of ``g`` by its table; of any other base, by GMP."""
    return recurring_pow(group, base, exponent) if base == group.g else powmod(base, exponent, group.p)


def _reduced(group: Group, proofs: Sequence[Proof]) -> bool:
    return all(group.is_exponent(p.challenge) and group.is_exponent(p.response) for p in proofs)


def prove_exponent(group: Group, bases: Sequence[int], secret: int, prefix: str) -> Proof:
    """Prove knowledge of ``secret`` with each ``powers[i] = bases[i] ** secret``."""
    w = group.random_exponent()
    challenge = group.hash_to_exponent(prefix, [_pow(group, base, w) for base in bases])
    return Proof(challenge=challenge, response=(w - secret * challenge) % group.q)


def verify_exponent(group: Group, bases: Sequence[int], powers: Sequence[int], proof: Proof, prefix: str) -> bool:
    """Check a proof from ``prove_exponent``: rebuild its commitments, rehash, compare."""
    if not _reduced(group, [proof]):
        return False
    p = group.p
    commitments = [
        _pow(group, base, proof.response) * powmod(power, proof.challenge, p) % p
        for base, power in zip(bases, powers, strict=True)
    ]
    return group.hash_to_exponent(prefix, commitments) == proof.challenge


def prove_one_of(
    group: Group, y: int, pairs: Sequence[tuple[int, int]], true_index: int, r: int, prefix: str
) -> tuple[Proof, ...]:
    """Prove ``pairs[true_index] == (g ** r, y ** r)`` is one of the pairs, hiding which."""
    p, q, g = group.p, group.q, group.g
    w = group.random_exponent()
    proofs: list[Proof | None] = []
    commitments: list[int] = []
    faked_challenges = 0
    for j, (a, b) in enumerate(pairs):
        if j == true_index:
            proofs.append(None)
            commitments += [recurring_pow(group, g, w), recurring_pow(group, y, w)]
            continue
        # A disjunct the prover cannot answer: pick its answer first, then
        # the commitments that make it check.
        fake = Proof(challenge=group.random_exponent(), response=group.random_exponent())
        proofs.append(fake)
        commitments += [
            recurring_pow(group, g, fake.response) * powmod(a, fake.challenge, p) % p,
            recurring_pow(group, y, fake.response) * powmod(b, fake.challenge, p) % p,
        ]
        faked_challenges += fake.challenge
    challenge = (group.hash_to_exponent(prefix, commitments) - faked_challenges) % q
    proofs[true_index] = Proof(challenge=challenge, response=(w - r * challenge) % q)
    return tuple(proof for proof in proofs if proof is not None)


def verify_one_of(group: Group, y: int, pairs: Sequence[tuple[int, int]], proofs: Sequence[Proof], prefix: str) -> bool:
    """Check a proof from ``prove_one_of`` against the same pairs and prefix."""
    if len(proofs) != len(pairs) or not _reduced(group, proofs):
        return False
    p, g = group.p, group.g
    commitments: list[int] = []
    for (a, b), proof in zip(pairs, proofs, strict=True):
        commitments.append(recurring_pow(group, g, proof.response) * powmod(a, proof.challenge, p) % p)
        commitments.append(recurring_pow(group, y, proof.response) * powmod(b, proof.challenge, p) % p)
    total = sum(proof.challenge for proof in proofs) % group.q
    return group.hash_to_exponent(prefix, commitments) == total
