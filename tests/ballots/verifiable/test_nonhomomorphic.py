"""Ranked (non-homomorphic) answers: made and checked both ways against belenios-tool.

The answer is one ciphertext of the packed ranking and a proof that its
maker knows the randomness. The tampering tests are the attacks that proof
exists for: a voter copying, or re-randomising, someone else's encrypted
ranking to learn it when the rankings are revealed.
"""

from __future__ import annotations

import json

import pytest

from ballots.verifiable.ballot import check_ballot, create_ballot
from ballots.verifiable.credentials import read_public_credentials
from ballots.verifiable.election import NonHomomorphicQuestion, read_election
from ballots.verifiable.errors import FormatError
from ballots.verifiable.group import GROUPS
from ballots.verifiable.nonhomomorphic import decode, encode
from ballots.verifiable.rejection import Rejection
from tests.ballots.verifiable.belenios_tool import ToolElection, tool_ballot, tool_verifies
from tests.ballots.verifiable.conftest import board_of
from tests.ballots.verifiable.test_ballot_check import resign

VOTES = [[[1, 2, 3, 4], [0, 1]], [[2, 1, 0, 0], [1, 0]], [[0, 0, 1, 2], [1, 0]]]


def test_ranked_ballots_made_by_belenios_tool_are_accepted(ranked_election: ToolElection, tmp_path):
    board, election = board_of(ranked_election)
    assert isinstance(election.questions[0], NonHomomorphicQuestion)
    roll = read_public_credentials(board.public_credentials, election.group)
    for i, vote in enumerate(VOTES):
        raw = tool_ballot(ranked_election, ranked_election.credentials[i], vote, tmp_path / str(i))
        verdict = check_ballot(election, raw, roll)
        assert verdict.accepted, verdict


def test_our_ranked_ballots_pass_belenios_tool(ranked_election: ToolElection, tmp_path):
    _, election = board_of(ranked_election)
    ballots = [create_ballot(election, c, v) for c, v in zip(ranked_election.credentials, VOTES, strict=False)]
    assert all(check_ballot(election, b).accepted for b in ballots)
    done = tool_verifies(ranked_election, ballots, tmp_path / "board")
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def two_ballots(ranked_election: ToolElection, tmp_path_factory) -> list[dict]:
    scratch = tmp_path_factory.mktemp("ranked")
    return [
        json.loads(tool_ballot(ranked_election, ranked_election.credentials[i], VOTES[i], scratch / str(i)))
        for i in range(2)
    ]


def _copied(ballot: dict, other: dict, election) -> None:
    ballot["answers"][0] = other["answers"][0]


def _rerandomised(ballot: dict, other: dict, election) -> None:
    """The other voter's ciphertext, re-encrypted so it looks new, with its proof."""
    group, y = election.group, election.public_key
    answer = json.loads(json.dumps(other["answers"][0]))
    s = 12345
    c = answer["choices"]
    c["alpha"] = str(int(c["alpha"]) * pow(group.g, s, group.p) % group.p)
    c["beta"] = str(int(c["beta"]) * pow(y, s, group.p) % group.p)
    ballot["answers"][0] = answer


def _changed_ranking(ballot: dict, other: dict, election) -> None:
    c = ballot["answers"][0]["choices"]
    c["beta"] = str(int(c["beta"]) * 4 % election.group.p)


def _outside_group(ballot: dict, other: dict, election) -> None:
    ballot["answers"][0]["choices"]["beta"] = str(election.group.p - 1)


TAMPERINGS = {
    "another voter's encrypted ranking": (_copied, Rejection.BAD_ENCRYPTION_PROOF),
    "another voter's ranking re-randomised": (_rerandomised, Rejection.BAD_ENCRYPTION_PROOF),
    "ranking changed after encrypting": (_changed_ranking, Rejection.BAD_ENCRYPTION_PROOF),
    "ciphertext outside the group": (_outside_group, Rejection.BAD_CIPHERTEXT),
}


@pytest.mark.parametrize("name", sorted(TAMPERINGS))
def test_tampered_ranked_ballot_is_refused_by_us_and_by_belenios(name, ranked_election, two_ballots, tmp_path):
    tamper, reason = TAMPERINGS[name]
    _, election = board_of(ranked_election)
    ballot, other = json.loads(json.dumps(two_ballots[0])), two_ballots[1]
    tamper(ballot, other, election)
    raw = resign(election, ranked_election.credentials[0], ballot)
    assert check_ballot(election, raw).reason is reason
    done = tool_verifies(ranked_election, [raw], tmp_path / "board")
    assert done.returncode != 0, done.stderr


def test_homomorphic_answer_to_a_ranked_question_is_malformed(ranked_election, two_ballots):
    _, election = board_of(ranked_election)
    ballot = json.loads(json.dumps(two_ballots[0]))
    ballot["answers"][0], ballot["answers"][1] = ballot["answers"][1], ballot["answers"][0]
    raw = resign(election, ranked_election.credentials[0], ballot)
    assert check_ballot(election, raw).reason is Rejection.MALFORMED


def test_encoding_round_trips_and_gives_a_group_element():
    group = GROUPS["RFC-3526-2048"]
    for values in ([1, 2, 3, 4], [0, 0, 0, 0], [255] * 30, [7]):
        element = encode(group, values)
        assert group.is_element(element)
        assert decode(group, len(values), element) == tuple(values)


@pytest.mark.parametrize("vote", [[[1, 2, 3], [0, 1]], [[1, 2, 3, 256], [0, 1]], [[1, 2, 3, -1], [0, 1]]])
def test_a_ranking_the_embedding_cannot_hold_is_refused_before_encrypting(vote, ranked_election):
    _, election = board_of(ranked_election)
    with pytest.raises(FormatError):
        create_ballot(election, ranked_election.credentials[0], vote)


def test_ranked_question_in_a_group_without_embedding_is_refused(ranked_election):
    board, _ = board_of(ranked_election)
    data = json.loads(board.election)
    data["group"], data["public_key"] = "BELENIOS-2048", str(GROUPS["BELENIOS-2048"].g)
    with pytest.raises(FormatError, match="cannot encode"):
        read_election(json.dumps(data))
