"""Does opening and closing one ballot stall the votes of another?

Votes go into ballot A at a steady rate (threads calling the real
``vote_cast`` service, each on its own database connection) for a while
alone, then for as long again while another thread opens ballots B…, casts
some votes in each and closes them, one after another, as a meeting's secret
votes would. Prints A's vote latency (p50, p99, max) in both phases, and
refuses to print anything unless every vote it counted as cast is stored
(A's participations and papers counted in the database).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/agora_bench REDIS_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python bench/ballot_stall.py --seconds 20

Run from an older checkout (with this file copied in) to measure the code
before a change.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import fresh_database, run

SCRIPT = """
import datetime as dt, statistics, threading, time
from django.db import connection
from django.utils import timezone
from accounts.models import User
from governance.models import Unit
from ballots.models import Ballot, Question, Option, Participation, PendingPaper, BallotPaper
from ballots.services.casting import vote_cast
from ballots.services.lifecycle import ballot_open, ballot_close

SECONDS, THREADS, PAUSE, B_VOTERS = {seconds}, {threads}, {pause}, {b_voters}
unit = Unit.objects.create(name="Stall branch", slug="stall", kind="branch")
ro = User.objects.create(email="ro@stall.test", full_name="RO")
need = int(2 * SECONDS * THREADS / max(PAUSE, 0.001)) + 1000
voters = User.objects.bulk_create([User(email=f"a{{i}}@stall.test", full_name=f"A {{i}}") for i in range(need)], batch_size=5000)
b_voters = User.objects.bulk_create([User(email=f"b{{i}}@stall.test", full_name=f"B {{i}}") for i in range(B_VOTERS)], batch_size=5000)

def new_ballot(title, roll):
    now = timezone.now()
    b = Ballot.objects.create(unit=unit, title=title, returning_officer=ro, state="scheduled",
        opens_at=now, closes_at=now + dt.timedelta(days=1))
    q = Question.objects.create(ballot=b, kind="election", title="Chair", method="scottish-stv", seats=1)
    options = [Option.objects.create(question=q, position=i, label=f"C{{i}}") for i in range(1, 4)]
    ballot_open(ballot_id=b.pk, roll_person_ids=[u.pk for u in roll], send_notices=False)
    return b, q, [o.pk for o in options]

a, qa, options_a = new_ballot("A", voters)
queue = iter(voters)
lock = threading.Lock()

def voting(stop, latencies):
    try:
        while not stop.is_set():
            with lock:
                voter = next(queue)
            t = time.perf_counter()
            vote_cast(ballot_id=a.pk, voter=voter, answers={{qa.pk: [options_a[voter.pk % 3]]}})
            latencies.append(time.perf_counter() - t)
            time.sleep(PAUSE)
    finally:
        connection.close()

def open_close_loop(stop, cycles):
    try:
        while not stop.is_set():
            b, q, options = new_ballot(f"B{{len(cycles)}}", b_voters)
            for voter in b_voters:
                vote_cast(ballot_id=b.pk, voter=voter, answers={{q.pk: [options[0]]}})
            ballot_close(ballot_id=b.pk)
            cycles.append(b.pk)
    finally:
        connection.close()

def phase(with_loop):
    stop, latencies, cycles = threading.Event(), [], []
    threads = [threading.Thread(target=voting, args=(stop, latencies)) for _ in range(THREADS)]
    if with_loop:
        threads.append(threading.Thread(target=open_close_loop, args=(stop, cycles)))
    for thread in threads:
        thread.start()
    time.sleep(SECONDS)
    stop.set()
    for thread in threads:
        thread.join()
    return latencies, cycles

alone, _ = phase(False)
busy, cycles = phase(True)
cast = len(alone) + len(busy)
stored = Participation.objects.filter(ballot=a).count()
papers = PendingPaper.objects.filter(ballot=a).count()
closed_b = BallotPaper.objects.filter(question__ballot_id__in=cycles).count()
if stored != cast or papers != cast or closed_b != len(cycles) * len(b_voters):
    raise SystemExit(f"votes lost: cast {{cast}}, participations {{stored}}, papers {{papers}}; "
                     f"ballots B closed {{len(cycles)}} with {{closed_b}} papers")

def figures(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] * 1000, xs[min(len(xs) - 1, int(len(xs) * 0.99))] * 1000, xs[-1] * 1000
print("RESULT", len(alone), *figures(alone), len(busy), *figures(busy), len(cycles))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description="Vote latency in one ballot while others open and close")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each phase")
    parser.add_argument("--threads", type=int, default=2, help="threads voting in ballot A")
    parser.add_argument("--pause", type=float, default=0.01, help="seconds each voting thread waits between votes")
    parser.add_argument("--b-voters", type=int, default=200, help="votes cast in each ballot B before it closes")
    args = parser.parse_args()
    env = fresh_database("agora_bench")
    script = SCRIPT.format(seconds=args.seconds, threads=args.threads, pause=args.pause, b_voters=args.b_voters)
    out = run(sys.executable, "manage.py", "shell", "-c", script, env=env)
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    n_alone, p50a, p99a, maxa, n_busy, p50b, p99b, maxb, cycles = line.split()[1:]
    print(f"\nVotes in ballot A ({args.threads} threads, {args.pause * 1000:.0f} ms apart), PostgreSQL; all stored\n")
    print(f"{'':<34}{'votes':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    print(f"{'alone':<34}{int(n_alone):>8}{float(p50a):>9.1f}{float(p99a):>9.1f}{float(maxa):>9.1f}")
    label = f"while {cycles} ballots opened+closed"
    print(f"{label:<34}{int(n_busy):>8}{float(p50b):>9.1f}{float(p99b):>9.1f}{float(maxb):>9.1f}")
    print(f"(each ballot B: {args.b_voters} votes cast, then closed)")


if __name__ == "__main__":
    main()
