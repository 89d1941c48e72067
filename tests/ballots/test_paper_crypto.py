"""Papers encrypted while open: the database holds no key, a rotated
SECRET_KEY still opens them from SECRET_KEY_FALLBACKS, and a ciphertext
cannot be moved to another ballot or question. The close's bulk opening
computes what the library's AES-CCM computes, refusals included."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import random
from typing import Any

import numpy as np
import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESCCM, AESGCM

from ballots.services.paper_crypto import (
    PaperKeyMissing,
    paper_encrypt,
    paper_open,
    paper_size,
    papers_open_bulk,
    papers_open_json,
)

SIZE = paper_size([[1234567, 7654321, 5]])


def test_a_paper_round_trips_and_is_not_readable_as_stored(settings: Any) -> None:
    settings.SECRET_KEY = "k" * 50
    stored = paper_encrypt(ballot_id=7, question_id=3, content=[1234567, 7654321], size=SIZE)
    assert stored.startswith("v3:") and "1234567" not in stored
    assert stored != paper_encrypt(ballot_id=7, question_id=3, content=[1234567, 7654321], size=SIZE), (
        "a fresh nonce each time"
    )
    assert paper_open(ballot_id=7, question_id=3, content=stored)[0] == [1234567, 7654321]


def test_a_rotated_key_opens_papers_only_while_kept_as_a_fallback(settings: Any) -> None:
    settings.SECRET_KEY = "old" * 20
    stored = paper_encrypt(ballot_id=7, question_id=3, content=[5], size=SIZE)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "new" * 20, ["old" * 20]
    assert paper_open(ballot_id=7, question_id=3, content=stored)[0] == [5]
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(PaperKeyMissing):
        paper_open(ballot_id=7, question_id=3, content=stored)[0]


def test_a_ciphertext_belongs_to_its_ballot_and_question(settings: Any) -> None:
    settings.SECRET_KEY = "k" * 50
    stored = paper_encrypt(ballot_id=7, question_id=3, content=[5], size=SIZE)
    for ballot_id, question_id in ((8, 3), (7, 4)):
        with pytest.raises(PaperKeyMissing):
            paper_open(ballot_id=ballot_id, question_id=question_id, content=stored)[0]


def test_papers_stored_in_the_clear_before_are_read_as_they_are() -> None:
    assert paper_open(ballot_id=7, question_id=3, content=[3, 1])[0] == [3, 1]


def test_a_paper_is_padded_to_the_ballots_size_and_carries_its_tracker(settings: Any) -> None:
    settings.SECRET_KEY = "k" * 50
    tracker = "ab" * 32
    one = paper_encrypt(ballot_id=7, question_id=3, content=[5], size=SIZE, tracker=tracker)
    three = paper_encrypt(ballot_id=7, question_id=4, content=[7654321, 1234567, 5], size=SIZE)
    assert len(one) == len(three)
    assert tracker not in one
    assert paper_open(ballot_id=7, question_id=3, content=one) == ([5], tracker)
    assert paper_open(ballot_id=7, question_id=4, content=three) == ([7654321, 1234567, 5], "")
    with pytest.raises(ValueError, match="does not fit"):
        paper_encrypt(ballot_id=7, question_id=3, content=[1234567, 7654321, 5, 8], size=SIZE, tracker=tracker)


def test_papers_sealed_before_padding_are_still_opened(settings: Any) -> None:
    """A ballot open across the upgrade holds "v1:" papers (unpadded, no
    tracker): the close still opens them, under the documented key."""
    settings.SECRET_KEY = "k" * 50
    key = hmac.new(settings.SECRET_KEY.encode(), b"agora:ballot-papers:7", hashlib.sha256).digest()
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, json.dumps([4, 2]).encode(), b"7:3")
    stored = "v1:" + base64.b64encode(nonce + sealed).decode()
    assert paper_open(ballot_id=7, question_id=3, content=stored) == ([4, 2], "")


def test_papers_sealed_with_aes_gcm_before_ccm_are_still_opened(settings: Any) -> None:
    """A ballot open across the upgrade holds "v2:" papers (AES-GCM, the
    tracker in a JSON object): opened one by one, tracker and all."""
    settings.SECRET_KEY = "k" * 50
    key = hmac.new(settings.SECRET_KEY.encode(), b"agora:ballot-papers:7", hashlib.sha256).digest()
    nonce = os.urandom(12)
    plain = json.dumps({"c": [4, 2], "t": "cd" * 32}, separators=(",", ":")).encode().ljust(120)
    stored = "v2:" + base64.b64encode(nonce + AESGCM(key).encrypt(nonce, plain, b"7:3")).decode()
    assert paper_open(ballot_id=7, question_id=3, content=stored) == ([4, 2], "cd" * 32)
    assert papers_open_json(ballot_id=7, rows=[(3, stored)]) == ([(3, "[4,2]")], ["cd" * 32])


def _sealed(stored: list[str]) -> np.ndarray:
    raw = b"".join(base64.b64decode(s[3:]) for s in stored)
    return np.frombuffer(raw, dtype=np.uint8).reshape(len(stored), -1).copy()


def test_the_bulk_opening_gives_what_the_library_gives_paper_by_paper(settings: Any) -> None:
    settings.SECRET_KEY = "k" * 50
    rng = random.Random(5)
    options = [1234567, 7654321, 5, 12, 99999]
    size = paper_size([options])
    stored = [
        paper_encrypt(
            ballot_id=7,
            question_id=3,
            content=rng.sample(options, rng.randint(1, 5)),
            size=size,
            tracker=f"{rng.getrandbits(256):064x}" if rng.random() < 0.5 else "",
        )
        for _ in range(300)
    ]
    opened = papers_open_bulk(ballot_id=7, question_id=3, sealed=_sealed(stored))
    for row, one in zip(opened, stored, strict=True):
        content, tracker = paper_open(ballot_id=7, question_id=3, content=one)
        assert row[64:].tobytes().decode().rstrip(" ") == json.dumps(content, separators=(",", ":"))
        assert row[:64].tobytes().decode().strip() == tracker


def test_the_bulk_opening_is_the_standards_ccm(settings: Any) -> None:
    """Sealed by the library's AESCCM under the documented key, opened by
    the bulk path: the same arithmetic, not a look-alike of our own."""
    settings.SECRET_KEY = "k" * 50
    key = hmac.new(settings.SECRET_KEY.encode(), b"agora:ballot-papers-ccm:7", hashlib.sha256).digest()
    plains = [os.urandom(83) for _ in range(40)]
    nonces = [os.urandom(12) for _ in plains]
    sealed = [n + AESCCM(key).encrypt(n, p, b"7:3") for n, p in zip(nonces, plains, strict=True)]
    raw = np.frombuffer(b"".join(sealed), dtype=np.uint8).reshape(40, -1)
    assert papers_open_bulk(ballot_id=7, question_id=3, sealed=raw).tobytes() == b"".join(plains)


def test_the_bulk_opening_refuses_a_changed_byte_and_a_moved_paper(settings: Any) -> None:
    settings.SECRET_KEY = "k" * 50
    size = paper_size([[1, 2, 3]])
    stored = [paper_encrypt(ballot_id=7, question_id=3, content=[1, 2], size=size) for _ in range(50)]
    for at in (0, 5, 20, size + 27):  # nonce, ciphertext, tag
        sealed = _sealed(stored)
        sealed[17, at] ^= 1
        with pytest.raises(PaperKeyMissing):
            papers_open_bulk(ballot_id=7, question_id=3, sealed=sealed)
    for ballot_id, question_id in ((8, 3), (7, 4)):
        with pytest.raises(PaperKeyMissing):
            papers_open_bulk(ballot_id=ballot_id, question_id=question_id, sealed=_sealed(stored))


def test_the_bulk_opening_tries_a_rotated_key_on_the_papers_it_sealed(settings: Any) -> None:
    settings.SECRET_KEY = "old" * 20
    size = paper_size([[1, 2, 3]])
    old = [paper_encrypt(ballot_id=7, question_id=3, content=[1], size=size) for _ in range(3)]
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "new" * 20, ["old" * 20]
    new = [paper_encrypt(ballot_id=7, question_id=3, content=[2, 3], size=size) for _ in range(3)]
    opened = papers_open_bulk(ballot_id=7, question_id=3, sealed=_sealed(old + new))
    assert [row[64:].tobytes().decode().strip() for row in opened] == ["[1]"] * 3 + ["[2,3]"] * 3
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(PaperKeyMissing):
        papers_open_bulk(ballot_id=7, question_id=3, sealed=_sealed(old + new))
