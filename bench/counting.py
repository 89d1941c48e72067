"""Benchmark the counting engine against pyrankvote.

Generates 100,000 and 1,000,000 random ranked ballots over 10 candidates
(Plackett-Luce preferences with uneven candidate popularity; each voter
ranks between 1 and 10 candidates), counts 3 seats with every STV rule set
and 1 seat with IRV, and - on the very same ballots - times pyrankvote's STV
and IRV.  Prints a table of seconds and the speed-up ratios.

Run from the repository root::

    python bench/counting.py                 # both sizes, best of 3 runs
    python bench/counting.py 100000          # chosen sizes only
    python bench/counting.py --repeat 1      # one run of each (quicker, noisier)

pyrankvote is optional; without it only this engine's timings are shown.

What each column times (the count call, plus building the election where
that is part of the path; never the generation of the random ballots):

* ``array`` - ``count(method, Election.from_array(names, matrix))`` where
  ``matrix`` is the ``(voters, 10)`` ``int8`` array of rankings (``-1``
  padded), one row per voter.  This is the form a tally streaming papers
  from the database can build; validation and grouping are included.
* ``objects`` - ``count(method, Election(names, ballots))`` with one
  :class:`Ballot` per voter (grouping inside the count is included).
* ``grouped`` - one ``Ballot(ranking, weight)`` per distinct ranking, as a
  database ``GROUP BY`` hands them over (grouping done beforehand, untimed).
* ``pyrankvote`` - its ``single_transferable_vote`` / ``instant_runoff_voting``
  on its own ``Ballot`` objects, one per voter (built beforehand, untimed).

Each figure is the best of ``--repeat`` runs (the machine may be shared).
All three of our paths must give identical count sheets, else the run fails.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ballots.counting import Ballot, CountSheet, Election, count

CANDIDATES = 10
SEATS = 3
SIZES = (100_000, 1_000_000)
METHODS = (("scottish-stv", SEATS, "stv"), ("meek-stv", SEATS, "stv"), ("ers97", SEATS, "stv"), ("irv", 1, "irv"))

try:
    import pyrankvote
    from pyrankvote import Ballot as PBallot
    from pyrankvote import Candidate as PCandidate
except ImportError:  # pragma: no cover - optional dependency
    pyrankvote = None


def random_matrix(n_ballots: int, seed: int = 2024) -> npt.NDArray[np.int8]:
    """Plackett-Luce rankings via the Gumbel trick, randomly truncated.

    One row per voter, candidate ids in order of preference, ``-1`` padded.
    """
    rng = np.random.default_rng(seed)
    popularity = np.log(rng.uniform(0.2, 1.0, CANDIDATES))
    keys = popularity + rng.gumbel(size=(n_ballots, CANDIDATES))
    order = np.argsort(-keys, axis=1)
    lengths = np.minimum(rng.geometric(0.25, n_ballots), CANDIDATES)
    return np.where(np.arange(CANDIDATES) < lengths[:, None], order, -1).astype(np.int8)


def random_rankings(n_ballots: int, seed: int = 2024) -> list[tuple[int, ...]]:
    """The same rankings as :func:`random_matrix`, as tuples."""
    return [tuple(c for c in row if c >= 0) for row in random_matrix(n_ballots, seed).tolist()]


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Best seconds over ``repeat`` calls of ``fn()``, and its result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def count_array(method: str, names: tuple[str, ...], matrix: npt.NDArray[np.int8], seats: int) -> CountSheet:
    """The fast path: build the election from the matrix, then count it."""
    return count(method, Election.from_array(names, matrix, seats=seats), seed=1)


Row = tuple[str, float, float, float, float | None, bool | None]


def bench(n_ballots: int, repeat: int) -> list[Row]:
    """Rows of (method, array s, objects s, grouped s, pyrankvote s, same winners)."""
    matrix = random_matrix(n_ballots)
    rankings = random_rankings(n_ballots)
    names = tuple(f"Candidate {i}" for i in range(CANDIDATES))
    ballots = tuple(Ballot(r) for r in rankings)
    grouped = tuple(Ballot(r, w) for r, w in Counter(rankings).items())

    theirs: dict[str, tuple[float, set[str]]] = {}
    if pyrankvote is not None:
        cands = [PCandidate(n) for n in names]
        pballots = [PBallot(ranked_candidates=[cands[c] for c in r]) for r in rankings]
        secs, res = timed(lambda: pyrankvote.single_transferable_vote(cands, pballots, number_of_seats=SEATS), repeat)
        theirs["stv"] = (secs, {c.name for c in res.get_winners()})
        secs, res = timed(lambda: pyrankvote.instant_runoff_voting(cands, pballots), repeat)
        theirs["irv"] = (secs, {c.name for c in res.get_winners()})

    rows: list[Row] = []
    for method, seats, kind in METHODS:
        secs_array, sheet = timed(partial(count_array, method, names, matrix, seats), repeat)
        per_voter = Election(candidates=names, ballots=ballots, seats=seats)
        secs_objects, sheet_objects = timed(partial(count, method, per_voter, seed=1), repeat)
        pre = Election(candidates=names, ballots=grouped, seats=seats)
        secs_grouped, sheet_grouped = timed(partial(count, method, pre, seed=1), repeat)
        if not sheet.to_json() == sheet_objects.to_json() == sheet_grouped.to_json():
            msg = f"{method}: array, per-voter and grouped input gave different count sheets"
            raise RuntimeError(msg)
        ref = theirs.get(kind)
        same = None if ref is None else set(sheet.elected_names) == ref[1]
        rows.append((method, secs_array, secs_objects, secs_grouped, None if ref is None else ref[0], same))
    return rows


HEADER_NOTE = """\
ours array   = Election.from_array(int8 matrix, one row per voter) + count: validation and grouping included.
               This is the form a DB tally can build without a Python object per paper.
