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
``COPY``, are opened together and go back by ``COPY``, already in their
random order, with no Python object per paper (``services/close_bulk.py``);
the participations move in one ``INSERT … SELECT``.

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
import random
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from django.db import connection

from ballots.models import Ballot, BallotPaper, PendingPaper, PendingTracker, Tracker
from ballots.services.close_bulk import copy_rows, papers_fetch, papers_open, random_order
from ballots.services.paper_crypto import TRACKER_LENGTH, papers_decrypt

logger = logging.getLogger(__name__)

PARTICIPATION = "ballots_participation"
PAPER = "ballots_pendingpaper"
TRACKER = "ballots_pendingtracker"


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
    # The ballot's own tables and, for a ballot opened without them, the
    # parents; never the parents with their children, which would lock
    # every other open ballot's tables on the way.
    with connection.cursor() as cursor:
        sealed = papers_fetch(cursor, ballot_id=b, sources=[paper_table(b)] * own + [f"ONLY {PAPER}"])
        # The papers are opened in the application (the key never reaches
        # the database) while the database rewrites the participations.
        with ThreadPoolExecutor(max_workers=1) as pool:
            opening = pool.submit(papers_open, ballot_id=b, sealed=sealed)
            if own:
                cursor.execute(
                    f"INSERT INTO {PARTICIPATION} (ballot_id, voter_id, idempotency_key_hash, sealed_receipt) "  # noqa: S608
                    "SELECT ballot_id, voter_id, idempotency_key_hash, sealed_receipt "
                    f"FROM {participation_table(b)} ORDER BY voter_id"
                )
            papers = opening.result()
        del sealed
        copy_rows(
            cursor,
            f"COPY {BallotPaper._meta.db_table} (id, question_id, content) FROM STDIN",
            [papers.questions, papers.content],
            random_order(len(papers.content)),
        )
        trackers_sql = f"SELECT tracker FROM ONLY {TRACKER} WHERE ballot_id = {b}"  # noqa: S608
        if own:
            trackers_sql = f"SELECT tracker FROM {tracker_table(b)} UNION ALL {trackers_sql}"  # noqa: S608
        cursor.execute(trackers_sql)
        # Trackers go in the order of their values: hashes of random
        # receipts, so an order that owes nothing to when anyone voted.
        trackers = np.concatenate([papers.trackers, _trackers_array([row[0] for row in cursor.fetchall()])])
        trackers = np.sort(trackers.view(f"S{TRACKER_LENGTH}").ravel()).view(np.uint8).reshape(-1, TRACKER_LENGTH)
        copy_rows(
            cursor,
            f"COPY {Tracker._meta.db_table} (id, ballot_id, tracker) FROM STDIN",
            [np.tile(np.frombuffer(str(b).encode(), dtype=np.uint8), (len(trackers), 1)), trackers],
            np.arange(len(trackers)),
        )
        if own:
            child = participation_table(b)
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


def _trackers_array(trackers: list[str]) -> np.ndarray:
    """Trackers (64 hex digits each, as receipts' hashes are) as rows of bytes."""
    if any(len(t) != TRACKER_LENGTH or t.strip("0123456789abcdef") for t in trackers):
        raise ValueError("a pending tracker is not 64 hex digits")
    return np.frombuffer("".join(trackers).encode(), dtype=np.uint8).reshape(len(trackers), TRACKER_LENGTH)


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
