"""A real Celery worker whose tally never finishes: the fault the
worker-killed test needs, injected here rather than through a setting in
production code. Run as ``python -m tests.integration.stalled_tally_worker
-A config worker …``; the test kills it while the tally is held."""

from __future__ import annotations

import sys
import threading

import django

django.setup()

from ballots import tasks  # noqa: E402 - needs the app registry
from config.celery_app import app  # noqa: E402


def _stalled_tally(ballot_id: int) -> str:
    print(f"stalled tally of ballot {ballot_id}: holding until killed", flush=True)  # noqa: T201
    threading.Event().wait()  # forever: the test sends SIGKILL
    return ""


tasks.tally_ballot.run = _stalled_tally
args = sys.argv[1:]
if args[:2] == ["-A", "config"]:
    args = args[2:]
app.worker_main(argv=args)
