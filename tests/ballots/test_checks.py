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
