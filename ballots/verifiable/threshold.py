"""Threshold trustees ("Pedersen" in Belenios 2.0): any ``t`` of ``n`` trustees decrypt.

With "Single" trustees the election key is the product of every trustee's
key, so one absent trustee stops the count. Here the ``n`` trustees run a
distributed key generation (Pedersen's) through the server, which only
relays and checks; no one, the server included, ever holds the election's
private key:

1. each trustee makes a **certificate** from a fresh seed (``pki``): a
   verification key and an encryption key, signed;
2. with everyone's certificates, each trustee ``i`` picks a random
   polynomial ``f_i`` of degree ``t - 1`` and sends its **polynomial**
   message: ``f_i`` encrypted to itself, one share ``f_i(j)`` encrypted
   to each trustee ``j``, and the signed commitments ``A_ik = g ** a_ik``
   (``coefexps``) to its coefficients;
3. the server routes the shares (**vinput** for trustee ``j``: its own
   polynomial, the share every trustee sent it, all commitments);
4. each trustee checks every share against its sender's commitments
   (``g ** f_i(j) == prod_k A_ik ** (j ** k)``), adds them into its
   decryption key ``S_j = sum_i f_i(j)`` and sends its **voutput**: ``S_j``
   encrypted to itself (the server keeps it for the count, unreadable)
   and its verification key ``g ** S_j`` with a proof of knowledge;
5. the server checks each verification key against the commitments and
   publishes the **threshold parameters**: ``t``, the certificates, the
   commitments and the verification keys.

The election key is ``prod_i A_i0 = g ** F(0)`` with ``F = sum_i f_i``,
and ``S_j = F(j)``: a degree ``t - 1`` polynomial, so any ``t`` values
``F(j)`` fix ``F(0)`` by Lagrange interpolation and ``t - 1`` say nothing
about it. At the count each trustee ``j`` publishes ``alpha ** S_j`` with a
proof against its verification key; ``t`` of them, each raised to its
Lagrange coefficient, multiply to ``alpha ** F(0)``.

Every message is checked on receipt, and refused with a
``ThresholdRejection``; the formats are belenios-tool's (``setup
generate-trustee-key-threshold`` steps 1 to 6, ``election
decrypt-threshold``), tested against it both ways.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ballots.verifiable import jsonfields as jf
from ballots.verifiable import pki
from ballots.verifiable.decryption import EncryptedTally, check_partial_decryption, partial_decryption
from ballots.verifiable.election import Election
from ballots.verifiable.errors import FormatError, ThresholdError
from ballots.verifiable.fastpow import powmod
from ballots.verifiable.group import Group
from ballots.verifiable.proofs import Proof, prove_exponent, read_proof, verify_exponent
from ballots.verifiable.rejection import ThresholdRejection as R


def refuse(reason: R, detail: str) -> ThresholdError:
    return ThresholdError(str(reason), detail)


def check_threshold(threshold: int, trustees: int) -> None:
    """``t`` of ``n`` must have ``1 <= t <= n``; anything else is refused by name."""
    if not 1 <= threshold <= trustees:
        raise refuse(R.INVALID_THRESHOLD, f"the threshold must be between 1 and {trustees}, not {threshold}")


# --- Certificates ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Certificate:
    """One trustee's public keys, from its checked certificate."""

    verification: int
    encryption: int
    signed: pki.SignedMessage


def certificate(group: Group, seed: str) -> str:
    """Step 1: the certificate text for ``seed`` (``setup generate-trustee-key-threshold --step 1``)."""
    keys = pki.TrusteeSecrets.from_seed(pki.read_seed(seed))
    cert_keys = {
        "verification": str(pki.g_pow(group, keys.signing)),
        "encryption": str(pki.g_pow(group, keys.decryption)),
    }
    return pki.sign(group, keys.signing, jf.canonical_json(cert_keys)).text()


def _parse(raw: object, what: str) -> object:
    try:
        return jf.parse_json(raw, what) if isinstance(raw, str) else raw
    except FormatError as error:
        raise refuse(R.MALFORMED, str(error)) from None


def read_certificate(group: Group, raw: str | object, where: str = "the certificate") -> Certificate:
    """A certificate, refused unless its keys are group elements and it is signed by its own key."""
    try:
        signed = pki.read_signed(_parse(raw, where), where)
        keys = jf.obj(jf.parse_json(signed.message, where), where)
        verification = jf.big_int(jf.field(keys, "verification", where), f"{where}'s verification key")
        encryption = jf.big_int(jf.field(keys, "encryption", where), f"{where}'s encryption key")
    except ThresholdError:
        raise
    except FormatError as error:
        raise refuse(R.MALFORMED, str(error)) from None
    if not group.is_element(encryption) or not pki.verify(group, verification, signed):
        raise refuse(R.BAD_CERTIFICATE, f"{where} is not signed by its own verification key")
    return Certificate(verification, encryption, signed)


