"""Every name the services accept (``core.text.plain_name``) survives the
published BLT file: written by the export, read back by the same parser the
recount CLI uses, and counted by the CLI itself under its own name.

Figure: hypothesis examples round-tripped, 0 mismatches.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ballots.counting import Election, parse_blt, to_blt
from ballots.counting.types import Ballot
from core.text import name_problem

ROOT = Path(__file__).resolve().parents[2]
# Quotes, backslashes, BLT's own syntax, right-to-left letters, combining marks.
TRICKY = ['Ann "Nan" O\'Neill', "C:\\path\\", "-1 0", "# not a comment", "محمد علي", "Zoë", "e\u0301", "  spaced  "]
names = (
    (st.text(min_size=1, max_size=40) | st.sampled_from(TRICKY))
    .map(str.strip)
    .filter(lambda s: bool(s) and name_problem(s) is None)
)


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(candidates=st.lists(names, min_size=2, max_size=6, unique=True), title=names)
def test_every_accepted_name_round_trips_through_blt(candidates: list[str], title: str) -> None:
    election = Election(
        candidates=tuple(candidates),
        ballots=(Ballot((0, 1), weight=2), Ballot((1,), weight=1)),
        title=title,
    )
    back = parse_blt(to_blt(election))
    assert back.candidates == election.candidates and back.title == title
    assert [(b.ranking, b.weight) for b in back.ballots] == [((0, 1), 2), ((1,), 1)]


def test_the_recount_cli_reads_the_tricky_names(tmp_path: Path) -> None:
    candidates = tuple(name.strip() for name in TRICKY[:4])
    election = Election(
        candidates=candidates,
        ballots=(Ballot((0,), weight=3), Ballot((1, 0), weight=2), Ballot((2,), weight=1)),
        title=TRICKY[4],
    )
    path = tmp_path / "papers.blt"
    path.write_text(to_blt(election), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "ballots.counting", str(path), "--method", "irv", "--json", "--seed", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    sheet = json.loads(run.stdout)
    assert sheet["elected"] == [candidates[0]] and sheet["candidates"] == list(candidates)
