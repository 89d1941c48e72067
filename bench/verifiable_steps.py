"""Every step of a verifiable ballot, ours against belenios-tool 2.0, at N ballots (CPU seconds).

belenios-tool sets up the election (RFC 3526's group, two trustees, one
ranked, non-homomorphic question of 10 candidates, as Belenios 2.0 does
for rankings); our code makes N ranked ballots and writes every board
(``board_writer``). Then, step by step, on the same texts:

* ``check ballots``: ``check_ballot`` on all N against the tool's
  ``election verify`` of the board with the N ballots minus that of the
  empty board (process start and setup checks);
* ``shuffle``: ``shuffle`` against ``election shuffle`` minus the tool's
  ``verify`` of the board with the ballots, since the tool checks every
  ballot before it shuffles (it computes the tally from them);
* ``check shuffle``: ``check_shuffle`` on the tool's shuffle against the
  tool's ``verify`` of the board with the tally and our shuffle, minus the
  board with the ballots only;
* ``partial decryption``: ``partial_decryption`` (trustee A) against
  ``election decrypt`` (trustee B) minus the same ``verify`` of the ballots,
  for the same reason (the tool also checks its own factors' proofs);
* ``check decryptions``: ``check_partial_decryption`` of both trustees'
  factors and the result, against the tool's ``verify`` of the final board
  minus that of the board with the shuffle;
* ``verify record``: ``record.verify_record`` against ``election verify``
  of the final board (ballots, tally, shuffle, decryptions, result);
* ``check 1 homomorphic``: per ballot, 10 candidates, choose 1 to 3, on a
  sample of ballots in a second election (the check of one ballot does not
  depend on N).

It refuses to print figures unless everything was accepted: every ballot
by both, the tool's shuffle by our check, every board by the tool's
verify, and the result decrypted from the final board is exactly the
rankings cast (the script exits otherwise). Times are CPU seconds (ours:
this process; the tool's: its child processes), so other work on the
machine skews neither side much. Needs ``belenios-tool`` on the PATH. Run
from the repository root::

    python bench/verifiable_steps.py --ballots 200
    python bench/verifiable_steps.py --ballots 5000 --json /tmp/steps-5000.json
    python bench/verifiable_steps.py --compare /tmp/steps-200.json /tmp/steps-5000.json
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ballots.verifiable.archive import read_board
from ballots.verifiable.ballot import check_ballot, create_ballot
from ballots.verifiable.board_writer import Record, write_board
from ballots.verifiable.credentials import read_public_credentials
from ballots.verifiable.decryption import check_partial_decryption, partial_decryption, read_private_key
from ballots.verifiable.election import Election, read_election
from ballots.verifiable.record import verify_record
from ballots.verifiable.shuffle import check_shuffle, merge_nh_ciphertexts, nh_ciphertexts, read_shuffle, shuffle
from ballots.verifiable.tally import decrypt_result, encrypted_tally, result_text, tally_text
from ballots.verifiable.trustees import read_trustees
from bench import verifiable_ballots, verifiable_shuffle
from bench.verifiable_ballots import children_cpu, tool

STEPS = (
    "check ballots",
    "shuffle",
    "check shuffle",
    "partial decryption",
    "check decryptions",
    "verify record",
    "check 1 homomorphic",
)
TIMESTAMP = 1_700_000_000


def ours(work: Callable[[], Any]) -> tuple[Any, float]:
    start = time.process_time()
    out = work()
    return out, time.process_time() - start


def theirs(args: list[str], directory: Path) -> tuple[str, float]:
    start = children_cpu()
    out = tool(args, directory)
    return out, children_cpu() - start


def board_dir(root: Path, name: str, uuid: str, record: Record, keys: Sequence[Path] = ()) -> Path:
    directory = root / name
    directory.mkdir()
    (directory / f"{uuid}.bel").write_bytes(write_board(record, TIMESTAMP))
    for key in keys:
        (directory / key.name).write_text(key.read_text())
    return directory


def verify(root: Path, name: str, uuid: str, record: Record) -> float:
    """The tool's CPU time to verify ``record`` (it exits if the tool refuses it)."""
    return theirs(["election", "verify", "--dir", "."], board_dir(root, name, uuid, record))[1]