def read_certificates(group: Group, raws: Sequence[str | object]) -> tuple[Certificate, ...]:
    """Every trustee's certificate, in order (trustee ``j`` is at ``j - 1``), each checked, none twice."""
    certs = tuple(read_certificate(group, raw, f"certificate {j}") for j, raw in enumerate(raws, 1))
    if len({c.verification for c in certs}) != len(certs) or len({c.encryption for c in certs}) != len(certs):
        raise refuse(R.DUPLICATE_CERTIFICATE, "two certificates carry the same key")
    return certs


def _my_position(group: Group, seed: str, certs: Sequence[Certificate]) -> tuple[int, pki.TrusteeSecrets]:
    try:
        keys = pki.TrusteeSecrets.from_seed(pki.read_seed(seed))
    except FormatError as error:
        raise refuse(R.MALFORMED, str(error)) from None
    vk, ek = pki.g_pow(group, keys.signing), pki.g_pow(group, keys.decryption)
    for j, cert in enumerate(certs, 1):
        if cert.verification == vk and cert.encryption == ek:
            return j, keys
    raise refuse(R.NOT_MY_CERTIFICATE, "this key matches none of the certificates")


# --- Polynomials (step 3) -------------------------------------------------------------------------


def polynomial(group: Group, seed: str, certs: Sequence[Certificate], threshold: int) -> str:
    """Step 3: a random polynomial of degree ``threshold - 1``, its shares sent to each trustee."""
    check_threshold(threshold, len(certs))
    _, keys = _my_position(group, seed, certs)
    me = pki.g_pow(group, keys.decryption)
    q = group.q
    coefficients = [group.random_exponent() for _ in range(threshold)]
    own = jf.canonical_json({"polynomial": [str(a) for a in coefficients]})
    shares = []
    for j, cert in enumerate(certs, 1):
        value = 0
        for a in reversed(coefficients):  # Horner: f(j) mod q
            value = (value * j + a) % q
        shares.append(pki.channel_send(group, keys.signing, cert.encryption, jf.canonical_json({"secret": str(value)})))
    coefexps = jf.canonical_json({"coefexps": [str(pki.g_pow(group, a)) for a in coefficients]})
    return jf.canonical_json(
        {
            "polynomial": pki.channel_send(group, keys.signing, me, own),
            "secrets": shares,
            "coefexps": pki.sign(group, keys.signing, coefexps).to_json(),
        }
    )


@dataclass(frozen=True)
class Polynomial:
    """A trustee's checked polynomial message: what the server may read of it."""

    own: str
    shares: tuple[str, ...]
    coefexps: pki.SignedMessage
    commitments: tuple[int, ...]

    def to_json(self) -> dict[str, object]:
        return {"polynomial": self.own, "secrets": list(self.shares), "coefexps": self.coefexps.to_json()}


def _read_coefexps(
    group: Group, value: object, cert: Certificate, where: str
) -> tuple[pki.SignedMessage, tuple[int, ...]]:
    try:
        signed = pki.read_signed(value, where)
        raw = jf.obj(jf.parse_json(signed.message, where), where)
        commitments = tuple(jf.big_int(x, f"{where}[]") for x in jf.seq(jf.field(raw, "coefexps", where), where))
    except FormatError as error:
        raise refuse(R.MALFORMED, str(error)) from None
    if not pki.verify(group, cert.verification, signed) or not all(group.is_element(a) for a in commitments):
        raise refuse(R.BAD_COEFEXPS, f"{where} is not signed by its trustee")
    return signed, commitments


