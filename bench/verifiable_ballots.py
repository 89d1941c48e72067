"""Time checking one Belenios ballot: our pure-Python verifier against belenios-tool 2.0.

For each of Belenios 2.0's groups, sets up an election with belenios-tool
(one question, 10 candidates, choose 1 to 3, two trustees), has the tool
make N ballots and our code make N more, then:

* ``ours``: ``check_ballot`` on each of the 2N ballots (mean per ballot);
* ``belenios-tool``: ``election verify`` on a board holding the 2N ballots,
  minus the same command on the empty board (process start and setup
  checks), divided by 2N.

Then the tool tallies, trustee 1 decrypts with our code and trustee 2
with the tool, our code checks the tool's factors, and the tool computes
and verifies the result from both. It also times making one ballot both ways (the tool's figure includes
starting the process). Times are CPU seconds (ours: this process; the
tool's: its child processes), so a busy machine does not skew the ratio. It checks its work: every ballot must pass both
verifiers, or it exits with an error. Needs ``belenios-tool`` on the PATH
(``apt-get install -y belenios-tool``). Run from the repository root::

    python bench/verifiable_ballots.py               # 5 + 5 ballots per group
    python bench/verifiable_ballots.py --ballots 20
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ballots.verifiable.archive import read_board
from ballots.verifiable.ballot import check_ballot, create_ballot
from ballots.verifiable.credentials import public_credential, read_public_credentials
from ballots.verifiable.decryption import (
    check_partial_decryption,
    partial_decryption,
    read_encrypted_tally,
    read_private_key,
)
from ballots.verifiable.election import Election, read_election
from ballots.verifiable.trustees import election_public_key, read_trustees

QUESTION = {"answers": [f"Candidate {i}" for i in range(1, 11)], "min": 1, "max": 3, "question": "Committee?"}
ENV = {**os.environ, "BELENIOS_USE_URANDOM": "1"}


def tool(args: list[str], cwd: Path, stdin: str | None = None) -> str:
    exe = shutil.which("belenios-tool")
    if exe is None:
        sys.exit("belenios-tool is missing: apt-get install -y belenios-tool")
    done = subprocess.run([exe, *args], cwd=cwd, input=stdin, capture_output=True, text=True, env=ENV, check=False)
    if done.returncode != 0:
        sys.exit(f"belenios-tool {' '.join(args)} failed: {done.stderr}")
    return done.stdout


def setup(directory: Path, group: str, voters: int) -> tuple[str, list[str]]:
    uuid = tool(["setup", "generate-token"], directory).strip()
    tool(["setup", "generate-credentials", "--uuid", uuid, "--group", group, "--count", str(voters)], directory)
    next(directory.glob("*.pubcreds")).rename(directory / "public_creds.json")
    credentials = [line.split()[1] for line in next(directory.glob("*.privcreds")).read_text().splitlines()]
    for _ in range(2):
        tool(["setup", "generate-trustee-key", "--group", group], directory)
    (directory / "public_keys.jsons").write_text("".join(p.read_text() for p in directory.glob("*.pubkey")))
    tool(["setup", "make-trustees"], directory)
    template = {"description": "Bench", "name": "Bench", "questions": [QUESTION]}
    (directory / "template.json").write_text(json.dumps(template))
    tool(["setup", "make-election", "--uuid", uuid, "--group", group, "--template", "template.json"], directory)
    tool(["archive", "init"], directory)
    for name in ("election.json", "trustees.json", "public_creds.json"):
        (directory / name).unlink()
    return uuid, credentials


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_verify(directory: Path) -> float:
    start = children_cpu()
    tool(["election", "verify", "--dir", "."], directory)
    return children_cpu() - start


def bench_group(group: str, n: int, work: Path) -> dict[str, float]:
    directory = work / group
    directory.mkdir()
    uuid, credentials = setup(directory, group, 2 * n)
    board = read_board(directory / f"{uuid}.bel")
    election = read_election(board.election)
    roll = read_public_credentials(board.public_credentials, election.group)
    trustees = read_trustees(board.trustees, election.group)
    if election_public_key(election.group, trustees) != election.public_key:
        sys.exit("the election key is not the product of the trustees' keys")
    if any(public_credential(election.group, uuid, c) not in roll for c in credentials):
        sys.exit("a credential does not derive to the board's list")
    choices = [[1 if j == i % 10 or j == (i + 3) % 10 else 0 for j in range(10)] for i in range(2 * n)]

    empty = directory.parent / f"{group}-empty"
    shutil.copytree(directory, empty)
    start = children_cpu()
    tool_ballots = []
    for i in range(n):
        (work / "cred").write_text(credentials[i])
        (work / "choice.json").write_text(json.dumps([choices[i]]))
        args = ["election", "generate-ballot", "--dir", ".", "--privcred", str(work / "cred")]
        tool_ballots.append(tool([*args, "--ballot", str(work / "choice.json")], directory).rstrip("\n"))
    tool_make = (children_cpu() - start) / n
    start = time.process_time()
    our_ballots = [create_ballot(election, credentials[n + i], [choices[n + i]]) for i in range(n)]
    our_make = (time.process_time() - start) / n

    ballots = tool_ballots + our_ballots
    start = time.process_time()
    verdicts = [check_ballot(election, raw, roll) for raw in ballots]
    ours = (time.process_time() - start) / len(ballots)
    if not all(v.accepted for v in verdicts):
        sys.exit(f"our verifier refused a ballot: {[v for v in verdicts if not v.accepted]}")
    for raw in ballots:
        tool(["archive", "add-event", "--type=Ballot"], directory, stdin=raw + "\n")
    theirs = (timed_verify(directory) - timed_verify(empty)) / len(ballots)  # exits if any ballot is refused
    return {"ours": ours, "tool": theirs, "our_make": our_make, "tool_make": tool_make} | bench_decryption(
        election, [t.public_key for t in trustees], directory
    )


def bench_decryption(election: Election, public_keys: list[int], directory: Path) -> dict[str, float]:
    """Trustee 1 decrypts with our code, trustee 2 with the tool; the tool checks both in the result."""
    tool(["archive", "add-event", "--type=EndBallots"], directory, stdin="")
    tally_text = tool(["election", "compute-encrypted-tally", "--dir", "."], directory)
    tool(["archive", "add-event", "--type=EncryptedTally"], directory, stdin=tally_text)
    tally = read_encrypted_tally(tally_text.splitlines()[0])
    keys = sorted(directory.glob("*.privkey"))
    trustee_1 = public_keys.index(
        pow(election.group.g, read_private_key(keys[0].read_text(), election), election.group.p)
    )
    start = time.process_time()
    ours = partial_decryption(election, read_private_key(keys[0].read_text(), election), tally)
    our_decrypt = time.process_time() - start
    owned = json.dumps({"owner": trustee_1 + 1, "payload": hashlib.sha256(ours.encode()).hexdigest()})
    tool(["archive", "add-event", "--type=PartialDecryption"], directory, stdin=f"{ours}\n{owned}\n")
    start = children_cpu()
    args = ["election", "decrypt", "--dir", ".", "--privkey", str(keys[1]), f"--trustee-id={2 - trustee_1}"]
    theirs = tool(args, directory)
    tool_decrypt = children_cpu() - start
    start = time.process_time()
    if not check_partial_decryption(election, public_keys[1 - trustee_1], tally, theirs.splitlines()[0]):
        sys.exit("our check refused belenios-tool's partial decryption")
    our_check = time.process_time() - start
    tool(["archive", "add-event", "--type=PartialDecryption"], directory, stdin=theirs)
    result = tool(["election", "compute-result", "--dir", "."], directory)  # exits if a factor's proof fails
    tool(["archive", "add-event", "--type=Result"], directory, stdin=result)
    tool(["election", "verify", "--dir", "."], directory)
    return {"our_decrypt": our_decrypt, "tool_decrypt": tool_decrypt, "our_check": our_check}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=5, help="ballots made by each side, per group")
    n = parser.parse_args().ballots
    print(f"One question, 10 candidates, choose 1-3; {n} ballots by belenios-tool + {n} by ours, per group.")
    print("All ballots accepted by both verifiers (the script exits otherwise). CPU milliseconds per ballot:")
    print(f"{'group':<15} {'verify: ours':>13} {'belenios-tool':>14} {'ratio':>6} {'make: ours':>11} {'tool':>8}")
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="agora-belenios-") as tmp:
        for group in ("BELENIOS-2048", "RFC-3526-2048"):
            r = bench_group(group, n, Path(tmp))
            ratio = r["ours"] / r["tool"] if r["tool"] > 0 else float("nan")
            print(
                f"{group:<15} {r['ours'] * 1000:>13.1f} {r['tool'] * 1000:>14.1f} {ratio:>6.1f}"
                f" {r['our_make'] * 1000:>11.1f} {r['tool_make'] * 1000:>8.1f}"
            )
            results[group] = r
    print("Partial decryption of the 10-answer tally by one trustee (CPU ms, the tool's includes its start):")
    for group, r in results.items():
        print(
            f"{group:<15} make: ours {r['our_decrypt'] * 1000:.1f}, belenios-tool {r['tool_decrypt'] * 1000:.1f};"
            f" check (ours) {r['our_check'] * 1000:.1f}"
        )


if __name__ == "__main__":
    main()
