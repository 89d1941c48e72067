"""Papers are stored encrypted while their ballot is open.

While a ballot is open, a vote's participation and its papers are written in
one transaction, so anyone who can read the database (SQL access, a disk
snapshot, a base backup, a replica, the WAL) can pair them by transaction id.
What they pair a voter with is a ciphertext: each paper is encrypted with
AES-256-GCM under a key for its ballot that the database never holds. The
key is derived from ``SECRET_KEY`` (HMAC-SHA256 over the ballot's id), so it
lives only in the application's environment. Closing decrypts the papers in
the application and writes them, shuffled, into ``ballots_ballotpaper``,
where nothing links them to anyone (``services/storage.py``).

Rotating ``SECRET_KEY`` while a ballot is open is safe as long as the old key
stays in ``SECRET_KEY_FALLBACKS`` until the ballot has closed: decryption
tries each key, and the GCM tag tells the right one.

A paper's content in ``ballots_pendingpaper`` is then a JSON string,
``"v1:" + base64(nonce ‖ ciphertext ‖ tag)``, with the ballot and question
ids as associated data so a ciphertext cannot be moved to another question.
A JSON list is a paper stored in the clear before this (or by a tool that
writes papers directly) and is read as it is.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

PREFIX = "v1:"


def _secrets() -> tuple[str, ...]:
    return (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ()))


@lru_cache(maxsize=256)
def _cipher(secret: str, ballot_id: int) -> AESGCM:
    key = hmac.new(secret.encode(), f"agora:ballot-papers:{ballot_id}".encode(), hashlib.sha256).digest()
    return AESGCM(key)


def _associated(ballot_id: int, question_id: int) -> bytes:
    return f"{ballot_id}:{question_id}".encode()


def paper_encrypt(*, ballot_id: int, question_id: int, content: list[int]) -> str:
    nonce = os.urandom(12)
    sealed = _cipher(settings.SECRET_KEY, ballot_id).encrypt(
        nonce, json.dumps(content).encode(), _associated(ballot_id, question_id)
    )
    return PREFIX + base64.b64encode(nonce + sealed).decode()


class PaperKeyMissing(RuntimeError):
    """No configured key opens a stored paper: ``SECRET_KEY`` was changed
    while the ballot was open without keeping the old one as a fallback."""


def paper_decrypt(*, ballot_id: int, question_id: int, content: Any) -> Any:
    if not (isinstance(content, str) and content.startswith(PREFIX)):
        return content  # stored in the clear
    raw = base64.b64decode(content[len(PREFIX) :])
    nonce, sealed = raw[:12], raw[12:]
    for secret in _secrets():
        try:
            plain = _cipher(secret, ballot_id).decrypt(nonce, sealed, _associated(ballot_id, question_id))
        except InvalidTag:
            continue
        return json.loads(plain)
    raise PaperKeyMissing(
        f"No key opens the papers of ballot {ballot_id}: put the SECRET_KEY it opened under back in "
        "SECRET_KEY_FALLBACKS and close it again."
    )


def papers_decrypt(*, ballot_id: int, rows: Iterable[tuple[int, Any]]) -> list[dict[str, Any]]:
    """(question id, stored content) rows → ``{"question_id", "content"}`` in the clear."""
    return [
        {"question_id": q, "content": paper_decrypt(ballot_id=ballot_id, question_id=q, content=c)} for q, c in rows
    ]
