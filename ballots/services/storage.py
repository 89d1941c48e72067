"""Where a ballot's votes are kept while it is open, and how closing makes
them unlinkable on disk as well as in the rows.

Papers are encrypted while open under a key the database never holds
(``paper_crypto.py``), so what a reader of the open ballot's storage can
pair with a voter is a ciphertext.

On PostgreSQL, ``ballots_participation``, ``ballots_pendingpaper`` and
``ballots_pendingtracker`` are partitioned by ballot (migration 0005).
Opening a ballot creates its three partitions and votes write only there,
so every tuple that carries a vote's transaction id (``xmin``) or sits in
the order in which votes were cast is in a file of its own. Closing copies
the papers and trackers, shuffled, into the final tables; rewrites the
participations, in voter order, into the default partition; and drops the
ballot's partitions: the files that held the linkable tuples, dead and
alive, are gone from the database. ``tests/ballots/test_storage_secrecy.py``
reads every page afterwards to prove it.

What this does not reach is outside the live database: the WAL until it is
recycled, and physical backups or replicas taken while the ballot was open
(README, "Secrecy, by design").

SQLite, the embedded default, keeps plain tables: closing copies shuffled
and deletes. Every connection runs with ``secure_delete`` on (settings), so
the deleted rows are overwritten with zeros, and once the close has
committed ``vote_storage_flush`` checkpoints the WAL and truncates it, so
the frames that held the open ballot's rows, in vote order, are gone too
(``tests/ballots/test_embedded_storage_secrecy.py``).
"""

from __future__ import annotations

import json
import logging
import random

from django.db import connection

from ballots.models import Ballot, BallotPaper, PendingPaper, PendingTracker, Tracker
from ballots.services.paper_crypto import papers_decrypt

logger = logging.getLogger(__name__)

PARTICIPATION = "ballots_participation"
PAPER = "ballots_pendingpaper"
TRACKER = "ballots_pendingtracker"
PARTITIONED = (PARTICIPATION, PAPER, TRACKER)
"""Always taken in this order, as votes do, so two lifecycle steps cannot
deadlock on the parents' locks."""


def partition_name(table: str, ballot_id: int) -> str:
    return f"{table}_b{int(ballot_id)}"


def _partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [PARTICIPATION])
        row = cursor.fetchone()
    return row is not None and row[0] == "p"


def _exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        return bool(cursor.fetchone()[0])


def vote_storage_create(*, ballot_id: int) -> bool:
    """Create the ballot's partitions, if missing. Call inside the opening
    transaction, after the heavy work: creating a partition locks its parent
    (and so every ballot's votes) until the transaction commits. Returns
    whether the ballot has partitions of its own."""
    if not _partitioned():
        return False
    with connection.cursor() as cursor:
        for table in PARTITIONED:
            name = partition_name(table, ballot_id)
            if not _exists(name):
                cursor.execute(f"CREATE TABLE {name} PARTITION OF {table} FOR VALUES IN ({int(ballot_id)})")
    return True


