"""The run command's embedded mode, with real processes: SQLite, kombu's
filesystem broker and e-mail to a folder. Beat closes a ballot, the worker
counts and declares it, and the result e-mails land in the mail folder."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, CeleryProcesses, scaled, wait_until

pytestmark = pytest.mark.integration

SETUP = """
import datetime as dt
from django.utils import timezone
from accounts.models import User
from governance.models import Unit, Membership
from ballots.models import Ballot, Question, Option
from ballots.services import lifecycle
from ballots.services.casting import vote_cast
unit = Unit.objects.create(name="Embedded branch", slug="embedded", kind="branch")
people = [User.objects.create(email=f"m{i}@example.org", full_name=f"M {i}") for i in range(4)]
for p in people:
    Membership.objects.create(person=p, unit=unit, joined_on=dt.date(2024, 1, 1))
b = Ballot.objects.create(unit=unit, title="Embedded ballot", returning_officer=people[0], state="scheduled",
    opens_at=timezone.now(), closes_at=timezone.now() + dt.timedelta(hours=1), declare_automatically=True)
q = Question.objects.create(ballot=b, kind="motion", title="Embedded motion", method="motion")
Option.objects.bulk_create(Option.for_motion(q))
opts = {o.label: o for o in q.options.all()}
lifecycle.ballot_open(ballot_id=b.pk)
for p, choice in zip(people, ["For", "For", "Against"]):
    vote_cast(ballot_id=b.pk, voter=p, answers={q.pk: [opts[choice].pk]})
Ballot.objects.filter(pk=b.pk).update(closes_at=timezone.now())  # the closing time passes
print(b.pk)
"""


def _state(database: Path, pk: int) -> str:
    """The ballot's state and its count, read straight from the SQLite file
    the processes write (one read-only query per poll, where starting
    ``manage.py shell`` each second cost a whole Django start-up)."""
    if not database.exists():
        return "-"
    try:
        with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)) as db:
            row = db.execute(
                "SELECT b.state, r.count_sheet FROM ballots_ballot b "
                "LEFT JOIN ballots_question q ON q.ballot_id = b.id "
                "LEFT JOIN ballots_result r ON r.question_id = q.id WHERE b.id = ?",
                (pk,),
            ).fetchone()
    except sqlite3.OperationalError:  # a writer held the lock past the timeout: ask again next poll
        return "-"
    if row is None:
        return "-"
    sheet = json.loads(row[1]) if row[1] else {}
    return f"{row[0]} {sheet.get('votes_for', '-')} {sheet.get('votes_against', '-')}"


def _manage(env: dict[str, str], *args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=scaled(120),
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.strip().splitlines()
    return lines[-1] if lines else ""


def test_embedded_default_runs_the_whole_flow_without_servers(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        VAR_DIR=str(tmp_path / "var"),
        BALLOTS_SWEEP_SECONDS="1",
        PYTHONUNBUFFERED="1",
    )
    _manage(env, "migrate", "-v0")
    pk = int(_manage(env, "shell", "-c", SETUP))
    procs = CeleryProcesses(env, tmp_path)
    try:
        procs.start_worker()
        procs.start_beat()
        database = tmp_path / "var" / "db.sqlite3"
        state = wait_until(
            lambda: (st := _state(database, pk)).startswith("declared") and st,
            timeout=120,
            what=lambda: f"declared: {procs.log('beat')[-1500:]} {procs.log('worker')[-3000:]}",
        )
        assert state == "declared 2 1"
        mail_dir = tmp_path / "var" / "mail"

        def result_mails() -> int:
            texts = [p.read_text(errors="replace") for p in mail_dir.glob("*.log")] if mail_dir.exists() else []
            return sum(t.count("Subject: Result declared: Embedded ballot") for t in texts)

        wait_until(lambda: result_mails() >= 4, timeout=60, what="four result e-mails in the mail folder")
        assert result_mails() == 4
        assert (tmp_path / "var" / "db.sqlite3").exists()
    finally:
        procs.stop_all()
