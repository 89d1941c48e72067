"""Voters' credentials: the secret one a voter holds, the public one the board lists.

A secret credential is 15 Base58 characters (14 random, one checksum),
usually written ``XXX-XXX-XXX-XXX-XXX``. The checksum only catches typing
mistakes. The secret exponent is PBKDF2-HMAC-SHA256 of the credential text,
salted with the election's uuid (1000 iterations, one 32-byte block), reduced
modulo ``q``; the public credential is ``g`` to that exponent. Salting with
the uuid means the same credential gives unrelated keys in two elections.

Every ballot is signed with the secret exponent and names the public
credential. The list of public credentials (``public_creds.json``) is the
roll of who may vote, without names: a ballot signed by a credential not on
the list is not counted, and only the last ballot per credential is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from ballots.verifiable import jsonfields as jf
from ballots.verifiable.errors import FormatError
from ballots.verifiable.fastpow import powmod
from ballots.verifiable.group import Group

BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_TOKEN_LENGTH = 14


def _base58_value(chars: str) -> int | None:
    value = 0
    for char in chars:
        digit = BASE58.find(char)
        if digit < 0:
            return None
        value = value * 58 + digit
    return value


def is_valid_credential(credential: str) -> bool:
    """Whether ``credential`` has the shape and checksum of a Belenios secret credential."""
    raw = credential
    if len(credential) == _TOKEN_LENGTH + 5:
        if any(credential[i] != "-" for i in (3, 7, 11, 15)):
            return False
        raw = credential.replace("-", "")
    if len(raw) != _TOKEN_LENGTH + 1:
        return False
    value = _base58_value(raw[:_TOKEN_LENGTH])
    checksum = BASE58.find(raw[_TOKEN_LENGTH])
    return value is not None and checksum >= 0 and (value + checksum) % 53 == 0


def credential_secret(group: Group, election_uuid: str, credential: str) -> int:
    """The secret signing exponent a credential gives in one election."""
    if not is_valid_credential(credential):
        raise FormatError("not a Belenios credential (15 Base58 characters with a valid checksum)")
    derived = hashlib.pbkdf2_hmac("sha256", credential.encode("utf-8"), election_uuid.encode("utf-8"), 1000, 32)
    return int.from_bytes(derived, "big") % group.q


def public_credential(group: Group, election_uuid: str, credential: str) -> int:
    """The public credential (``g`` to the secret exponent) the board lists."""
    return powmod(group.g, credential_secret(group, election_uuid, credential), group.p)


def read_public_credentials(raw: str, group: Group) -> Mapping[int, int]:
    """``public_creds.json``: each public credential with its weight.

    The board's list writes ``credential`` or ``credential,weight``; the
    file ``setup generate-credentials`` hands the administrator adds the
    voter's id, ``credential,weight,id`` (weight empty when all are 1),
    which is read the same way, the id ignored. Refuses an element outside the group and a credential listed twice:
    either would let one voter's ballots be counted under two entries.
    """
    entries = jf.seq(jf.parse_json(raw, "the public credentials"), "the public credentials")
    weights: dict[int, int] = {}
    for i, entry in enumerate(entries):
        where = f"public credential {i}"
        element_text, _, rest = jf.text(entry, where).partition(",")
        weight_text = rest.partition(",")[0]
        element = jf.big_int(element_text, where)
        weight = jf.big_int(weight_text, f"{where}'s weight") if weight_text else 1
        if not group.is_element(element):
            raise FormatError(f"{where} is not in the group")
        if element in weights:
            raise FormatError(f"{where} is listed twice")
        weights[element] = weight
    return weights
