"""Papers are stored encrypted while their ballot is open.

While a ballot is open, a vote's participation and its papers are written in
one transaction, so anyone who can read the database (SQL access, a disk
snapshot, a base backup, a replica, the WAL) can pair them by transaction id.
What they pair a voter with is a ciphertext: each paper is encrypted under a
key for its ballot that the database never holds. The key is derived from
``SECRET_KEY`` (HMAC-SHA256 over the ballot's id), so it lives only in the
application's environment. Closing decrypts the papers in the application
and writes them, shuffled, into ``ballots_ballotpaper``, where nothing links
them to anyone (``services/storage.py``).

Rotating ``SECRET_KEY`` while a ballot is open is safe as long as the old key
stays in ``SECRET_KEY_FALLBACKS`` until the ballot has closed: decryption
tries each key, and the authentication tag tells the right one.

A paper's content in ``ballots_pendingpaper`` is then a JSON string,
``"v3:" + base64(nonce ‖ ciphertext ‖ tag)``: AES-256-CCM (NIST SP
800-38C) with a 12-byte random nonce and a 16-byte tag, the ballot and
question ids as associated data so a ciphertext cannot be moved to another
question.

What is encrypted is the vote's tracker (64 hex digits, or 64 spaces on its
other papers) followed by the paper's JSON, padded with spaces to one size
for the whole ballot (``paper_size``: the longest paper any of its questions
allows), so the length of a ciphertext says nothing about how many
preferences it holds, nor which question it answers. The vote's tracker (the
SHA-256 of its receipt) travels inside its first paper and nowhere else
while the ballot is open: a reader of the database who pairs a voter with
their vote's rows gets ciphertexts only, and the tracker list is written at
the close from the decrypted papers, sorted.

Every paper is sealed and opened by ``cryptography``'s ``AESCCM``, one
call a paper. What the close saves is around that call: the tracker and the
paper sit at fixed places in the plaintext, so no JSON is parsed and no
object is made per paper (``services/close_bulk.py``).

``"v2:"`` (AES-256-GCM, tracker in a JSON object), ``"v1:"`` (AES-GCM,
unpadded, no tracker) and a JSON list (a paper stored in the clear before
encryption, or by a tool that writes papers directly) are read as they are,
one by one: a ballot open across an upgrade holds them.
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

import numpy as np
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESCCM, AESGCM
from django.conf import settings

PREFIX = "v3:"
PREFIX_V2 = "v2:"
PREFIX_V1 = "v1:"
SEALED = (PREFIX, PREFIX_V2, PREFIX_V1)
TRACKER_LENGTH = 64  # hex SHA-256
NO_TRACKER = b" " * TRACKER_LENGTH
NONCE = 12
TAG = 16


def _secrets() -> tuple[str, ...]:
    return (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ()))


@lru_cache(maxsize=256)
def _cipher(secret: str, ballot_id: int) -> AESGCM:
    """The ``v1``/``v2`` papers' cipher."""
    key = hmac.new(secret.encode(), f"agora:ballot-papers:{ballot_id}".encode(), hashlib.sha256).digest()
    return AESGCM(key)


def _key(secret: str, ballot_id: int) -> bytes:
    """The ``v3`` papers' key: another derivation than ``v2``'s, so no key
    serves two modes."""
    return hmac.new(secret.encode(), f"agora:ballot-papers-ccm:{ballot_id}".encode(), hashlib.sha256).digest()


@lru_cache(maxsize=256)
def _ccm(secret: str, ballot_id: int) -> AESCCM:
    return AESCCM(_key(secret, ballot_id), tag_length=TAG)


def _associated(ballot_id: int, question_id: int) -> bytes:
    return f"{ballot_id}:{question_id}".encode()


def _plain(content: list[int], tracker: str) -> bytes:
    if tracker and (len(tracker) != TRACKER_LENGTH or tracker.strip("0123456789abcdef")):
        raise ValueError("a tracker is 64 lower-case hex digits")
    return (tracker.encode() or NO_TRACKER) + json.dumps(content, separators=(",", ":")).encode()


def paper_size(option_sets: Iterable[Iterable[int]]) -> int:
    """The padded size of every paper of a ballot whose questions have these
    options: the longest paper any question allows (every option, in any
    order: JSON of the same ids has the same length) with a tracker, and a
    byte or two more so that a sealed paper is a whole number of base64
    groups (the close decodes them all in one call)."""
    size = max((len(_plain(sorted(options), "")) for options in option_sets), default=0)
    return size + (-(NONCE + size + TAG)) % 3


