"""Every step of a verifiable ballot, ours against belenios-tool 2.0, at N ballots (CPU seconds).

belenios-tool sets up the election (RFC 3526's group, two trustees, one
ranked, non-homomorphic question of 10 candidates, as Belenios 2.0 does
for rankings); our code makes N ranked ballots and writes every board
(``board_writer``). Then, step by step, on the same texts:

* ``check ballots``: ``check_ballot`` on all N against the tool's
  ``election verify`` of the board with the N ballots minus that of the
  empty board (process start and setup checks);
* ``shuffle``: ``shuffle`` against ``election shuffle`` minus that
  ``verify`` of the ballots, since the tool checks every ballot before it
  shuffles (it computes the tally from them);
* ``check shuffle``: ``check_shuffle`` on our shuffle against the tool's
  ``verify`` of the board with the tally and our shuffle, minus the board
  with the ballots only (our check must also accept the tool's shuffle);
* ``partial decryption``: ``partial_decryption`` (trustee A) against
  ``election decrypt`` (trustee B) minus the same ``verify`` of the
  ballots, for the same reason (the tool also checks its own factors);
* ``check decryptions``: ``check_partial_decryption`` of both trustees'
  factors and the result from them, against the tool's ``verify`` of the
  final board minus that of the board with the shuffle;
* ``verify record``: ``record.verify_record`` against ``election verify``
  of the final board (ballots, tally, shuffle, decryptions, result);
* ``check 1 homomorphic``: per ballot, 10 candidates, choose 1 to 3, on a
  sample of ballots in a second election (the check of one ballot does not
  depend on N).

The tool's commands only read boards our code wrote, so they run beside
our code, and each step is printed as soon as both sides have done and
checked it: a run at 5,000 ballots on a busy machine reports what it
finished.

It refuses to print a step's figures unless its work was accepted: every
ballot by both, each side's shuffle by the other's check, every board by
the tool's verify, each side's partial decryption by our check, and the
result decrypted (with our factors, and with the tool's) is exactly the
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
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
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
from bench.verifiable_ballots import ENV

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


def progress(name: str, seconds: float) -> None:
    """Our figure for a step, once our own check has accepted its work (the tool's verdict comes later)."""
    print(f"  (ours, {name}: {seconds:.3f} CPU s, checked by our code)", flush=True)


@dataclass
class ToolRun:
    """One belenios-tool command running beside our code; a thread reaps it and prints its CPU time."""

    args: list[str]
    directory: Path
    process: subprocess.Popen[bytes]
    done: threading.Thread | None = None
    outcome: tuple[int, float] = (-1, 0.0)

    @staticmethod
    def start(args: list[str], directory: Path) -> ToolRun:
        exe = shutil.which("belenios-tool")
        if exe is None:
            sys.exit("belenios-tool is missing: apt-get install -y belenios-tool")
        with (directory / "out.txt").open("wb") as out, (directory / "err.txt").open("wb") as err:
            process = subprocess.Popen([exe, *args], cwd=directory, stdout=out, stderr=err, env=ENV)
        run = ToolRun(args, directory, process)
        run.done = threading.Thread(target=run._reap, daemon=True)
        run.done.start()
        return run

    def _reap(self) -> None:
        _, status, usage = os.wait4(self.process.pid, 0)
        self.outcome = (os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime)
        self.process.returncode = self.outcome[0]
        verdict = "done" if self.outcome[0] == 0 else "FAILED"
        print(
            f"  (belenios-tool {self.args[1]} in {self.directory.name}: {verdict}, {self.outcome[1]:.3f} CPU s)",
            flush=True,
        )

    def finish(self) -> tuple[str, float]:
        """Its output and CPU seconds; exits if it failed (the tool refused the board, say)."""
        if self.done is not None:
            self.done.join()
        if self.outcome[0] != 0:
            err = (self.directory / "err.txt").read_text()
            sys.exit(f"belenios-tool {' '.join(self.args)} failed in {self.directory}: {err}")
        return (self.directory / "out.txt").read_text(), self.outcome[1]


def board_dir(root: Path, name: str, uuid: str, record: Record, keys: Sequence[Path] = ()) -> Path:
    directory = root / name
    directory.mkdir()
    (directory / f"{uuid}.bel").write_bytes(write_board(record, TIMESTAMP))
    for key in keys:
        (directory / key.name).write_text(key.read_text())
    return directory


def verify(root: Path, name: str, uuid: str, record: Record) -> ToolRun:
    """The tool's ``verify`` of ``record``, started (``finish`` exits if the tool refuses it)."""
    return ToolRun.start(["election", "verify", "--dir", "."], board_dir(root, name, uuid, record))


def texts(directory: Path, uuid: str) -> tuple[Record, Election]:
    board = read_board(directory / f"{uuid}.bel")
    return Record(board.election, board.trustees, board.public_credentials, ()), read_election(board.election)


def report(steps: dict[str, tuple[float, float]], name: str, mine: float, tools: float) -> None:
    """One step, printed as soon as both sides have done and checked it (a long run may stop early)."""
    steps[name] = (mine, tools)
    print(f"{name:<22} {mine:>9.3f} {tools:>14.3f} {mine / tools if tools > 0 else float('nan'):>10.2f}", flush=True)


def ranked_steps(n: int, root: Path) -> dict[str, tuple[float, float]]:
    """Our steps, with the tool's running beside them; each step printed once both sides checked it.

    The tool's commands only read boards our code wrote, so they run while
    our code works (each on one core, as the tool is single-threaded); CPU
    times are each process's own, so running them side by side changes
    neither figure much."""
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
    with_ballots = replace(empty, ballots=ballots)
    tally = encrypted_tally(election, ballots)
    closed = replace(with_ballots, encrypted_tally=tally_text(tally), num_tallied=n)
    tool_empty = verify(root, "empty", uuid, empty)
    tool_ballots = verify(root, "ballots", uuid, with_ballots)
    tool_shuffle = ToolRun.start(
        ["election", "shuffle", "--dir", ".", "--trustee-id=1"], board_dir(root, "closed", uuid, closed)
    )
    steps: dict[str, tuple[float, float]] = {}

    verdicts, mine_check = ours(lambda: [check_ballot(election, b, roll) for b in ballots])
    if not all(v.accepted for v in verdicts):
        sys.exit(f"our check refused one of our ballots: {[v for v in verdicts if not v.accepted][:1]}")
    progress("check ballots", mine_check)
    inputs = nh_ciphertexts(election, tally)
    our_shuffle, mine_shuffle = ours(lambda: shuffle(election, inputs))
    verdict, mine_own_check = ours(lambda: check_shuffle(election, inputs, our_shuffle))
    if not verdict.accepted:
        sys.exit(f"our check refused our own shuffle: {verdict}")
    progress("shuffle", mine_shuffle)
    progress("check shuffle", mine_own_check)
    shuffled = replace(closed, shuffles=[(1, our_shuffle)])
    tool_shuffled = verify(root, "shuffled", uuid, shuffled)
    ended = replace(shuffled, shuffles_ended=True)
    keys = sorted(setup_dir.glob("*.privkey"))
    trustees = read_trustees(empty.trustees, election.group)
    public = [t.public_key for t in trustees]
    private = [read_private_key(k.read_text(), election) for k in keys]
    position = [public.index(pow(election.group.g, x, election.group.p)) + 1 for x in private]
    args = ["election", "decrypt", "--dir", ".", "--privkey", keys[1].name, f"--trustee-id={position[1]}"]
    tool_decrypt = ToolRun.start(args, board_dir(root, "ended", uuid, ended, [keys[1]]))
    final = merge_nh_ciphertexts(election, tally, read_shuffle(our_shuffle).ciphertexts)
    our_pd, mine_pd = ours(lambda: partial_decryption(election, private[0], final))
    progress("partial decryption", mine_pd)
    other_pd = partial_decryption(election, private[1], final)  # trustee B, by our code too, for our record

    def check_decryptions(pd_a: str, pd_b: str) -> list[Any]:
        for key, text in ((public[position[0] - 1], pd_a), (public[position[1] - 1], pd_b)):
            if not check_partial_decryption(election, key, final, text):
                sys.exit("our check refused a partial decryption")
        by_position = {position[0]: pd_a, position[1]: pd_b}
        return decrypt_result(election, public, final, [by_position[1], by_position[2]], n, checked=True)

    result, mine_pd_check = ours(lambda: check_decryptions(our_pd, other_pd))
    if Counter(tuple(r) for r in result[0]) != Counter(cast):
        sys.exit("the decrypted rankings are not the rankings cast")
    progress("check decryptions", mine_pd_check)
    decrypted = replace(
        ended,
        partial_decryptions=sorted([(position[0], our_pd), (position[1], other_pd)]),
        result=result_text(result),
    )
    tool_final = verify(root, "final", uuid, decrypted)
    _, mine_record = ours(lambda: verify_record(decrypted))  # raises if refused
    progress("verify record", mine_record)
    print(f"{'CPU seconds':<22} {'ours':>9} {'belenios-tool':>14} {'ours/tool':>10}", flush=True)

    v_empty, v_ballots = tool_empty.finish()[1], tool_ballots.finish()[1]
    report(steps, "check ballots", mine_check, v_ballots - v_empty)
    theirs, t_shuffle = tool_shuffle.finish()
    verdict = check_shuffle(election, inputs, theirs.splitlines()[0])
    if not verdict.accepted:
        sys.exit(f"our check refused belenios-tool's shuffle: {verdict}")
    report(steps, "shuffle", mine_shuffle, t_shuffle - v_ballots)
    v_shuffled = tool_shuffled.finish()[1]
    report(steps, "check shuffle", mine_own_check, v_shuffled - v_ballots)
    tool_pd, t_decrypt = tool_decrypt.finish()
    both = check_decryptions(our_pd, tool_pd.splitlines()[0])
    if both != result:
        sys.exit("belenios-tool's partial decryption gives another result")
    report(steps, "partial decryption", mine_pd, t_decrypt - v_ballots)
    v_final = tool_final.finish()[1]
    report(steps, "check decryptions", mine_pd_check, v_final - v_shuffled)
    report(steps, "verify record", mine_record, v_final)
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
    tool_time = verify(root, "h-full", uuid, full).finish()[1] - verify(root, "h-empty", uuid, empty).finish()[1]
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
        mine, tools = homomorphic_step(options.sample, Path(tmp))
        report(steps, "check 1 homomorphic", mine, tools)
    print_table(options.ballots, steps, options.sample)
    if options.json:
        options.json.write_text(json.dumps({"ballots": options.ballots, "steps": steps}))


if __name__ == "__main__":
    main()
