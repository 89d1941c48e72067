"""Secrecy of the embedded default's storage: after a ballot closes, the
SQLite file, its WAL and the logs hold nothing written while it was open
that pairs with a voter.

This runs what ``make run`` runs with no settings: ``config.settings.local``,
no ``DATABASE_URL`` (SQLite in ``VAR_DIR``), no ``SECRET_KEY``. Votes and
the close are real service calls in ``manage.py shell`` processes; this
process keeps a connection to the database open throughout, as the web
server and the worker do, so SQLite does not fold its WAL back and delete
it when the closing process exits (which it does for the last connection).

While the ballot is open the test reads what each vote wrote, as a reader
of the file would: the ciphertexts of the pending papers. It also knows
each voter's tracker (the SHA-256 of the receipt it was handed). Then:

- while open, no tracker is anywhere under ``VAR_DIR`` in the clear, and
  every ciphertext of the ballot has the same length, whatever the number
  of preferences on the paper;
- after the close, no ciphertext is anywhere under ``VAR_DIR`` (database
  file, WAL, logs, broker folder), the WAL is empty, and a tracker occurs
  only on pages of the published ``ballots_tracker`` table and its index.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

VOTERS = 30

OPEN_AND_VOTE = """
import datetime as dt, itertools, json
from django.utils import timezone
from accounts.models import User
from governance.models import Unit, Membership
from ballots.models import Ballot, Question, Option
from ballots.services import lifecycle
from ballots.services.casting import vote_cast
unit = Unit.objects.create(name="Embedded branch", slug="embedded", kind="branch")
people = [User.objects.create(email=f"m{i}@example.org", full_name=f"M {i}") for i in range(VOTERS)]
for p in people:
    Membership.objects.create(person=p, unit=unit, joined_on=dt.date(2024, 1, 1))
b = Ballot.objects.create(unit=unit, title="Embedded ballot", returning_officer=people[0], state="scheduled",
    opens_at=timezone.now(), closes_at=timezone.now() + dt.timedelta(hours=1))
election = Question.objects.create(ballot=b, kind="election", title="Chair", method="stv", seats=2)
Option.objects.bulk_create(Option(question=election, position=i, label=f"Candidate {i}") for i in range(1, 7))
motion = Question.objects.create(ballot=b, kind="motion", title="Motion", method="motion")
Option.objects.bulk_create(Option.for_motion(motion))
lifecycle.ballot_open(ballot_id=b.pk)
candidates = list(election.options.order_by("position").values_list("pk", flat=True))
choices = list(motion.options.values_list("pk", flat=True))
rankings = itertools.permutations(candidates)
receipts = []
for i, person in enumerate(people):
    ranking = list(next(rankings))[: 1 + i % len(candidates)]  # 1 to 6 preferences
    answers = {election.pk: ranking, motion.pk: [choices[i % len(choices)]]}
    receipts.append(vote_cast(ballot_id=b.pk, voter=person, answers=answers, idempotency_key=f"key-{i}").receipt)
print(json.dumps({"ballot": b.pk, "receipts": receipts}))
""".replace("VOTERS", str(VOTERS))

CLOSE = """
from ballots.models import Ballot
from ballots.services import lifecycle
lifecycle.ballot_close(ballot_id=Ballot.objects.get(title="Embedded ballot").pk)
print("closed")
"""


def _manage(env: dict[str, str], log: Path, *args: str) -> str:
    """Run ``manage.py`` as ``make run``'s processes run, its output kept in
    ``VAR_DIR/log`` as theirs is (and scanned with the rest)."""
    proc = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    with log.open("a") as out:
        out.write(proc.stdout + proc.stderr)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.strip().splitlines()
    return lines[-1] if lines else ""


def _files(var: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in sorted(var.rglob("*")) if path.is_file()}


def _occurrences(data: bytes, needle: bytes) -> Iterator[int]:
    start = data.find(needle)
    while start != -1:
        yield start
        start = data.find(needle, start + 1)


@contextlib.contextmanager
def _reader(database: Path) -> Iterator[sqlite3.Connection]:
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)) as db:
        yield db


HOLD = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30)
db.execute("SELECT count(*) FROM sqlite_master").fetchone()
print("connected", flush=True)
sys.stdin.read()
"""


