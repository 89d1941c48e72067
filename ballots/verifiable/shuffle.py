"""The verifiable shuffle (mixnet) of non-homomorphic ciphertexts, as Belenios 2.0 does it.

Ranked answers are decrypted one by one, so before that the link between
each ciphertext and the ballot (the voter's credential) it came from must
be broken. Each shuffler (typically each trustee in turn) takes the list of
ciphertexts of a question, **re-encrypts** each (multiplies it by a fresh
encryption of 1: ``(alpha * g ** r, beta * y ** r)``, the same plaintext,
unrecognisable ciphertext) and **permutes** the list. As long as one
shuffler keeps its permutation secret, nobody can tell which output came
from which ballot.

A dishonest shuffler could instead drop a ranking and encrypt one of its own.
So each shuffle carries a zero-knowledge **proof of shuffle** (the
Terelius-Wikström proof in the form of the CHVote specification 1.3.2,
which Belenios' specification copies in its section 6): the outputs are
re-encryptions of a permutation of the inputs, nothing added, dropped or
changed, and nothing said about the permutation. The shuffler commits to
the permutation with Pedersen commitments ``c_i = g ** r_i * h_j`` on
independent generators ``h_j`` (derived from ``ggen|j`` so nobody knows
their logarithms), derives challenges ``u_i`` from everything by hashing,
and proves in one Schnorr-style answer that:

* ``t1``: the commitments are to a matrix whose columns each hold one 1
  (the product of the ``c_i`` opens to the product of the ``h_j``);
* ``t2``: a chain of commitments ``ĉ_i`` shows the product of the permuted
  challenges equals the product of the challenges;
* ``t3``: the committed matrix maps the challenges to the permuted
  challenges (with ``t1`` and ``t2``, it is a permutation matrix);
* ``t4``: the outputs raised to the permuted challenges equal the inputs
  raised to the challenges, times an encryption of 1: re-encryption;
* ``t̂_i``: each link of the chain is well formed.

The check recomputes each commitment from the responses and the challenge;
the first one that differs names the reason. Hashes follow Belenios byte
for byte (``shuffle-challenges|fingerprint|...`` for the ``u_i``,
``shuffle-challenge|fingerprint|...`` for the challenge), so belenios-tool
accepts our shuffles and we accept its.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from ballots.verifiable import jsonfields as jf
from ballots.verifiable.answers import Ciphertext, read_ciphertext
from ballots.verifiable.election import Election, NonHomomorphicQuestion
from ballots.verifiable.errors import FormatError
from ballots.verifiable.fastpow import FixedBase, multi_pow, powmod, recurring_pow
from ballots.verifiable.group import Group
from ballots.verifiable.rejection import ACCEPTED, ShuffleRejection, Verdict

Ciphertexts = tuple[Ciphertext, ...]


@dataclass(frozen=True)
class ShuffleProof:
    """One question's proof: commitments ``t``, responses ``s``, and the commitments ``c`` and ``ĉ``."""

    t1: int
    t2: int
    t3: int
    t4: tuple[int, int]
    t_hat: tuple[int, ...]
    s1: int
    s2: int
    s3: int
    s4: int
    s_hat: tuple[int, ...]
    s_prime: tuple[int, ...]
    commitments: tuple[int, ...]
    chain: tuple[int, ...]

    def to_json(self) -> list[Any]:
        """Belenios' tuple of tuples: ``[[t1,t2,t3,[t41,t42],[t̂]], [s1..s4,[ŝ],[s']], [c], [ĉ]]``."""

        def strs(xs: Sequence[int]) -> list[str]:
            return [str(x) for x in xs]

        return [
            [*strs([self.t1, self.t2, self.t3]), strs(self.t4), strs(self.t_hat)],
            [*strs([self.s1, self.s2, self.s3, self.s4]), strs(self.s_hat), strs(self.s_prime)],
            strs(self.commitments),
            strs(self.chain),
        ]


@dataclass(frozen=True)
class Shuffle:
    """One shuffler's output: per non-homomorphic question, the new ciphertexts and the proof."""

    ciphertexts: tuple[Ciphertexts, ...]
    proofs: tuple[ShuffleProof, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "ciphertexts": [[c.to_json() for c in question] for question in self.ciphertexts],
            "proofs": [proof.to_json() for proof in self.proofs],
        }


