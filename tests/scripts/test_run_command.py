"""The run command, started for real: ``make run`` in its own process group,
on the embedded default (SQLite, filesystem broker, e-mail to a folder), on a
free port with its own VAR_DIR. Each of the signals a terminal, a service
manager or ``timeout`` sends to the group must stop everything, and the links
in the e-mails it sends must point at the port it serves.

The runs share one VAR_DIR, so the first one migrates and loads the demo and
the others find both done (as a second ``make run`` does). ``AGORA_SKIP_VENV_SYNC``
keeps the run from syncing the shared ``.venv``; everything after that is the
real path."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _group(pgid: int) -> list[str]:
    """The live processes of a process group, read from /proc: "pid state
    command" for each. Zombies are left out: they have ended, and whoever
    adopted them reaps them."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # ended while we looked
            continue
        # The command name may hold spaces or parentheses: split after the last ")".
        fields = stat[stat.rindex(")") + 2 :].split()
        state, group = fields[0], int(fields[2])
        if group == pgid and state != "Z":
            found.append(f"{entry.name} {state} {cmdline[:160]}")
    return found


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("run") / "var"


@pytest.fixture(scope="module")
def port() -> int:
    """One port for the module's runs, as the demo's e-mails, sent in the
    first run, carry the port of that run; each run frees it before the next."""
    return _free_port()


def _hangups_default() -> None:
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


class Run:
    """``make run`` in its own process group, its output in a file."""

    def __init__(self, var_dir: Path, port: int) -> None:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DJANGO_SETTINGS_MODULE", "SITE_URL", "DEBUG"}
        }
        env.update(VAR_DIR=str(var_dir), PORT=str(port), AGORA_SKIP_VENV_SYNC="1", PYTHONUNBUFFERED="1")
        self.port = port
        self.var_dir = var_dir
        self.output = var_dir.parent / f"make-run-{port}.out"
        with self.output.open("wb") as out:
            self.proc = subprocess.Popen(
                ["make", "--no-print-directory", "run"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                process_group=0,
                # As from a terminal: a suite started under nohup would pass
                # SIGHUP on ignored, and bash cannot trap a signal ignored on entry.
                preexec_fn=_hangups_default,
            )
        self.pgid = self.proc.pid

    def log(self, name: str) -> str:
        path = self.var_dir / "log" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def tail(self) -> str:
        return (
            f"\n--- make run:\n{self.output.read_text(errors='replace')[-3000:]}"
            f"\n--- worker.log:\n{self.log('worker')[-2000:]}\n--- beat.log:\n{self.log('beat')[-1000:]}"
        )

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5) as response:
                return bool(response.status == 200)
        except OSError:
            assert self.proc.poll() is None, f"make run ended early{self.tail()}"
            return False

    def wait_up(self) -> None:
        """Up: the web server answers, the worker is ready, beat has started."""
        wait_until(self.answers, timeout=(240), interval=0.5, what=lambda: f"the web server{self.tail()}")
        wait_until(lambda: " ready." in self.log("worker"), timeout=(120), what=lambda: f"worker{self.tail()}")
        wait_until(lambda: "beat: Starting" in self.log("beat"), timeout=(60), what=lambda: f"beat{self.tail()}")

    def gone(self) -> bool:
        self.proc.poll()  # reap make itself once it has ended
        return not _group(self.pgid)

    def kill_leftovers(self) -> None:
        if _group(self.pgid):
            os.killpg(self.pgid, signal.SIGKILL)
        self.proc.wait()


@pytest.fixture
def make_run(var_dir: Path, port: int) -> Iterator[Run]:
    run = Run(var_dir, port)
    try:
        yield run
    finally:
        run.kill_leftovers()


def _mail_links(run: Run) -> set[str]:
    """The hosts of the links in the e-mails in the mail folder, once the
    demo's result e-mails are there."""
    mail = run.var_dir / "mail"

    def texts() -> str:
        return "".join(p.read_text(errors="replace") for p in sorted(mail.glob("*.log")))

    wait_until(lambda: "/result/" in texts(), timeout=120, what=lambda: f"the result e-mails{run.tail()}")
    return {line.split("http://", 1)[1].split("/", 1)[0] for line in texts().splitlines() if "http://" in line}


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_a_signal_to_the_group_stops_everything(make_run: Run, sig: signal.Signals) -> None:
    make_run.wait_up()
    assert len(_group(make_run.pgid)) >= 5  # make, the script, web, worker and beat (and their children)
    # The demo declares a ballot, whose result e-mails the worker writes to
    # the mail folder: their links point at the port the run serves (SITE_URL
    # follows PORT), not at 8000.
    assert _mail_links(make_run) == {f"127.0.0.1:{make_run.port}"}
    os.killpg(make_run.pgid, sig)
    # A generous ceiling to end a broken test; the script itself escalates
    # to SIGKILL within ten seconds.
    wait_until(
        make_run.gone,
        timeout=60,
        what=lambda: f"every process of the group to end after {sig.name}; left: {_group(make_run.pgid)}{make_run.tail()}",
    )
    assert "Stopping" in make_run.output.read_text(errors="replace")
