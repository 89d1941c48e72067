"""Benchmark the membership roll import: 100,000 rows on PostgreSQL.

Generates a roll CSV (the size of the seed's national database of "about
100,000 supporters"), then, in a throwaway database created and dropped by
Django's test machinery, times:

1. the first import (every person and membership new),
2. re-importing the same file (idempotent: nothing changes),
3. re-importing with 10% of rows changed (status, party membership),
4. a dry run of the whole file.

Run from the repository root, with DATABASE_URL pointing at PostgreSQL::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/agora .venv/bin/python bench/import_roll.py [rows]

Target: the first import of 100,000 rows in under 60 s.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.conf import settings  # noqa: E402 - after django.setup()
from django.db import connection  # noqa: E402

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
TARGET_SECONDS = 60.0


def make_csv(rows: int, *, changed_every: int = 0, seed: int = 2016) -> bytes:
    """A roll CSV; with ``changed_every`` = n, every n-th row differs from the first file."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["email", "full_name", "membership_number", "kind", "party_member", "joined_on", "status", "consent_to_contact"]
    )
    start = dt.date(2015, 10, 8)
    for i in range(rows):
        changed = bool(changed_every) and i % changed_every == 0
        kind = "member" if rng.random() < 0.3 else "supporter"
        party = "yes" if rng.random() < 0.45 else "no"
        joined = (start + dt.timedelta(days=rng.randrange(0, 300))).isoformat()
        consent = "yes" if rng.random() < 0.9 else "no"
        status = "active"
        if changed:
            party, status = ("no" if party == "yes" else "yes"), "lapsed"
        writer.writerow(
            [f"supporter{i}@example.org", f"Supporter {i}", f"M{i:07d}", kind, party, joined, status, consent]
        )
    return out.getvalue().encode()


def timed(label: str, rows: int, fn, expect: tuple[int, int, int]) -> float:  # type: ignore[no-untyped-def]
    """Run one import and print its figure, once its summary shows it did
    the work: ``expect`` is (created, updated, unchanged) memberships."""
    started = time.perf_counter()
    summary = fn()
    seconds = time.perf_counter() - started
    got = (summary.memberships_created, summary.memberships_updated, summary.memberships_unchanged)
    if summary.rows != rows or got != expect:
        raise SystemExit(f"{label}: {summary.rows} rows, (created, updated, unchanged) {got}, expected {expect}")
    print(
        f"{label:<34} {seconds:7.2f} s  {rows / seconds:10,.0f} rows/s   "
        f"created {summary.memberships_created:,}, updated {summary.memberships_updated:,}, "
        f"unchanged {summary.memberships_unchanged:,}"
    )
    return seconds


def main() -> int:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        print("This benchmark needs PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    from governance.models import Membership, Unit
    from governance.services.roll_import import roll_import

    print(f"Generating {ROWS:,} rows…")
    first = make_csv(ROWS)
    changed = make_csv(ROWS, changed_every=10)
    print(f"CSV: {len(first) / 1e6:.1f} MB. Creating a throwaway database…")
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_import_roll_{os.getpid()}"
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
    try:
        print(f"Database {test_name} on PostgreSQL {getattr(connection, 'pg_version', 0) // 10000}.")
        unit = Unit.objects.create(name="Momentum", slug="momentum", kind=Unit.Kind.NATIONAL)
        every_tenth = len(range(0, ROWS, 10))
        seconds = timed("first import (all new)", ROWS, lambda: roll_import(unit=unit, data=first), (ROWS, 0, 0))
        timed("re-import, same file", ROWS, lambda: roll_import(unit=unit, data=first), (0, 0, ROWS))
        timed(
            "re-import, 10% of rows changed",
            ROWS,
            lambda: roll_import(unit=unit, data=changed),
            (0, every_tenth, ROWS - every_tenth),
        )
        timed(
            "dry run",
            ROWS,
            lambda: roll_import(unit=unit, data=first, dry_run=True),
            (0, every_tenth, ROWS - every_tenth),
        )
        if Membership.objects.filter(unit=unit).count() != ROWS:
            raise SystemExit("the roll does not have every row")
        verdict = "OK" if seconds < TARGET_SECONDS else "TOO SLOW"
        print(
            f"First import: {ROWS:,} rows in {seconds:.1f} s ({ROWS / seconds:,.0f} rows/s), target < {TARGET_SECONDS:.0f} s: {verdict}"
        )
        return 0 if seconds < TARGET_SECONDS else 1
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    raise SystemExit(main())
