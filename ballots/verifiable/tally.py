"""The encrypted tally of a closed board, and the result decrypted from it.

``encrypted_tally`` is what ``belenios-tool election compute-encrypted-tally``
writes: per homomorphic question, the product of every ballot's ciphertext
for each answer (so only totals can ever be decrypted); per non-homomorphic
question, every ballot's ciphertext, sorted by ``alpha`` (then ``beta``)
as numbers, which is how belenios-tool 2.0 lists them whatever the order
of the board (found by experiment: the order of the ballots does not
change it), so the list says nothing about who cast what or when. ``result_text`` is the ``Result`` payload
``election compute-result`` writes: the totals, and the rankings in the
order of the last shuffle.
"""

from __future__ import annotations

from collections.abc import Sequence

from ballots.verifiable import jsonfields as jf
from ballots.verifiable.answers import Ciphertext, read_ciphertext
from ballots.verifiable.decryption import EncryptedTally, check_partial_decryption
from ballots.verifiable.election import Election, NonHomomorphicQuestion
from ballots.verifiable.errors import FormatError
from ballots.verifiable.fastpow import powmod
from ballots.verifiable.nonhomomorphic import decode


def _answer_ciphertexts(raw_ballot: str) -> list[list[Ciphertext]]:
    """Per question, the ballot's ciphertexts (one for a non-homomorphic answer)."""
    data = jf.obj(jf.parse_json(raw_ballot, "the ballot"), "the ballot")
    rows = []
    for i, answer in enumerate(jf.seq(jf.field(data, "answers", "the ballot"), "answers")):
        choices = jf.field(jf.obj(answer, f"answers[{i}]"), "choices", f"answers[{i}]")
        if isinstance(choices, dict):
            rows.append([read_ciphertext(choices, f"answers[{i}].choices")])
        else:
            rows.append([read_ciphertext(c, f"answers[{i}].choices[]") for c in jf.seq(choices, "choices")])
    return rows


def encrypted_tally(election: Election, ballots: Sequence[str]) -> EncryptedTally:
    """The tally of ``ballots`` (already checked, one per credential, in board order)."""
    p = election.group.p
    per_ballot = [_answer_ciphertexts(b) for b in ballots]
    tally: list[tuple[Ciphertext, ...]] = []
    for q, question in enumerate(election.questions):
        if isinstance(question, NonHomomorphicQuestion):
            tally.append(tuple(sorted((b[q][0] for b in per_ballot), key=lambda c: (c.alpha, c.beta))))
            continue
        products = [Ciphertext(1, 1)] * question.width
        for b in per_ballot:
            products = [
                Ciphertext(a.alpha * c.alpha % p, a.beta * c.beta % p) for a, c in zip(products, b[q], strict=True)
            ]
        tally.append(tuple(products))
    return tuple(tally)


def tally_text(tally: EncryptedTally) -> str:
    return jf.canonical_json([[c.to_json() for c in row] for row in tally])


def _factors(
    election: Election,
    public_keys: Sequence[int],
    tally: EncryptedTally,
    partial_decryptions: Sequence[str],
    *,
    checked: bool = False,
) -> list[list[list[int]]]:
    if len(public_keys) != len(partial_decryptions) or not public_keys:
        raise FormatError("one partial decryption per trustee is needed")
    factors = []
    for i, (key, raw) in enumerate(zip(public_keys, partial_decryptions, strict=True)):
        if not checked and not check_partial_decryption(election, key, tally, raw):
            raise FormatError(f"trustee {i + 1}'s partial decryption does not verify")
        data = jf.parse_json(raw, "the partial decryption")
        factors.append([[int(f) for f in row] for row in data["decryption_factors"]])
    return factors


def decrypt_result(
    election: Election,
    public_keys: Sequence[int],
    tally: EncryptedTally,
    partial_decryptions: Sequence[str],
    num_tallied: int,
    *,
    checked: bool = False,
) -> list[list[int] | list[list[int]]]:
    """Per question: the totals per answer (homomorphic) or every revealed vector (non-homomorphic).

    "Single" trustees: ``public_keys[i]`` decrypted ``partial_decryptions[i]``,
    all are needed, and every one is checked first (unless the caller has
    just done so: ``checked``); their factors multiply to ``alpha ** x`` for
    the election's private key ``x``."""
    p = election.group.p
    factors = _factors(election, public_keys, tally, partial_decryptions, checked=checked)
    combined = []
    for q, row in enumerate(tally):
        out = []
        for j in range(len(row)):
            product = 1
            for trustee in factors:
                product = product * trustee[q][j] % p
            out.append(product)
        combined.append(out)
    return decrypt_with_factors(election, tally, combined, num_tallied)


def decrypt_with_factors(
    election: Election, tally: EncryptedTally, combined: Sequence[Sequence[int]], num_tallied: int
) -> list[list[int] | list[list[int]]]:
    """The result from the combined factors ``alpha ** x`` of every ciphertext (checked by the caller:
    the product of Single trustees' factors, or ``threshold.combined_factors``).

    ``tally`` is the tally after the shuffles. A total is found by trying
    ``g ** 0 .. g ** num_tallied``: no answer can be chosen by more ballots
    than were counted."""
    group = election.group
    p, g = group.p, group.g
    result: list[list[int] | list[list[int]]] = []
    for q, (question, row) in enumerate(zip(election.questions, tally, strict=True)):
        plains = [c.beta * powmod(combined[q][j], -1, p) % p for j, c in enumerate(row)]
        if isinstance(question, NonHomomorphicQuestion):
            result.append([list(decode(group, question.width, m)) for m in plains])
            continue
        totals = []
        for m in plains:
            power, k = 1, 0
            while power != m:
                if k >= num_tallied:
                    raise FormatError(f"question {q}: a total is not between 0 and {num_tallied}")
                power, k = power * g % p, k + 1
            totals.append(k)
        result.append(totals)
    return result


def result_text(result: Sequence[object]) -> str:
    """The ``Result`` event's payload, as ``election compute-result`` writes it."""
    return jf.canonical_json({"result": result})