def paper_encrypt(*, ballot_id: int, question_id: int, content: list[int], size: int, tracker: str = "") -> str:
    """Seal one paper, padded to ``size`` bytes (``paper_size``), with the
    vote's tracker if this is the paper that carries it."""
    plain = _plain(content, tracker)
    if len(plain) > size:
        raise ValueError(f"a paper of {len(plain)} bytes does not fit the ballot's size of {size}")
    nonce = os.urandom(NONCE)
    sealed = _ccm(settings.SECRET_KEY, ballot_id).encrypt(
        nonce, plain.ljust(size, b" "), _associated(ballot_id, question_id)
    )
    return PREFIX + base64.b64encode(nonce + sealed).decode()


class PaperKeyMissing(RuntimeError):
    """No configured key opens a stored paper: ``SECRET_KEY`` was changed
    while the ballot was open without keeping the old one as a fallback."""


def paper_open(*, ballot_id: int, question_id: int, content: Any) -> tuple[Any, str]:
    """(the paper in the clear, the tracker it carries or ``""``)."""
    if not (isinstance(content, str) and content.startswith(SEALED)):
        return content, ""  # stored in the clear
    raw = base64.b64decode(content.split(":", 1)[1])
    if content.startswith(PREFIX):
        plain = _open_ccm(ballot_id, raw, _associated(ballot_id, question_id))
        return json.loads(plain[TRACKER_LENGTH:]), plain[:TRACKER_LENGTH].decode().strip()
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
    raise _missing(ballot_id)


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
    """The bulk form of :func:`papers_decrypt` for papers one at a time
    (those :func:`papers_open_bulk` does not take): (question id, stored
    text) rows → the papers as (question id, JSON text of the paper) and,
    apart, the trackers.

    No JSON is parsed per paper: a ``v3`` plaintext is cut at its fixed
    place, a ``v2`` plaintext is our own compact
    ``{"c":…,"t":"…"}`` padded with spaces, cut at its known places (and
    parsed the slow way only if it is not in that form). A paper stored in
    the clear is its JSON text already. Ciphers are built once, and the key
    that opened the last paper is tried first."""
    ciphers = [_cipher(secret, ballot_id) for secret in _secrets()]
    associated: dict[int, bytes] = {}
    papers: list[tuple[int, str]] = []
    trackers: list[str] = []
    for question_id, stored in rows:
        if not stored.startswith(SEALED):
            papers.append((question_id, stored))
            continue
        ad = associated.get(question_id)
        if ad is None:
            ad = associated[question_id] = _associated(ballot_id, question_id)
        if stored.startswith(PREFIX):
            plain = _open_ccm(ballot_id, binascii.a2b_base64(stored[3:]), ad)
            papers.append((question_id, plain[TRACKER_LENGTH:].decode().rstrip(" ")))
            if tracker := plain[:TRACKER_LENGTH].decode().strip():
                trackers.append(tracker)
            continue
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
    raise _missing(ballot_id)


def _missing(ballot_id: int) -> PaperKeyMissing:
    return PaperKeyMissing(
        f"No key opens the papers of ballot {ballot_id}: put the SECRET_KEY it opened under back in "
        "SECRET_KEY_FALLBACKS and close it again."
    )


def _open_ccm(ballot_id: int, raw: bytes, associated: bytes) -> bytes:
    nonce, sealed = raw[:NONCE], raw[NONCE:]
    for secret in _secrets():
        try:
            return _ccm(secret, ballot_id).decrypt(nonce, sealed, associated)
        except InvalidTag:
            continue
    raise _missing(ballot_id)


def papers_open_bulk(*, ballot_id: int, question_id: int, sealed: np.ndarray) -> np.ndarray:
    """Open many ``v3`` papers of one question: ``sealed`` holds one paper a
    row, ``nonce ‖ ciphertext ‖ tag`` as bytes (all of one length, as a
    ballot's papers are); returns their plaintexts, a row each: the tracker
    (or spaces) in the first 64 bytes, then the paper's JSON padded with
    spaces.

    Each paper is opened by the library's ``AESCCM`` (its tag checked
    there), one call a paper with nothing else around it: no JSON is parsed
    and no object made per paper. A row that no configured key opens raises
    :class:`PaperKeyMissing` (the next key is tried on the rows the first
    did not open, for a rotated ``SECRET_KEY``)."""
    n, width = sealed.shape
    raw = np.ascontiguousarray(sealed).tobytes()
    associated = _associated(ballot_id, question_id)
    opened: list[bytes] = [b""] * n
    todo: list[int] = list(range(n))
    for secret in _secrets():
        decrypt = _ccm(secret, ballot_id).decrypt
        left: list[int] = []
        for row in todo:
            at = row * width
            try:
                opened[row] = decrypt(raw[at : at + NONCE], raw[at + NONCE : at + width], associated)
            except InvalidTag:
                left.append(row)
        todo = left
        if not todo:
            return np.frombuffer(b"".join(opened), dtype=np.uint8).reshape(n, width - NONCE - TAG)
    raise _missing(ballot_id)
