"""Shared helpers for the counting-engine tests (no database, no Django)."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from ballots.counting import Ballot, Election

DATA = Path(__file__).resolve().parents[2] / "data" / "elections"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """Directory of the copied reference elections."""
    return DATA


@pytest.fixture(scope="session")
def burlington() -> Election:
    """Burlington 2009 mayoral ballots as an Election.

    Burlington's rules: an undervoted rank is skipped, an overvoted rank ends
    the paper there, and a repeated candidate counts only once.
    """
    rows: dict[str, list[tuple[int, str]]] = defaultdict(list)
    path = DATA / "irv_burlington2009" / "us_vt_btv_2009_03_mayor.normalized.csv"
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            rows[row["ballot_id"]].append((int(row["rank"]), row["choice"]))
    names = sorted({c for marks in rows.values() for _, c in marks if not c.startswith("$")})
    index = {n: i for i, n in enumerate(names)}
    ballots = []
    for marks in rows.values():
        ranking: list[int] = []
        for _, choice in sorted(marks):
            if choice == "$OVERVOTE":
                break
            if choice == "$UNDERVOTE" or index[choice] in ranking:
                continue
            ranking.append(index[choice])
        ballots.append(Ballot(tuple(ranking)))
    return Election(candidates=tuple(names), ballots=tuple(ballots), seats=1)
