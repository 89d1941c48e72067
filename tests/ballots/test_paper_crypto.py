"""Papers encrypted while open: the database holds no key, a rotated
SECRET_KEY still opens them from SECRET_KEY_FALLBACKS, and a ciphertext
cannot be moved to another ballot or question."""

from __future__ import annotations

from typing import Any

import pytest

from ballots.services.paper_crypto import PaperKeyMissing, paper_encrypt, paper_open, paper_size

SIZE = paper_size([[1234567, 7654321, 5]])


def test_a_paper_round_trips_and_is_not_readable_as_stored(settings: Any) -> None:
    settings.SECRET_KEY = "k" * 50
    stored = paper_encrypt(ballot_id=7, question_id=3, content=[1234567, 7654321], size=SIZE)
    assert stored.startswith("v2:") and "1234567" not in stored
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
    import base64
    import hashlib
    import hmac
    import json
    import os

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    settings.SECRET_KEY = "k" * 50
    key = hmac.new(settings.SECRET_KEY.encode(), b"agora:ballot-papers:7", hashlib.sha256).digest()
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, json.dumps([4, 2]).encode(), b"7:3")
    stored = "v1:" + base64.b64encode(nonce + sealed).decode()
    assert paper_open(ballot_id=7, question_id=3, content=stored) == ([4, 2], "")
