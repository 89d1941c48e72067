"""The vote as one PostgreSQL function (``ballots/services/casting.py``).

Why a function: a vote must not land after its ballot has been closed and
shuffled. Locking the ballot row at the start of every vote (``FOR KEY
SHARE``) did that, but every vote then wrote a lock into the same row and
held it for the whole statement: about a seventh of the endpoint's
throughput (``bench/cast_votes.py``). Here a vote holds a *shared* advisory
lock on its ballot instead, which lifecycle steps take exclusively
(``ballots/lock_objects.py``); because a VOLATILE plpgsql function takes a
fresh snapshot for each statement, a vote that waited for a closing ballot
then reads it as closed. One call is one round trip and one implicit
transaction, and plpgsql caches its statements' plans.

SQLite serialises writers itself and needs none of this.
"""

from django.db import migrations

BALLOT_LOCK_NAMESPACE = 1111575636  # "BALT"; the same constant as ballots/lock_objects.py

CREATE = f"""
CREATE FUNCTION ballots_cast_vote(
    p_ballot bigint, p_opened timestamptz, p_voter bigint, p_key_hash varchar, p_sealed varchar,
    p_papers jsonb, p_tracker varchar,
    OUT state varchar, OUT opened timestamptz, OUT on_roll boolean, OUT inserted boolean,
    OUT voted_key_hash varchar, OUT voted_sealed varchar
) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared({BALLOT_LOCK_NAMESPACE}, p_ballot::integer);
    inserted := false;
    SELECT b.state, b.roll_frozen_at INTO state, opened FROM ballots_ballot b WHERE b.id = p_ballot;
    on_roll := EXISTS (SELECT 1 FROM ballots_rollentry r WHERE r.ballot_id = p_ballot AND r.voter_id = p_voter);
    IF state IS DISTINCT FROM 'open' OR opened IS DISTINCT FROM p_opened OR NOT on_roll THEN
        RETURN;
    END IF;
    -- One member, one vote: the unique (ballot, voter) index decides, with
    -- no plan to go stale (a lookup first would be planned while the table
    -- is small and could keep scanning it whole as it grows).
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
    INSERT INTO ballots_pendingtracker (id, ballot_id, tracker) VALUES (gen_random_uuid(), p_ballot, p_tracker);
    inserted := true;
END
$$;
"""
DROP = "DROP FUNCTION IF EXISTS ballots_cast_vote(bigint, timestamptz, bigint, varchar, varchar, jsonb, varchar);"


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("ballots", "0003_ballot_reminder_before_ballot_reminder_queued_at_and_more")]

    operations = [migrations.RunPython(create, drop)]
