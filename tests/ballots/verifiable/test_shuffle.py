"""The verifiable shuffle of ranked ballots, and their decryption, checked both ways against belenios-tool.

The end-to-end test runs a whole ranked election on belenios-tool's board:
ballots from our code and from the tool, a shuffle by us then one by the
tool, trustee 1 decrypting with our code and trustee 2 with the tool; the
tool computes and verifies the result, and our decrypted rankings must be
exactly the rankings cast, as a multiset (their order is the shuffle's).
"""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest

from ballots.verifiable.archive import owned, read_board
from ballots.verifiable.ballot import create_ballot
from ballots.verifiable.decryption import decrypt_rankings, partial_decryption, read_encrypted_tally, read_private_key
from ballots.verifiable.fastpow import FixedBase, multi_pow
from ballots.verifiable.group import GROUPS
from ballots.verifiable.rejection import ShuffleRejection
from ballots.verifiable.shuffle import check_shuffle, merge_nh_ciphertexts, nh_ciphertexts, read_shuffle, shuffle
from ballots.verifiable.trustees import read_trustees
from tests.ballots.verifiable.belenios_tool import ToolElection, board_copy, run, run_ok, tool_ballot
from tests.ballots.verifiable.conftest import board_of

# Ranks per candidate (0: not ranked), and the motion. Two voters rank alike: a multiset, not a set.
VOTES = [
    [[1, 2, 3, 4], [1, 0]],
    [[2, 1, 0, 0], [0, 1]],
    [[0, 0, 1, 2], [1, 0]],
    [[1, 2, 3, 4], [1, 0]],
    [[4, 3, 2, 1], [0, 1]],
    [[0, 1, 0, 0], [1, 0]],
]


@pytest.fixture(scope="module")
def closed(ranked_election: ToolElection, tmp_path_factory) -> Path:
    """A board with three ballots by the tool and three by us, closed and tallied (not shuffled)."""
    scratch = tmp_path_factory.mktemp("closed")
    directory = board_copy(ranked_election, scratch / "board")
    _, election = board_of(ranked_election)
    for i, vote in enumerate(VOTES):
        credential = ranked_election.credentials[i]
        if i % 2:
            ballot = create_ballot(election, credential, vote)
        else:
            ballot = tool_ballot(ranked_election, credential, vote, scratch / str(i))
        run_ok(["archive", "add-event", "--type=Ballot"], directory, stdin=ballot + "\n")
    run_ok(["archive", "add-event", "--type=EndBallots"], directory, stdin="")
    tally = run_ok(["election", "compute-encrypted-tally", "--dir", "."], directory)
    run_ok(["archive", "add-event", "--type=EncryptedTally"], directory, stdin=tally)
    return directory


def _board(directory: Path):
    return read_board(next(directory.glob("*.bel")))


def _copy(closed: Path, tmp_path: Path) -> Path:
    import shutil

    shutil.copytree(closed, tmp_path / "board")
    return tmp_path / "board"


def test_the_tools_shuffle_passes_our_check(ranked_election, closed, tmp_path):
    _, election = board_of(ranked_election)
    directory = _copy(closed, tmp_path)
    run_ok(
        ["archive", "add-event", "--type=Shuffle"],
        directory,
        stdin=run_ok(["election", "shuffle", "--dir", ".", "--trustee-id=1"], directory),
    )
    board = _board(directory)
    tally = read_encrypted_tally(board.encrypted_tally)
    (theirs,) = board.shuffles
    verdict = check_shuffle(election, nh_ciphertexts(election, tally), theirs)
    assert verdict.accepted, verdict


def test_ranked_election_end_to_end_with_belenios_tool(ranked_election, closed, tmp_path):
    board0, election = board_of(ranked_election)
    directory = _copy(closed, tmp_path)
    tally = read_encrypted_tally(_board(directory).encrypted_tally)
    first = nh_ciphertexts(election, tally)

    ours = shuffle(election, first)
    assert check_shuffle(election, first, ours).accepted
    run_ok(["archive", "add-event", "--type=Shuffle"], directory, stdin=f"{ours}\n{owned(1, ours)}\n")
    theirs_lines = run_ok(["election", "shuffle", "--dir", ".", "--trustee-id=2"], directory)
    run_ok(["archive", "add-event", "--type=Shuffle"], directory, stdin=theirs_lines)
    run_ok(["archive", "add-event", "--type=EndShuffles"], directory, stdin="")
    ours_board, theirs = _board(directory).shuffles
    assert ours_board == ours
    second = read_shuffle(ours).ciphertexts
    assert check_shuffle(election, second, theirs).accepted
    merged = merge_nh_ciphertexts(election, tally, read_shuffle(theirs).ciphertexts)

    # Trustee 1 decrypts with our code, trustee 2 with the tool.
    key = read_private_key(ranked_election.private_keys[0].read_text(), election)
    mine = partial_decryption(election, key, merged)
    run_ok(["archive", "add-event", "--type=PartialDecryption"], directory, stdin=f"{mine}\n{owned(1, mine)}\n")
    args = ["election", "decrypt", "--dir", ".", "--privkey", str(ranked_election.private_keys[1]), "--trustee-id=2"]
    theirs_pd = run_ok(args, directory)
    run_ok(["archive", "add-event", "--type=PartialDecryption"], directory, stdin=theirs_pd)
    result = run_ok(["election", "compute-result", "--dir", "."], directory)
    run_ok(["archive", "add-event", "--type=Result"], directory, stdin=result)
    done = run(["election", "verify", "--dir", "."], directory)
    assert done.returncode == 0, done.stderr

    keys = [t.public_key for t in read_trustees(board0.trustees, election.group)]
    (rankings,) = decrypt_rankings(election, keys, merged, [mine, theirs_pd.splitlines()[0]])
    cast = Counter(tuple(v[0]) for v in VOTES)
    assert Counter(rankings) == cast
    tool_rankings = json.loads(result)["result"][0]
    assert Counter(tuple(r) for r in tool_rankings) == cast
    assert json.loads(result)["result"][1] == [4, 2]


