"""Under uvicorn, a burst of requests holds at most the pool's connections
to PostgreSQL (config/asgi.py, DB_POOL_MAX_SIZE, default 8).

Found by bench/room_push.py: each request's views run in a thread of their
own under ASGI, so with "persistent" connections a hundred phones polling
``live.json`` opened a hundred connections and the server refused everyone
("too many clients already"): one anonymous burst took the database from
the whole site."""

from __future__ import annotations

import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection

from tests.meetings.conftest import Branch, branch, running_meeting  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)
POOL = 8  # config/asgi.py's default


def _server_connections() -> int:
    """The server's connections to this test database (the fixture names them)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = 'agora-asgi-server'"
        )
        return int(cursor.fetchone()[0])


def test_a_burst_of_polls_holds_at_most_the_pool(branch: Branch, asgi_server: str) -> None:  # noqa: F811
    meeting = running_meeting(branch)
    url = f"{asgi_server}/meetings/{meeting.pk}/live.json"
    peak = 0
    done = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _server_connections())
        connection.close()  # this thread's own connection

    statuses: list[int] = []

    def poll(_: Any) -> None:
        for _ in range(5):
            with urllib.request.urlopen(url, timeout=120) as resp:  # noqa: S310 (loopback)
                statuses.append(resp.status)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with ThreadPoolExecutor(max_workers=40) as pool:
            list(pool.map(poll, range(40)))
    finally:
        done.set()
        watcher.join()
    assert statuses == [200] * 200  # every request was answered, none refused
    assert 1 <= peak <= POOL, f"the server held {peak} connections at once"
