"""Reading what belenios-tool 2.0 writes: groups, election, credentials, trustees."""

from __future__ import annotations

import json
import random

import pytest

from ballots.verifiable.credentials import is_valid_credential, public_credential, read_public_credentials
from ballots.verifiable.errors import FormatError
from ballots.verifiable.group import GROUPS, group_named, jacobi
from ballots.verifiable.trustees import election_public_key, read_trustees
from tests.ballots.verifiable.belenios_tool import ToolElection, tool_ballot
from tests.ballots.verifiable.conftest import board_of


@pytest.mark.parametrize("name", sorted(GROUPS))
def test_group_has_prime_order_generator(name):
    group = GROUPS[name]
    assert (group.p - 1) % group.q == 0
    assert pow(group.g, group.q, group.p) == 1 and group.g != 1
    assert pow(3, group.p - 1, group.p) == 1  # Fermat: p is (very probably) prime


def test_unknown_group_is_refused():
    with pytest.raises(FormatError, match="unknown group"):
        group_named("MY-OWN-1024")


def test_election_fingerprint_is_what_the_tools_ballots_carry(tool_election: ToolElection, tmp_path):
    _, election = board_of(tool_election)
    ballot = json.loads(tool_ballot(tool_election, tool_election.credentials[0], [[1, 0, 0], [0, 1, 0]], tmp_path))
    assert election.fingerprint == ballot["election_hash"]
    assert election.uuid == tool_election.uuid
    assert [q.width for q in election.questions] == [3, 3]


def test_credentials_derive_to_the_tools_public_credentials(tool_election: ToolElection):
    """PBKDF2 salted with the uuid, reduced mod q, g to it: the board's list, exactly."""
    board, election = board_of(tool_election)
    listed = read_public_credentials(board.public_credentials, election.group)
    ours = {public_credential(election.group, election.uuid, c) for c in tool_election.credentials}
    assert ours == set(listed)
    assert set(listed.values()) == {1}


def test_credential_checksum_catches_a_typo(fast_election: ToolElection):
    credential = fast_election.credentials[0]
    assert is_valid_credential(credential)
    assert is_valid_credential(credential.replace("-", ""))
    typo = credential[:-1] + ("2" if credential[-1] != "2" else "3")
    assert not is_valid_credential(typo)


def test_weighted_and_administrator_forms_of_public_credentials(fast_election: ToolElection):
    board, election = board_of(fast_election)
    first, second = json.loads(board.public_credentials)[:2]
    weights = read_public_credentials(json.dumps([f"{first},3", f"{second},,voter-7"]), election.group)
    assert weights == {int(first): 3, int(second): 1}
    with pytest.raises(FormatError, match="listed twice"):
        read_public_credentials(json.dumps([first, first]), election.group)
    with pytest.raises(FormatError, match="not in the group"):
        read_public_credentials(json.dumps([str(election.group.p - 1)]), election.group)


def test_trustee_keys_verify_and_multiply_to_the_election_key(tool_election: ToolElection):
    board, election = board_of(tool_election)
    trustees = read_trustees(board.trustees, election.group)
    assert len(trustees) == 2
    assert election_public_key(election.group, trustees) == election.public_key


def test_trustee_key_with_a_wrong_proof_is_refused(fast_election: ToolElection):
    board, election = board_of(fast_election)
    trustees = json.loads(board.trustees)
    pok = trustees[0][1]["pok"]
    pok["response"] = str((int(pok["response"]) + 1) % election.group.q)
    with pytest.raises(FormatError, match="proof of knowledge"):
        read_trustees(json.dumps(trustees), election.group)


@pytest.mark.parametrize("name", sorted(GROUPS))
def test_membership_shortcut_agrees_with_the_definition(name):
    """RFC 3526's check uses the Jacobi symbol; it must say what x ** q == 1 says."""
    group = GROUPS[name]
    rng = random.Random(name)
    samples = [rng.randrange(1, group.p) for _ in range(200)]
    samples += [group.g, group.p - 1, pow(group.g, 12345, group.p), 1]
    members = 0
    for x in samples:
        assert group.is_element(x) == (pow(x, group.q, group.p) == 1), x
        members += group.is_element(x)
    assert 0 < members < len(samples)
    assert not group.is_element(0) and not group.is_element(group.p)
    assert [jacobi(a, n) for a, n in [(1001, 9907), (19, 45), (8, 21), (5, 21), (0, 7)]] == [-1, 1, -1, 1, 0]
