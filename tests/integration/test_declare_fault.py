"""A worker killed between the count and the declaration (issue 21): with
"declare automatically" the ballot must still end declared, with each result
e-mail sent exactly once.

Real processes throughout: a worker that counts and then stalls inside the
declaring transaction is SIGKILLed there, and a fresh worker and beat take
over. Every wait is on something observable (a log line, a row, a mail at
the sink) with a generous ceiling; nothing is timed."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from ballots.models import Ballot, Result
from ballots.services import lifecycle
from core.models import OutboxEmail
from tests.conftest import CeleryProcesses, SmtpSink, log_count, wait_until
from tests.integration.test_faults import _motion_ballot, _vote

pytestmark = pytest.mark.integration

RESULT = "Result declared"


def test_worker_killed_while_declaring_ends_declared_and_mails_once(
    celery_env: dict[str, str], tmp_path: Path, smtp_sink: SmtpSink
) -> None:
    ballot, voters = _motion_ballot(5, declare_automatically=True)
    for voter in voters[:3]:
        _vote(ballot, voter)
    env = {**celery_env, "CELERY_VISIBILITY_TIMEOUT": "3"}
    doomed_procs = CeleryProcesses(env, tmp_path)
    rescue = CeleryProcesses(env, tmp_path)
    try:
        doomed = doomed_procs.start_worker(
            "doomed", concurrency=1, pool="solo", module="tests.integration.stalled_declare_worker"
        )
        doomed_procs.wait_ready("doomed")
        lifecycle.ballot_close(ballot_id=ballot.pk)  # queues the tally on commit
        wait_until(
            lambda: "stalled declaring ballot" in doomed_procs.log("doomed"),
            timeout=90,
            what=lambda: "the count to commit and the declaration to start:\n" + doomed_procs.log("doomed")[-2000:],
        )
        assert Ballot.objects.get(pk=ballot.pk).state == Ballot.State.COUNTED  # the count committed
        doomed.send_signal(signal.SIGKILL)
        doomed.wait()
        doomed_procs.procs.pop("doomed")
        assert not OutboxEmail.objects.filter(key__startswith=f"ballot-result:{ballot.pk}:").exists()

        # A new worker: kombu hands it the tally left unacknowledged by the dead one.
        rescue.start_worker("rescuer", concurrency=1)
        rescue.start_beat()
        wait_until(
            lambda: Ballot.objects.get(pk=ballot.pk).state == Ballot.State.DECLARED,
            timeout=120,
            what=lambda: "the declaration after the kill; the rescuer's tallies:\n"
            + "\n".join(line for line in rescue.log("rescuer").splitlines() if "tally_ballot" in line),
        )
        smtp_sink.wait_for(lambda m: RESULT in m["Subject"], timeout=90, count=len(voters))
        # Four more outbox runs after the last send: a duplicate would have gone out by then.
        runs = log_count(rescue, "rescuer", "Task core.send_pending_outbox[")
        wait_until(
            lambda: log_count(rescue, "rescuer", "Task core.send_pending_outbox[") >= runs + 4,
            timeout=120,
            what="more outbox runs",
        )
        delivered = [m for m in smtp_sink.messages if RESULT in m["Subject"]]
        assert sorted(m["X-Envelope-To"] for m in delivered) == sorted(v.email for v in voters)
        assert Result.objects.get(question__ballot=ballot).count_sheet["votes_for"] == 3
    finally:
        rescue.stop_all()
        doomed_procs.stop_all()
