"""The trustees' keys (``trustees.json``) and the election key they make.

``trustees.json`` is a list of items of two kinds:

* ``["Single", key]``: one trustee's public key ``X = g ** x`` with a proof
  of knowledge of ``x`` (a Schnorr proof whose hash starts
  ``pok|group|X|``). The proof shows the trustee really holds the private
  key: without it, a dishonest party could publish a key built from the
  others' keys and decrypt alone. Every Single trustee must decrypt.
* ``["Pedersen", threshold_parameters]``: ``n`` trustees of whom any
  ``threshold`` decrypt (``threshold``, which checks the parameters).

The election key is the product of every item's key. Each trustee, Single
or one of a Pedersen item's, has a number from 1 in the list's order: the
owner its partial decryption is posted under.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ballots.verifiable import jsonfields as jf
from ballots.verifiable.errors import FormatError
from ballots.verifiable.group import Group
from ballots.verifiable.proofs import read_proof, verify_exponent
from ballots.verifiable.threshold import Pedersen, read_pedersen


@dataclass(frozen=True)
class TrusteeKey:
    public_key: int


TrusteeKind = TrusteeKey | Pedersen


def _single(group: Group, body: object, where: str) -> TrusteeKey:
    data = jf.obj(body, where)
    public_key = jf.big_int(jf.field(data, "public_key", where), f"{where}'s public_key")
    pok = read_proof(jf.field(data, "pok", where), f"{where}'s pok")
    if not group.is_element(public_key) or not verify_exponent(
        group, [group.g], [public_key], pok, f"pok|{group.name}|{public_key}|"
    ):
        raise FormatError(f"{where}'s proof of knowledge of its private key does not verify")
    return TrusteeKey(public_key)


@lru_cache(maxsize=32)
def read_trustee_kinds(raw: str, group: Group) -> tuple[TrusteeKind, ...]:
    """Every item of ``trustees.json``, each checked (Single proofs; Pedersen parameters in full).

    Cached by text: an election's trustees are read at every partial
    decryption, and checking Pedersen parameters costs some ``n * t``
    powers; the result is immutable and depends only on the text."""
    items: list[TrusteeKind] = []
    for i, item in enumerate(jf.seq(jf.parse_json(raw, "the trustees"), "the trustees")):
        where = f"trustee {i}"
        kind, body = [*jf.seq(item, where), None, None][:2]
        if kind == "Single":
            items.append(_single(group, body, where))
        elif kind == "Pedersen":
            items.append(read_pedersen(group, body, where))
        else:
            raise FormatError(f"{where} is {kind!r}; trustees are 'Single' or 'Pedersen'")
    return tuple(items)


def read_trustees(raw: str, group: Group) -> tuple[TrusteeKey, ...]:
    """Each "Single" trustee's public key, after checking its proof of knowledge (n-of-n elections)."""
    kinds = read_trustee_kinds(raw, group)
    if not all(isinstance(k, TrusteeKey) for k in kinds):
        raise FormatError("these trustees include a threshold ('Pedersen') group: read them with read_trustee_kinds")
    return tuple(k for k in kinds if isinstance(k, TrusteeKey))


def election_public_key(group: Group, trustees: tuple[TrusteeKind, ...]) -> int:
    """The product of every item's key: what an election's ``public_key`` must be."""
    product = 1
    for trustee in trustees:
        product = product * trustee.public_key % group.p
    return product
