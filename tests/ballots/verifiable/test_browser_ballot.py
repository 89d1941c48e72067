"""Ballots encrypted in Chromium by ``static/js/verifiable/`` are Belenios ballots.

The browser's modules are loaded from the live server's static files, as
the app serves them, and encrypt ballots for elections belenios-tool set
up in both groups. Each ballot must pass our checker (the server's gate)
and belenios-tool's ``election verify``, and the tool's own tally of them
must be the choices the browser was given: a ballot whose proofs verify
but whose ciphertexts hold the wrong values would fail there. The Benaloh
audit is checked both in the browser and by ``ballots.verifiable.audit``.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Error as PageError

from ballots.verifiable import jsonfields as jf
from ballots.verifiable.answers import read_answer
from ballots.verifiable.audit import AuditRecord, encrypt_with_randomness, open_audited_ballot, read_audit_record
from ballots.verifiable.ballot import check_ballot
from ballots.verifiable.credentials import BASE58, is_valid_credential, read_public_credentials
from ballots.verifiable.errors import FormatError
from ballots.verifiable.group import GROUPS
from ballots.verifiable.rejection import Rejection
from tests.ballots.verifiable.belenios_tool import ToolElection, run_ok, tool_verifies
from tests.ballots.verifiable.browser_page import browser_ballot, open_page
from tests.ballots.verifiable.conftest import board_of
from tests.ballots.verifiable.test_ballot_check import TAMPERINGS, resign

pytestmark = pytest.mark.browser

# Six voters (the second question allows blank: its first value is the blank flag), then voter 0 again.
VOTES = [
    [[1, 0, 0], [0, 1, 0]],
    [[0, 1, 1], [0, 0, 1]],
    [[1, 1, 0], [1, 0, 0]],
    [[0, 0, 1], [0, 1, 0]],
    [[1, 0, 1], [1, 0, 0]],
    [[0, 1, 0], [0, 0, 1]],
]
REVOTE = [[0, 0, 1], [0, 0, 1]]


@pytest.fixture(scope="module")
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    page = open_page(browser, live_server.url)
    yield page
    page.context.close()


def tool_tally(directory: Path, private_keys: tuple[Path, ...]) -> list[list[int]]:
    """Close the board, tally, have each trustee decrypt, and return belenios-tool's verified result."""
    run_ok(["archive", "add-event", "--type=EndBallots"], directory, stdin="")
    tally = run_ok(["election", "compute-encrypted-tally", "--dir", "."], directory)
    run_ok(["archive", "add-event", "--type=EncryptedTally"], directory, stdin=tally)
    for trustee_id, key in enumerate(private_keys, start=1):
        args = ["election", "decrypt", "--dir", ".", "--privkey", str(key), f"--trustee-id={trustee_id}"]
        run_ok(["archive", "add-event", "--type=PartialDecryption"], directory, stdin=run_ok(args, directory))
    result = run_ok(["election", "compute-result", "--dir", "."], directory)
    run_ok(["archive", "add-event", "--type=Result"], directory, stdin=result)
    run_ok(["election", "verify", "--dir", "."], directory)
    counts: list[list[int]] = json.loads(result)["result"]
    return counts


def test_the_browser_uses_the_same_groups(page: Any) -> None:
    groups = page.evaluate(
        """async () => {
          const { GROUPS } = await import("/static/js/verifiable/group.js");
          return Object.fromEntries(Object.values(GROUPS).map((g) => [g.name, [g.p, g.q, g.g].map(String)]));
        }"""
    )
    assert groups == {name: [str(g.p), str(g.q), str(g.g)] for name, g in GROUPS.items()}


@pytest.mark.parametrize("name", sorted(GROUPS))
def test_the_browsers_powers_are_pythons(name: str, page: Any) -> None:
    """The comb table and the sliding window, at the edges (0, q - 1, q, negative) and at random."""
    group = GROUPS[name]
    base = pow(group.g, secrets.randbelow(group.q), group.p)  # an element like the election key
    exponents = [0, 1, 2, group.q - 1, group.q, group.q + 5, -3] + [secrets.randbelow(group.q) for _ in range(20)]
    fixed, windowed = page.evaluate(
        """async ([p, q, base, exponents]) => {
          const { FixedBase, modPow } = await import("/static/js/verifiable/arithmetic.js");
          const table = new FixedBase(BigInt(base), BigInt(p), BigInt(q));
          const positive = exponents.filter((e) => !e.startsWith("-"));
          return [
            exponents.map((e) => table.pow(BigInt(e)).toString()),
            positive.map((e) => modPow(BigInt(base), BigInt(e), BigInt(p)).toString()),
          ];
        }""",
        [str(group.p), str(group.q), str(base), [str(e) for e in exponents]],
    )
    assert fixed == [str(pow(base, e % group.q, group.p)) for e in exponents]
    assert windowed == [str(pow(base, e, group.p)) for e in exponents if e >= 0]


@pytest.mark.slow
def test_browser_ballots_pass_our_check_and_belenios_tool_and_count_as_chosen(
    tool_election: ToolElection, page: Any, tmp_path: Path
) -> None:
    board, election = board_of(tool_election)
    roll = read_public_credentials(board.public_credentials, election.group)
    made = [browser_ballot(page, board.election, c, v) for c, v in zip(tool_election.credentials, VOTES, strict=True)]
    made.append(browser_ballot(page, board.election, tool_election.credentials[0], REVOTE))
    for ballot in made:
        assert check_ballot(election, ballot["ballot"], roll).accepted
        assert ballot["tracker"] == jf.sha256_b64(ballot["ballot"])

    done = tool_verifies(tool_election, [b["ballot"] for b in made], tmp_path / "board")
    assert done.returncode == 0, done.stderr
    final = [REVOTE, *VOTES[1:]]
    assert tool_tally(tmp_path / "board", tool_election.private_keys) == [
        [sum(v[q][i] for v in final) for i in range(3)] for q in range(2)
    ]


