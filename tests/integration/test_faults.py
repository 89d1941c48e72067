"""Faults with real processes: two beats, a worker killed mid-tally, the
broker down while members vote, the mail server down or silent. Nothing is
lost and nothing is doubled.

No test here sleeps on the wall clock: ballots open with a distant closing
time which is brought forward once the votes are in, and every wait is on
something observable (a row, a log line, a mail at the sink) with a generous
ceiling, so the file passes on a loaded machine."""

from __future__ import annotations

import datetime as dt
import signal
import socket
import subprocess
import threading
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from ballots.models import Ballot, BallotPaper, Result
from ballots.services import lifecycle
from ballots.services.casting import vote_cast
from core.models import AuditEntry, OutboxEmail
from tests.conftest import CeleryProcesses, SmtpSink, closing_time_passes, log_count, wait_until
from tests.factories import BallotFactory, MembershipFactory, motion_question, option

pytestmark = pytest.mark.integration


def _motion_ballot(voters: int, **fields: object) -> tuple[Ballot, list]:
    """A motion ballot with ``voters`` on its roll, opened by this test.

    It is a draft while the members and the question are added, and becomes
    scheduled and open in one transaction: a beat already running (started
    first by some tests) would otherwise open it on its own, before its roll
    had anyone on it, and this test's own opening would then conflict."""
    ballot = BallotFactory(closes_at=timezone.now() + dt.timedelta(hours=1), state=Ballot.State.DRAFT, **fields)
    people = [MembershipFactory(unit=ballot.unit).person for _ in range(voters)]
    motion_question(ballot)
    with transaction.atomic():
        Ballot.objects.filter(pk=ballot.pk).update(state=Ballot.State.SCHEDULED)
        lifecycle.ballot_open(ballot_id=ballot.pk)
    ballot.refresh_from_db()
    return ballot, people


def _vote(ballot: Ballot, voter, label: str = "For") -> None:
    question = ballot.questions.get()
    vote_cast(ballot_id=ballot.pk, voter=voter, answers={question.pk: [option(question, label).pk]})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_beats_close_once_and_mail_once(celery_processes: CeleryProcesses, smtp_sink: SmtpSink) -> None:
    ballot, voters = _motion_ballot(5, declare_automatically=True)
    for voter in voters[:3]:
        _vote(ballot, voter)
    closing_time_passes(ballot)
    celery_processes.start_worker()
    celery_processes.start_beat("beat1")
    celery_processes.start_beat("beat2")
    wait_until(lambda: Ballot.objects.get(pk=ballot.pk).state == Ballot.State.DECLARED, timeout=90, what="declared")
    smtp_sink.wait_for(lambda m: "Result declared" in m["Subject"], timeout=60, count=len(voters))
    # Let both beats send the close sweep three more times each, and the worker run them.
    sweep, done = "Sending due task ballots-close-due", "Task ballots.close_due_ballots["
    before = {name: log_count(celery_processes, name, sweep) for name in ("beat1", "beat2")}
    ran = log_count(celery_processes, "worker", done)
    wait_until(
        lambda: all(log_count(celery_processes, n, sweep) >= before[n] + 3 for n in before)
        and log_count(celery_processes, "worker", done) >= ran + 6,
        timeout=90,
        what="more sweeps from both beats",
    )
    assert AuditEntry.objects.filter(object_id=str(ballot.pk), action="ballot_closed").count() == 1
    assert Result.objects.filter(question__ballot=ballot).count() == 1
    result_mails = [m for m in smtp_sink.messages if "Result declared" in m["Subject"]]
    assert sorted(m["X-Envelope-To"] for m in result_mails) == sorted(v.email for v in voters)


def test_worker_killed_mid_tally_is_redelivered(celery_env: dict[str, str], tmp_path: Path) -> None:
    """acks_late + a short visibility timeout: a tally whose worker died is
    delivered again to another worker, which counts it exactly once."""
    ballot, voters = _motion_ballot(4)
    for voter in voters[:3]:
        _vote(ballot, voter)
    env = {**celery_env, "CELERY_VISIBILITY_TIMEOUT": "3"}
    slow = CeleryProcesses(env, tmp_path)
    fast = CeleryProcesses(env, tmp_path)
    try:
        # The tally runs in this very process (solo pool) and never finishes.
        doomed = slow.start_worker(
            "doomed", concurrency=1, pool="solo", module="tests.integration.stalled_tally_worker"
        )
        slow.wait_ready("doomed")
        lifecycle.ballot_close(ballot_id=ballot.pk)  # queues the tally on commit (eager off below)
        wait_until(lambda: "stalled tally of ballot" in slow.log("doomed"), timeout=60, what="the tally to start")
        doomed.send_signal(signal.SIGKILL)
        doomed.wait()
        slow.procs.pop("doomed")
        assert Ballot.objects.get(pk=ballot.pk).state == Ballot.State.CLOSED
        # Kombu restores a message left unacknowledged for longer than the
        # visibility timeout when a worker starts, and every few seconds after.
        fast.start_worker("rescuer", concurrency=1)
        wait_until(
            lambda: Ballot.objects.get(pk=ballot.pk).state == Ballot.State.COUNTED,
            timeout=120,
            what=lambda: "the redelivered tally:\n" + fast.log("rescuer")[-2000:],
        )
        result = Result.objects.get(question__ballot=ballot)
        assert result.count_sheet["votes_for"] == 3 and result.papers_counted == 3
    finally:
        fast.stop_all()
        slow.stop_all()


