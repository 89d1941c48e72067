"""The trustees' keys (``trustees.json``) and the election key they make.

Each "Single" trustee publishes a public key ``X = g ** x`` with a proof of
knowledge of ``x`` (a Schnorr proof whose hash starts ``pok|group|X|``).
The proof shows the trustee really holds the private key: without it, a
dishonest party could publish a key built from the others' keys and
decrypt alone. The election key is the product of the trustees' keys, so
every trustee is needed to decrypt.

Threshold ("Pedersen") trustees, where any ``t + 1`` of them suffice, are
refused for now with a clear message.
"""

from __future__ import annotations

from dataclasses import dataclass

from ballots.verifiable import jsonfields as jf
from ballots.verifiable.errors import FormatError
from ballots.verifiable.group import Group
from ballots.verifiable.proofs import read_proof, verify_exponent


@dataclass(frozen=True)
class TrusteeKey:
    public_key: int


def read_trustees(raw: str, group: Group) -> tuple[TrusteeKey, ...]:
    """Each trustee's public key, after checking its proof of knowledge."""
    keys = []
    for i, item in enumerate(jf.seq(jf.parse_json(raw, "the trustees"), "the trustees")):
        where = f"trustee {i}"
        kind, body = [*jf.seq(item, where), None, None][:2]
        if kind != "Single":
            raise FormatError(f"{where} is {kind!r}; only 'Single' trustees are supported")
        data = jf.obj(body, where)
        public_key = jf.big_int(jf.field(data, "public_key", where), f"{where}'s public_key")
        pok = read_proof(jf.field(data, "pok", where), f"{where}'s pok")
        if not group.is_element(public_key) or not verify_exponent(
            group, [group.g], [public_key], pok, f"pok|{group.name}|{public_key}|"
        ):
            raise FormatError(f"{where}'s proof of knowledge of its private key does not verify")
        keys.append(TrusteeKey(public_key))
    return tuple(keys)


def election_public_key(group: Group, trustees: tuple[TrusteeKey, ...]) -> int:
    """The product of the trustees' keys: what an election's ``public_key`` must be."""
    product = 1
    for trustee in trustees:
        product = product * trustee.public_key % group.p
    return product