def read_polynomial(group: Group, certs: Sequence[Certificate], position: int, threshold: int, raw: str) -> Polynomial:
    """The server's check of trustee ``position``'s polynomial: signed commitments, ``t`` of them, ``n`` shares.

    The shares themselves are encrypted to their recipients: each is checked
    by its recipient at step 5 (``voutput``), against these commitments."""
    where = f"trustee {position}'s polynomial"
    try:
        data = jf.obj(_parse(raw, where), where)
        own = jf.text(jf.field(data, "polynomial", where), f"{where}.polynomial")
        shares = tuple(
            jf.text(s, f"{where}.secrets[]") for s in jf.seq(jf.field(data, "secrets", where), f"{where}.secrets")
        )
        coefexps = jf.field(data, "coefexps", where)
        for text in (own, *shares):
            _encrypted_shape(group, text, where)
    except ThresholdError:
        raise
    except FormatError as error:
        raise refuse(R.MALFORMED, str(error)) from None
    signed, commitments = _read_coefexps(group, coefexps, certs[position - 1], f"{where}'s coefexps")
    if len(commitments) != threshold:
        raise refuse(R.WRONG_DEGREE, f"{where} has {len(commitments)} coefficients, not {threshold}")
    if len(shares) != len(certs):
        raise refuse(R.WRONG_SHARE_COUNT, f"{where} has {len(shares)} shares for {len(certs)} trustees")
    return Polynomial(own, shares, signed, commitments)


def _encrypted_shape(group: Group, text: str, where: str) -> None:
    data = jf.obj(jf.parse_json(text, where), where)
    for name in ("alpha", "beta"):
        if not group.is_element(jf.big_int(jf.field(data, name, where), where)):
            raise refuse(R.MALFORMED, f"{where} holds an encrypted message outside the group")
    jf.text(jf.field(data, "data", where), where)


# --- Vinputs (step 4) and voutputs (step 5) -------------------------------------------------------


def vinputs(polynomials: Sequence[Polynomial]) -> list[str]:
    """Step 4, the server's routing: for trustee ``j``, its own polynomial and every share sent to it."""
    coefexps = [p.coefexps.to_json() for p in polynomials]
    return [
        jf.canonical_json({"polynomial": mine.own, "secrets": [p.shares[j] for p in polynomials], "coefexps": coefexps})
        for j, mine in enumerate(polynomials)
    ]


def _committed_value(group: Group, commitments: Sequence[int], j: int) -> int:
    """``g ** f(j)`` from the commitments to ``f``'s coefficients: ``prod_k A_k ** (j ** k)``."""
    p = group.p
    value, power = 1, 1
    for a in commitments:
        value = value * powmod(a, power, p) % p
        power *= j
    return value


def verification_keys(group: Group, commitments: Sequence[Sequence[int]]) -> list[int]:
    """Each trustee ``j``'s verification key ``g ** F(j)``, from all trustees' commitments."""
    n = len(commitments)
    keys = []
    for j in range(1, n + 1):
        key = 1
        for row in commitments:
            key = key * _committed_value(group, row, j) % group.p
        keys.append(key)
    return keys


def _pok_prefix(group: Group, public_key: int) -> str:
    return f"pok|{group.name}|{public_key}|"


def voutput(group: Group, seed: str, certs: Sequence[Certificate], vinput: str) -> str:
    """Step 5, on the trustee's device: check every share it was sent, then its key, encrypted to itself.

    Refuses (naming the sender) a share that does not lie on its sender's
    committed polynomial: accepting it would leave this trustee with a key
    that cannot take part in a decryption."""
    j, keys = _my_position(group, seed, certs)
    where = "the vinput"
    try:
        data = jf.obj(_parse(vinput, where), where)
        own = jf.text(jf.field(data, "polynomial", where), where)
        shares = [jf.text(s, where) for s in jf.seq(jf.field(data, "secrets", where), where)]
        coefexps = jf.seq(jf.field(data, "coefexps", where), where)
    except FormatError as error:
        raise refuse(R.MALFORMED, str(error)) from None
    n = len(certs)
    if len(shares) != n or len(coefexps) != n:
        raise refuse(R.WRONG_SHARE_COUNT, f"the vinput has {len(shares)} shares for {n} trustees")
    mine = _receive(group, keys.decryption, certs[j - 1], own, "your own polynomial")
    threshold = len(jf.seq(jf.field(jf.obj(jf.parse_json(mine, where), where), "polynomial", where), where))
    total = 0
    for i, (cert, share, signed) in enumerate(zip(certs, shares, coefexps, strict=True), 1):
        _, commitments = _read_coefexps(group, signed, cert, f"trustee {i}'s coefexps")
        if len(commitments) != threshold:
            raise refuse(R.WRONG_DEGREE, f"trustee {i}'s polynomial has {len(commitments)} coefficients")
        text = _receive(group, keys.decryption, cert, share, f"trustee {i}'s share")
        try:
            value = jf.big_int(jf.field(jf.obj(jf.parse_json(text, where), where), "secret", where), where)
        except FormatError as error:
            raise refuse(R.MALFORMED, str(error)) from None
        if pki.g_pow(group, value) != _committed_value(group, commitments, j):
            raise refuse(R.BAD_SHARE, f"trustee {i}'s share is not on its committed polynomial")
        total += value
    secret = total % group.q
    public_key = pki.g_pow(group, secret)
    pok = prove_exponent(group, [group.g], secret, _pok_prefix(group, public_key))
    sealed = pki.channel_send(
        group, keys.signing, certs[j - 1].encryption, jf.canonical_json({"decryption_key": str(secret)})
    )
    return jf.canonical_json(
        {"private_key": sealed, "public_key": {"pok": pok.to_json(), "public_key": str(public_key)}}
    )


