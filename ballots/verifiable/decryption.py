"""Partial decryption of the encrypted tally by one trustee, with its proof.

The encrypted tally holds, per question and answer, the product of every
ballot's ciphertext ``(alpha, beta)``. A trustee with private key ``x``
publishes the decryption factor ``alpha ** x`` for each, with a
Chaum-Pedersen proof that the same ``x`` links ``g`` to its public key
``X`` and ``alpha`` to the factor (hash prefix ``decrypt|fingerprint|X|``).
The proof shows the factor is right without revealing ``x``: a trustee
cannot skew the result by publishing a wrong factor, and, bound to the
election's fingerprint, a proof cannot be reused in another election.
Dividing ``beta`` by the product of all trustees' factors gives
``g ** count``, from which the count is found by trying small numbers.

For a non-homomorphic question the tally holds, after the shuffles, one
ciphertext per ballot, and the same division gives the packed ranking
itself (``decrypt_rankings``), in the shuffled order.
"""

from __future__ import annotations

from collections.abc import Sequence

from ballots.verifiable import jsonfields as jf
from ballots.verifiable.answers import Ciphertext, read_ciphertext
from ballots.verifiable.election import Election, NonHomomorphicQuestion
from ballots.verifiable.errors import FormatError
from ballots.verifiable.fastpow import powmod
from ballots.verifiable.nonhomomorphic import decode
from ballots.verifiable.proofs import prove_exponent, read_proof, verify_exponent

EncryptedTally = tuple[tuple[Ciphertext, ...], ...]


def read_encrypted_tally(raw: str) -> EncryptedTally:
    """The ``encrypted_tally`` text: per question, one ciphertext per answer."""
    questions = jf.seq(jf.parse_json(raw, "the encrypted tally"), "the encrypted tally")
    return tuple(
        tuple(read_ciphertext(c, f"tally[{i}][{j}]") for j, c in enumerate(jf.seq(q, f"tally[{i}]")))
        for i, q in enumerate(questions)
    )


def read_private_key(raw: str, election: Election) -> int:
    """A trustee's ``.privkey`` file: its private exponent as a JSON string."""
    key = jf.big_int(jf.parse_json(raw, "the private key"), "the private key")
    if not election.group.is_exponent(key):
        raise FormatError("the private key is not an exponent of the election's group")
    return key


def _prefix(election: Election, public_key: int) -> str:
    return f"decrypt|{election.fingerprint}|{public_key}|"


def partial_decryption(election: Election, private_key: int, tally: EncryptedTally) -> str:
    """The trustee's ``partial_decryption`` text, as belenios-tool writes it."""
    group = election.group
    if not all(group.is_element(c.alpha) and group.is_element(c.beta) for q in tally for c in q):
        raise FormatError("the encrypted tally holds a number outside the group")
    prefix = _prefix(election, powmod(group.g, private_key, group.p))
    factors = [[str(powmod(c.alpha, private_key, group.p)) for c in q] for q in tally]
    proofs = [[prove_exponent(group, [group.g, c.alpha], private_key, prefix).to_json() for c in q] for q in tally]
    return jf.canonical_json({"decryption_factors": factors, "decryption_proofs": proofs})


def check_partial_decryption(election: Election, public_key: int, tally: EncryptedTally, raw: str) -> bool:
    """Whether every factor is proven to be ``alpha ** x`` for the trustee's ``X = g ** x``."""
    group = election.group
    try:
        data = jf.obj(jf.parse_json(raw, "the partial decryption"), "the partial decryption")
        factors = jf.seq(jf.field(data, "decryption_factors", "it"), "decryption_factors")
        proofs = jf.seq(jf.field(data, "decryption_proofs", "it"), "decryption_proofs")
        rows: Sequence[tuple[Sequence[Ciphertext], list[object], list[object]]] = [
            (q, jf.seq(f, "factors"), jf.seq(p, "proofs")) for q, f, p in zip(tally, factors, proofs, strict=True)
        ]
        prefix = _prefix(election, public_key)
        for ciphertexts, row_factors, row_proofs in rows:
            for c, f, p in zip(ciphertexts, row_factors, row_proofs, strict=True):
                factor = jf.big_int(f, "factor")
                if not group.is_element(factor) or not verify_exponent(
                    group, [group.g, c.alpha], [public_key, factor], read_proof(p, "proof"), prefix
                ):
                    return False
    except (FormatError, ValueError):
        return False
    return len(rows) == len(tally)


def decrypt_rankings(
    election: Election, public_keys: Sequence[int], tally: EncryptedTally, partial_decryptions: Sequence[str]
) -> tuple[tuple[tuple[int, ...], ...], ...]:
    """Per non-homomorphic question, every answer's integers, from all trustees' partial decryptions.

    ``tally`` is the tally after the shuffles (``merge_nh_ciphertexts``);
    ``public_keys[i]`` is the trustee whose text is ``partial_decryptions[i]``
    ("Single" trustees: all are needed). Every partial decryption is checked
    first: one wrong factor would turn a ranking into noise.
    """
    if len(public_keys) != len(partial_decryptions) or not public_keys:
        raise FormatError("one partial decryption per trustee is needed")
    group = election.group
    factors: list[list[list[int]]] = []
    for i, (key, raw) in enumerate(zip(public_keys, partial_decryptions, strict=True)):
        if not check_partial_decryption(election, key, tally, raw):
            raise FormatError(f"trustee {i + 1}'s partial decryption does not verify")
        data = jf.parse_json(raw, "the partial decryption")
        factors.append([[int(f) for f in row] for row in data["decryption_factors"]])
    results = []
    for q, (question, row) in enumerate(zip(election.questions, tally, strict=True)):
        if not isinstance(question, NonHomomorphicQuestion):
            continue
        answers = []
        for j, c in enumerate(row):
            combined = 1
            for trustee in factors:
                combined = combined * trustee[q][j] % group.p
            answers.append(decode(group, question.width, c.beta * powmod(combined, -1, group.p) % group.p))
        results.append(tuple(answers))
    return tuple(results)
