"""Deploy checks for what the database server keeps of a vote: its log
(W001), per-ballot storage left after a close (W002) and WAL kept beyond
recycling (W003).

A vote is one call of ``ballots_cast_vote`` whose parameters are the voter
and their papers. PostgreSQL logs a statement's parameters along with it
whenever it logs the statement (``log_statement = all``, slow-statement
logging) unless ``log_parameter_max_length = 0``, and with a failed
statement unless ``log_parameter_max_length_on_error = 0`` (its default).
Either would put "who voted what" in a log file. docker-compose.yml sets
both to 0; W001 tells an operator whose server does not.

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


W002 = "ballots.W002"
W003 = "ballots.W003"


@register(Tags.database, deploy=True)
def vote_storage_unlinkable(app_configs: Any, databases: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Votes live in per-ballot tables that closing drops (migration 0011,
    ``ballots/services/storage.py``). Warn when a ballot that is neither open
    nor cancelled still has them (or a ballot that no longer exists): their
    files hold tuples that link its voters to its papers by transaction id
    and order."""
    found: list[CheckMessage] = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('ballots_participation') IS NOT NULL")
            if not cursor.fetchone()[0]:
                continue  # not migrated yet: the migration checks say so
            # Tables of the three kinds whose ballot is neither open nor
            # cancelled, or no longer exists.
            cursor.execute(
                "SELECT c.relname, substring(c.relname from '_b([0-9]+)$')::bigint AS ballot_id "
                "FROM pg_class c WHERE c.relkind IN ('r', 'p') "
                "AND c.relname ~ '^ballots_(participation|pendingpaper|pendingtracker)_b[0-9]+$' "
                "AND NOT EXISTS (SELECT 1 FROM ballots_ballot b WHERE b.id = "
                "substring(c.relname from '_b([0-9]+)$')::bigint AND b.state IN ('open', 'cancelled')) "
                "ORDER BY ballot_id DESC, c.relname"
            )
            left = cursor.fetchall()
        if left:
            found.append(
                Warning(
                    f"Per-ballot vote storage survives the close of {len({b for _, b in left})} ballot(s) "
                    f"({', '.join(name for name, _ in left[:6])}): its files still link voters to papers.",
                    hint="Close those ballots through the application (ballot_close drops the storage), or drop "
                    "the listed tables once their papers are in ballots_ballotpaper.",
                    obj=f"database {alias!r}",
                    id=W002,
                )
            )
    return found


@register(Tags.database, deploy=True)
def wal_kept_beyond_recycling(app_configs: Any, databases: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The WAL holds every vote as it was written: the participation next to
    its (encrypted) papers, in one transaction. Dropping storage at close does
    not reach WAL that is archived, streamed to a replica or kept by a
    replication slot. Say so when the server keeps WAL beyond recycling."""
    found: list[CheckMessage] = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, setting FROM pg_settings WHERE name IN ('archive_mode', 'wal_keep_size')")
            settings = dict(cursor.fetchall())
            cursor.execute("SELECT count(*) FROM pg_replication_slots")
            slots = cursor.fetchone()[0]
        reasons = []
        if settings.get("archive_mode", "off") != "off":
            reasons.append("WAL archiving is on")
        if int(settings.get("wal_keep_size", "0")) > 0:
            reasons.append("wal_keep_size keeps old WAL")
        if slots:
            reasons.append(f"{slots} replication slot(s) keep WAL for replicas")
        if reasons:
            found.append(
                Warning(
                    "WAL outlives its recycling here (" + "; ".join(reasons) + "): it holds each vote of an open "
                    "ballot with its voter, papers encrypted under a key derived from SECRET_KEY.",
                    hint="Keep WAL archives, replicas and base backups as protected as SECRET_KEY, and expire "
                    "those that span a ballot's voting window once its result is declared (README, "
                    "'Secrecy, by design'). Silence ballots.W003 once that is your policy.",
                    obj=f"database {alias!r}",
                    id=W003,
                )
            )
    return found
