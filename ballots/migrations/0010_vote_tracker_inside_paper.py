"""A vote writes no tracker row: the tracker travels inside the vote's first
encrypted paper and is written, shuffled, only at the close
(``ballots/services/paper_crypto.py``).

Why: a tracker row written by the vote's transaction pairs with the voter's
participation (same ``xmin``, same order), so a reader of an open ballot's
storage learned each voter's tracker, and after the declaration whether a
given tracker's paper was counted. Now such a reader pairs a voter with
ciphertexts only.

``ballots_cast_vote`` keeps its signature and writes a tracker row only
when given one (``p_tracker <> ''``): an application process still running
the previous code during an upgrade keeps working, and the close reads
those rows as before.
"""

import importlib

from django.db import migrations

BALLOT_LOCK_NAMESPACE = 1111575636  # "BALT"; the same constant as ballots/lock_objects.py

VOTE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION ballots_cast_vote(
    p_ballot bigint, p_opened timestamptz, p_voter bigint, p_key_hash varchar, p_sealed varchar,
    p_papers jsonb, p_tracker varchar,
    OUT state varchar, OUT opened timestamptz, OUT on_roll boolean, OUT inserted boolean,
    OUT voted_key_hash varchar, OUT voted_sealed varchar, OUT closes timestamptz, OUT too_late boolean
) LANGUAGE plpgsql VOLATILE AS $$
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
    -- One member, one vote: the unique (ballot, voter) index decides.
    INSERT INTO ballots_participation (ballot_id, voter_id, idempotency_key_hash, sealed_receipt)
        VALUES (p_ballot, p_voter, p_key_hash, p_sealed)
        ON CONFLICT (ballot_id, voter_id) DO NOTHING;
    IF NOT FOUND THEN
        -- Voted already: hand back what a retry with the same idempotency key needs.
        SELECT p.idempotency_key_hash, p.sealed_receipt INTO voted_key_hash, voted_sealed
            FROM ballots_participation p WHERE p.ballot_id = p_ballot AND p.voter_id = p_voter;
        RETURN;
    END IF;
    INSERT INTO ballots_pendingpaper (id, ballot_id, question_id, content)
        SELECT gen_random_uuid(), p_ballot, paper.question_id, paper.content
        FROM jsonb_to_recordset(p_papers) AS paper(question_id bigint, content jsonb);
    -- The tracker is inside the first paper; a row only from older callers.
    IF p_tracker <> '' THEN
        INSERT INTO ballots_pendingtracker (id, ballot_id, tracker) VALUES (gen_random_uuid(), p_ballot, p_tracker);
    END IF;
    inserted := true;
END
$$;
"""


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(VOTE_FUNCTION)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    previous = importlib.import_module("ballots.migrations.0005_per_ballot_vote_storage")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(previous.VOTE_FUNCTION.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))


class Migration(migrations.Migration):
    dependencies = [("ballots", "0009_published_file")]

    operations = [migrations.RunPython(forward, backward)]
