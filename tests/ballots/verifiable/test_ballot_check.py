"""Checking ballots: the tool's ballots pass; each kind of tampering is refused for its reason.

A tampered ballot is re-signed with the voter's credential where the test
needs to get past the signature: that is the real threat (a voter's own
device submitting a ballot that over-votes), and it shows each proof is
checked on its own. For those, belenios-tool is asked too and must refuse.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from ballots.verifiable import jsonfields as jf
from ballots.verifiable.ballot import check_ballot
from ballots.verifiable.credentials import credential_secret, read_public_credentials
from ballots.verifiable.election import Election
from ballots.verifiable.proofs import prove_exponent
from ballots.verifiable.rejection import Rejection
from tests.ballots.verifiable.belenios_tool import ToolElection, tool_ballot, tool_verifies
from tests.ballots.verifiable.conftest import board_of

CHOICES = [[1, 1, 0], [0, 1, 0]]


def resign(election: Election, credential: str, ballot: dict[str, Any]) -> str:
    """Sign an edited ballot again, as a cheating voter's device could."""
    unsigned = {k: v for k, v in ballot.items() if k != "signature"}
    ballot_hash = jf.sha256_b64(jf.canonical_json(unsigned))
    secret = credential_secret(election.group, election.uuid, credential)
    proof = prove_exponent(election.group, [election.group.g], secret, f"sig|{ballot_hash}|")
    return jf.canonical_json({**unsigned, "signature": {"hash": ballot_hash, "proof": proof.to_json()}})


@pytest.fixture(scope="module")
def tool_ballots(fast_election: ToolElection, tmp_path_factory) -> list[str]:
    scratch = tmp_path_factory.mktemp("ballots")
    return [
        tool_ballot(fast_election, fast_election.credentials[0], CHOICES, scratch / "a"),
        tool_ballot(fast_election, fast_election.credentials[1], [[0, 0, 1], [1, 0, 0]], scratch / "b"),
    ]


def test_ballots_made_by_belenios_tool_are_accepted(tool_election: ToolElection, tmp_path):
    board, election = board_of(tool_election)
    roll = read_public_credentials(board.public_credentials, election.group)
    for i, choices in enumerate([CHOICES, [[1, 0, 0], [1, 0, 0]], [[0, 1, 1], [0, 0, 1]]]):
        raw = tool_ballot(tool_election, tool_election.credentials[i], choices, tmp_path / str(i))
        verdict = check_ballot(election, raw, roll)
        assert verdict.accepted, verdict


def _bump_beta(ballot: dict[str, Any], election: Election) -> None:
    """Turn the first choice's encrypted 1 into an encrypted 2 (multiply beta by g)."""
    choice = ballot["answers"][0]["choices"][0]
    choice["beta"] = str(int(choice["beta"]) * election.group.g % election.group.p)


def _swap_individual_proofs(ballot: dict[str, Any], election: Election) -> None:
    proofs = ballot["answers"][0]["individual_proofs"]
    proofs[0], proofs[2] = proofs[2], proofs[0]


def _flip_blank_proof(ballot: dict[str, Any], election: Election) -> None:
    blank = ballot["answers"][1]["blank_proof"]
    blank[0], blank[1] = blank[1], blank[0]


TAMPERINGS: dict[str, tuple[Callable[[dict[str, Any], Election], None], Rejection]] = {
    "changed ciphertext": (_bump_beta, Rejection.BAD_INDIVIDUAL_PROOF),
    "proof copied from another choice": (_swap_individual_proofs, Rejection.BAD_INDIVIDUAL_PROOF),
    "blank proof's halves swapped": (_flip_blank_proof, Rejection.BAD_BLANK_PROOF),
}