ours objects = one Ballot object per voter (grouping inside the count included).
ours grouped = Ballot(ranking, weight) per distinct ranking, grouped beforehand (untimed).
pyrankvote   = its STV / IRV on one pyrankvote Ballot per voter (built beforehand, untimed).
ratio        = pyrankvote seconds / our seconds.  Best of {repeat} run(s) each."""


def ratio(ref: float | None, ours: float, width: int) -> str:
    """Right-aligned ``ref / ours`` speed-up, or a dash."""
    return f"{ref / ours:{width - 1}.1f}x" if ref is not None else f"{'-':>{width}}"


def main(argv: list[str]) -> None:
    """Print the benchmark table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=list(SIZES), help="numbers of ballots")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timing; the best is shown")
    args = parser.parse_args(argv)
    if pyrankvote is None:
        print("pyrankvote is not installed (pip install pyrankvote): showing this engine only.")
    print(HEADER_NOTE.format(repeat=args.repeat))
    header = (
        f"{'ballots':>10}  {'method':<13} {'ours array':>10} {'ours objects':>12} {'ours grouped':>12} "
        f"{'pyrankvote':>10} {'ratio array':>11} {'ratio objects':>13} {'ratio grouped':>13}  same winners"
    )
    print()
    print(header)
    print("-" * len(header))
    for n in args.sizes:
        for method, ours, objects, grouped, ref, same in bench(n, args.repeat):
            ref_txt = f"{ref:10.3f}" if ref is not None else f"{'-':>10}"
            same_txt = "-" if same is None else ("yes" if same else "no")
            print(
                f"{n:>10,}  {method:<13} {ours:10.3f} {objects:12.3f} {grouped:12.3f} {ref_txt} "
                f"{ratio(ref, ours, 11)} {ratio(ref, objects, 13)} {ratio(ref, grouped, 13)}  {same_txt}"
            )
            sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
