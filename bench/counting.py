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
ballot objects.  This engine is timed twice: from one ``Ballot`` per voter
(grouping identical papers happens inside the count and is included), and
from papers already grouped as ``Ballot(ranking, weight)`` - the form a
database ``GROUP BY`` hands over, and what the engine groups to first.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
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


Row = tuple[str, float, float, float | None, bool | None]


def bench(n_ballots: int) -> list[Row]:
    """Rows of (method, ours per-voter, ours grouped, pyrankvote, same winners)."""
    rankings = random_rankings(n_ballots)
    names = tuple(f"Candidate {i}" for i in range(CANDIDATES))
    ballots = tuple(Ballot(r) for r in rankings)
    grouped = tuple(Ballot(r, w) for r, w in Counter(rankings).items())

    theirs: dict[str, tuple[float, set[str]]] = {}
    if pyrankvote is not None:
        cands = [PCandidate(n) for n in names]
        pballots = [PBallot(ranked_candidates=[cands[c] for c in r]) for r in rankings]
        secs, res = timed(lambda: pyrankvote.single_transferable_vote(cands, pballots, number_of_seats=SEATS))
        theirs["stv"] = (secs, {c.name for c in res.get_winners()})
        secs, res = timed(lambda: pyrankvote.instant_runoff_voting(cands, pballots))
        theirs["irv"] = (secs, {c.name for c in res.get_winners()})

    rows: list[Row] = []
    for method, seats, kind in (
        ("scottish-stv", SEATS, "stv"),
        ("meek-stv", SEATS, "stv"),
        ("ers97", SEATS, "stv"),
        ("irv", 1, "irv"),
    ):
        per_voter = Election(candidates=names, ballots=ballots, seats=seats)
        secs, sheet = timed(partial(count, method, per_voter, seed=1))
        pre = Election(candidates=names, ballots=grouped, seats=seats)
        secs_grouped, sheet_grouped = timed(partial(count, method, pre, seed=1))
        if sheet.to_json() != sheet_grouped.to_json():
            msg = f"{method}: grouped and per-voter input gave different count sheets"
            raise RuntimeError(msg)
        ref = theirs.get(kind)
        same = None if ref is None else set(sheet.elected_names) == ref[1]
        rows.append((method, secs, secs_grouped, None if ref is None else ref[0], same))
    return rows


def main(argv: list[str]) -> None:
    """Print the benchmark table."""
    sizes = tuple(int(a) for a in argv) or SIZES
    if pyrankvote is None:
        print("pyrankvote is not installed (pip install pyrankvote): showing this engine only.")
    header = (
        f"{'ballots':>10}  {'method':<13} {'ours (s)':>9} {'ours grouped':>13} "
        f"{'pyrankvote (s)':>15} {'ratio':>7} {'ratio grp':>10}  same winners"
    )
    print(header)
    print("-" * len(header))
    for n in sizes:
        for method, ours, ours_grouped, ref, same in bench(n):
            ref_txt = f"{ref:15.3f}" if ref is not None else f"{'-':>15}"
            ratio = f"{ref / ours:6.1f}x" if ref is not None else f"{'-':>7}"
            ratio_g = f"{ref / ours_grouped:9.1f}x" if ref is not None else f"{'-':>10}"
            same_txt = "-" if same is None else ("yes" if same else "no")
            print(f"{n:>10,}  {method:<13} {ours:9.3f} {ours_grouped:13.3f} {ref_txt} {ratio} {ratio_g}  {same_txt}")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
