"""Writing the setup texts of a Belenios 2.0 election: election, trustees, credentials.

The ballot mode builds these from a ballot's questions and the keys its
trustees upload. Each is written exactly as ``belenios-tool setup`` writes
it (compact JSON, fields in Belenios' order), because the election's
fingerprint is the hash of its exact text and every ballot hashes that in.

A secret credential is made here too (``new_credential``): 14 random Base58
characters and the checksum ``credentials.is_valid_credential`` reads; the
caller hands it to the voter and keeps only ``public_credential``.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from ballots.verifiable import jsonfields as jf
from ballots.verifiable.credentials import BASE58, read_public_credentials
from ballots.verifiable.errors import FormatError
from ballots.verifiable.group import Group, group_named
from ballots.verifiable.trustees import TrusteeKind, election_public_key, read_trustee_kinds, read_trustees

UUID_LENGTH = 14
"""``belenios-tool setup generate-token`` writes 14 Base58 characters."""


def new_uuid() -> str:
    """A fresh election uuid, as ``setup generate-token`` makes one."""
    return "".join(secrets.choice(BASE58) for _ in range(UUID_LENGTH))


def new_credential() -> str:
    """A fresh secret credential ``XXX-XXX-XXX-XXX-XXX`` (14 random Base58 characters and a checksum)."""
    token = "".join(secrets.choice(BASE58) for _ in range(14))
    value = 0
    for char in token:
        value = value * 58 + BASE58.index(char)
    raw = token + BASE58[(53 - value % 53) % 53]
    return "-".join(raw[i : i + 3] for i in range(0, 15, 3))


@dataclass(frozen=True)
class QuestionSpec:
    """One question as the election states it.

    ``ranked`` questions are non-homomorphic (each answer a small integer,
    revealed after the shuffles); the others are homomorphic, choosing
    between ``min`` and ``max`` answers (only their totals are ever
    decrypted)."""

    text: str
    answers: tuple[str, ...]
    ranked: bool
    min: int = 1
    max: int = 1

    def to_json(self) -> dict[str, object]:
        if self.ranked:
            return {"type": "NonHomomorphic", "value": {"answers": list(self.answers), "question": self.text}}
        return {"answers": list(self.answers), "min": self.min, "max": self.max, "question": self.text}


def read_trustee_public_key(raw: str, group: Group) -> tuple[int, str]:
    """A trustee's ``.pubkey`` (``setup generate-trustee-key``): its key, after checking its proof.

    Returns the key and the text as it goes into ``trustees.json``. Raises
    ``FormatError`` when it is not a key of ``group`` with a valid proof of
    knowledge of its private key (a key built from the others' keys would
    let one party decrypt alone)."""
    data = jf.obj(jf.parse_json(raw.strip(), "the trustee's public key"), "the trustee's public key")
    text = jf.canonical_json(data)
    (key,) = read_trustees(f'[["Single",{text}]]', group)
    return key.public_key, text


def trustees_text(keys: Sequence[str]) -> str:
    """``trustees.json`` from each trustee's key text (``read_trustee_public_key``), in order."""
    return "[" + ",".join(f'["Single",{key}]' for key in keys) + "]"


def pedersen_trustees_text(parameters: str) -> str:
    """``trustees.json`` for a threshold election: one Pedersen item (``threshold.threshold_parameters``)."""
    return f'[["Pedersen",{parameters}]]'


def public_credentials_text(credentials: Sequence[int]) -> str:
    """``public_creds.json``: each public credential (all of weight 1), sorted so the order says nothing."""
    return jf.canonical_json(sorted(str(c) for c in credentials))


def election_text(
    *, uuid: str, name: str, description: str, group_name: str, trustees: str, questions: Sequence[QuestionSpec]
) -> str:
    """``election.json``: its public key is the product of the trustees' items' keys."""
    group = group_named(group_name)
    if any(q.ranked for q in questions) and group.embedding is None:
        raise FormatError(f"ranked questions need a group with an embedding, not {group_name}")
    keys: tuple[TrusteeKind, ...] = read_trustee_kinds(trustees, group)
    if not keys:
        raise FormatError("an election needs at least one trustee")
    return jf.canonical_json(
        {
            "version": 1,
            "description": description,
            "name": name,
            "group": group_name,
            "public_key": str(election_public_key(group, keys)),
            "questions": [q.to_json() for q in questions],
            "uuid": uuid,
        }
    )


def parse_public_credentials(raw: str, group: Group) -> list[int]:
    """A public credential list a credential authority uploads: JSON list, or one per line.

    Accepts ``public_creds.json`` as ``setup generate-credentials`` writes it
    (``credential`` or ``credential,weight,id``; weights other than 1 are
    refused: one member, one vote)."""
    text = raw.strip()
    if not text.startswith("["):
        text = json.dumps([line.strip() for line in text.splitlines() if line.strip()])
    weights = read_public_credentials(text, group)
    if any(w != 1 for w in weights.values()):
        raise FormatError("every public credential must have weight 1: one member, one vote")
    return list(weights)
