"""Time one verifiable shuffle of N ranked ballots and its check: our pure Python against belenios-tool 2.0.

Sets up an election with belenios-tool in RFC 3526's group (one ranked,
non-homomorphic question of 10 candidates, two trustees), has our code make
N ranked ballots and puts them on the tool's board, closes it and has the
tool compute the encrypted tally. Then, from that same tally:

* ``shuffle``: ``shuffle`` (ours) against ``belenios-tool election shuffle``;
* ``check``: ``check_shuffle`` (ours) on the tool's shuffle, against the
  tool's ``election verify`` on the board with our shuffle minus the same
  command on the board before any shuffle (so ballots and setup are not
  counted).

It refuses to print figures unless every output was accepted: the tool's
shuffle by our check, and our shuffle by our check and by the tool's verify
(the script exits otherwise), and our shuffle's output, decrypted with
both trustees' keys by our code, must be exactly the rankings cast. Times are CPU seconds (ours: this process;
the tool's: its child processes, process start included), so a busy
machine skews neither side. Needs ``belenios-tool`` on the PATH. Run from
the repository root::

    python bench/verifiable_shuffle.py                # 200 ballots
    python bench/verifiable_shuffle.py --ballots 5000
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ballots.verifiable.archive import owned, read_board
from ballots.verifiable.ballot import create_ballot
from ballots.verifiable.decryption import decrypt_rankings, partial_decryption, read_encrypted_tally, read_private_key
from ballots.verifiable.election import read_election
from ballots.verifiable.shuffle import check_shuffle, merge_nh_ciphertexts, nh_ciphertexts, read_shuffle, shuffle
from ballots.verifiable.trustees import read_trustees
from bench.verifiable_ballots import children_cpu, tool

QUESTION = {
    "type": "NonHomomorphic",
    "value": {"answers": [f"Candidate {i}" for i in range(1, 11)], "question": "Rank the committee"},
}
GROUP = "RFC-3526-2048"


def setup(directory: Path, voters: int) -> tuple[str, list[str]]:
    uuid = tool(["setup", "generate-token"], directory).strip()
    tool(["setup", "generate-credentials", "--uuid", uuid, "--group", GROUP, "--count", str(voters)], directory)
    next(directory.glob("*.pubcreds")).rename(directory / "public_creds.json")
    credentials = [line.split()[1] for line in next(directory.glob("*.privcreds")).read_text().splitlines()]
    for _ in range(2):
        tool(["setup", "generate-trustee-key", "--group", GROUP], directory)
    (directory / "public_keys.jsons").write_text("".join(p.read_text() for p in directory.glob("*.pubkey")))
    tool(["setup", "make-trustees"], directory)
    (directory / "template.json").write_text(
        json.dumps({"description": "Bench", "name": "Bench", "questions": [QUESTION]})
    )
    tool(["setup", "make-election", "--uuid", uuid, "--group", GROUP, "--template", "template.json"], directory)
    tool(["archive", "init"], directory)
    for name in ("election.json", "trustees.json", "public_creds.json"):
        (directory / name).unlink()
    return uuid, credentials


def timed_tool(args: list[str], directory: Path, stdin: str | None = None) -> tuple[str, float]:
    start = children_cpu()
    out = tool(args, directory, stdin)
    return out, children_cpu() - start


def check_rankings(directory: Path, uuid: str, cast: list[tuple[int, ...]]) -> None:
    """Decrypt our shuffle's output from the board with both trustees' keys: it must be the rankings cast."""
    board = read_board(directory / f"{uuid}.bel")
    election = read_election(board.election)
    if board.encrypted_tally is None or len(board.shuffles) != 1:
        sys.exit("the board lacks the encrypted tally or our shuffle")
    tally = read_encrypted_tally(board.encrypted_tally)
    merged = merge_nh_ciphertexts(election, tally, read_shuffle(board.shuffles[0]).ciphertexts)
    keys = [read_private_key(k.read_text(), election) for k in sorted(directory.glob("*.privkey"))]
    g, p = election.group.g, election.group.p
    by_key = {t.public_key: t for t in read_trustees(board.trustees, election.group)}
    public = [pow(g, k, p) for k in keys]
    if set(public) != set(by_key):
        sys.exit("the private keys are not the trustees'")
    partials = [partial_decryption(election, k, merged) for k in keys]
    (rankings,) = decrypt_rankings(election, public, merged, partials)
    if sorted(rankings) != cast:
        sys.exit("the decrypted rankings are not the rankings cast")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=200, help="ranked ballots to shuffle")
    n = parser.parse_args().ballots
    with tempfile.TemporaryDirectory(prefix="agora-shuffle-") as tmp:
        closed = Path(tmp) / "closed"
        closed.mkdir()
        uuid, credentials = setup(closed, n)
        election = read_election(read_board(closed / f"{uuid}.bel").election)
        rng = random.Random(n)
        cast = []
        for credential in credentials:
            ranks = list(range(1, 11))
            rng.shuffle(ranks)
            cast.append(tuple(ranks))
            ballot = create_ballot(election, credential, [ranks])
            tool(["archive", "add-event", "--type=Ballot"], closed, stdin=ballot + "\n")
        tool(["archive", "add-event", "--type=EndBallots"], closed, stdin="")
        tally_text = tool(["election", "compute-encrypted-tally", "--dir", "."], closed)
        tool(["archive", "add-event", "--type=EncryptedTally"], closed, stdin=tally_text)
        ciphertexts = nh_ciphertexts(election, read_encrypted_tally(tally_text.splitlines()[0]))
        _, verify_closed = timed_tool(["election", "verify", "--dir", "."], closed)

        theirs_dir = shutil.copytree(closed, Path(tmp) / "theirs")
        theirs, tool_shuffle = timed_tool(["election", "shuffle", "--dir", ".", "--trustee-id=1"], theirs_dir)
        start = time.process_time()
        verdict = check_shuffle(election, ciphertexts, theirs.splitlines()[0])
        our_check = time.process_time() - start
        if not verdict.accepted:
            sys.exit(f"our check refused belenios-tool's shuffle: {verdict}")

        ours_dir = shutil.copytree(closed, Path(tmp) / "ours")
        start = time.process_time()
        ours = shuffle(election, ciphertexts)
        our_shuffle = time.process_time() - start
        if not check_shuffle(election, ciphertexts, ours).accepted:
            sys.exit("our check refused our own shuffle")
        tool(["archive", "add-event", "--type=Shuffle"], ours_dir, stdin=f"{ours}\n{owned(1, ours)}\n")
        _, verify_ours = timed_tool(["election", "verify", "--dir", "."], ours_dir)  # exits if refused
        tool_check = verify_ours - verify_closed
        check_rankings(ours_dir, uuid, sorted(cast))

    print(f"One shuffle of {n} ranked ballots (10 candidates, {GROUP}); every shuffle accepted by both checks,")
    print("and our shuffle's output, decrypted by both trustees (our code), is exactly the rankings cast.")
    print(f"{'CPU seconds':<12} {'ours':>8} {'belenios-tool':>14} {'ratio':>6}")
    for name, mine, tools in (("shuffle", our_shuffle, tool_shuffle), ("check", our_check, tool_check)):
        ratio = mine / tools if tools > 0 else float("nan")
        print(f"{name:<12} {mine:>8.2f} {tools:>14.2f} {ratio:>6.2f}")


if __name__ == "__main__":
    main()
