"""A real Celery worker that counts a ballot and then stalls inside the
declaring transaction, before it commits: the moment issue 21's worker was
killed (counted committed, declared not). Injected here rather than through a
setting in production code. Run as ``python -m
tests.integration.stalled_declare_worker -A config worker …``; the test kills
it while the declaration is held."""

from __future__ import annotations

import sys
import threading
from typing import Any

import django

django.setup()

from ballots.services import lifecycle  # noqa: E402 - needs the app registry
from config.celery_app import app  # noqa: E402


def _stalled_results_enqueue(*, ballot: Any) -> int:
    print(f"stalled declaring ballot {ballot.pk}: holding until killed", flush=True)  # noqa: T201
    threading.Event().wait()  # forever: the test sends SIGKILL
    return 0


lifecycle.results_enqueue = _stalled_results_enqueue  # type: ignore[assignment]
args = sys.argv[1:]
if args[:2] == ["-A", "config"]:
    args = args[2:]
app.worker_main(argv=args)