@contextlib.contextmanager
def _connected(database: Path) -> Iterator[None]:
    """A process holding a connection to the database, idle, until the end."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(database)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "connected"
        yield
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)


SECURE_DELETE_OFF = """
import sqlite3

_connect = sqlite3.dbapi2.connect


def connect(*args, **kwargs):
    connection = _connect(*args, **kwargs)
    connection.execute("PRAGMA secure_delete=OFF")
    return connection


sqlite3.dbapi2.connect = sqlite3.connect = connect
"""


@pytest.fixture
def embedded(tmp_path: Path) -> dict[str, str]:
    """``make run``'s environment with no settings. SQLite builds differ in
    ``secure_delete``'s default (Debian's is on, python.org's is off): the
    processes start every connection with it off, as most builds do, so
    only the settings can turn it on."""
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(SECURE_DELETE_OFF)
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SECRET_KEY"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        VAR_DIR=str(tmp_path / "var"),
        DEBUG="false",
        LOG_LEVEL="DEBUG",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(shim),
    )
    (tmp_path / "var" / "log").mkdir(parents=True)
    return env


def test_after_the_close_sqlite_its_wal_and_the_logs_hold_nothing_that_pairs_with_a_voter(
    embedded: dict[str, str],
) -> None:
    var = Path(embedded["VAR_DIR"])
    log = var / "log" / "manage.log"
    database = var / "db.sqlite3"
    _manage(embedded, log, "migrate", "--noinput", "-v0")
    # Another process stays connected, as the web server and worker do.
    # (Not this one: reading the file's bytes here would drop this
    # process's POSIX locks on it, and with them the connection's.)
    with _connected(database):
        opened = json.loads(_manage(embedded, log, "shell", "-c", OPEN_AND_VOTE))
        ballot_id = opened["ballot"]
        trackers = [hashlib.sha256(r.replace("-", "").encode()).hexdigest().encode() for r in opened["receipts"]]
        with _reader(database) as reader:
            stored = [
                json.loads(content)
                for (content,) in reader.execute(
                    "SELECT content FROM ballots_pendingpaper WHERE ballot_id = ?", [ballot_id]
                )
            ]
        assert len(stored) == 2 * VOTERS and all(isinstance(c, str) for c in stored), "papers are encrypted while open"
        assert len({len(c) for c in stored}) == 1, f"ciphertext lengths differ: {sorted({len(c) for c in stored})}"
        # What a vote wrote, as it lies in the file: base64 text. Two slices
        # of each, so a ciphertext partly overwritten is still found.
        ciphertexts = [c.split(":", 1)[1].encode() for c in stored]
        needles = [piece for c in ciphertexts for piece in (c[:32], c[-32:])]

        while_open = _files(var)
        in_clear = {
            path.name: sum(data.count(t) for t in trackers)
            for path, data in while_open.items()
            if path.suffix != ".log"
        }
        assert not any(in_clear.values()), f"trackers in the clear while open: {in_clear}"

        assert _manage(embedded, log, "shell", "-c", CLOSE) == "closed"

        after = _files(var)
        found = {path.name: sum(data.count(n) for n in needles) for path, data in after.items()}
        assert not any(found.values()), f"pieces of the open ballot's ciphertexts after the close: {found}"
        wal = database.with_name("db.sqlite3-wal")
        assert not wal.exists() or wal.stat().st_size == 0, f"the WAL still holds {wal.stat().st_size} bytes"

        # Trackers are published after the close; in the file they may be
        # only where the published list is kept.
        with _reader(database) as reader:
            page_size = reader.execute("PRAGMA page_size").fetchone()[0]
            owners = dict(reader.execute("SELECT pageno, name FROM dbstat"))
            published = {"ballots_tracker", *(row[1] for row in reader.execute("PRAGMA index_list(ballots_tracker)"))}
            published_rows = reader.execute("SELECT count(*) FROM ballots_tracker WHERE ballot_id = ?", [ballot_id])
            assert published_rows.fetchone()[0] == VOTERS
        misplaced: dict[str, int] = {}
        for path, data in after.items():
            for tracker in trackers:
                for offset in _occurrences(data, tracker):
                    where = owners.get(offset // page_size + 1, "free page") if path == database else path.name
                    if where not in published:
                        misplaced[where] = misplaced.get(where, 0) + 1
        assert not misplaced, f"trackers outside the published list after the close: {misplaced}"
