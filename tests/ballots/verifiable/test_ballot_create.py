"""Ballots made by our code are accepted by belenios-tool, and count as the voter chose.

The strongest check is the count: our ballots go on belenios-tool's board,
the tool tallies and its trustees decrypt, and the result must be the sum
of the choices we encrypted. A ballot that verified but encrypted the wrong
values would fail here.
"""

from __future__ import annotations

import json

import pytest

from ballots.verifiable.ballot import check_ballot, create_ballot
from ballots.verifiable.credentials import read_public_credentials
from ballots.verifiable.errors import FormatError
from tests.ballots.verifiable.belenios_tool import ToolElection, run_ok, tool_verifies
from tests.ballots.verifiable.conftest import board_of

# Six voters: non-blank and blank answers, one and two choices, the same voter twice (last counts).
VOTES = [
    [[1, 0, 0], [0, 1, 0]],
    [[0, 1, 1], [0, 0, 1]],
    [[1, 1, 0], [1, 0, 0]],  # blank on the motion
    [[0, 0, 1], [0, 1, 0]],
    [[1, 0, 1], [1, 0, 0]],
    [[0, 1, 0], [0, 0, 1]],
]
REVOTE = (0, [[0, 0, 1], [0, 0, 1]])


def expected_result() -> list[list[int]]:
    final = list(VOTES)
    final[REVOTE[0]] = REVOTE[1]
    return [[sum(v[q][i] for v in final) for i in range(3)] for q in range(2)]


@pytest.mark.slow
def test_our_ballots_pass_belenios_tool_and_count_as_chosen(tool_election: ToolElection, tmp_path):
    board, election = board_of(tool_election)
    roll = read_public_credentials(board.public_credentials, election.group)
    ballots = [create_ballot(election, c, v) for c, v in zip(tool_election.credentials, VOTES, strict=True)]
    ballots.append(create_ballot(election, tool_election.credentials[REVOTE[0]], REVOTE[1]))
    assert all(check_ballot(election, b, roll).accepted for b in ballots)

    done = tool_verifies(tool_election, ballots, tmp_path / "board")
    assert done.returncode == 0, done.stderr
    directory = tmp_path / "board"
    run_ok(["archive", "add-event", "--type=EndBallots"], directory, stdin="")
    tally = run_ok(["election", "compute-encrypted-tally", "--dir", "."], directory)
    run_ok(["archive", "add-event", "--type=EncryptedTally"], directory, stdin=tally)
    for trustee_id, key in enumerate(tool_election.private_keys, start=1):
        args = ["election", "decrypt", "--dir", ".", "--privkey", str(key), f"--trustee-id={trustee_id}"]
        run_ok(["archive", "add-event", "--type=PartialDecryption"], directory, stdin=run_ok(args, directory))
    result = run_ok(["election", "compute-result", "--dir", "."], directory)
    run_ok(["archive", "add-event", "--type=Result"], directory, stdin=result)
    run_ok(["election", "verify", "--dir", "."], directory)
    assert json.loads(result)["result"] == expected_result()


@pytest.mark.parametrize(
    "choices",
    [
        [[1, 0, 0]],  # one question missing
        [[0, 0, 0], [0, 1, 0]],  # fewer than min on the committee
        [[1, 1, 1], [0, 1, 0]],  # more than max
        [[2, 0, 0], [0, 1, 0]],  # not 0 or 1
        [[1, 0, 0], [1, 1, 0]],  # blank and a choice
        [[1, 0, 0], [0, 1]],  # wrong width
    ],
)
def test_choices_the_question_does_not_allow_are_refused_before_encrypting(choices, fast_election: ToolElection):
    _, election = board_of(fast_election)
    with pytest.raises(FormatError):
        create_ballot(election, fast_election.credentials[0], choices)


def test_a_mistyped_credential_is_refused(fast_election: ToolElection):
    _, election = board_of(fast_election)
    credential = fast_election.credentials[0]
    with pytest.raises(FormatError, match="checksum"):
        create_ballot(election, credential[:-1] + ("2" if credential[-1] != "2" else "3"), VOTES[0])
