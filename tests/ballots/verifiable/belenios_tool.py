"""Driving the real ``belenios-tool`` 2.0 (Debian package ``belenios-tool``) from tests.

Every test here checks our code against Belenios' own implementation, so the
tool must be installed: a missing tool fails the test with the command to
install it, it never skips.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

INSTALL = "apt-get install -y belenios-tool"


def tool() -> str:
    path = shutil.which("belenios-tool")
    if path is None:
        pytest.fail(f"belenios-tool is not installed; these tests check our code against it. Run: {INSTALL}")
    return path


def run(args: Sequence[str], cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BELENIOS_USE_URANDOM": "1"}
    return subprocess.run([tool(), *args], cwd=cwd, input=stdin, capture_output=True, text=True, env=env, check=False)


def run_ok(args: Sequence[str], cwd: Path, stdin: str | None = None) -> str:
    done = run(args, cwd, stdin)
    assert done.returncode == 0, f"belenios-tool {' '.join(args)} failed: {done.stderr}"
    return done.stdout


@dataclass(frozen=True)
class ToolElection:
    """An election set up by belenios-tool: its directory (with ``UUID.bel``) and secrets."""

    directory: Path
    uuid: str
    credentials: tuple[str, ...]
    private_keys: tuple[Path, ...]

    @property
    def board(self) -> Path:
        return self.directory / f"{self.uuid}.bel"


def make_election(directory: Path, group: str, questions: list[dict[str, object]], voters: int) -> ToolElection:
    """Credentials, two trustees' keys, the election and its board, all by belenios-tool."""
    tool()
    directory.mkdir(parents=True)
    uuid = run_ok(["setup", "generate-token"], directory).strip()
    run_ok(["setup", "generate-credentials", "--uuid", uuid, "--group", group, "--count", str(voters)], directory)
    (privcreds,) = directory.glob("*.privcreds")
    (pubcreds,) = directory.glob("*.pubcreds")
    pubcreds.rename(directory / "public_creds.json")
    credentials = tuple(line.split()[1] for line in privcreds.read_text().splitlines())
    for _ in range(2):
        run_ok(["setup", "generate-trustee-key", "--group", group], directory)
    (directory / "public_keys.jsons").write_text("".join(p.read_text() for p in sorted(directory.glob("*.pubkey"))))
    run_ok(["setup", "make-trustees"], directory)
    template = {"description": "Test election", "name": "Test", "questions": questions}
    (directory / "template.json").write_text(json.dumps(template))
    run_ok(["setup", "make-election", "--uuid", uuid, "--group", group, "--template", "template.json"], directory)
    run_ok(["archive", "init"], directory)
    for name in ("election.json", "trustees.json", "public_creds.json"):
        (directory / name).unlink()
    return ToolElection(directory, uuid, credentials, tuple(sorted(directory.glob("*.privkey"))))


def tool_ballot(election: ToolElection, credential: str, choices: list[list[int]], scratch: Path) -> str:
    """A ballot made by belenios-tool, exactly as it prints it (without the final newline)."""
    scratch.mkdir(parents=True, exist_ok=True)
    (scratch / "credential").write_text(credential)
    (scratch / "choices.json").write_text(json.dumps(choices))
    args = ["election", "generate-ballot", "--dir", str(election.directory)]
    out = run_ok([*args, "--privcred", str(scratch / "credential"), "--ballot", str(scratch / "choices.json")], scratch)
    return out.rstrip("\n")


def board_copy(election: ToolElection, scratch: Path) -> Path:
    """A copy of the election's directory, so adding to its board leaves the original as it was."""
    shutil.copytree(election.directory, scratch)
    return scratch


def tool_verifies(election: ToolElection, ballots: Sequence[str], scratch: Path) -> subprocess.CompletedProcess[str]:
    """Put ``ballots`` on a copy of the board and run ``belenios-tool election verify`` on it."""
    directory = board_copy(election, scratch)
    for ballot in ballots:
        run_ok(["archive", "add-event", "--type=Ballot"], directory, stdin=ballot + "\n")
    return run(["election", "verify", "--dir", str(directory)], directory)
