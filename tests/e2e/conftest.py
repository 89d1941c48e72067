"""Playwright driving Debian's Chromium (the bundled browser download does not
work offline); screenshots go to tests/artifacts/."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PAGE_TIMEOUT_MS

__all__ = ["PAGE_TIMEOUT_MS"]  # the journeys import it from here; the session's `browser` is in tests/conftest.py

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page at each width: the journey runs twice, where its layout at
    either width is what the test is about."""
    context = browser.new_context(viewport=request.param)
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    """A page on a phone only, for a journey a member makes on their phone,
    whose pages the a11y journey and the crawl check at both widths."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    yield page
    context.close()


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)


def saved_pdf_text(download: Any, name: str) -> str:
    """A downloaded PDF saved under tests/artifacts/ as ``name``.pdf, with a
    picture of its first page beside it to look at; returns its text with
    runs of white space made one space (pdftotext, poppler-utils)."""
    import shutil
    import subprocess

    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    download.save_as(str(path))
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext (poppler-utils) is needed to read the papers"
    text = subprocess.run([pdftotext, str(path), "-"], capture_output=True, check=True, text=True).stdout
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(ARTIFACTS / name)], check=True
        )
    return " ".join(text.split())


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    """Open further pages (another person, the projector) in their own
    browser contexts, all closed when the test ends, so that nothing keeps
    polling the live server after its test."""
    contexts: list[Any] = []

    def open_page(viewport: dict[str, int]) -> Any:
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def asgi_server(transactional_db: Any) -> Iterator[str]:
    """The site served as it is in production (uvicorn, config/asgi.py:
    HTTP and WebSockets), on a loopback port, over the test database and the
    test Redis, for journeys that need pushes (pytest-django's live_server
    speaks WSGI only). The socket is bound here and handed to uvicorn, so
    the first request waits in its backlog instead of racing the start."""
    import socket
    import subprocess
    import sys

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    call_command("collectstatic", "--noinput", "-v0")  # whitenoise serves STATIC_ROOT
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "REDIS_URL": settings.REDIS_URL,
        # Its connections are named, so a test can count them (test_connection_pool.py).
        "PGAPPNAME": "agora-asgi-server",
    }
    # The server is given this process's Redis database as it is: left with the
    # xdist worker's name, config/settings/test.py would move it on once more,
    # and a push from this process (its channel prefix names the database)
    # would never reach the server's sockets.
    env.pop("PYTEST_XDIST_WORKER", None)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "config.asgi:application",
            "--fd",
            str(listener.fileno()),
            "--log-level",
            "warning",
        ],
        env=env,
        pass_fds=[listener.fileno()],
    )
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        server.terminate()
        server.wait(timeout=10)
        listener.close()


def console_settled(page: Any) -> None:
    """Wait until the chair's console has drawn the answer to the action
    just sent (static/js/console.js marks the page busy from the press
    until the new regions are in; a state change loads a new page)."""
    from playwright.sync_api import expect

    expect(page.locator("#console-root[aria-busy]")).to_have_count(0)


def console_confirm(page: Any, button: str) -> None:
    """Answer yes in the console's confirmation dialog, then wait for the answer."""
    page.get_by_role("dialog").get_by_role("button", name=button).click()
    console_settled(page)
