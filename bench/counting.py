"""Benchmark the counting engine against pyrankvote.

Generates 100,000 and 1,000,000 random ranked ballots over 10 candidates
(Plackett-Luce preferences with uneven candidate popularity; each voter
ranks between 1 and 10 candidates), counts 3 seats with every STV rule set
and 1 seat with IRV, and - on the very same ballots - times pyrankvote's STV
and IRV.  Prints a table of seconds and the speed-up ratio.

Run from the repository root::

    python bench/counting.py            # both sizes
    python bench/counting.py 100000     # chosen sizes only

pyrankvote is optional; without it only this engine's timings are shown.
Each timing covers the count call only, starting from each library's own
ballot objects (for this engine, ``Election`` of ``Ballot``; grouping of
identical papers happens inside the count and is included).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ballots.counting import Ballot, Election, count

CANDIDATES = 10
SEATS = 3
SIZES = (100_000, 1_000_000)

try:
    import pyrankvote
    from pyrankvote import Ballot as PBallot
    from pyrankvote import Candidate as PCandidate
except ImportError:  # pragma: no cover - optional dependency
    pyrankvote = None


def random_rankings(n_ballots: int, seed: int = 2024) -> list[tuple[int, ...]]:
    """Plackett-Luce rankings via the Gumbel trick, randomly truncated."""
    rng = np.random.default_rng(seed)
    popularity = np.log(rng.uniform(0.2, 1.0, CANDIDATES))
    keys = popularity + rng.gumbel(size=(n_ballots, CANDIDATES))
    order = np.argsort(-keys, axis=1)
    lengths = np.minimum(rng.geometric(0.25, n_ballots), CANDIDATES)
    return [tuple(row[:k].tolist()) for row, k in zip(order, lengths, strict=True)]


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds taken by ``fn()`` and its result."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def bench(n_ballots: int) -> list[tuple[str, float, float | None, bool | None]]:
    """Rows of (method, our seconds, pyrankvote seconds, same winners)."""
    rankings = random_rankings(n_ballots)
    names = tuple(f"Candidate {i}" for i in range(CANDIDATES))
    ballots = tuple(Ballot(r) for r in rankings)
    stv = Election(candidates=names, ballots=ballots, seats=SEATS)
    irv = Election(candidates=names, ballots=ballots, seats=1)

    theirs: dict[str, tuple[float, set[str]]] = {}
    if pyrankvote is not None:
        cands = [PCandidate(n) for n in names]
        pballots = [PBallot(ranked_candidates=[cands[c] for c in r]) for r in rankings]
        secs, res = timed(lambda: pyrankvote.single_transferable_vote(cands, pballots, number_of_seats=SEATS))
        theirs["stv"] = (secs, {c.name for c in res.get_winners()})
        secs, res = timed(lambda: pyrankvote.instant_runoff_voting(cands, pballots))
        theirs["irv"] = (secs, {c.name for c in res.get_winners()})

    rows: list[tuple[str, float, float | None, bool | None]] = []
    for method, election, kind in (
        ("scottish-stv", stv, "stv"),
        ("meek-stv", stv, "stv"),
        ("ers97", stv, "stv"),
        ("irv", irv, "irv"),
    ):
        secs, sheet = timed(lambda m=method, e=election: count(m, e, seed=1))
        ref = theirs.get(kind)
        same = None if ref is None else set(sheet.elected_names) == ref[1]
        rows.append((method, secs, None if ref is None else ref[0], same))
    return rows


def main(argv: list[str]) -> None:
    """Print the benchmark table."""
    sizes = tuple(int(a) for a in argv) or SIZES
    if pyrankvote is None:
        print("pyrankvote is not installed (pip install pyrankvote): showing this engine only.")
    header = f"{'ballots':>10}  {'method':<13} {'ours (s)':>9} {'pyrankvote (s)':>15} {'speed-up':>9}  same winners"
    print(header)
    print("-" * len(header))
    for n in sizes:
        for method, ours, ref, same in bench(n):
            ref_txt = f"{ref:15.2f}" if ref is not None else f"{'-':>15}"
            ratio = f"{ref / ours:8.1f}x" if ref is not None else f"{'-':>9}"
            same_txt = "-" if same is None else ("yes" if same else "no")
            print(f"{n:>10,}  {method:<13} {ours:9.2f} {ref_txt} {ratio}  {same_txt}")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