def _ints(value: object, where: str) -> tuple[int, ...]:
    return tuple(jf.big_int(x, f"{where}[{i}]") for i, x in enumerate(jf.seq(value, where)))


def _exactly(value: object, n: int, where: str) -> list[Any]:
    items = jf.seq(value, where)
    if len(items) != n:
        raise FormatError(f"{where} must have {n} items")
    return items


def _read_proof(value: object, where: str) -> ShuffleProof:
    t, s, c, c_hat = _exactly(value, 4, where)
    t1, t2, t3, t4, t_hat = _exactly(t, 5, f"{where}.t")
    s1, s2, s3, s4, s_hat, s_prime = _exactly(s, 6, f"{where}.s")
    t41, t42 = _exactly(t4, 2, f"{where}.t4")
    num = jf.big_int
    return ShuffleProof(
        t1=num(t1, "t1"),
        t2=num(t2, "t2"),
        t3=num(t3, "t3"),
        t4=(num(t41, "t41"), num(t42, "t42")),
        t_hat=_ints(t_hat, f"{where}.t_hat"),
        s1=num(s1, "s1"),
        s2=num(s2, "s2"),
        s3=num(s3, "s3"),
        s4=num(s4, "s4"),
        s_hat=_ints(s_hat, f"{where}.s_hat"),
        s_prime=_ints(s_prime, f"{where}.s_prime"),
        commitments=_ints(c, f"{where}.c"),
        chain=_ints(c_hat, f"{where}.c_hat"),
    )


def read_shuffle(raw: str) -> Shuffle:
    data = jf.obj(jf.parse_json(raw, "the shuffle"), "the shuffle")
    questions = jf.seq(jf.field(data, "ciphertexts", "the shuffle"), "ciphertexts")
    proofs = jf.seq(jf.field(data, "proofs", "the shuffle"), "proofs")
    return Shuffle(
        ciphertexts=tuple(
            tuple(read_ciphertext(c, f"ciphertexts[{i}][{j}]") for j, c in enumerate(jf.seq(q, f"ciphertexts[{i}]")))
            for i, q in enumerate(questions)
        ),
        proofs=tuple(_read_proof(p, f"proofs[{i}]") for i, p in enumerate(proofs)),
    )


def nh_ciphertexts(election: Election, tally: Sequence[Sequence[Ciphertext]]) -> tuple[Ciphertexts, ...]:
    """The encrypted tally's non-homomorphic questions, in order: what the first shuffler shuffles."""
    if len(tally) != len(election.questions):
        raise FormatError(f"the encrypted tally must have {len(election.questions)} questions")
    return tuple(
        tuple(row) for q, row in zip(election.questions, tally, strict=True) if isinstance(q, NonHomomorphicQuestion)
    )


def merge_nh_ciphertexts(
    election: Election, tally: Sequence[Sequence[Ciphertext]], shuffled: Sequence[Ciphertexts]
) -> tuple[Ciphertexts, ...]:
    """The tally with its non-homomorphic questions replaced by the last shuffle's: what trustees decrypt."""
    rows = iter(shuffled)
    merged = tuple(
        next(rows) if isinstance(q, NonHomomorphicQuestion) else tuple(row)
        for q, row in zip(election.questions, tally, strict=True)
    )
    if next(rows, None) is not None:
        raise FormatError("more shuffled questions than non-homomorphic questions")
    return merged


# --- The hashes and generators, exactly as Belenios computes them.


