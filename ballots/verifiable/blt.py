"""A ranked question's decrypted papers, from a verifiable ballot's record, as a BLT file.

So that anyone can recount from the record itself, with no trust in this
server: ``belenios-tool election verify`` proves the record's result is the
decryption of the ballots in the box; this turns that result into the BLT
file the counting engine reads, by the same rule the server used
(``ranking_from_ranks``: ranks 1..k each used once, anything else a void
paper); then ``python -m ballots.counting Q.blt --sheet sheet.json`` recounts
and checks the count sheet the returning officer declared::

    python -m ballots.verifiable.blt UUID.bel --question 1 > q1.blt
    python -m ballots.counting q1.blt --sheet count-sheet.json

The papers are written in the order the record holds them (the shuffled
order), so the file says nothing the record does not.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from ballots.verifiable.archive import read_board
from ballots.verifiable.errors import FormatError


def ranking_from_ranks(options: Sequence[int], ranks: Sequence[int]) -> list[int]:
    """The preference order a rank vector gives (rank 1 first), or ``[]`` (void) for equal ranks or a gap."""
    ranked = sorted((r, option) for option, r in zip(options, ranks, strict=True) if r)
    if [r for r, _ in ranked] != list(range(1, len(ranked) + 1)):
        return []
    return [option for _, option in ranked]


def _quote(text: str) -> str:
    if any(ch in text for ch in "\n\r"):
        raise FormatError(f"a name contains a line break, which BLT cannot hold: {text!r}")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def record_blt(path: Path, question: int, seats: int = 1) -> str:
    """The BLT text of the ``question``-th non-homomorphic question (from 1) of the record at ``path``."""
    board = read_board(path)
    if board.result is None:
        raise FormatError("the record has no result yet: it is decrypted after the trustees' decryptions")
    election = json.loads(board.election)
    ranked = [q["value"] for q in election["questions"] if q.get("type") == "NonHomomorphic"]
    positions = [i for i, q in enumerate(election["questions"]) if q.get("type") == "NonHomomorphic"]
    if not 1 <= question <= len(ranked):
        raise FormatError(f"the record has {len(ranked)} ranked question(s); choose one from 1")
    spec, answers = ranked[question - 1], json.loads(board.result)["result"][positions[question - 1]]
    candidates = list(range(1, len(spec["answers"]) + 1))
    lines = [f"{len(candidates)} {seats}"]
    lines += [" ".join(["1", *map(str, ranking_from_ranks(candidates, vector)), "0"]) for vector in answers]
    lines += ["0", *(_quote(a) for a in spec["answers"]), _quote(spec["question"])]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ballots.verifiable.blt", description=__doc__.splitlines()[0])
    parser.add_argument("record", help="the verifiable ballot's record (UUID.bel)")
    parser.add_argument("--question", type=int, default=1, help="which ranked question, from 1")
    parser.add_argument("--seats", type=int, default=1, help="seats (the count sheet's, with --sheet, wins)")
    args = parser.parse_args(argv)
    try:
        sys.stdout.write(record_blt(Path(args.record), args.question, args.seats))
    except (FormatError, OSError, KeyError, ValueError) as error:
        sys.stderr.write(f"{error}\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
