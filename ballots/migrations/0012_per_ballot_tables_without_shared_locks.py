"""Per-ballot vote storage that opening and closing create and drop without
locking any table another ballot's votes use; and no row-by-row foreign-key
checks on what the close writes by the million.

Why: the per-ballot storage of migration 0005 was partitions, and creating,
detaching or dropping a partition takes an ``ACCESS EXCLUSIVE`` lock on its
partitioned parent until the transaction commits. Every vote goes through
the parent, so each open and close (every secret vote in a meeting) held up
the votes of every other open ballot, for as long as the close took.

Now, on PostgreSQL:

- ``ballots_participation`` is a plain table holding the participations of
  ballots that are not open; an open ballot's are in
  ``ballots_participation_b<ID>``, a child that *inherits* it (table
  inheritance, not partitioning), so every query on
  ``Participation`` (has this member voted, turnout) still sees them.
  Creating a child and ``NO INHERIT`` take ``SHARE UPDATE EXCLUSIVE`` on the
  parent, which no read or write conflicts with (only other DDL, vacuum and
  analyze), and dropping a child that no longer inherits locks nothing
  shared.
- ``ballots_pendingpaper_b<ID>`` and ``ballots_pendingtracker_b<ID>`` inherit
  ``ballots_pendingpaper`` and ``ballots_pendingtracker`` the same way. The
  vote function writes the ballot's tables by name (``EXECUTE format(...)``):
  no vote touches a parent, and the parents themselves keep only votes of a
  ballot opened without tables of its own (test fixtures).

Every tuple a vote writes is still in files of the ballot's own, and the
close still drops them (``ballots/services/storage.py``).

The foreign keys of ``ballots_participation``, ``ballots_ballotpaper`` and
``ballots_tracker`` go: PostgreSQL checks a foreign key with a trigger per
row, so closing a ballot of a million votes ran four million such checks
(a minute of the close's transaction). Django still applies ``on_delete``
(cascade, protect) itself; what the close writes comes from the ballot's
own storage, whose rows the vote function wrote only for the ballot's
questions and roll (and each paper's ciphertext is bound to its ballot and
question).

Rows of open ballots move as they are: a migration's copy gives every
tuple the migration's transaction id, so the copy links no vote to another.
"""

import importlib

from django.conf import settings
from django.db import migrations, models

BALLOT_LOCK_NAMESPACE = 1111575636  # "BALT"; the same constant as ballots/lock_objects.py

PARTICIPATION = "ballots_participation"
PAPER = "ballots_pendingpaper"
TRACKER = "ballots_pendingtracker"

VOTE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION ballots_cast_vote(
    p_ballot bigint, p_opened timestamptz, p_voter bigint, p_key_hash varchar, p_sealed varchar,
    p_papers jsonb, p_tracker varchar,
    OUT state varchar, OUT opened timestamptz, OUT on_roll boolean, OUT inserted boolean,
    OUT voted_key_hash varchar, OUT voted_sealed varchar, OUT closes timestamptz, OUT too_late boolean
) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    own text := '{PARTICIPATION}_b' || p_ballot;
    written integer;
BEGIN
    PERFORM pg_advisory_xact_lock_shared({BALLOT_LOCK_NAMESPACE}, p_ballot::integer);
    inserted := false;
    too_late := false;
    SELECT b.state, b.roll_frozen_at, b.closes_at INTO state, opened, closes FROM ballots_ballot b WHERE b.id = p_ballot;
    on_roll := EXISTS (SELECT 1 FROM ballots_rollentry r WHERE r.ballot_id = p_ballot AND r.voter_id = p_voter);
    IF state IS DISTINCT FROM 'open' OR opened IS DISTINCT FROM p_opened OR NOT on_roll THEN
        RETURN;
    END IF;
    -- The close is a time, by the database's clock: whatever beat and the
    -- worker are doing, no vote lands once it has passed.
    IF clock_timestamp() >= closes THEN
        too_late := true;
        RETURN;
    END IF;
    IF to_regclass(own) IS NULL THEN
        -- A ballot opened without tables of its own: the shared tables.
        INSERT INTO {PARTICIPATION} (ballot_id, voter_id, idempotency_key_hash, sealed_receipt)
            VALUES (p_ballot, p_voter, p_key_hash, p_sealed)
            ON CONFLICT (ballot_id, voter_id) DO NOTHING;
        IF NOT FOUND THEN
            SELECT p.idempotency_key_hash, p.sealed_receipt INTO voted_key_hash, voted_sealed
                FROM ONLY {PARTICIPATION} p WHERE p.ballot_id = p_ballot AND p.voter_id = p_voter;
            RETURN;
        END IF;
        INSERT INTO {PAPER} (id, ballot_id, question_id, content)
            SELECT gen_random_uuid(), p_ballot, paper.question_id, paper.content
            FROM jsonb_to_recordset(p_papers) AS paper(question_id bigint, content jsonb);
        IF p_tracker <> '' THEN
            INSERT INTO {TRACKER} (id, ballot_id, tracker) VALUES (gen_random_uuid(), p_ballot, p_tracker);
        END IF;
        inserted := true;
        RETURN;
    END IF;
    -- One member, one vote: the unique voter index of the ballot's table decides.
    EXECUTE format('INSERT INTO %I (ballot_id, voter_id, idempotency_key_hash, sealed_receipt) '
                   'VALUES ($1, $2, $3, $4) ON CONFLICT (voter_id) DO NOTHING', own)
        USING p_ballot, p_voter, p_key_hash, p_sealed;
    GET DIAGNOSTICS written = ROW_COUNT;
    IF written = 0 THEN
        -- Voted already: hand back what a retry with the same idempotency key needs.
        EXECUTE format('SELECT idempotency_key_hash, sealed_receipt FROM %I WHERE voter_id = $1', own)
            INTO voted_key_hash, voted_sealed USING p_voter;
        RETURN;
    END IF;
    EXECUTE format('INSERT INTO %I (ballot_id, question_id, content) SELECT $2, paper.question_id, paper.content '
                   'FROM jsonb_to_recordset($1) AS paper(question_id bigint, content jsonb)', '{PAPER}_b' || p_ballot)
        USING p_papers, p_ballot;
    -- The tracker is inside the first paper; a row only from older callers.
    IF p_tracker <> '' THEN
        EXECUTE format('INSERT INTO %I (ballot_id, tracker) VALUES ($1, $2)', '{TRACKER}_b' || p_ballot)
            USING p_ballot, p_tracker;
    END IF;
    inserted := true;
