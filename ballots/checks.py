"""A deploy check for what the database server writes to its own log.

A vote is one call of ``ballots_cast_vote`` whose parameters are the voter
and their papers. PostgreSQL logs a statement's parameters along with it
whenever it logs the statement (``log_statement = all``, slow-statement
logging) unless ``log_parameter_max_length = 0``, and with a failed
statement unless ``log_parameter_max_length_on_error = 0`` (its default).
Either would put "who voted what" in a log file. docker-compose.yml sets
both to 0; this check tells an operator whose server does not.

Run it with ``manage.py check --deploy --database default``.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Tags, Warning, register
from django.db import connections

W001 = "ballots.W001"


@register(Tags.database, deploy=True)
def vote_parameters_never_logged(app_configs: Any, databases: Any = None, **kwargs: Any) -> list[CheckMessage]:
    found: list[CheckMessage] = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, setting FROM pg_settings WHERE name LIKE 'log_%%'")  # raw values, no units
            settings = dict(cursor.fetchall())
        with_statements = int(settings["log_parameter_max_length"])
        on_error = int(settings["log_parameter_max_length_on_error"])
        log_statement = settings["log_statement"]
        slow = int(settings["log_min_duration_statement"])
        sampled = int(settings["log_min_duration_sample"])
        statements_logged = log_statement == "all" or slow >= 0 or sampled >= 0
        if on_error != 0 or (with_statements != 0 and statements_logged):
            found.append(
                Warning(
                    "PostgreSQL writes statement parameters to its log, so a logged vote would show who voted what.",
                    hint="Set log_parameter_max_length = 0 and log_parameter_max_length_on_error = 0 on the server "
                    "(docker-compose.yml does), or log no statements.",
                    obj=f"database {alias!r}",
                    id=W001,
                )
            )
    return found