def texts(directory: Path, uuid: str) -> tuple[Record, Election]:
    board = read_board(directory / f"{uuid}.bel")
    return Record(board.election, board.trustees, board.public_credentials, ()), read_election(board.election)


def ranked_steps(n: int, root: Path) -> dict[str, tuple[float, float]]:
    setup_dir = root / "setup"
    setup_dir.mkdir()
    uuid, credentials = verifiable_shuffle.setup(setup_dir, n)
    empty, election = texts(setup_dir, uuid)
    rng = random.Random(n)
    cast = []
    for _ in credentials:
        ranks = list(range(1, 11))
        rng.shuffle(ranks)
        cast.append(tuple(ranks))
    ballots = [create_ballot(election, c, [r]) for c, r in zip(credentials, cast, strict=True)]
    roll = read_public_credentials(empty.public_credentials, election.group)
    steps: dict[str, tuple[float, float]] = {}

    verdicts, mine = ours(lambda: [check_ballot(election, b, roll) for b in ballots])
    if not all(v.accepted for v in verdicts):
        sys.exit(f"our check refused one of our ballots: {[v for v in verdicts if not v.accepted][:1]}")
    v_empty = verify(root, "empty", uuid, empty)
    with_ballots = Record(empty.election, empty.trustees, empty.public_credentials, ballots)
    v_ballots = verify(root, "ballots", uuid, with_ballots)
    steps["check ballots"] = (mine, v_ballots - v_empty)

    tally = encrypted_tally(election, ballots)
    inputs = nh_ciphertexts(election, tally)
    closed = replace(with_ballots, encrypted_tally=tally_text(tally), num_tallied=n)
    tool_shuffle, tool_time = theirs(
        ["election", "shuffle", "--dir", ".", "--trustee-id=1"], board_dir(root, "closed", uuid, closed)
    )
    our_shuffle, mine = ours(lambda: shuffle(election, inputs))
    steps["shuffle"] = (mine, tool_time - v_ballots)
    verdict, mine = ours(lambda: check_shuffle(election, inputs, tool_shuffle.splitlines()[0]))
    if not verdict.accepted:
        sys.exit(f"our check refused belenios-tool's shuffle: {verdict}")
    shuffled = replace(closed, shuffles=[(1, our_shuffle)])
    v_shuffled = verify(root, "shuffled", uuid, shuffled)
    steps["check shuffle"] = (mine, v_shuffled - v_ballots)

    ended = replace(shuffled, shuffles_ended=True)
    keys = sorted(setup_dir.glob("*.privkey"))
    trustees = read_trustees(empty.trustees, election.group)
    public = [t.public_key for t in trustees]
    private = [read_private_key(k.read_text(), election) for k in keys]
    position = [public.index(pow(election.group.g, x, election.group.p)) + 1 for x in private]
    final = merge_nh_ciphertexts(election, tally, read_shuffle(our_shuffle).ciphertexts)
    our_pd, mine = ours(lambda: partial_decryption(election, private[0], final))
    args = ["election", "decrypt", "--dir", ".", "--privkey", keys[1].name, f"--trustee-id={position[1]}"]
    tool_pd, tool_time = theirs(args, board_dir(root, "ended", uuid, ended, [keys[1]]))
    steps["partial decryption"] = (mine, tool_time - v_ballots)
    tool_pd = tool_pd.splitlines()[0]

    def check_decryptions() -> list[Any]:
        if not check_partial_decryption(election, public[position[1] - 1], final, tool_pd):
            sys.exit("our check refused belenios-tool's partial decryption")
        if not check_partial_decryption(election, public[position[0] - 1], final, our_pd):
            sys.exit("our check refused our own partial decryption")
        by_position = {position[0]: our_pd, position[1]: tool_pd}
        return decrypt_result(election, public, final, [by_position[1], by_position[2]], n, checked=True)

    result, mine = ours(check_decryptions)
    if Counter(tuple(r) for r in result[0]) != Counter(cast):
        sys.exit("the decrypted rankings are not the rankings cast")
    decrypted = replace(
        ended,
        partial_decryptions=sorted([(position[0], our_pd), (position[1], tool_pd)]),
        result=result_text(result),
    )
    v_final = verify(root, "final", uuid, decrypted)
    steps["check decryptions"] = (mine, v_final - v_shuffled)
    _, mine = ours(lambda: verify_record(decrypted))  # raises if refused
    steps["verify record"] = (mine, v_final)
    return steps


