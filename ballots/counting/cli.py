"""Command-line counting of a BLT file.

``python -m ballots.counting FILE.blt --method scottish-stv [--seats N]
[--json] [--seed S]``.  Exit status 0 on success, 2 on bad input (with a
one-line message on stderr naming the offending line where there is one), so
scripts can tell a bad file from a count.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from typing import TYPE_CHECKING

from ballots.counting.api import ELECTION_METHODS, count
from ballots.counting.blt import read_blt
from ballots.counting.report import render
from ballots.counting.types import CountingError

if TYPE_CHECKING:
    from collections.abc import Sequence

EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    """Argument parser (separate so its help can be tested)."""
    parser = argparse.ArgumentParser(prog="python -m ballots.counting", description="Count a BLT ballot file.")
    parser.add_argument("file", help="BLT file to count")
    parser.add_argument("--method", required=True, choices=sorted(ELECTION_METHODS))
    parser.add_argument("--seats", type=int, help="override the seats given in the file")
    parser.add_argument("--json", action="store_true", help="print the count sheet as JSON")
    parser.add_argument("--seed", type=int, help="seed for any drawing of lots")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit status."""
    args = build_parser().parse_args(argv)
    try:
        election = read_blt(args.file)
        if args.seats is not None:
            election = dataclasses.replace(election, seats=args.seats)
        sheet = count(args.method, election, seed=args.seed)
    except CountingError as exc:
        sys.stderr.write(f"error: {args.file}: {exc}\n")
        return EXIT_BAD_INPUT
    except OSError as exc:
        sys.stderr.write(f"error: {args.file}: {exc.strerror or exc}\n")
        return EXIT_BAD_INPUT
    if args.json:
        sys.stdout.write(json.dumps(sheet.to_json(), indent=1) + "\n")
    else:
        sys.stdout.write(render(sheet))
    return 0
