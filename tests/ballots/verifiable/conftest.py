"""Elections set up once per session by the real belenios-tool 2.0, in both of its groups."""

from __future__ import annotations

import pytest

from ballots.verifiable.archive import Board, read_board
from ballots.verifiable.election import Election, read_election
from tests.ballots.verifiable.belenios_tool import ToolElection, make_election

# One question without blank (choose 1 or 2 of 3), one with blank (exactly 1 of 2).
QUESTIONS: list[dict[str, object]] = [
    {"answers": ["Ana", "Ben", "Cleo"], "min": 1, "max": 2, "question": "Committee?"},
    {"answers": ["Yes", "No"], "blank": True, "min": 1, "max": 1, "question": "Motion 4?"},
]


@pytest.fixture(scope="session", params=["BELENIOS-2048", "RFC-3526-2048"])
def tool_election(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> ToolElection:
    return make_election(tmp_path_factory.mktemp("belenios") / "election", request.param, QUESTIONS, voters=6)


@pytest.fixture(scope="session")
def fast_election(tmp_path_factory: pytest.TempPathFactory) -> ToolElection:
    """The 256-bit-exponent group, for the tests that only need one group."""
    return make_election(tmp_path_factory.mktemp("belenios") / "election", "BELENIOS-2048", QUESTIONS, voters=6)


@pytest.fixture(scope="session")
def other_election(tmp_path_factory: pytest.TempPathFactory) -> ToolElection:
    """Same questions, same group, another uuid and key: a ballot for one is not for the other."""
    return make_election(tmp_path_factory.mktemp("belenios") / "other", "BELENIOS-2048", QUESTIONS, voters=2)


def board_of(election: ToolElection) -> tuple[Board, Election]:
    board = read_board(election.board)
    return board, read_election(board.election)


# A ranked question (rank 1, 2, ... per candidate; 0 = not ranked) next to a homomorphic one.
RANKED_QUESTIONS: list[dict[str, object]] = [
    {"type": "NonHomomorphic", "value": {"answers": ["Ana", "Ben", "Cleo", "Dev"], "question": "Rank the committee"}},
    {"answers": ["Yes", "No"], "min": 1, "max": 1, "question": "Motion 4?"},
]


@pytest.fixture(scope="session")
def ranked_election(tmp_path_factory: pytest.TempPathFactory) -> ToolElection:
    """Non-homomorphic questions need RFC 3526's group (Belenios encodes a whole ranking as one element)."""
    return make_election(tmp_path_factory.mktemp("belenios") / "ranked", "RFC-3526-2048", RANKED_QUESTIONS, voters=8)