def test_broker_down_while_members_vote(celery_env: dict[str, str], tmp_path: Path, smtp_sink: SmtpSink) -> None:
    """Voting uses no Celery: with the broker dead, votes are still recorded;
    when it comes back, beat closes the ballot and the worker counts it."""
    port = _free_port()
    redis_cmd = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    broker = subprocess.Popen(redis_cmd, stdout=subprocess.DEVNULL)
    env = {**celery_env, "REDIS_URL": f"redis://127.0.0.1:{port}/0"}
    procs = CeleryProcesses(env, tmp_path)
    try:
        procs.start_worker()
        procs.start_beat()
        procs.wait_ready("worker")
        ballot, voters = _motion_ballot(4, declare_automatically=True)
        broker.terminate()
        broker.wait()
        for voter in voters[:3]:
            _vote(ballot, voter, "Against")
        closing_time_passes(ballot)
        # Beat tries to send the close sweep and cannot reach the broker.
        errors = log_count(procs, "beat", "Connection")
        wait_until(lambda: log_count(procs, "beat", "Connection") > errors, timeout=90, what="beat to miss the broker")
        assert Ballot.objects.get(pk=ballot.pk).state == Ballot.State.OPEN  # nobody could close it
        broker = subprocess.Popen(redis_cmd, stdout=subprocess.DEVNULL)
        wait_until(
            lambda: Ballot.objects.get(pk=ballot.pk).state == Ballot.State.DECLARED,
            timeout=120,
            what=lambda: "close and count after the broker returned:\n" + procs.log("beat")[-1500:],
        )
        result = Result.objects.get(question__ballot=ballot)
        assert result.count_sheet["votes_against"] == 3
        assert BallotPaper.objects.filter(question__ballot=ballot).count() == 3
    finally:
        procs.stop_all()
        broker.terminate()
        broker.wait()


def test_mail_server_down_then_up_delivers_each_mail_once(celery_env: dict[str, str], tmp_path: Path) -> None:
    from tests.conftest import SmtpSink as Sink

    port = _free_port()
    env = {**celery_env, "EMAIL_URL": f"smtp://127.0.0.1:{port}", "OUTBOX_BACKOFF_SECONDS": "1"}
    procs = CeleryProcesses(env, tmp_path)
    try:
        procs.start_worker()
        procs.start_beat()
        ballot, voters = _motion_ballot(3, declare_automatically=True)
        _vote(ballot, voters[0])
        closing_time_passes(ballot)
        wait_until(
            lambda: OutboxEmail.objects.filter(key__startswith=f"ballot-result:{ballot.pk}:", attempts__gte=1).exists(),
            timeout=90,
            what="a failed send",
        )
        results = OutboxEmail.objects.filter(key__startswith=f"ballot-result:{ballot.pk}:")
        assert not results.filter(status=OutboxEmail.Status.SENT).exists()
        sink = Sink()
        sink.port = port
        from aiosmtpd.controller import Controller

        sink.controller = Controller(sink, hostname="127.0.0.1", port=port)
        sink.start()
        try:
            sink.wait_for(lambda m: "Result declared" in m["Subject"], timeout=90)
            wait_until(
                lambda: not OutboxEmail.objects.exclude(status=OutboxEmail.Status.SENT)
                .filter(key__startswith=f"ballot-result:{ballot.pk}:")
                .exists(),
                timeout=60,
                what="all results sent",
            )
            # Two more outbox runs after the last send: a duplicate would have gone out by then.
            runs = log_count(procs, "worker", "Task core.send_pending_outbox[")
            wait_until(
                lambda: log_count(procs, "worker", "Task core.send_pending_outbox[") >= runs + 4,
                timeout=90,
                what="more outbox runs",
            )
            delivered = [m for m in sink.messages if "Result declared" in m["Subject"]]
            assert sorted(m["X-Envelope-To"] for m in delivered) == sorted(v.email for v in voters)
        finally:
            sink.stop()
    finally:
        procs.stop_all()


def test_silent_mail_server_times_out_and_keeps_mail_queued(celery_env: dict[str, str], tmp_path: Path) -> None:
    """A server that accepts connections and never answers must not wedge the worker."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(50)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.5)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
                held.append(conn)  # never say hello
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    env = {**celery_env, "EMAIL_URL": f"smtp://127.0.0.1:{listener.getsockname()[1]}", "EMAIL_TIMEOUT": "2"}
    procs = CeleryProcesses(env, tmp_path)
    try:
        procs.start_worker()
        procs.start_beat()
        ballot, voters = _motion_ballot(3, declare_automatically=True)
        _vote(ballot, voters[0])
        closing_time_passes(ballot)
        # The tally still completes: the silent server holds up only the mail.
        wait_until(
            lambda: Ballot.objects.get(pk=ballot.pk).state == Ballot.State.DECLARED,
            timeout=90,
            what="declared despite the silent mail server",
        )
        wait_until(
            lambda: OutboxEmail.objects.filter(key__startswith=f"ballot-result:{ballot.pk}:", attempts__gte=1).exists(),
            timeout=60,
            what="a timed-out send",
        )
        mails = OutboxEmail.objects.filter(key__startswith=f"ballot-result:{ballot.pk}:")
        assert mails.count() == 3 and not mails.filter(status=OutboxEmail.Status.SENT).exists()
        failed = mails.filter(attempts__gte=1).first()
        assert failed is not None and "timed out" in failed.last_error.lower()
    finally:
        procs.stop_all()
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        listener.close()