@pytest.mark.parametrize("name", sorted(TAMPERINGS))
def test_tampered_and_resigned_ballot_is_refused_by_us_and_by_belenios(
    name, fast_election: ToolElection, tool_ballots, tmp_path
):
    tamper, reason = TAMPERINGS[name]
    _, election = board_of(fast_election)
    ballot = json.loads(tool_ballots[0])
    tamper(ballot, election)
    raw = resign(election, fast_election.credentials[0], ballot)
    assert check_ballot(election, raw).reason is reason
    done = tool_verifies(fast_election, [raw], tmp_path / "board")
    assert done.returncode != 0 and "invalid ballot" in done.stderr, done.stderr


def test_overall_proof_copied_from_another_ballot_is_refused(fast_election: ToolElection, tool_ballots, tmp_path):
    _, election = board_of(fast_election)
    ballot, other = (json.loads(b) for b in tool_ballots)
    ballot["answers"][0]["overall_proof"] = other["answers"][0]["overall_proof"]
    raw = resign(election, fast_election.credentials[0], ballot)
    assert check_ballot(election, raw).reason is Rejection.BAD_OVERALL_PROOF
    done = tool_verifies(fast_election, [raw], tmp_path / "board")
    assert done.returncode != 0 and "invalid ballot" in done.stderr, done.stderr


def test_whole_answer_copied_from_another_voter_is_refused(fast_election: ToolElection, tool_ballots):
    """Proofs are bound to the credential: a copied answer does not verify under another voter's."""
    _, election = board_of(fast_election)
    ballot, other = (json.loads(b) for b in tool_ballots)
    ballot["answers"][0] = other["answers"][0]
    raw = resign(election, fast_election.credentials[0], ballot)
    assert check_ballot(election, raw).reason is Rejection.BAD_INDIVIDUAL_PROOF


def test_changed_ballot_without_the_credential_fails_the_signature(fast_election: ToolElection, tool_ballots):
    _, election = board_of(fast_election)
    ballot = json.loads(tool_ballots[0])
    _bump_beta(ballot, election)
    assert check_ballot(election, jf.canonical_json(ballot)).reason is Rejection.BAD_SIGNATURE


def test_signature_from_another_ballot_is_refused(fast_election: ToolElection, tool_ballots):
    _, election = board_of(fast_election)
    ballot, other = (json.loads(b) for b in tool_ballots)
    ballot["signature"] = other["signature"]
    assert check_ballot(election, jf.canonical_json(ballot)).reason is Rejection.BAD_SIGNATURE


def test_ballot_for_another_election_is_refused(fast_election: ToolElection, other_election, tool_ballots):
    _, other = board_of(other_election)
    assert check_ballot(other, tool_ballots[0]).reason is Rejection.WRONG_ELECTION


def test_ballot_with_a_credential_not_on_the_roll_is_refused(fast_election, other_election, tool_ballots):
    _, election = board_of(fast_election)
    other_board, _ = board_of(other_election)
    roll = read_public_credentials(other_board.public_credentials, election.group)
    assert check_ballot(election, tool_ballots[0], roll).reason is Rejection.UNKNOWN_CREDENTIAL


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda raw: json.dumps(json.loads(raw), indent=1), Rejection.NOT_CANONICAL),
        (lambda raw: raw + " ", Rejection.NOT_CANONICAL),
        (lambda raw: raw[: len(raw) // 2], Rejection.MALFORMED),
        (lambda raw: raw.replace('"credential"', '"credentials"'), Rejection.MALFORMED),
        (lambda raw: "[]", Rejection.MALFORMED),
    ],
)
def test_malformed_or_reformatted_ballot_is_refused(edit, reason, fast_election: ToolElection, tool_ballots):
    _, election = board_of(fast_election)
    assert check_ballot(election, edit(tool_ballots[0])).reason is reason


def test_ciphertext_outside_the_group_is_refused(fast_election: ToolElection, tool_ballots):
    _, election = board_of(fast_election)
    ballot = json.loads(tool_ballots[0])
    ballot["answers"][0]["choices"][1]["alpha"] = str(election.group.p - 1)  # order 2, not in the subgroup
    raw = resign(election, fast_election.credentials[0], ballot)
    assert check_ballot(election, raw).reason is Rejection.BAD_CIPHERTEXT
