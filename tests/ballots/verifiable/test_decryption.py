"""Partial decryption with its proof, checked both ways against belenios-tool.

Our trustee's factors and proofs go on the tool's board and the tool
computes and verifies the result from them; the tool's own partial
decryption passes our check, and a changed factor or a proof moved to
another trustee fails it.
"""

from __future__ import annotations

import hashlib
import json

from ballots.verifiable.ballot import create_ballot
from ballots.verifiable.decryption import (
    check_partial_decryption,
    partial_decryption,
    read_encrypted_tally,
    read_private_key,
)
from ballots.verifiable.trustees import read_trustees
from tests.ballots.verifiable.belenios_tool import ToolElection, run_ok, tool_verifies
from tests.ballots.verifiable.conftest import board_of

VOTES = [[[1, 0, 0], [0, 1, 0]], [[0, 1, 1], [1, 0, 0]], [[1, 0, 1], [0, 0, 1]]]


def test_partial_decryptions_are_accepted_both_ways(fast_election: ToolElection, tmp_path):
    board, election = board_of(fast_election)
    trustees = read_trustees(board.trustees, election.group)
    ballots = [create_ballot(election, c, v) for c, v in zip(fast_election.credentials, VOTES, strict=False)]
    directory = tmp_path / "board"
    assert tool_verifies(fast_election, ballots, directory).returncode == 0
    run_ok(["archive", "add-event", "--type=EndBallots"], directory, stdin="")
    tally_lines = run_ok(["election", "compute-encrypted-tally", "--dir", "."], directory)
    run_ok(["archive", "add-event", "--type=EncryptedTally"], directory, stdin=tally_lines)
    tally = read_encrypted_tally(tally_lines.splitlines()[0])

    # Trustee 1 by our code, trustee 2 by the tool.
    ours = partial_decryption(election, read_private_key(fast_election.private_keys[0].read_text(), election), tally)
    owned = json.dumps({"owner": 1, "payload": hashlib.sha256(ours.encode()).hexdigest()}, separators=(",", ":"))
    run_ok(["archive", "add-event", "--type=PartialDecryption"], directory, stdin=f"{ours}\n{owned}\n")
    args = ["election", "decrypt", "--dir", ".", "--privkey", str(fast_election.private_keys[1]), "--trustee-id=2"]
    theirs = run_ok(args, directory)
    run_ok(["archive", "add-event", "--type=PartialDecryption"], directory, stdin=theirs)
    theirs_pd = theirs.splitlines()[0]

    assert check_partial_decryption(election, trustees[0].public_key, tally, ours)
    assert check_partial_decryption(election, trustees[1].public_key, tally, theirs_pd)
    assert not check_partial_decryption(election, trustees[0].public_key, tally, theirs_pd)  # not trustee 1's

    changed = json.loads(theirs_pd)
    changed["decryption_factors"][0][0] = str(
        int(changed["decryption_factors"][0][0]) * election.group.g % election.group.p
    )
    assert not check_partial_decryption(election, trustees[1].public_key, tally, json.dumps(changed))

    result = run_ok(["election", "compute-result", "--dir", "."], directory)
    run_ok(["archive", "add-event", "--type=Result"], directory, stdin=result)
    run_ok(["election", "verify", "--dir", "."], directory)
    assert json.loads(result)["result"] == [[2, 1, 2], [1, 1, 1]]