def _receive(group: Group, dk: int, sender: Certificate, text: str, what: str) -> str:
    try:
        return pki.channel_receive(group, dk, sender.verification, text)
    except FormatError as error:
        raise refuse(R.BAD_CHANNEL, f"{what}: {error}") from None


@dataclass(frozen=True)
class Voutput:
    """A checked voutput: the sealed key the server keeps for the count, and the verification key."""

    sealed_key: str
    public_key: int
    pok: Proof

    def key_json(self) -> dict[str, object]:
        return {"pok": self.pok.to_json(), "public_key": str(self.public_key)}


def read_voutput(group: Group, polynomials: Sequence[Polynomial], position: int, raw: str) -> Voutput:
    """The server's check of trustee ``position``'s voutput: the key the commitments give, with a valid proof."""
    where = f"trustee {position}'s voutput"
    try:
        data = jf.obj(_parse(raw, where), where)
        sealed = jf.text(jf.field(data, "private_key", where), where)
        _encrypted_shape(group, sealed, where)
        key = jf.obj(jf.field(data, "public_key", where), where)
        public_key = jf.big_int(jf.field(key, "public_key", where), f"{where}'s public_key")
        pok = read_proof(jf.field(key, "pok", where), f"{where}'s pok")
    except ThresholdError:
        raise
    except FormatError as error:
        raise refuse(R.MALFORMED, str(error)) from None
    if not group.is_element(public_key) or not verify_exponent(
        group, [group.g], [public_key], pok, _pok_prefix(group, public_key)
    ):
        raise refuse(R.BAD_PROOF, f"{where}'s proof of knowledge does not verify")
    expected = verification_keys(group, [p.commitments for p in polynomials])[position - 1]
    if public_key != expected:
        raise refuse(R.WRONG_VERIFICATION_KEY, f"{where}'s key is not the one the commitments give")
    return Voutput(sealed, public_key, pok)


# --- Threshold parameters (step 6) and the trustees file ------------------------------------------


def threshold_parameters(
    certs: Sequence[Certificate], polynomials: Sequence[Polynomial], voutputs: Sequence[Voutput]
) -> str:
    """Step 6: the ``threshold_parameters`` published in ``trustees.json`` (``["Pedersen", ...]``)."""
    return jf.canonical_json(
        {
            "threshold": len(polynomials[0].commitments),
            "certs": [c.signed.to_json() for c in certs],
            "coefexps": [p.coefexps.to_json() for p in polynomials],
            "verification_keys": [v.key_json() for v in voutputs],
        }
    )


@dataclass(frozen=True)
class Pedersen:
    """A checked ``["Pedersen", ...]`` item: ``threshold`` of the verification keys must decrypt."""

    threshold: int
    verification_keys: tuple[int, ...]
    public_key: int


