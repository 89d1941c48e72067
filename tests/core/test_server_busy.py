"""Every connection of the pool busy past its time-out is the server being
busy, not broken: a 503 that says nothing was recorded, with Retry-After,
on pages and in the API, under WSGI and ASGI alike; any other uncaught error
is still the 500 page."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import OperationalError
from django.test import AsyncClient, Client
from psycopg_pool import PoolTimeout

pytestmark = pytest.mark.django_db


def _pool_timeout(meeting_id: int) -> Any:
    """What Django raises when the pool gives no connection in time."""
    try:
        raise PoolTimeout("couldn't get a connection after 20.00 sec")
    except PoolTimeout as exc:
        raise OperationalError(str(exc)) from exc


def test_a_page_asked_while_the_pool_is_exhausted_is_a_503_with_retry_after(monkeypatch: Any) -> None:
    monkeypatch.setattr("meetings.views.meetings.find_meeting", _pool_timeout)
    response = Client(raise_request_exception=False).get("/meetings/1/live.json")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "nothing you sent was recorded" in response.content.decode()


def test_under_asgi_too(monkeypatch: Any) -> None:
    """uvicorn serves the site: Django handles a view's exception there on
    another thread than the one that raised it."""
    monkeypatch.setattr("meetings.views.meetings.find_meeting", _pool_timeout)
    with ThreadPoolExecutor(max_workers=1) as pool:  # a loop may already run in this thread (Playwright's)
        response = pool.submit(
            asyncio.run, AsyncClient(raise_request_exception=False).get("/meetings/1/live.json")
        ).result()
    assert response.status_code == 503 and response["Retry-After"] == "5"


def test_the_api_says_busy_in_json(monkeypatch: Any) -> None:
    monkeypatch.setattr("meetings.api.views._meeting", _pool_timeout)
    response = Client(raise_request_exception=False).get("/api/meetings/1/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert json.loads(response.content)["code"] == "busy"


def test_any_other_error_is_still_the_500_page(monkeypatch: Any) -> None:
    def broken(meeting_id: int) -> Any:
        raise OperationalError("connection refused")  # not the pool: a real fault

    monkeypatch.setattr("meetings.views.meetings.find_meeting", broken)
    response = Client(raise_request_exception=False).get("/meetings/1/live.json")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "Retry-After" not in response