BENALOH = """async ([electionText, credential, choices]) => {
  const v = await import("/static/js/verifiable/index.js");
  const election = await v.readElection(electionText);
  const { audited, held, matches, fresh } = await v.benalohChallenge(election, credential, choices);
  return { audited, held, matches, fresh: v.revealBallot(fresh) };
}"""


def test_a_benaloh_audited_ballot_opens_to_the_voters_choices(tool_election: ToolElection, page: Any) -> None:
    board, election = board_of(tool_election)
    choices = [[0, 1, 1], [1, 0, 0]]
    outcome = page.evaluate(BENALOH, [board.election, tool_election.credentials[0], choices])
    assert outcome["matches"] and outcome["held"] == choices

    record = read_audit_record(json.dumps(outcome["audited"]))
    assert open_audited_ballot(election, record) == tuple(tuple(c) for c in choices)
    answers = json.loads(record.ballot)["answers"]
    for i, plain in enumerate(choices):
        revealed = encrypt_with_randomness(election, plain, record.randomness[i])
        assert revealed == read_answer(answers[i], f"answers[{i}]").choices

    # The fresh ballot is encrypted anew: the spoiled ballot's randomness does not open it.
    fresh = outcome["fresh"]
    assert fresh["ballot"] != record.ballot
    assert check_ballot(election, fresh["ballot"]).accepted and check_ballot(election, record.ballot).accepted
    with pytest.raises(FormatError, match="not an encryption of 0 or 1"):
        open_audited_ballot(election, AuditRecord(fresh["ballot"], record.randomness))


def test_an_audit_shows_what_the_ballot_holds_not_what_the_page_claims(fast_election: ToolElection, page: Any) -> None:
    """A dishonest page that encrypts another choice is caught; so is randomness that is not the ballot's."""
    board, election = board_of(fast_election)
    made = browser_ballot(page, board.election, fast_election.credentials[1], [[0, 0, 1], [0, 1, 0]])
    record = read_audit_record(json.dumps(made))
    assert open_audited_ballot(election, record) == ((0, 0, 1), (0, 1, 0))  # not the [[1, 0, 0], ...] shown
    opened_in_browser = page.evaluate(
        """async ([electionText, record]) => {
          const v = await import("/static/js/verifiable/index.js");
          return v.openBallot(await v.readElection(electionText), record);
        }""",
        [board.election, made],
    )
    assert opened_in_browser == [[0, 0, 1], [0, 1, 0]]

    wrong = list(map(list, record.randomness))
    wrong[0][2] += 1
    with pytest.raises(FormatError, match="question 0, choice 2"):
        open_audited_ballot(election, AuditRecord(record.ballot, tuple(map(tuple, wrong))))


@pytest.mark.parametrize("name", sorted(TAMPERINGS))
def test_a_tampered_browser_ballot_is_refused_for_its_reason(
    name: str, fast_election: ToolElection, page: Any, tmp_path: Path
) -> None:
    """Edited after the browser made it and signed again (a voter's own cheating device)."""
    tamper, reason = TAMPERINGS[name]
    board, election = board_of(fast_election)
    made = browser_ballot(page, board.election, fast_election.credentials[0], [[1, 1, 0], [0, 1, 0]])
    assert check_ballot(election, made["ballot"]).accepted
    ballot = json.loads(made["ballot"])
    tamper(ballot, election)
    raw = resign(election, fast_election.credentials[0], ballot)
    assert check_ballot(election, raw).reason is reason
    done = tool_verifies(fast_election, [raw], tmp_path / "board")
    assert done.returncode != 0 and "invalid ballot" in done.stderr, done.stderr


def test_a_browser_ballot_changed_in_transit_fails_the_signature(fast_election: ToolElection, page: Any) -> None:
    board, election = board_of(fast_election)
    made = browser_ballot(page, board.election, fast_election.credentials[0], [[1, 0, 0], [1, 0, 0]])
    ballot = json.loads(made["ballot"])
    ballot["answers"][1]["choices"][0], ballot["answers"][1]["choices"][1] = (
        ballot["answers"][1]["choices"][1],
        ballot["answers"][1]["choices"][0],
    )
    assert check_ballot(election, jf.canonical_json(ballot)).reason is Rejection.BAD_SIGNATURE
    assert check_ballot(election, json.dumps(json.loads(made["ballot"]))).reason is Rejection.NOT_CANONICAL


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ([[1, 1, 1], [0, 1, 0]], "question 0 must choose between 1 and 2 answers"),
        ([[1, 0, 0], [1, 1, 0]], "question 1 is blank, so it may not choose anything"),
        ([[1, 0, 0]], "expected choices for 2 questions"),
    ],
)
def test_the_browser_refuses_choices_the_question_does_not_allow(
    choices: list[list[int]], message: str, fast_election: ToolElection, page: Any
) -> None:
    board, _ = board_of(fast_election)
    with pytest.raises(PageError, match=message):
        browser_ballot(page, board.election, fast_election.credentials[0], choices)


def test_the_browser_refuses_a_mistyped_credential(fast_election: ToolElection, page: Any) -> None:
    board, _ = board_of(fast_election)
    credential = fast_election.credentials[0]
    typo = next(t for t in (credential[:-1] + c for c in BASE58) if not is_valid_credential(t))
    with pytest.raises(PageError, match="not a Belenios credential"):
        browser_ballot(page, board.election, typo, [[1, 0, 0], [1, 0, 0]])
