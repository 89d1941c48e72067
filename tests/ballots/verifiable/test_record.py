"""Verifying a whole record with our code (``record.verify_record``): accepted whole, refused step by step.

The record is built as in ``test_board_writer`` (which has belenios-tool
accept it); each tampering must be refused, naming the step that fails.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from ballots.verifiable import setup_texts as st
from ballots.verifiable.ballot import create_ballot
from ballots.verifiable.board_writer import Record
from ballots.verifiable.credentials import public_credential
from ballots.verifiable.decryption import partial_decryption
from ballots.verifiable.election import read_election
from ballots.verifiable.errors import FormatError
from ballots.verifiable.record import verify_record
from ballots.verifiable.shuffle import merge_nh_ciphertexts, nh_ciphertexts, read_shuffle, shuffle
from ballots.verifiable.tally import decrypt_result, encrypted_tally, result_text, tally_text
from tests.ballots.verifiable.test_board_writer import GROUP, VOTES, trustee_key


@pytest.fixture(scope="module")
def record() -> Record:
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
    creds = [st.new_credential() for _ in range(len(VOTES) + 1)]
    public = st.public_credentials_text([public_credential(GROUP, uuid, c) for c in creds])
    ballots = [create_ballot(election, c, v) for c, v in zip(creds, VOTES, strict=False)]
    tally = encrypted_tally(election, ballots)
    first = shuffle(election, nh_ciphertexts(election, tally))
    second = shuffle(election, read_shuffle(first).ciphertexts)
    merged = merge_nh_ciphertexts(election, tally, read_shuffle(second).ciphertexts)
    decryptions = [partial_decryption(election, x, merged) for x, _ in keys]
    public_keys = [int(json.loads(t)["public_key"]) for _, t in keys]
    result = decrypt_result(election, public_keys, merged, decryptions, len(ballots))
    return Record(
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


def test_a_whole_record_is_accepted(record):
    verify_record(record)
    verify_record(dataclasses.replace(record, encrypted_tally=None, shuffles=(), partial_decryptions=(), result=None))


def test_a_ballot_posted_again_is_counted_once(record):
    """Belenios' rule: a credential's later ballot replaces its earlier one, so the tally counts it once."""
    again = dataclasses.replace(record, ballots=[*record.ballots, record.ballots[0]])
    verify_record(again)
    with pytest.raises(FormatError, match="num_tallied is 7, but 6 ballots are counted"):
        verify_record(dataclasses.replace(again, num_tallied=7))


def test_a_ballot_from_elsewhere_is_refused_with_its_reason(record):
    forged = record.ballots[1].replace(json.loads(record.ballots[1])["credential"], "4", 1)
    with pytest.raises(FormatError, match=r"ballot 1 is refused: unknown_credential"):
        verify_record(dataclasses.replace(record, ballots=[record.ballots[0], forged, *record.ballots[2:]]))


def test_a_tally_without_one_ballot_is_refused(record):
    with pytest.raises(FormatError, match="encrypted tally is not the product"):
        verify_record(dataclasses.replace(record, ballots=record.ballots[:-1]))


def test_shuffles_out_of_order_are_refused(record):
    with pytest.raises(FormatError, match=r"shuffle 1 \(by 1\) is refused: shuffle_"):
        verify_record(dataclasses.replace(record, shuffles=list(reversed(record.shuffles))))


def test_a_partial_decryption_under_the_other_trustee_is_refused(record):
    (_, one), (_, two) = record.partial_decryptions
    with pytest.raises(FormatError, match="trustee 1's partial decryption is refused"):
        verify_record(dataclasses.replace(record, partial_decryptions=[(1, two), (2, one)]))
    with pytest.raises(FormatError, match="names no trustee"):
        verify_record(dataclasses.replace(record, partial_decryptions=[(1, one), (3, two)]))


def test_a_changed_result_is_refused(record):
    data = json.loads(record.result)
    data["result"][1] = [3, 1, 2]
    with pytest.raises(FormatError, match="result is not what"):
        verify_record(dataclasses.replace(record, result=json.dumps(data)))
