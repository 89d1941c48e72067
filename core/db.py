"""Database helpers for the few statements that run on every request."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection


@contextmanager
def prepared_cursor() -> Iterator[Any]:
    """A cursor whose statements PostgreSQL prepares once per connection.

    Django's PostgreSQL cursors bind parameters client-side, so the server
    parses and plans every statement afresh: for the vote statement (three
    inserts in one CTE) planning costs more than running it. This cursor
    binds server-side instead, and psycopg prepares a statement after a few
    runs (``prepare_threshold`` in the settings). It is Django's own cursor
    wrapper, so error translation, query logging in tests and execute
    wrappers behave as usual. Elsewhere (SQLite) it is the ordinary cursor.
    """
    with connection.cursor() as cursor:  # health check, connect, thread checks
        if connection.vendor != "postgresql":
            yield cursor
            return
        import psycopg

        raw: Any = psycopg.Cursor(connection.connection)  # Django's stubs expect its own cursor class here
        wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
        with wrap(raw) as prepared:
            yield prepared