def vote_storage_seal(*, ballot: Ballot) -> None:
    """Move a closing ballot's votes to their final, unlinkable form, in the
    caller's transaction (which holds the ballot's lock, so no vote is in
    flight): papers and trackers copied in random order with fresh random
    ids, participations rewritten by the closing transaction, and the
    per-ballot storage dropped."""
    if not _partitioned():
        _shuffle_and_delete(ballot)
        return
    own = [partition_name(table, ballot.pk) for table in PARTITIONED]
    has_own = all(_exists(name) for name in own)
    with connection.cursor() as cursor:

        def sources(table: str, columns: str) -> str:
            """The ballot's rows: its own partition and, for a ballot opened
            before its partitions could exist, the default partition."""
            default = f"SELECT {columns} FROM ONLY {table}_default WHERE ballot_id = {int(ballot.pk)}"  # noqa: S608
            if not has_own:
                return default
            return f"SELECT {columns} FROM {partition_name(table, ballot.pk)} UNION ALL {default}"  # noqa: S608

        # Only the partitions are read here, never their parents, so the
        # parents' locks are taken once, at the end, in a fixed order.
        # Papers were stored encrypted (``paper_crypto``): decrypt them here,
        # in the application, and let PostgreSQL shuffle them on the way in.
        cursor.execute(f"SELECT question_id, content::text FROM ({sources(PAPER, 'question_id, content')}) AS p")  # noqa: S608
        papers, trackers = papers_decrypt(ballot_id=ballot.pk, rows=((q, json.loads(c)) for q, c in cursor.fetchall()))
        cursor.execute(
            f"INSERT INTO {BallotPaper._meta.db_table} (id, question_id, content) "  # noqa: S608 - our tables
            "SELECT gen_random_uuid(), p.question_id, p.content "
            "FROM jsonb_to_recordset(%s::jsonb) AS p(question_id bigint, content jsonb) ORDER BY gen_random_uuid()",
            [json.dumps(papers)],
        )
        # Trackers came inside the papers; rows only from votes cast by
        # code from before that (migration 0009).
        cursor.execute(
            f"INSERT INTO {Tracker._meta.db_table} (id, ballot_id, tracker) "  # noqa: S608 - our tables
            f"SELECT gen_random_uuid(), %s, tracker FROM ({sources(TRACKER, 'tracker')} "
            "UNION ALL SELECT jsonb_array_elements_text(%s::jsonb)) AS t ORDER BY gen_random_uuid()",
            [ballot.pk, json.dumps(trackers)],
        )
        if has_own:
            participations = partition_name(PARTICIPATION, ballot.pk)
            cursor.execute(f"ALTER TABLE {PARTICIPATION} DETACH PARTITION {participations}")
            cursor.execute(
                f"INSERT INTO {PARTICIPATION} (ballot_id, voter_id, idempotency_key_hash, sealed_receipt) "  # noqa: S608
                f"SELECT ballot_id, voter_id, idempotency_key_hash, sealed_receipt FROM {participations} "
                "ORDER BY voter_id"
            )
            for name in own:
                cursor.execute(f"DROP TABLE {name}")
        for table in (PAPER, TRACKER):
            cursor.execute(f"DELETE FROM ONLY {table}_default WHERE ballot_id = %s", [ballot.pk])  # noqa: S608


def _shuffle_and_delete(ballot: Ballot) -> None:
    rng = random.SystemRandom()
    rows = PendingPaper.objects.filter(ballot=ballot).values_list("question_id", "content")
    papers, trackers = papers_decrypt(ballot_id=ballot.pk, rows=rows)
    rng.shuffle(papers)
    BallotPaper.objects.bulk_create(
        (BallotPaper(question_id=p["question_id"], content=p["content"]) for p in papers), batch_size=5000
    )
    trackers += PendingTracker.objects.filter(ballot=ballot).values_list("tracker", flat=True)
    rng.shuffle(trackers)
    Tracker.objects.bulk_create((Tracker(ballot=ballot, tracker=t) for t in trackers), batch_size=5000)
    PendingPaper.objects.filter(ballot=ballot).delete()
    PendingTracker.objects.filter(ballot=ballot).delete()


def vote_storage_flush() -> None:
    """After a close has committed, on SQLite: copy the WAL into the
    database file and truncate it to nothing. Until then the WAL keeps the
    page images each vote wrote, in vote order, deleted or not.

    ``TRUNCATE`` waits (the connection's busy timeout) for readers on older
    snapshots to finish. If one still holds on, the frames stay until the
    next close or SQLite's own checkpoint when the last connection ends:
    said in the log, which carries no ballot content."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        busy, _frames, _copied = cursor.fetchone()
    if busy:
        logger.warning("The SQLite WAL could not be truncated after a close: a reader held it open.")
