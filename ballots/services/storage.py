"""Where a ballot's votes are kept while it is open, and how closing makes
them unlinkable on disk as well as in the rows.

Papers are encrypted while open under a key the database never holds
(``paper_crypto.py``), so what a reader of the open ballot's storage can
pair with a voter is a ciphertext.

On PostgreSQL every ballot has tables of its own while it is open
(migration 0011): ``ballots_participation_b<ID>``,
``ballots_pendingpaper_b<ID>`` and ``ballots_pendingtracker_b<ID>``,
children that *inherit* the shared tables (table inheritance, not
partitions), so every query on the models (has this member voted, turnout)
still sees them. Votes write only there (``ballots_cast_vote`` names them),
so every tuple that carries a vote's
transaction id (``xmin``) or sits in the order in which votes were cast is
in a file of its own. Closing copies the papers and trackers, in random
order, into the final tables; rewrites the participations, in voter order,
into ``ballots_participation`` itself; and drops the ballot's tables: the
files that held the linkable tuples, dead and alive, are gone from the
database. ``tests/ballots/test_storage_secrecy.py`` reads every page
afterwards to prove it.

Opening and closing lock nothing another ballot's votes wait for: a table
that inherits, and ``NO INHERIT``, take ``SHARE UPDATE EXCLUSIVE`` on the
parent, which conflicts with no read or write (only with other DDL and
vacuum), and dropping a table that no longer inherits locks only itself
(``bench/ballot_stall.py`` measures it). Partitions, before, took
``ACCESS EXCLUSIVE`` on their parents.

The close does its heavy work in bulk: the papers leave the database by
``COPY``, are decrypted in one pass with no JSON parsed per paper
(``paper_crypto.papers_open_json``) and go back by ``COPY``, already in
their random order; the participations move in one ``INSERT … SELECT``.

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

import logging
import os
import random
from collections.abc import Iterator
from typing import Any

import numpy as np
from django.db import connection

from ballots.models import Ballot, BallotPaper, PendingPaper, PendingTracker, Tracker
from ballots.services.paper_crypto import papers_decrypt, papers_open_json

logger = logging.getLogger(__name__)

PARTICIPATION = "ballots_participation"
PAPER = "ballots_pendingpaper"
TRACKER = "ballots_pendingtracker"
COPY_ROWS = 100_000
"""Rows per block written to ``COPY``: bounds the memory of a large close."""


def participation_table(ballot_id: int) -> str:
    return f"{PARTICIPATION}_b{int(ballot_id)}"


def paper_table(ballot_id: int) -> str:
    return f"{PAPER}_b{int(ballot_id)}"


def tracker_table(ballot_id: int) -> str:
    return f"{TRACKER}_b{int(ballot_id)}"


def _exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        return bool(cursor.fetchone()[0])


def vote_storage_create(*, ballot_id: int) -> bool:
    """Give the ballot its own vote tables, if missing (PostgreSQL). Returns
    whether it has them.

    A ballot that already has votes in the shared tables (opened without
    them) keeps its votes there: they are never split over two places.
    Creating the tables locks nothing other ballots' votes wait for."""
    if connection.vendor != "postgresql":
        return False
    b = int(ballot_id)
    if _exists(participation_table(b)):
        return True
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM ONLY {PARTICIPATION} WHERE ballot_id = %s)", [b])  # noqa: S608
        if cursor.fetchone()[0]:
            return False
        for table, own, default in (
            (PARTICIPATION, participation_table(b), f"nextval('{PARTICIPATION}_id_seq')"),
            (PAPER, paper_table(b), "gen_random_uuid()"),
            (TRACKER, tracker_table(b), "gen_random_uuid()"),
        ):
            cursor.execute(f"CREATE TABLE {own} (CHECK (ballot_id = {b})) INHERITS ({table})")
            cursor.execute(f"ALTER TABLE {own} ALTER COLUMN id SET DEFAULT {default}")
        cursor.execute(f"CREATE UNIQUE INDEX {participation_table(b)}_voter ON {participation_table(b)} (voter_id)")
    return True


