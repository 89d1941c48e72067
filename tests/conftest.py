"""Shared fixtures: factories, a loopback SMTP sink, and real Celery processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
# Every wait in the tests has a ceiling, there to end a broken test, never to
# time a working one. One setting stretches them all on a slow or loaded
# machine: AGORA_TEST_TIMEOUT_SCALE=3 triples every ceiling (the wait helpers
# below, subprocess time-outs, Playwright's default time-outs).
TIMEOUT_SCALE = float(os.environ.get("AGORA_TEST_TIMEOUT_SCALE") or 1)


def scaled(seconds: float) -> float:
    """A wait's ceiling in seconds, stretched by ``AGORA_TEST_TIMEOUT_SCALE``."""
    return seconds * TIMEOUT_SCALE


def pytest_sessionstart(session: pytest.Session) -> None:
    """The test command promises real services: refuse to run on stand-ins."""
    if os.environ.get("AGORA_REQUIRE_SERVICES") != "1":
        return
    problems = []
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append("DATABASE_URL must point at PostgreSQL")
    if not settings.REDIS_URL:
        problems.append("REDIS_URL must point at Redis")
    if not Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")).exists():
        problems.append("Chromium is missing (set CHROMIUM_PATH)")
    if problems:
        pytest.exit("Cannot run the suite: " + "; ".join(problems), returncode=3)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Order the tests for pytest-xdist (``--dist load`` hands them out in this
    order): the slow ones first, those that start real Celery processes, then
    the Chromium journeys and the tests marked ``slow``, then the many small
    tests, which fill in around them so that no process ends the run alone
    with a long test. Any test can run
    beside any other: each xdist process has its own database, its own Redis
    database (config/settings/test.py), its own live server and SMTP sink on
    free ports, and waits on events rather than on the clock."""

    def rank(item: pytest.Item) -> int:
        if "celery_env" in getattr(item, "fixturenames", ()) or item.get_closest_marker("integration"):
            return 0
        return 1 if item.get_closest_marker("browser") or item.get_closest_marker("slow") else 2

    items.sort(key=rank)


class SmtpSink:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[Message] = []
        self._lock = threading.Lock()
        with socket.socket() as probe:  # aiosmtpd checks readiness by connecting, so it needs a real port
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd API
        with self._lock:
            msg = message_from_bytes(envelope.content)
            msg["X-Envelope-To"] = ",".join(envelope.rcpt_tos)
            self.messages.append(msg)
        return "250 OK"

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def wait_for(self, predicate: Any, timeout: float = 60, count: int = 1) -> list[Message]:
        """Wait until at least ``count`` received e-mails match ``predicate``
        (``timeout`` is scaled by ``AGORA_TEST_TIMEOUT_SCALE``)."""
        timeout = scaled(timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                found = [m for m in self.messages if predicate(m)]
            if len(found) >= count:
                return found
            time.sleep(0.2)
        raise AssertionError(f"no matching e-mail within {timeout}s; got {[m['Subject'] for m in self.messages]}")


def text_body(message: Message) -> str:
    """The text/plain part of an e-mail received by the sink."""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            return payload.decode() if isinstance(payload, bytes) else str(payload)
    raise AssertionError("no text/plain part")


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


def wait_until(predicate: Any, timeout: float = 60, interval: float = 0.25, what: Any = "condition") -> Any:
    """Poll ``predicate`` until it is truthy. The ceiling is generous: it
    exists to end a broken test, not to time a working one. ``what`` may be a
    callable, evaluated only on failure (e.g. to show a log's tail then).
    ``timeout`` is scaled by ``AGORA_TEST_TIMEOUT_SCALE``."""
    timeout = scaled(timeout)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what() if callable(what) else what}")


def closing_time_passes(ballot: Any) -> None:
    """Bring a ballot's closing time to now, as if it had just passed.

    Tests open ballots with a distant closing time, cast their votes, then
    call this: no test depends on finishing its votes inside a few seconds
    of wall-clock time, however loaded the machine."""
    from django.utils import timezone

    type(ballot).objects.filter(pk=ballot.pk).update(closes_at=timezone.now())


def log_count(procs: CeleryProcesses, name: str, needle: str) -> int:
    """How often ``needle`` appears in a worker's or beat's log so far."""
    return procs.log(name).count(needle)


class CeleryProcesses:
    """A real Celery worker and beat, as separate processes, on the test database."""

    def __init__(self, env: dict[str, str], logdir: Path) -> None:
        self.env = env
        self.logdir = logdir
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, *args: str, module: str = "celery") -> subprocess.Popen[bytes]:
        """Start ``python -m <module> -A config <args>``; ``module`` may be a
        test's own wrapper around Celery's command line."""
        log = open(self.logdir / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            [sys.executable, "-m", module, "-A", "config", *args],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.procs[name] = proc
        return proc

    def start_worker(
        self, name: str = "worker", concurrency: int = 2, pool: str = "prefork", module: str = "celery"
    ) -> subprocess.Popen[bytes]:
        return self.start(
            name,
            "worker",
            "--loglevel=INFO",
            f"--concurrency={concurrency}",
            f"--pool={pool}",
            f"--hostname={name}@%h",
            "--without-mingle",
            "--without-gossip",
            module=module,
        )

    def wait_ready(self, name: str, timeout: float = 90) -> None:
        """Wait until a worker has connected to its broker and said it is ready."""
        wait_until(lambda: " ready." in self.log(name), timeout=timeout, what=f"{name} to be ready")

    def start_beat(self, name: str = "beat") -> subprocess.Popen[bytes]:
        return self.start(
            name, "beat", "--loglevel=INFO", "--pidfile=", f"--schedule={self.logdir / (name + '-schedule')}"
        )

    def stop(self, name: str, sig: int = 15) -> None:
        proc = self.procs.pop(name)
        proc.send_signal(sig)
        self._reap(proc)

    @staticmethod
    def _reap(proc: subprocess.Popen[bytes]) -> None:
        try:
            proc.wait(timeout=scaled(20))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def stop_all(self) -> None:
        """Ask every process to stop (a warm shutdown) before waiting for any,
        so that a worker and a beat shut down side by side, not one after the other."""
        procs = [self.procs.pop(name) for name in list(self.procs)]
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(15)
        for proc in procs:
            self._reap(proc)

    def log(self, name: str) -> str:
        return (self.logdir / f"{name}.log").read_text(errors="replace")


@pytest.fixture
def celery_env(transactional_db: Any, smtp_sink: SmtpSink, tmp_path: Path, settings: Any) -> Iterator[dict[str, str]]:
    """Environment for worker/beat processes: the test database, a clean Redis
    database as broker, the SMTP sink, and a one-second beat sweep.

    The test process itself stops running tasks inline and sends its mail to
    the same sink, so everything queued from a test reaches the real worker.
    """
    import redis

    from config.celery_app import app

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql" or not settings.REDIS_URL:
        pytest.fail("integration tests need PostgreSQL (DATABASE_URL) and Redis (REDIS_URL); run `make test`")
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_sink.port}",
        "BALLOTS_SWEEP_SECONDS": "1",
        "VAR_DIR": str(tmp_path / "var"),
        "SITE_URL": "http://testserver",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_sink.port
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    yield env
    app.conf.task_always_eager = True


@pytest.fixture
def celery_processes(celery_env: dict[str, str], tmp_path: Path) -> Iterator[CeleryProcesses]:
    procs = CeleryProcesses(celery_env, tmp_path)
    yield procs
    procs.stop_all()


# Playwright's ceilings for every action, navigation and expect(): generous,
# to end a broken journey rather than time a working one (a click timed out
# at 15 s on a loaded machine), and stretched by AGORA_TEST_TIMEOUT_SCALE.
PAGE_TIMEOUT_MS = scaled(30) * 1000
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + sync Playwright in one thread


# One Chromium per test process, for every test that drives a browser (the
# journeys in tests/e2e/ and the verifiable ballots made in the browser): a
# second sync Playwright in the same process would start inside the first's
# event loop, which Playwright refuses.
@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=PAGE_TIMEOUT_MS)

    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(f"Chromium not found at {executable}; install Debian's chromium or set CHROMIUM_PATH")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
