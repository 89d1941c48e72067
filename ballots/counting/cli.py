"""Command-line counting of a BLT file.

``python -m ballots.counting FILE.blt --method scottish-stv [--seats N]
[--json] [--seed S | --sheet sheet.json]``.  Exit status 0 on success, 2 on
bad input (with a one-line message on stderr naming the offending line where
there is one), so scripts can tell a bad file from a count.

A count that needs a lot draws it from a seed.  A published result carries
its seed: ``--seed`` gives it, or ``--sheet`` reads it (with the method and
seats) from the published count sheet and then checks that the recount
reproduces that sheet exactly, exiting 1 if it does not.  Without either, a
count that needed a lot prints a warning, because another run would draw
differently.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ballots.counting.api import ELECTION_METHODS, count
from ballots.counting.blt import read_blt
from ballots.counting.report import render
from ballots.counting.types import CountingError

if TYPE_CHECKING:
    from collections.abc import Sequence

EXIT_BAD_INPUT = 2
EXIT_MISMATCH = 1


def build_parser() -> argparse.ArgumentParser:
    """Argument parser (separate so its help can be tested)."""
    parser = argparse.ArgumentParser(prog="python -m ballots.counting", description="Count a BLT ballot file.")
    parser.add_argument("file", help="BLT file to count")
    parser.add_argument("--method", choices=sorted(ELECTION_METHODS), help="counting rules (or from --sheet)")
    parser.add_argument("--seats", type=int, help="override the seats given in the file")
    parser.add_argument("--json", action="store_true", help="print the count sheet as JSON")
    lots = parser.add_mutually_exclusive_group()
    lots.add_argument("--seed", type=int, help="seed for any drawing of lots (as published with the result)")
    lots.add_argument(
        "--sheet",
        metavar="SHEET.json",
        help="published count sheet: take its method, seats and seed, and check the recount matches it",
    )
    return parser


class _Refused(Exception):
    """Bad input: message for stderr, exit 2."""


def _load_sheet(path: str) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise _Refused(f"{path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _Refused(f"{path}: not a JSON count sheet ({exc})") from None
    if isinstance(data, dict) and isinstance(data.get("questions"), list):
        # the result page's sheet.json: one entry per question
        questions = [q for q in data["questions"] if isinstance(q, dict) and isinstance(q.get("count_sheet"), dict)]
        if len(questions) != 1:
            raise _Refused(f"{path}: holds {len(questions)} count sheets; keep only the question to recount")
        data = questions[0]
    if isinstance(data, dict) and isinstance(data.get("count_sheet"), dict):
        envelope = data
        data = dict(data["count_sheet"])  # the result API's envelope
        if data.get("seed") in (None, "") and envelope.get("seed") not in (None, ""):
            data["_seed"] = envelope["seed"]
    if not isinstance(data, dict) or "method" not in data:
        raise _Refused(f"{path}: not a count sheet (no 'method')")
    return data


def _comparable(sheet: dict[str, Any]) -> dict[str, Any]:
    keys = ("method", "seats", "candidates", "total_valid", "quota", "elected", "stages", "tie_breaks")
    return {k: sheet.get(k) for k in keys}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit status."""
    args = build_parser().parse_args(argv)
    published: dict[str, Any] | None = None
    seed: int | None = args.seed
    method: str | None = args.method
    try:
        if args.sheet:
            published = _load_sheet(args.sheet)
            method = method or str(published["method"])
            raw_seed = published.get("seed") or published.get("_seed")
            seed = None if raw_seed in (None, "") else int(str(raw_seed))
        if method is None:
            raise _Refused("give --method (or --sheet with a published count sheet)")
        if method not in ELECTION_METHODS:
            raise _Refused(f"unknown method {method!r}; choose from {', '.join(sorted(ELECTION_METHODS))}")
    except (_Refused, ValueError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_BAD_INPUT
    try:
        election = read_blt(args.file)
        seats = args.seats if args.seats is not None else (published or {}).get("seats")
        if seats is not None:
            election = dataclasses.replace(election, seats=int(seats))
        if not any(b.ranking for b in election.ballots):
            sys.stderr.write(f"error: {args.file}: no paper marks a preference: there is nothing to count\n")
            return EXIT_BAD_INPUT
        sheet = count(method, election, seed=seed)
    except CountingError as exc:
        sys.stderr.write(f"error: {args.file}: {exc}\n")
        return EXIT_BAD_INPUT
    except OSError as exc:
        sys.stderr.write(f"error: {args.file}: {exc.strerror or exc}\n")
        return EXIT_BAD_INPUT
    if seed is None and any(t.by_lot for t in sheet.tie_breaks):
        sys.stderr.write(
            f"warning: this count needed a lot, drawn with seed {sheet.seed}; another run may draw differently. "
            "To reproduce a published result pass its seed (--seed) or its sheet (--sheet).\n"
        )
    out = sheet.to_json()
    if args.json:
        sys.stdout.write(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(f"Title: {election.title}\n" + render(sheet))
    if published is not None:
        if _comparable(out) != _comparable(published):
            sys.stderr.write(f"MISMATCH: the recount differs from {args.sheet}\n")
            return EXIT_MISMATCH
        sys.stderr.write(f"ok: the recount reproduces {args.sheet} exactly\n")
    return 0
