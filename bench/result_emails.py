"""Result e-mails through the outbox and real workers, against raw smtplib.

Queues N result e-mails as outbox rows, starts a counting SMTP sink on
loopback, and times (1) raw smtplib sending N messages over one reused
connection, and (2) the platform's outbox drained by Celery workers (each
claims batches with SKIP LOCKED and sends a batch over one connection).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/agora_bench REDIS_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python bench/result_emails.py --emails 100000 --workers 2
"""

from __future__ import annotations

import argparse
import os
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import ROOT, fresh_database, run, start_worker

SETUP = """
from accounts.models import User
from core.models import OutboxEmail
users = User.objects.bulk_create([User(email=f"v{{i}}@bench.test", full_name=f"V {{i}}") for i in range({n})],
                                 batch_size=5000)
body = "The result of the Bench ballot has been declared.\\n" * 5
OutboxEmail.objects.bulk_create([OutboxEmail(key=f"bench:{{u.pk}}", recipient=u, to_address=u.email,
    subject="Result declared: Bench", body_text=body, body_html="<p>" + body + "</p>") for u in users],
    batch_size=5000)
"""

DRAIN = """
from core.tasks import send_pending_outbox
for _ in range({tasks}):
    send_pending_outbox.delay()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sink_count(path: Path) -> int:
    try:
        return int(path.read_text() or 0)
    except (OSError, ValueError):
        return 0


def start_sink(port: int, out: Path) -> subprocess.Popen[bytes]:
    out.write_text("0")
    proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "_smtp_sink.py"), str(port), str(out)])
    time.sleep(1.5)
    return proc


def raw_smtplib(port: int, n: int) -> float:
    """The same message the outbox sends (text with an HTML alternative), over
    one reused connection, with nothing else to do."""
    body = "The result of the Bench ballot has been declared.\n" * 5
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for i in range(n):
            msg = EmailMessage()
            msg["Subject"] = "Result declared: Bench"
            msg["From"] = "noreply@bench.test"
            msg["To"] = f"v{i}@bench.test"
            msg.set_content(body)
            msg.add_alternative("<p>" + body + "</p>", subtype="html")
            smtp.send_message(msg)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description="Result e-mail benchmark")
    parser.add_argument("--emails", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        sys.exit("Set REDIS_URL (e.g. redis://127.0.0.1:6379/8).")
    env = fresh_database("agora_bench")
    tmp = Path(tempfile.mkdtemp())
    port = free_port()
    counter = tmp / "count"
    sink = start_sink(port, counter)
    env["EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
    workers = []
    try:
        raw_s = raw_smtplib(port, args.emails)
        time.sleep(1)  # the sink writes its count after each message
        raw_delivered = sink_count(counter)
        run(sys.executable, "manage.py", "shell", "-c", SETUP.format(n=args.emails), env=env)
        import redis

        redis.Redis.from_url(env["REDIS_URL"]).flushdb()
        workers = [start_worker(env, f"mail{i}", tmp / f"w{i}.log") for i in range(args.workers)]
        time.sleep(4)
        before = sink_count(counter)
        start = time.perf_counter()
        run(sys.executable, "manage.py", "shell", "-c", DRAIN.format(tasks=args.workers), env=env)
        while sink_count(counter) - before < args.emails:
            time.sleep(0.1)
            if time.perf_counter() - start > 3600:
                sys.exit("outbox did not drain within an hour")
        ours_s = time.perf_counter() - start
        time.sleep(1)
        delivered = sink_count(counter) - before
        states = (
            run(
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                "from core.models import OutboxEmail as O;"
                "print(O.objects.filter(status=O.Status.SENT).count(), O.objects.count())",
                env=env,
            )
            .strip()
            .splitlines()[-1]
        )
    finally:
        for w in workers:
            w.terminate()
            w.wait()
        sink.terminate()
        sink.wait()
    sent, rows = (int(n) for n in states.split())
    # A figure only for the work asked for: every message delivered once, every outbox row sent.
    if delivered != args.emails or sent != rows or rows != args.emails or raw_delivered != args.emails:
        sys.exit(
            f"No figures: raw smtplib delivered {raw_delivered:,}, the outbox {delivered:,} of {args.emails:,}; "
            f"{sent:,} of {rows:,} outbox rows sent"
        )
    print(f"\nResult e-mails to a loopback SMTP sink ({args.emails:,} messages)\n")
    print(f"{'sender':<40}{'seconds':>10}{'emails/s':>12}")
    print(f"{'raw smtplib, one reused connection':<40}{raw_s:>10.1f}{args.emails / raw_s:>12.0f}")
    print(f"{f'outbox + {args.workers} Celery worker(s)':<40}{ours_s:>10.1f}{args.emails / ours_s:>12.0f}")
    print(
        f"\nratio outbox / raw: {raw_s / ours_s:.0%}; delivered {delivered:,}, no duplicates; {sent:,} outbox rows sent"
    )


if __name__ == "__main__":
    main()
