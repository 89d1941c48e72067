"""The deploy check that PostgreSQL will not log a vote's parameters."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from ballots.checks import W001, vote_parameters_never_logged

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL server setting"),
]


def _set(**values: object) -> None:
    with connection.cursor() as cursor:  # session-level; the suite connects as a superuser
        for name, value in values.items():
            cursor.execute(f"SET {name} = %s", [str(value)])


def test_warns_when_logged_statements_would_carry_parameters() -> None:
    _set(log_parameter_max_length=-1, log_parameter_max_length_on_error=0, log_min_duration_statement=250)
    assert [m.id for m in vote_parameters_never_logged(None, databases=["default"])] == [W001]
    _set(log_min_duration_statement=-1, log_parameter_max_length_on_error=64)
    assert [m.id for m in vote_parameters_never_logged(None, databases=["default"])] == [W001]


def test_quiet_when_parameters_are_never_logged() -> None:
    _set(log_parameter_max_length=0, log_parameter_max_length_on_error=0, log_min_duration_statement=0)
    assert vote_parameters_never_logged(None, databases=["default"]) == []
    _set(log_parameter_max_length=-1, log_min_duration_statement=-1, log_statement="none")
    assert vote_parameters_never_logged(None, databases=["default"]) == []


def test_runs_with_check_database(capsys) -> None:  # type: ignore[no-untyped-def]
    _set(log_parameter_max_length=-1, log_statement="all")
    call_command("check", "--deploy", "--database", "default", "--tag", "database")
    assert W001 in capsys.readouterr().err
    _set(log_statement="none")


@pytest.mark.django_db(transaction=True)
def test_warns_when_a_closed_ballot_keeps_its_vote_storage() -> None:
    from ballots.checks import W002, vote_storage_unlinkable
    from ballots.models import Ballot
    from ballots.services import lifecycle
    from tests.factories import BallotFactory, motion_question

    ballot = BallotFactory()
    motion_question(ballot)
    ours = f"ballots_participation_b{ballot.pk}"

    def about_ours() -> list[str]:
        # Other tests' flushed ballots may have left empty partitions behind:
        # look only at this ballot's (the newest, listed first).
        return [m.id for m in vote_storage_unlinkable(None, databases=["default"]) if ours in m.msg]

    lifecycle.ballot_open(ballot_id=ballot.pk)
    assert about_ours() == [], "an open ballot has its storage"
    Ballot.objects.filter(pk=ballot.pk).update(state=Ballot.State.CLOSED)  # closed behind the application's back
    assert about_ours() == [W002]
    Ballot.objects.filter(pk=ballot.pk).update(state=Ballot.State.OPEN)
    lifecycle.ballot_close(ballot_id=ballot.pk)
    assert about_ours() == []


def test_warns_when_wal_is_kept_for_a_replica() -> None:
    from ballots.checks import W003, wal_kept_beyond_recycling

    name = f"agora_check_{connection.settings_dict['NAME']}"[:63]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_replication_slots")
        others = cursor.fetchone()[0]
        cursor.execute("SELECT name, setting FROM pg_settings WHERE name IN ('archive_mode', 'wal_keep_size')")
        server = dict(cursor.fetchall())
    quiet = not others and server["archive_mode"] == "off" and server["wal_keep_size"] == "0"
    if quiet:
        assert wal_kept_beyond_recycling(None, databases=["default"]) == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_create_physical_replication_slot(%s, false)", [name])  # reserves no WAL
    try:
        found = wal_kept_beyond_recycling(None, databases=["default"])
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_drop_replication_slot(%s)", [name])
    assert [m.id for m in found] == [W003] and "replication slot" in found[0].msg