def _sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _generator(group: Group, i: int) -> int:
    """``GetGenerator(i)``: SHA-256 of ``ggen|i`` into the subgroup; nobody knows its logarithm."""
    h = powmod(int(_sha256_hex(f"ggen|{i}"), 16), (group.p - 1) // group.q, group.p)
    if h in (0, 1, group.g):
        raise FormatError(f"generator {i} is degenerate")
    return h


def _generators(group: Group, n: int) -> tuple[int, list[int]]:
    h = _generator(group, -1)
    hh = [_generator(group, i) for i in range(n)]
    if len({h, *hh}) != n + 1:
        raise FormatError("two independent generators collide")
    return h, hh


def _challenges(group: Group, n: int, text: str) -> list[int]:
    """``GetNIZKPChallenges``: the ``u_i``, each SHA-256 of the text's hash and ``i``'s hash (in hex)."""
    h = _sha256_hex(text)
    return [int(_sha256_hex(h + _sha256_hex(str(i))), 16) % group.q for i in range(n)]


def _egs(ciphertexts: Sequence[Ciphertext]) -> str:
    return "".join(f"{c.alpha},{c.beta}," for c in ciphertexts)


def _elts(elements: Sequence[int]) -> str:
    return "".join(f"{x}," for x in elements)


def _challenge(group: Group, text: str) -> int:
    return int(_sha256_hex(text), 16) % group.q


# --- Making a shuffle.


def _shuffle_one(election: Election, ee: Sequence[Ciphertext], rng: random.Random) -> tuple[Ciphertexts, ShuffleProof]:
    group, y = election.group, election.public_key
    p, q = group.p, group.q

    def g_pow(e: int) -> int:
        return recurring_pow(group, group.g, e)

    def y_pow(e: int) -> int:  # by a table once the key recurs: a few ballots' worth is cheaper without
        return recurring_pow(group, y, e)

    n = len(ee)

    def rand() -> int:
        return rng.randrange(q)

    # GenShuffle: re-encrypt each input, then permute (Fisher-Yates as in CHVote's GenPermutation).
    psi = list(range(n))
    for i in range(n):
        k = rng.randrange(i, n)
        psi[i], psi[k] = psi[k], psi[i]
    rr_prime = [rand() for _ in range(n)]
    reencrypted = [Ciphertext(c.alpha * g_pow(r) % p, c.beta * y_pow(r) % p) for c, r in zip(ee, rr_prime, strict=True)]
    out = tuple(reencrypted[psi[i]] for i in range(n))

    # GenShuffleProof.
    h, hh = _generators(group, n)
    cc, rr = [0] * n, [0] * n
    for i in range(n):
        r = rand()
        rr[psi[i]] = r
        cc[psi[i]] = g_pow(r) * hh[i] % p
    fp = election.fingerprint
    str1 = _egs(ee) + _egs(out) + _elts(cc)
    uu = _challenges(group, n, f"shuffle-challenges|{fp}|{str1}")
    uu_prime = [uu[psi[i]] for i in range(n)]
    rr_hat = [rand() for _ in range(n)]
    cc_hat: list[int] = []
    previous = h
    for r, u in zip(rr_hat, uu_prime, strict=True):
        previous = g_pow(r) * powmod(previous, u, p) % p
        cc_hat.append(previous)
    w1, w2, w3, w4 = (rand() for _ in range(4))
    ww_hat = [rand() for _ in range(n)]
    ww_prime = [rand() for _ in range(n)]
    t1, t2 = g_pow(w1), g_pow(w2)
    t3 = g_pow(w3) * multi_pow(hh, ww_prime, p) % p
    t41 = powmod(y_pow(w4), -1, p) * multi_pow([c.beta for c in out], ww_prime, p) % p
    t42 = powmod(g_pow(w4), -1, p) * multi_pow([c.alpha for c in out], ww_prime, p) % p
    chain_before = [h, *cc_hat[:-1]]
    tt_hat = [g_pow(wh) * powmod(x, wp, p) % p for wh, wp, x in zip(ww_hat, ww_prime, chain_before, strict=True)]
    str2 = _elts([t1, t2, t3, t41, t42]) + _elts(tt_hat)
    str3 = str1 + _elts(cc_hat) + str(y)
    c = _challenge(group, f"shuffle-challenge|{fp}|{str2}{str3}")
    vv = [1] * n
    for i in range(n - 2, -1, -1):
        vv[i] = uu_prime[i + 1] * vv[i + 1] % q
    proof = ShuffleProof(
        t1=t1,
        t2=t2,
        t3=t3,
        t4=(t41, t42),
        t_hat=tuple(tt_hat),
        s1=(w1 + c * sum(rr)) % q,
        s2=(w2 + c * sum(r * v for r, v in zip(rr_hat, vv, strict=True))) % q,
        s3=(w3 + c * sum(r * u for r, u in zip(rr, uu, strict=True))) % q,
        s4=(w4 + c * sum(r * u for r, u in zip(rr_prime, uu, strict=True))) % q,
        s_hat=tuple((w + c * r) % q for w, r in zip(ww_hat, rr_hat, strict=True)),
        s_prime=tuple((w + c * u) % q for w, u in zip(ww_prime, uu_prime, strict=True)),
        commitments=tuple(cc),
        chain=tuple(cc_hat),
    )
    return out, proof


def shuffle(election: Election, ciphertexts: Sequence[Sequence[Ciphertext]], rng: random.Random | None = None) -> str:
    """Re-encrypt and permute each question's ciphertexts, with proofs: the ``shuffle`` text Belenios reads.

    ``ciphertexts`` is ``nh_ciphertexts`` of the encrypted tally for the
    first shuffler, the previous shuffle's ``ciphertexts`` for the next.
    ``rng`` defaults to the operating system's generator; anything else
    (a seeded ``random.Random``) is for tests only, as whoever knows it
    knows the permutation.
    """
    rng = rng or secrets.SystemRandom()
    group = election.group
    if not all(group.is_element(c.alpha) and group.is_element(c.beta) for q in ciphertexts for c in q):
        raise FormatError("a ciphertext to shuffle is not made of group elements")
    outputs, proofs = [], []
    for question in ciphertexts:
        out, proof = _shuffle_one(election, question, rng)
        outputs.append(out)
        proofs.append(proof)
    return jf.canonical_json(Shuffle(tuple(outputs), tuple(proofs)).to_json())


# --- Checking a shuffle.


def _check_one(
    election: Election, ee: Sequence[Ciphertext], ee_prime: Sequence[Ciphertext], pi: ShuffleProof
) -> Verdict:
    group, y = election.group, election.public_key
    p, q, g = group.p, group.q, group.g
    n = len(ee)
    if len(ee_prime) != n:
        return Verdict(ShuffleRejection.WRONG_COUNT, f"{len(ee_prime)} ciphertexts out for {n} in")
    if not all(len(xs) == n for xs in (pi.t_hat, pi.s_hat, pi.s_prime, pi.commitments, pi.chain)):
        return Verdict(ShuffleRejection.MALFORMED, f"the proof's lists must each have {n} items")
    elements = [*pi.commitments, *pi.chain, *pi.t_hat, pi.t1, pi.t2, pi.t3, *pi.t4]
    elements += [x for c in ee_prime for x in (c.alpha, c.beta)]
    if not all(group.is_element(x) for x in elements):
        return Verdict(ShuffleRejection.BAD_ELEMENT, "a ciphertext or commitment is not in the group")
    if not all(group.is_exponent(s) for s in (pi.s1, pi.s2, pi.s3, pi.s4, *pi.s_hat, *pi.s_prime)):
        return Verdict(ShuffleRejection.BAD_ELEMENT, "a response is not reduced modulo q")
    h, hh = _generators(group, n)
    fp = election.fingerprint
    str1 = _egs(ee) + _egs(ee_prime) + _elts(pi.commitments)
    uu = _challenges(group, n, f"shuffle-challenges|{fp}|{str1}")
    str2 = _elts([pi.t1, pi.t2, pi.t3, *pi.t4]) + _elts(pi.t_hat)
    str3 = str1 + _elts(pi.chain) + str(y)
    c = _challenge(group, f"shuffle-challenge|{fp}|{str2}{str3}")
    minus_c = (q - c) % q

    def product(xs: Sequence[int]) -> int:
        out = 1
        for x in xs:
            out = out * x % p
        return out

    g_pow = FixedBase.of(group, g).pow
    c_bar = product(pi.commitments) * powmod(product(hh), -1, p) % p
    if pi.t1 != powmod(c_bar, minus_c, p) * g_pow(pi.s1) % p:
        return Verdict(ShuffleRejection.BAD_PERMUTATION_COMMITMENT)
    u = 1
    for x in uu:
        u = u * x % q
    c_hat = (pi.chain[-1] if n else h) * powmod(powmod(h, u, p), -1, p) % p
    if pi.t2 != powmod(c_hat, minus_c, p) * g_pow(pi.s2) % p:
        return Verdict(ShuffleRejection.BAD_COMMITMENT_CHAIN)
    t3 = multi_pow([*pi.commitments, *hh], [*(u_i * minus_c % q for u_i in uu), *pi.s_prime], p) * g_pow(pi.s3) % p
    if pi.t3 != t3:
        return Verdict(ShuffleRejection.BAD_CHALLENGE_COMMITMENT)
    y_pow = partial(recurring_pow, group, y)  # once per check: no table is built for it
    t41 = multi_pow(
        [*(e.beta for e in ee), *(e.beta for e in ee_prime)], [*(u_i * minus_c % q for u_i in uu), *pi.s_prime], p
    )
    t42 = multi_pow(
        [*(e.alpha for e in ee), *(e.alpha for e in ee_prime)], [*(u_i * minus_c % q for u_i in uu), *pi.s_prime], p
    )
    if pi.t4 != (t41 * powmod(y_pow(pi.s4), -1, p) % p, t42 * powmod(g_pow(pi.s4), -1, p) % p):
        return Verdict(ShuffleRejection.BAD_REENCRYPTION)
    if n and _links_hold_together(group, h, pi, minus_c):
        return ACCEPTED
    chain_before = [h, *pi.chain[:-1]]
    for i in range(n):
        expected = powmod(pi.chain[i], minus_c, p) * g_pow(pi.s_hat[i]) * powmod(chain_before[i], pi.s_prime[i], p) % p
        if pi.t_hat[i] != expected:
            return Verdict(ShuffleRejection.BAD_CHAIN_LINK, f"link {i}")
    return ACCEPTED


def _links_hold_together(group: Group, h: int, pi: ShuffleProof, minus_c: int) -> bool:
    """All ``N`` link equations at once, each raised to a secret random 128-bit weight (batch verification).

    If any link is wrong, the weighted product still matches only with
    probability 2 ** -128, since the weights are drawn after the proof is
    fixed. It replaces ``2 N`` full powers by two products of powers; when it
    fails, the caller checks link by link to name the wrong one.
    """
    p, q = group.p, group.q
    n = len(pi.chain)
    deltas = [secrets.randbits(128) for _ in range(n)]
    left = multi_pow(pi.t_hat, deltas, p)
    # chain[i] appears as -c in link i and as s'_(i+1) (the previous element) in link i + 1.
    exponents = [(minus_c * deltas[i] + (pi.s_prime[i + 1] * deltas[i + 1] if i + 1 < n else 0)) % q for i in range(n)]
    right = multi_pow([h, *pi.chain], [pi.s_prime[0] * deltas[0] % q, *exponents], p)
    g_exponent = sum(s * d for s, d in zip(pi.s_hat, deltas, strict=True)) % q
    right = right * FixedBase.of(group, group.g).pow(g_exponent) % p
    return left == right


def check_shuffle(election: Election, ciphertexts: Sequence[Sequence[Ciphertext]], raw: str) -> Verdict:
    """Check one shuffle of ``ciphertexts`` (the tally's, or the previous shuffle's); the first failure names it."""
    try:
        shuffled = read_shuffle(raw)
    except FormatError as error:
        return Verdict(ShuffleRejection.MALFORMED, str(error))
    if len(shuffled.ciphertexts) != len(ciphertexts) or len(shuffled.proofs) != len(ciphertexts):
        return Verdict(ShuffleRejection.WRONG_COUNT, f"expected {len(ciphertexts)} shuffled questions")
    for i, (ee, ee_prime, proof) in enumerate(zip(ciphertexts, shuffled.ciphertexts, shuffled.proofs, strict=True)):
        verdict = _check_one(election, ee, ee_prime, proof)
        if not verdict.accepted:
            return Verdict(verdict.reason, f"question {i}" + (f", {verdict.detail}" if verdict.detail else ""))
    return ACCEPTED
