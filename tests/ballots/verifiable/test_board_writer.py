"""A whole board written by our code alone, then verified by belenios-tool.

Setup texts (``setup_texts``), ballots, the encrypted tally (``tally``),
two shuffles, both trustees' partial decryptions and the result, written
by ``board_writer``: ``belenios-tool election verify`` must accept it, and
its own encrypted tally of our board must equal ours byte for byte.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from ballots.verifiable import setup_texts as st
from ballots.verifiable.ballot import create_ballot
from ballots.verifiable.board_writer import Record, write_board
from ballots.verifiable.credentials import public_credential
from ballots.verifiable.decryption import partial_decryption
from ballots.verifiable.election import read_election
from ballots.verifiable.errors import FormatError
from ballots.verifiable.group import group_named
from ballots.verifiable.proofs import prove_exponent
from ballots.verifiable.shuffle import merge_nh_ciphertexts, nh_ciphertexts, read_shuffle, shuffle
from ballots.verifiable.tally import decrypt_result, encrypted_tally, result_text, tally_text
from tests.ballots.verifiable.belenios_tool import run, run_ok

GROUP = group_named("RFC-3526-2048")
VOTES = [
    [[1, 2, 3], [1, 0, 0]],
    [[2, 1, 0], [0, 1, 0]],
    [[1, 1, 0], [1, 0, 0]],
    [[0, 0, 1], [0, 0, 1]],
    [[1, 2, 3], [1, 0, 0]],
    [[3, 1, 2], [0, 1, 0]],
]


def trustee_key() -> tuple[int, str]:
    """A private key and its ``.pubkey`` text, as ``setup generate-trustee-key`` makes them."""
    x = GROUP.random_exponent()
    public = pow(GROUP.g, x, GROUP.p)
    pok = prove_exponent(GROUP, [GROUP.g], x, f"pok|{GROUP.name}|{public}|")
    return x, json.dumps({"pok": pok.to_json(), "public_key": str(public)})


def test_trustee_key_with_a_wrong_proof_is_refused():
    _, text = trustee_key()
    data = json.loads(text)
    data["public_key"] = str(pow(GROUP.g, 5, GROUP.p))
    with pytest.raises(FormatError, match="proof of knowledge"):
        st.read_trustee_public_key(json.dumps(data), GROUP)


def test_new_credentials_are_valid_and_distinct():
    from ballots.verifiable.credentials import is_valid_credential

    creds = {st.new_credential() for _ in range(50)}
    assert len(creds) == 50
    assert all(is_valid_credential(c) for c in creds)


def test_our_board_passes_belenios_verify(tmp_path):
    keys = [trustee_key() for _ in range(2)]
    trustees = st.trustees_text([st.read_trustee_public_key(text, GROUP)[1] for _, text in keys])
    uuid = st.new_uuid()
    questions = [
        st.QuestionSpec("Rank", ("Ana", "Ben", "Cleo"), ranked=True),
        st.QuestionSpec("Motion", ("For", "Against", "Abstain"), ranked=False),
    ]
    text = st.election_text(
        uuid=uuid, name="Test", description="d", group_name=GROUP.name, trustees=trustees, questions=questions
    )
    election = read_election(text)
    creds = [st.new_credential() for _ in VOTES]
    public = st.public_credentials_text([public_credential(GROUP, uuid, c) for c in creds])
    ballots = [create_ballot(election, c, v) for c, v in zip(creds, VOTES, strict=True)]

    tally = encrypted_tally(election, ballots)
    first = shuffle(election, nh_ciphertexts(election, tally))
    second = shuffle(election, read_shuffle(first).ciphertexts)
    merged = merge_nh_ciphertexts(election, tally, read_shuffle(second).ciphertexts)
    decryptions = [partial_decryption(election, x, merged) for x, _ in keys]
    public_keys = [int(json.loads(t)["public_key"]) for _, t in keys]
    result = decrypt_result(election, public_keys, merged, decryptions, len(ballots))
    assert Counter(tuple(r) for r in result[0]) == Counter(tuple(v[0]) for v in VOTES)
    assert result[1] == [3, 2, 1]

    # The tool's own encrypted tally of our ballots is ours, byte for byte.
    early = tmp_path / "early"
    early.mkdir()
    (early / f"{uuid}.bel").write_bytes(write_board(Record(text, trustees, public, ballots), 1_700_000_000))
    run_ok(["archive", "add-event", "--type=EndBallots"], early, stdin="")
    theirs = run_ok(["election", "compute-encrypted-tally", "--dir", "."], early).splitlines()[0]
    assert theirs == tally_text(tally)

    record = Record(
        election=text,
        trustees=trustees,
        public_credentials=public,
        ballots=ballots,
        encrypted_tally=tally_text(tally),
        num_tallied=len(ballots),
        shuffles=[(0, first), (1, second)],
        shuffles_ended=True,
        partial_decryptions=[(1, decryptions[0]), (2, decryptions[1])],
        result=result_text(result),
    )
    board = tmp_path / "board"
    board.mkdir()
    (board / f"{uuid}.bel").write_bytes(write_board(record, 1_700_000_000))
    done = run(["election", "verify", "--dir", "."], board)
    assert done.returncode == 0, done.stderr
    assert "all checks passed" in done.stderr
