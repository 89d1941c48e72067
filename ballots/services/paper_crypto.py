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
``"v2:" + base64(nonce ‖ ciphertext ‖ tag)``, with the ballot and question
ids as associated data so a ciphertext cannot be moved to another question.

What is encrypted is ``{"c": content, "t": tracker}`` padded with spaces to
one size for the whole ballot (``paper_size``: the longest paper any of its
questions allows, a tracker included), so the length of a ciphertext says
nothing about how many preferences it holds, nor which question it answers.
The vote's tracker (the SHA-256 of its receipt) travels inside its first
paper and nowhere else while the ballot is open: a reader of the database
who pairs a voter with their vote's rows gets ciphertexts only, and the
tracker list is written at the close from the decrypted papers, shuffled.

``"v1:"`` (unpadded, no tracker) and a JSON list (a paper stored in the
clear before encryption, or by a tool that writes papers directly) are read
as they are.
"""

from __future__ import annotations

import base64
import binascii
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

PREFIX = "v2:"
PREFIX_V1 = "v1:"
TRACKER_LENGTH = 64  # hex SHA-256


def _secrets() -> tuple[str, ...]:
    return (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ()))


@lru_cache(maxsize=256)
def _cipher(secret: str, ballot_id: int) -> AESGCM:
    key = hmac.new(secret.encode(), f"agora:ballot-papers:{ballot_id}".encode(), hashlib.sha256).digest()
    return AESGCM(key)


def _associated(ballot_id: int, question_id: int) -> bytes:
    return f"{ballot_id}:{question_id}".encode()


def _plain(content: list[int], tracker: str) -> bytes:
    return json.dumps({"c": content, "t": tracker}, separators=(",", ":")).encode()


def paper_size(option_sets: Iterable[Iterable[int]]) -> int:
    """The padded size of every paper of a ballot whose questions have these
    options: the longest paper any question allows (every option, in any
    order: JSON of the same ids has the same length) with a tracker."""
    return max((len(_plain(sorted(options), "0" * TRACKER_LENGTH)) for options in option_sets), default=0)


def paper_encrypt(*, ballot_id: int, question_id: int, content: list[int], size: int, tracker: str = "") -> str:
    """Seal one paper, padded to ``size`` bytes (``paper_size``), with the
    vote's tracker if this is the paper that carries it."""
    plain = _plain(content, tracker)
    if len(plain) > size:
        raise ValueError(f"a paper of {len(plain)} bytes does not fit the ballot's size of {size}")
    nonce = os.urandom(12)
    sealed = _cipher(settings.SECRET_KEY, ballot_id).encrypt(
        nonce, plain.ljust(size, b" "), _associated(ballot_id, question_id)
    )
    return PREFIX + base64.b64encode(nonce + sealed).decode()


class PaperKeyMissing(RuntimeError):
    """No configured key opens a stored paper: ``SECRET_KEY`` was changed
    while the ballot was open without keeping the old one as a fallback."""


def paper_open(*, ballot_id: int, question_id: int, content: Any) -> tuple[Any, str]:
    """(the paper in the clear, the tracker it carries or ``""``)."""
    if not (isinstance(content, str) and content.startswith((PREFIX, PREFIX_V1))):
        return content, ""  # stored in the clear
    raw = base64.b64decode(content.split(":", 1)[1])
    nonce, sealed = raw[:12], raw[12:]
    for secret in _secrets():
        try:
            plain = _cipher(secret, ballot_id).decrypt(nonce, sealed, _associated(ballot_id, question_id))
        except InvalidTag:
            continue
        if content.startswith(PREFIX_V1):
            return json.loads(plain), ""
        opened = json.loads(plain)  # the padding is JSON whitespace
        return opened["c"], opened["t"]
    raise PaperKeyMissing(
        f"No key opens the papers of ballot {ballot_id}: put the SECRET_KEY it opened under back in "
        "SECRET_KEY_FALLBACKS and close it again."
    )


def papers_decrypt(*, ballot_id: int, rows: Iterable[tuple[int, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """(question id, stored content) rows → the papers in the clear
    (``{"question_id", "content"}``) and, apart, the trackers they carried."""
    papers: list[dict[str, Any]] = []
    trackers: list[str] = []
    for question_id, stored in rows:
        content, tracker = paper_open(ballot_id=ballot_id, question_id=question_id, content=stored)
        papers.append({"question_id": question_id, "content": content})
        if tracker:
            trackers.append(tracker)
    return papers, trackers


def papers_open_json(*, ballot_id: int, rows: Iterable[tuple[int, str]]) -> tuple[list[tuple[int, str]], list[str]]:
    """The close's bulk form of :func:`papers_decrypt`, for a million papers:
    (question id, stored text) rows → the papers as (question id, JSON text
    of the paper) and, apart, the trackers.

    No JSON is parsed per paper: a ``v2`` plaintext is our own compact
    ``{"c":…,"t":"…"}`` padded with spaces, cut at its known places (and
    parsed the slow way only if it is not in that form). A paper stored in
    the clear is its JSON text already. Ciphers are built once, and the key
    that opened the last paper is tried first."""
    ciphers = [_cipher(secret, ballot_id) for secret in _secrets()]
    associated: dict[int, bytes] = {}
    papers: list[tuple[int, str]] = []
    trackers: list[str] = []
    for question_id, stored in rows:
        if not stored.startswith((PREFIX, PREFIX_V1)):
            papers.append((question_id, stored))
            continue
        ad = associated.get(question_id)
        if ad is None:
            ad = associated[question_id] = _associated(ballot_id, question_id)
        plain = _open(ciphers, binascii.a2b_base64(stored[3:]), ad, ballot_id)
        if stored.startswith(PREFIX_V1):
            papers.append((question_id, json.dumps(json.loads(plain), separators=(",", ":"))))
            continue
        text = plain.decode().rstrip(" ")
        cut = text.rfind(',"t":"')
        if text.startswith('{"c":') and cut > 0 and text.endswith('"}'):
            content, tracker = text[5:cut], text[cut + 6 : -2]
        else:  # not our compact form: parse it
            opened = json.loads(text)
            content, tracker = json.dumps(opened["c"], separators=(",", ":")), opened["t"]
        papers.append((question_id, content))
        if tracker:
            trackers.append(tracker)
    return papers, trackers


def _open(ciphers: list[AESGCM], raw: bytes, associated: bytes, ballot_id: int) -> bytes:
    nonce, sealed = raw[:12], raw[12:]
    for i, cipher in enumerate(ciphers):
        try:
            plain = cipher.decrypt(nonce, sealed, associated)
        except InvalidTag:
            continue
        if i:  # this key first from now on
            ciphers.insert(0, ciphers.pop(i))
        return plain
    raise PaperKeyMissing(
        f"No key opens the papers of ballot {ballot_id}: put the SECRET_KEY it opened under back in "
        "SECRET_KEY_FALLBACKS and close it again."
    )
