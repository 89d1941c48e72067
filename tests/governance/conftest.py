"""Helpers for governance tests: roll CSV text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

HEADER = [
    "email",
    "full_name",
    "membership_number",
    "kind",
    "party_member",
    "joined_on",
    "status",
    "consent_to_contact",
]


def roll_csv(rows: Iterable[Iterable[object]], header: list[str] | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header or HEADER)
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode()


def person_row(i: int, **changes: object) -> list[object]:
    row = {
        "email": f"p{i}@example.org",
        "full_name": f"Person {i}",
        "membership_number": f"M{i:05d}",
        "kind": "supporter",
        "party_member": "no",
        "joined_on": "2016-01-15",
        "status": "active",
        "consent_to_contact": "yes",
    }
    row.update(changes)  # type: ignore[arg-type]
    return [row[h] for h in HEADER]