def vote_storage_seal(*, ballot: Ballot) -> None:
    """Move a closing ballot's votes to their final, unlinkable form, in the
    caller's transaction (which holds the ballot's lock, so no vote is in
    flight): papers and trackers copied in random order with fresh random
    ids, participations rewritten by the closing transaction, and the
    ballot's own tables dropped."""
    if connection.vendor != "postgresql":
        _shuffle_and_delete(ballot)
        return
    b = int(ballot.pk)
    own = _exists(participation_table(b))
    with connection.cursor() as cursor:
        # The ballot's own tables and, for a ballot opened without them, the
        # parents; never the parents with their children, which would lock
        # every other open ballot's tables on the way.
        papers_sql = f"SELECT question_id, content #>> '{{}}' AS content FROM ONLY {PAPER} WHERE ballot_id = {b}"  # noqa: S608
        trackers_sql = f"SELECT tracker FROM ONLY {TRACKER} WHERE ballot_id = {b}"  # noqa: S608
        if own:
            papers_sql = (
                f"SELECT question_id, content #>> '{{}}' AS content FROM {paper_table(b)} UNION ALL {papers_sql}"  # noqa: S608
            )
            trackers_sql = f"SELECT tracker FROM {tracker_table(b)} UNION ALL {trackers_sql}"  # noqa: S608
        # Decrypted here, in the application: the key never reaches the database.
        papers, trackers = papers_open_json(ballot_id=b, rows=_in_blocks(cursor, papers_sql))
        cursor.execute(trackers_sql)
        trackers += [row[0] for row in cursor.fetchall()]
        _copy_in(
            cursor,
            f"COPY {BallotPaper._meta.db_table} (id, question_id, content) FROM STDIN",
            [f"{q}\t{content}" for q, content in papers],
            shuffle=True,
        )
        # Trackers go in the order of their values: hashes of random
        # receipts, so an order that owes nothing to when anyone voted.
        trackers.sort()
        _copy_in(
            cursor,
            f"COPY {Tracker._meta.db_table} (id, ballot_id, tracker) FROM STDIN",
            [f"{b}\t{t}" for t in trackers],
            shuffle=False,
        )
        del papers, trackers
        if own:
            child = participation_table(b)
            cursor.execute(
                f"INSERT INTO {PARTICIPATION} (ballot_id, voter_id, idempotency_key_hash, sealed_receipt) "  # noqa: S608
                f"SELECT ballot_id, voter_id, idempotency_key_hash, sealed_receipt FROM {child} ORDER BY voter_id"
            )
            # Last, and only now the parents' locks (which no vote or read
            # waits for), always in this order: the children's own locks,
            # from here to the commit, hold up readers for moments only.
            owned = ((PARTICIPATION, child), (PAPER, paper_table(b)), (TRACKER, tracker_table(b)))
            for table, _ in owned:
                cursor.execute(f"LOCK TABLE ONLY {table} IN SHARE UPDATE EXCLUSIVE MODE")
            for table, name in owned:
                cursor.execute(f"ALTER TABLE {name} NO INHERIT {table}")
            cursor.execute(f"DROP TABLE {', '.join(name for _, name in owned)}")
        for table in (PAPER, TRACKER):
            cursor.execute(f"DELETE FROM ONLY {table} WHERE ballot_id = %s", [b])  # noqa: S608


def _in_blocks(cursor: Any, sql: str) -> Iterator[tuple[int, str]]:
    """The (question id, content) rows of ``sql``, fetched as some blocks of
    many rows joined by the database (a row at a time costs a round of the
    driver per paper). No stored content holds a newline: base64, or JSON
    as ``jsonb`` prints it."""
    cursor.execute(
        "SELECT question_id, string_agg(content, E'\\n') FROM "  # noqa: S608 - our own query
        f"(SELECT question_id, content, (row_number() OVER ()) / {COPY_ROWS} AS block FROM ({sql}) AS p) AS b "
        "GROUP BY question_id, block"
    )
    for question_id, joined in cursor.fetchall():
        for content in joined.split("\n"):
            yield question_id, content


def _random_ids(n: int) -> list[str]:
    """``n`` random version-4 UUIDs (hex), ascending: rows written in this
    order append to the primary key's index instead of landing all over it."""
    high = np.frombuffer(os.urandom(8 * n), dtype=np.uint64)
    low = np.frombuffer(os.urandom(8 * n), dtype=np.uint64)
    high = np.sort((high & np.uint64(0xFFFFFFFFFFFF0FFF)) | np.uint64(0x4000))
    low = (low & np.uint64(0x3FFFFFFFFFFFFFFF)) | np.uint64(0x8000000000000000)
    both = np.empty((n, 2), dtype=">u8")  # big-endian: the bytes of a UUID in order
    both[:, 0], both[:, 1] = high, low
    raw = both.tobytes().hex()
    return [raw[i : i + 32] for i in range(0, 32 * n, 32)]


def _copy_in(cursor: Any, sql: str, rows: list[str], *, shuffle: bool) -> None:
    """Write ``rows`` (tab-separated fields after the id) through ``COPY``,
    each with a fresh random id; in a random order if ``shuffle``. The
    order comes from the operating system's random source, and the ids
    ascend in the written order."""
    n = len(rows)
    if not n:
        return
    ids = _random_ids(n)
    order = np.argsort(np.frombuffer(os.urandom(8 * n), dtype=np.uint64), kind="stable") if shuffle else range(n)
    with cursor.copy(sql) as copy:
        block: list[str] = []
        for position, row in enumerate(order):
            block.append(f"{ids[position]}\t{rows[row]}\n")
            if len(block) == COPY_ROWS:
                copy.write("".join(block))
                block.clear()
        if block:
            copy.write("".join(block))


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
