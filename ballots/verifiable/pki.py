"""The trustees' own key infrastructure for threshold key generation (Belenios 2.0, section "PKI").

Threshold trustees must send each other secrets (shares of their
polynomials) through the server, which must not read them, and nobody may
pass off a message as another trustee's. Belenios gives each trustee a
22-character Base58 **seed**, from which two key pairs are derived:

* a signing key ``sk = SHA-256("sk|" + seed)`` with verification key
  ``vk = g ** sk``: Schnorr signatures (hash prefix ``sigmsg|M|``) show
  which trustee wrote a message;
* a decryption key ``dk = SHA-256("dk|" + seed)`` with encryption key
  ``ek = g ** dk``: hybrid ElGamal + AES-CCM encryption, so only the
  recipient reads a share.

A **channel** message is signed by its sender, names its recipient's
encryption key inside the signed part (so a share meant for one trustee
cannot be re-encrypted to another and pass), and is then encrypted to that
recipient. The seed is all a trustee keeps: everything else is derived.

The symmetric part is exactly what belenios-tool 2.0 does (SJCL's CCM):
AES-256 with key ``SHA-256("key|" + g**s)`` written as hex and decoded, a
13-byte nonce from the start of ``SHA-256("iv|" + alpha)``, an 8-byte tag,
no associated data; ``data`` is the hex of ciphertext then tag.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESCCM

from ballots.verifiable import jsonfields as jf
from ballots.verifiable.credentials import BASE58
from ballots.verifiable.errors import FormatError
from ballots.verifiable.fastpow import FixedBase, powmod
from ballots.verifiable.group import Group
from ballots.verifiable.proofs import Proof, read_proof

SEED_LENGTH = 22
_TAG_BYTES = 8


def _sha256_int(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest(), "big")


def g_pow(group: Group, exponent: int) -> int:
    """``g ** exponent`` by the fixed-base table the shuffle shares (a seed's keys are not reduced mod ``q``)."""
    return FixedBase.of(group, group.g).pow(exponent % group.q)


def new_seed() -> str:
    """A fresh trustee seed: 22 Base58 characters from the operating system's generator."""
    return "".join(secrets.choice(BASE58) for _ in range(SEED_LENGTH))


def read_seed(raw: str) -> str:
    """A trustee's ``.key`` file (the seed), refused unless it is 22 Base58 characters."""
    seed = raw.strip()
    if len(seed) != SEED_LENGTH or any(c not in BASE58 for c in seed):
        raise FormatError("a trustee's key is 22 Base58 characters (the .key file)")
    return seed


@dataclass(frozen=True)
class TrusteeSecrets:
    """The two private keys a seed gives (not reduced mod ``q``, as Belenios derives them)."""

    signing: int
    decryption: int

    @classmethod
    def from_seed(cls, seed: str) -> TrusteeSecrets:
        return cls(signing=_sha256_int("sk|" + seed), decryption=_sha256_int("dk|" + seed))


@dataclass(frozen=True)
class SignedMessage:
    message: str
    signature: Proof

    def to_json(self) -> dict[str, object]:
        return {"message": self.message, "signature": self.signature.to_json()}

    def text(self) -> str:
        return jf.canonical_json(self.to_json())


def read_signed(value: object, where: str) -> SignedMessage:
    data = jf.obj(value, where)
    return SignedMessage(
        message=jf.text(jf.field(data, "message", where), f"{where}.message"),
        signature=read_proof(jf.field(data, "signature", where), f"{where}.signature"),
    )


def _sign_prefix(message: str) -> str:
    return f"sigmsg|{message}|"


def sign(group: Group, signing_key: int, message: str) -> SignedMessage:
    """A Schnorr signature of ``message`` by ``signing_key``."""
    w = group.random_exponent()
    challenge = group.hash_to_exponent(_sign_prefix(message), [g_pow(group, w)])
    return SignedMessage(message, Proof(challenge=challenge, response=(w - signing_key * challenge) % group.q))


def verify(group: Group, verification_key: int, signed: SignedMessage) -> bool:
    """Whether ``signed`` was signed with the signing key of ``verification_key``."""
    c, r = signed.signature.challenge, signed.signature.response
    if not (group.is_exponent(c) and group.is_exponent(r) and group.is_element(verification_key)):
        return False
    commitment = g_pow(group, r) * powmod(verification_key, c, group.p) % group.p
    return group.hash_to_exponent(_sign_prefix(signed.message), [commitment]) == c


def _aes(shared: int, alpha: int) -> tuple[AESCCM, bytes]:
    key = hashlib.sha256(f"key|{shared}".encode()).digest()
    nonce = hashlib.sha256(f"iv|{alpha}".encode()).digest()[:13]
    return AESCCM(key, tag_length=_TAG_BYTES), nonce


def encrypt(group: Group, encryption_key: int, plaintext: str) -> str:
    """``plaintext`` encrypted to ``encryption_key``: an ``encrypted_msg`` text."""
    r, s = group.random_exponent(), group.random_exponent()
    alpha = g_pow(group, r)
    shared = g_pow(group, s)
    beta = powmod(encryption_key, r, group.p) * shared % group.p
    cipher, nonce = _aes(shared, alpha)
    data = cipher.encrypt(nonce, plaintext.encode("utf-8"), None).hex()
    return jf.canonical_json({"alpha": str(alpha), "beta": str(beta), "data": data})


def decrypt(group: Group, decryption_key: int, raw: str) -> str:
    """The plaintext of an ``encrypted_msg`` text; ``FormatError`` if it is not for this key or was changed."""
    data = jf.obj(jf.parse_json(raw, "the encrypted message"), "the encrypted message")
    alpha = jf.big_int(jf.field(data, "alpha", "it"), "alpha")
    beta = jf.big_int(jf.field(data, "beta", "it"), "beta")
    hex_data = jf.text(jf.field(data, "data", "it"), "data")
    if not (group.is_element(alpha) and group.is_element(beta)):
        raise FormatError("the encrypted message holds a number outside the group")
    shared = beta * powmod(powmod(alpha, decryption_key, group.p), -1, group.p) % group.p
    cipher, nonce = _aes(shared, alpha)
    try:
        return cipher.decrypt(nonce, bytes.fromhex(hex_data), None).decode("utf-8")
    except (InvalidTag, ValueError, UnicodeDecodeError):
        raise FormatError("the encrypted message cannot be decrypted with this key (or was changed)") from None


def channel_send(group: Group, signing_key: int, recipient: int, message: str) -> str:
    """``send(sk, recipient, message)``: sign ``{recipient, message}``, then encrypt it to ``recipient``."""
    inner = jf.canonical_json({"recipient": str(recipient), "message": message})
    return encrypt(group, recipient, sign(group, signing_key, inner).text())


def channel_receive(group: Group, decryption_key: int, sender: int, raw: str) -> str:
    """The message of a channel text, checked: signed by ``sender``'s key and addressed to us."""
    signed = read_signed(jf.parse_json(decrypt(group, decryption_key, raw), "the channel message"), "it")
    if not verify(group, sender, signed):
        raise FormatError("the channel message is not signed by its sender")
    inner = jf.obj(jf.parse_json(signed.message, "the channel message"), "the channel message")
    recipient = jf.big_int(jf.field(inner, "recipient", "it"), "recipient")
    if recipient != g_pow(group, decryption_key):
        raise FormatError("the channel message was addressed to someone else")
    return jf.text(jf.field(inner, "message", "it"), "message")