def read_pedersen(group: Group, value: object, where: str = "the threshold parameters") -> Pedersen:
    """Check threshold parameters as ``election verify`` does: certificates, signed commitments, proofs,
    each verification key the one the commitments give, ``threshold`` the polynomials' length."""
    try:
        data = jf.obj(_parse(value, where), where)
        threshold = jf.small_int(jf.field(data, "threshold", where), f"{where}.threshold")
        raw_certs = jf.seq(jf.field(data, "certs", where), f"{where}.certs")
        raw_coefexps = jf.seq(jf.field(data, "coefexps", where), f"{where}.coefexps")
        raw_keys = jf.seq(jf.field(data, "verification_keys", where), f"{where}.verification_keys")
    except FormatError as error:
        raise refuse(R.MALFORMED, str(error)) from None
    certs = read_certificates(group, raw_certs)
    if not (len(certs) == len(raw_coefexps) == len(raw_keys)) or not certs:
        raise refuse(R.WRONG_SHARE_COUNT, f"{where}: not one certificate, commitment and key per trustee")
    check_threshold(threshold, len(certs))
    commitments = []
    for i, (cert, signed) in enumerate(zip(certs, raw_coefexps, strict=True), 1):
        _, row = _read_coefexps(group, signed, cert, f"trustee {i}'s coefexps")
        if len(row) != threshold:
            raise refuse(R.WRONG_DEGREE, f"trustee {i}'s polynomial has {len(row)} coefficients, not {threshold}")
        commitments.append(row)
    expected = verification_keys(group, commitments)
    keys = []
    for j, (raw, computed) in enumerate(zip(raw_keys, expected, strict=True), 1):
        try:
            key = jf.obj(raw, f"verification key {j}")
            public_key = jf.big_int(jf.field(key, "public_key", "it"), f"verification key {j}")
            pok = read_proof(jf.field(key, "pok", "it"), f"verification key {j}'s pok")
        except FormatError as error:
            raise refuse(R.MALFORMED, str(error)) from None
        if not group.is_element(public_key) or not verify_exponent(
            group, [group.g], [public_key], pok, _pok_prefix(group, public_key)
        ):
            raise refuse(R.BAD_PROOF, f"verification key {j}'s proof of knowledge does not verify")
        if public_key != computed:
            raise refuse(R.WRONG_VERIFICATION_KEY, f"verification key {j} is not the one the commitments give")
        keys.append(public_key)
    election_key = 1
    for row in commitments:
        election_key = election_key * row[0] % group.p
    return Pedersen(threshold, tuple(keys), election_key)


# --- Decryption -----------------------------------------------------------------------------------


def decryption_key(group: Group, seed: str, certs: Sequence[Certificate], sealed_key: str) -> int:
    """A trustee's share ``S_j`` of the election key, opened from the sealed key its voutput left with the
    server (Belenios' ``.dkey``), checked to be sealed by this trustee for itself."""
    j, keys = _my_position(group, seed, certs)
    text = _receive(group, keys.decryption, certs[j - 1], sealed_key, "the sealed decryption key")
    try:
        data = jf.obj(jf.parse_json(text, "the decryption key"), "the decryption key")
        return jf.big_int(jf.field(data, "decryption_key", "it"), "the decryption key") % group.q
    except FormatError as error:
        raise refuse(R.MALFORMED, str(error)) from None


def threshold_partial_decryption(
    election: Election, seed: str, certs: Sequence[Certificate], sealed_key: str, tally: EncryptedTally
) -> str:
    """What ``election decrypt-threshold`` writes: the partial decryption under ``S_j``."""
    return partial_decryption(election, decryption_key(election.group, seed, certs, sealed_key), tally)


def lagrange(group: Group, indexes: Sequence[int], j: int) -> int:
    """The Lagrange coefficient at 0 of point ``j`` among ``indexes``: ``prod_{k != j} k / (k - j)`` mod ``q``."""
    q = group.q
    coefficient = 1
    for k in indexes:
        if k != j:
            coefficient = coefficient * k * powmod(k - j, -1, q) % q
    return coefficient


def combined_factors(
    election: Election, pedersen: Pedersen, tally: EncryptedTally, decryptions: Mapping[int, str]
) -> list[list[int]]:
    """``alpha ** F(0)`` for every ciphertext, from trustees' partial decryptions (keyed by position).

    Every decryption given is checked against its trustee's verification
    key; then, as belenios-tool does, the first ``threshold`` positions are
    combined with their Lagrange coefficients."""
    group = election.group
    for j, text in decryptions.items():
        if not 1 <= j <= len(pedersen.verification_keys):
            raise refuse(R.BAD_PARTIAL_DECRYPTION, f"there is no trustee {j}")
        if not check_partial_decryption(election, pedersen.verification_keys[j - 1], tally, text):
            raise refuse(R.BAD_PARTIAL_DECRYPTION, f"trustee {j}'s partial decryption does not verify")
    chosen = sorted(decryptions)[: pedersen.threshold]
    if len(chosen) < pedersen.threshold:
        raise refuse(R.NOT_ENOUGH_DECRYPTIONS, f"{len(chosen)} partial decryptions, {pedersen.threshold} are needed")
    p = group.p
    combined = [[1] * len(row) for row in tally]
    for j in chosen:
        coefficient = lagrange(group, chosen, j)
        factors = jf.parse_json(decryptions[j], "the partial decryption")["decryption_factors"]
        for q_index, row in enumerate(factors):
            out = combined[q_index]
            for a_index, factor in enumerate(row):
                out[a_index] = out[a_index] * powmod(int(factor), coefficient, p) % p
    return combined