def homomorphic_step(sample: int, root: Path) -> tuple[float, float]:
    """Per ballot: check one 10-candidate, choose-1-to-3 ballot in RFC 3526's group."""
    directory = root / "homomorphic"
    directory.mkdir()
    uuid, credentials = verifiable_ballots.setup(directory, "RFC-3526-2048", sample)
    empty, election = texts(directory, uuid)
    choices = [[[1 if j in (i % 10, (i + 3) % 10) else 0 for j in range(10)]] for i in range(sample)]
    ballots = [create_ballot(election, c, v) for c, v in zip(credentials, choices, strict=True)]
    roll = read_public_credentials(empty.public_credentials, election.group)
    verdicts, mine = ours(lambda: [check_ballot(election, b, roll) for b in ballots])
    if not all(v.accepted for v in verdicts):
        sys.exit("our check refused one of our homomorphic ballots")
    full = Record(empty.election, empty.trustees, empty.public_credentials, ballots)
    tool_time = verify(root, "h-full", uuid, full) - verify(root, "h-empty", uuid, empty)
    return mine / sample, tool_time / sample


def print_table(n: int, steps: dict[str, tuple[float, float]], sample: int) -> None:
    print(
        f"{n} ranked ballots, 10 candidates, RFC-3526-2048, two trustees; all accepted by both, result = rankings cast."
    )
    print(f"{'CPU seconds':<22} {'ours':>9} {'belenios-tool':>14} {'ours/tool':>10}")
    for name in STEPS:
        if name in steps:
            mine, tools = steps[name]
            print(f"{name:<22} {mine:>9.3f} {tools:>14.3f} {mine / tools if tools > 0 else float('nan'):>10.2f}")
    print(f"(check 1 homomorphic: per ballot, the mean of {sample}; 10 candidates, choose 1-3, same group.)")


def compare(small_path: Path, large_path: Path) -> None:
    small, large = json.loads(small_path.read_text()), json.loads(large_path.read_text())
    n, m = small["ballots"], large["ballots"]
    print(f"Growth from {n} to {m} ballots (x{m / n:g}): CPU seconds, ours and belenios-tool")
    print(
        f"{'step':<22} {'ours ' + str(n):>10} {'ours ' + str(m):>10} {'growth':>7} {'tool ' + str(n):>10} {'tool ' + str(m):>10} {'growth':>7}"
    )
    for name in STEPS:
        if name in small["steps"] and name in large["steps"]:
            (a, b), (c, d) = small["steps"][name], large["steps"][name]
            print(
                f"{name:<22} {a:>10.3f} {c:>10.3f} {c / a:>7.1f} {b:>10.3f} {d:>10.3f} {d / b if b else float('nan'):>7.1f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=200, help="ranked ballots cast")
    parser.add_argument("--sample", type=int, default=20, help="homomorphic ballots to check, per ballot figure")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--compare", type=Path, nargs=2, metavar=("SMALL", "LARGE"), help="print growth of two --json")
    options = parser.parse_args()
    if options.compare:
        compare(*options.compare)
        return
    with tempfile.TemporaryDirectory(prefix="agora-steps-") as tmp:
        steps = ranked_steps(options.ballots, Path(tmp))
        steps["check 1 homomorphic"] = homomorphic_step(options.sample, Path(tmp))
    print_table(options.ballots, steps, options.sample)
    if options.json:
        options.json.write_text(json.dumps({"ballots": options.ballots, "steps": steps}))


if __name__ == "__main__":
    main()