def _bump(x: str, q: int) -> str:
    return str((int(x) + 1) % q)


def _swap_outputs(data, group):
    row = data["ciphertexts"][0]
    row[0], row[1] = row[1], row[0]


def _replace_output(data, group):
    """An output swapped for another ranking: its beta times 256 (the padding's next value)."""
    c = data["ciphertexts"][0][2]
    c["beta"] = str(int(c["beta"]) * 4 % group.p)


def _drop_output(data, group):
    data["ciphertexts"][0].pop()


def _outside_group(data, group):
    data["ciphertexts"][0][0]["alpha"] = str(group.p - 1)


def _response(index):
    def tamper(data, group):
        s = data["proofs"][0][1]
        s[index] = _bump(s[index], group.q)

    return tamper


def _link_response(data, group):
    s_hat = data["proofs"][0][1][4]
    s_hat[3] = _bump(s_hat[3], group.q)


TAMPERINGS = {
    "two outputs swapped": (_swap_outputs, ShuffleRejection.BAD_PERMUTATION_COMMITMENT),
    "an output replaced": (_replace_output, ShuffleRejection.BAD_PERMUTATION_COMMITMENT),
    "an output dropped": (_drop_output, ShuffleRejection.WRONG_COUNT),
    "an output outside the group": (_outside_group, ShuffleRejection.BAD_ELEMENT),
    "s1 changed": (_response(0), ShuffleRejection.BAD_PERMUTATION_COMMITMENT),
    "s2 changed": (_response(1), ShuffleRejection.BAD_COMMITMENT_CHAIN),
    "s3 changed": (_response(2), ShuffleRejection.BAD_CHALLENGE_COMMITMENT),
    "s4 changed": (_response(3), ShuffleRejection.BAD_REENCRYPTION),
    "one link's response changed": (_link_response, ShuffleRejection.BAD_CHAIN_LINK),
}


@pytest.mark.parametrize("name", sorted(TAMPERINGS))
def test_tampered_shuffle_is_refused_by_us_and_by_belenios(name, ranked_election, closed, tmp_path):
    tamper, reason = TAMPERINGS[name]
    _, election = board_of(ranked_election)
    directory = _copy(closed, tmp_path)
    first = nh_ciphertexts(election, read_encrypted_tally(_board(directory).encrypted_tally))
    data = json.loads(shuffle(election, first, random.Random(name)))
    tamper(data, election.group)
    raw = json.dumps(data, separators=(",", ":"))
    assert check_shuffle(election, first, raw).reason is reason
    run_ok(["archive", "add-event", "--type=Shuffle"], directory, stdin=f"{raw}\n{owned(1, raw)}\n")
    done = run(["election", "verify", "--dir", "."], directory)
    assert done.returncode != 0, done.stderr


def test_shuffle_for_other_ciphertexts_is_refused(ranked_election, closed):
    """A valid shuffle of other inputs: the challenges hash the inputs, so it does not verify."""
    _, election = board_of(ranked_election)
    first = nh_ciphertexts(election, read_encrypted_tally(_board(closed).encrypted_tally))
    other = (first[0][1:] + first[0][:1],)
    assert not check_shuffle(election, other, shuffle(election, first)).accepted


def test_fast_powers_agree_with_pow():
    group = GROUPS["RFC-3526-2048"]
    rng = random.Random(7)
    bases = [rng.randrange(1, group.p) for _ in range(40)]
    exponents = [rng.randrange(group.q) for _ in range(40)] + [0, 1, group.q - 1]
    for n in (0, 1, 3, 4, 40):
        expected = 1
        for b, e in zip(bases[:n], exponents[:n], strict=True):
            expected = expected * pow(b, e, group.p) % group.p
        assert multi_pow(bases[:n], exponents[:n], group.p) == expected
    fixed = FixedBase.of(group, bases[0])
    assert all(fixed.pow(e) == pow(bases[0], e, group.p) for e in exponents)