END
$$;
"""  # noqa: S608 - our own table names


def storage_create_sql(ballot_id: int) -> list[str]:
    """The DDL that gives a ballot its own vote tables (the same as
    ``ballots.services.storage.vote_storage_create`` runs)."""
    b = int(ballot_id)
    statements = []
    for table, default in (
        (PARTICIPATION, f"nextval('{PARTICIPATION}_id_seq')"),
        (PAPER, "gen_random_uuid()"),
        (TRACKER, "gen_random_uuid()"),
    ):
        statements += [
            f"CREATE TABLE {table}_b{b} (CHECK (ballot_id = {b})) INHERITS ({table})",
            f"ALTER TABLE {table}_b{b} ALTER COLUMN id SET DEFAULT {default}",
        ]
    statements.append(f"CREATE UNIQUE INDEX {PARTICIPATION}_b{b}_voter ON {PARTICIPATION}_b{b} (voter_id)")
    return statements


def _plain_participation(cursor) -> None:  # type: ignore[no-untyped-def]
    cursor.execute(
        f"CREATE TABLE {PARTICIPATION}_new (id bigint GENERATED BY DEFAULT AS IDENTITY, "
        "idempotency_key_hash varchar(64) NOT NULL, sealed_receipt varchar(64) NOT NULL, "
        "ballot_id bigint NOT NULL, voter_id bigint NOT NULL)"
    )
    columns = "id, idempotency_key_hash, sealed_receipt, ballot_id, voter_id"
    cursor.execute(
        f"INSERT INTO {PARTICIPATION}_new ({columns}) SELECT {columns} FROM {PARTICIPATION}_default "  # noqa: S608
        "ORDER BY ballot_id, voter_id"
    )
    cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {PARTICIPATION}")  # noqa: S608
    (next_id,) = cursor.fetchone()
    cursor.execute(f"DROP TABLE {PARTICIPATION}")
    cursor.execute(f"ALTER TABLE {PARTICIPATION}_new RENAME TO {PARTICIPATION}")
    cursor.execute(f"SELECT pg_get_serial_sequence('{PARTICIPATION}', 'id')")
    (sequence,) = cursor.fetchone()
    cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {PARTICIPATION}_id_seq")
    cursor.execute(f"SELECT setval('{PARTICIPATION}_id_seq', %s, false)", [next_id])
    cursor.execute(f"ALTER TABLE {PARTICIPATION} ADD CONSTRAINT {PARTICIPATION}_pkey PRIMARY KEY (id)")
    cursor.execute(f"ALTER TABLE {PARTICIPATION} ADD CONSTRAINT one_member_one_vote UNIQUE (ballot_id, voter_id)")
    cursor.execute(f"CREATE INDEX ballots_participation_voter_id_723b0ec3 ON {PARTICIPATION} (voter_id)")


def _plain_pending(cursor, table: str, columns: str, definition: str) -> None:  # type: ignore[no-untyped-def]
    cursor.execute(f"CREATE TABLE {table}_new ({definition})")
    cursor.execute(f"INSERT INTO {table}_new ({columns}) SELECT {columns} FROM {table}_default")  # noqa: S608
    cursor.execute(f"DROP TABLE {table}")
    cursor.execute(f"ALTER TABLE {table}_new RENAME TO {table}")
    cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY (id)")


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"SELECT relkind FROM pg_class WHERE oid = to_regclass('{PARTICIPATION}')")  # noqa: S608
        if cursor.fetchone()[0] != "p":
            raise RuntimeError(f"{PARTICIPATION} is not partitioned: apply 0005 first")
        # The ballots that have partitions of their own: set their partitions
        # aside under another name, to be copied into the new tables.
        cursor.execute(
            "SELECT DISTINCT substring(c.relname from '_b([0-9]+)$')::bigint FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass AND c.relname ~ '_b[0-9]+$'",
            [PARTICIPATION],
        )
        ballots = sorted(row[0] for row in cursor.fetchall())
        for ballot in ballots:
            for table in (PARTICIPATION, PAPER, TRACKER):
                cursor.execute(f"ALTER TABLE {table} DETACH PARTITION {table}_b{ballot}")
                cursor.execute(f"ALTER TABLE {table}_b{ballot} RENAME TO {table}_b{ballot}_old")
        _plain_participation(cursor)
        _plain_pending(
            cursor,
            PAPER,
            "id, content, ballot_id, question_id",
            "id uuid NOT NULL, content jsonb NOT NULL, ballot_id bigint NOT NULL, question_id bigint NOT NULL",
        )
        cursor.execute(f"CREATE INDEX ballots_pendingpaper_ballot_id_e49bb03d ON {PAPER} (ballot_id)")
        cursor.execute(f"CREATE INDEX ballots_pendingpaper_question_id_c795e2e4 ON {PAPER} (question_id)")
        _plain_pending(
            cursor,
            TRACKER,
            "id, tracker, ballot_id",
            "id uuid NOT NULL, tracker varchar(64) NOT NULL, ballot_id bigint NOT NULL",
        )
        cursor.execute(f"CREATE INDEX ballots_pendingtracker_ballot_id_79102dba ON {TRACKER} (ballot_id)")
        for ballot in ballots:
            for statement in storage_create_sql(ballot):
                cursor.execute(statement)
            b = int(ballot)
            cursor.execute(
                f"INSERT INTO {PARTICIPATION}_b{b} (ballot_id, voter_id, idempotency_key_hash, sealed_receipt) "  # noqa: S608
                f"SELECT ballot_id, voter_id, idempotency_key_hash, sealed_receipt FROM {PARTICIPATION}_b{b}_old "
                "ORDER BY voter_id"
            )
            cursor.execute(
                f"INSERT INTO {PAPER}_b{b} (ballot_id, question_id, content) "  # noqa: S608
                f"SELECT ballot_id, question_id, content FROM {PAPER}_b{b}_old ORDER BY random()"
            )
            cursor.execute(
                f"INSERT INTO {TRACKER}_b{b} (ballot_id, tracker) "  # noqa: S608
                f"SELECT ballot_id, tracker FROM {TRACKER}_b{b}_old ORDER BY tracker"
            )
            for table in (PARTICIPATION, PAPER, TRACKER):
                cursor.execute(f"DROP TABLE {table}_b{b}_old")
        cursor.execute(VOTE_FUNCTION)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Back to partitions (0005's layout and 0010's function): every
    ballot's rows into the plain tables first, then 0005 partitions them
    again, creating the open ballots' partitions."""
    if schema_editor.connection.vendor != "postgresql":
        return
    partitioned = importlib.import_module("ballots.migrations.0005_per_ballot_vote_storage")
    tracker_inside = importlib.import_module("ballots.migrations.0010_vote_tracker_inside_paper")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT substring(relname from '_b([0-9]+)$')::bigint FROM pg_class WHERE relname ~ %s AND relkind = 'r'",
            [f"^{PAPER}_b[0-9]+$"],
        )
        for (ballot,) in cursor.fetchall():
            b = int(ballot)
            for table in (PARTICIPATION, PAPER, TRACKER):
                cursor.execute(f"ALTER TABLE {table}_b{b} NO INHERIT {table}")
                cursor.execute(f"INSERT INTO {table} SELECT * FROM {table}_b{b}")  # noqa: S608
                cursor.execute(f"DROP TABLE {table}_b{b}")
        for table in (PARTICIPATION, PAPER, TRACKER):
            # 0005's rebuild adds these again, to the partitioned table.
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_pkey")
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS one_member_one_vote")
            for name in partitioned.TABLES[table]["indexes"]:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
            partitioned._rebuild(cursor, table, partitioned.TABLES[table], partitioned=True)
        cursor.execute(tracker_inside.VOTE_FUNCTION)


class Migration(migrations.Migration):
    dependencies = [
        ("ballots", "0011_verifiable_mode"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        # Participation's constraints were written by hand (0005) and are gone
        # now on PostgreSQL: a change of state only. On SQLite the tables keep
        # their foreign keys (nothing there is written by the million).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="participation",
                    name="ballot",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="participations",
                        to="ballots.ballot",
                    ),
                ),
                migrations.AlterField(
                    model_name="participation",
                    name="voter",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=models.deletion.PROTECT,
                        related_name="participations",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ]
        ),
        migrations.AlterField(
            model_name="ballotpaper",
            name="question",
            field=models.ForeignKey(
                db_constraint=False, on_delete=models.deletion.CASCADE, related_name="papers", to="ballots.question"
            ),
        ),
        migrations.AlterField(
            model_name="tracker",
            name="ballot",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=models.deletion.CASCADE,
                related_name="trackers",
                to="ballots.ballot",
            ),
        ),
    ]
