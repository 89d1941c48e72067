"""The public result page of a large declared STV ballot, on PostgreSQL.

Builds a declared ballot with N voters on the roll who all voted (rows and
papers written in bulk, then counted by the real tally service), then asks
for ``/ballots/<id>/result/`` through Django's full request stack in process
(middleware, selectors, template), and prints the median server time and the
number of queries per request. The page is public, so its cost must not grow
with the electorate; the query count is printed for a 10-voter ballot too.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/agora_bench .venv/bin/python bench/result_page.py --voters 100000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import fresh_database, run

SETUP = """
import datetime as dt, random, uuid
from django.utils import timezone
from accounts.models import User
from governance.models import Unit
from ballots.models import Ballot, Question, Option, RollEntry, Participation, BallotPaper, Tracker
from ballots.services.tallying import ballot_tally
unit = Unit.objects.create(name="Bench branch {n}", slug="bench-{n}", kind="branch")
n = {n}
users = User.objects.bulk_create(
    [User(email=f"v{{i}}-{n}@bench.test", full_name=f"V {{i}}", password="!") for i in range(n)], batch_size=5000)
ro = User.objects.create(email="ro-{n}@bench.test", full_name="RO")
b = Ballot.objects.create(unit=unit, title="Bench", returning_officer=ro, state="closed",
    opens_at=timezone.now() - dt.timedelta(days=2), closes_at=timezone.now() - dt.timedelta(days=1))
q = Question.objects.create(ballot=b, kind="election", title="Committee", method="{method}", seats={seats})
opts = [Option.objects.create(question=q, position=i, label=f"Candidate {{i}}") for i in range(1, {candidates} + 1)]
ids = [o.pk for o in opts]
rng = random.Random(1)
RollEntry.objects.bulk_create([RollEntry(ballot=b, voter=u) for u in users], batch_size=5000)
Participation.objects.bulk_create([Participation(ballot=b, voter=u) for u in users], batch_size=5000)
BallotPaper.objects.bulk_create(
    [BallotPaper(question=q, content=rng.sample(ids, rng.randint(1, len(ids)))) for _ in users], batch_size=5000)
Tracker.objects.bulk_create([Tracker(ballot=b, tracker=uuid.uuid4().hex) for _ in users], batch_size=5000)
ballot_tally(ballot_id=b.pk)
Ballot.objects.filter(pk=b.pk).update(state="declared", declared_at=timezone.now())
print(b.pk)
"""

MEASURE = """
import statistics, time
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client()
for ballot, label in (({small}, "small"), ({large}, "large")):
    for _ in range(3):  # warm: templates, connection, PostgreSQL's caches
        assert client.get(f"/ballots/{{ballot}}/result/").status_code == 200
    times = []
    for _ in range({rounds}):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(f"/ballots/{{ballot}}/result/")
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    print(label, statistics.median(times) * 1000, max(times) * 1000, len(ctx.captured_queries))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description="Result page benchmark")
    parser.add_argument("--voters", type=int, default=100_000)
    parser.add_argument("--method", default="scottish-stv")
    parser.add_argument("--seats", type=int, default=3)
    parser.add_argument("--candidates", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    env = fresh_database("agora_bench")
    t = time.perf_counter()
    ids = []
    for n in (10, args.voters):
        setup = SETUP.format(n=n, method=args.method, seats=args.seats, candidates=args.candidates)
        ids.append(int(run(sys.executable, "manage.py", "shell", "-c", setup, env=env).split()[-1]))
    print(f"setup: {args.voters:,} voters, papers and the count written in {time.perf_counter() - t:.1f} s")
    measure = MEASURE.format(small=ids[0], large=ids[1], rounds=args.rounds)
    out = run(sys.executable, "manage.py", "shell", "-c", measure, env=env).strip().splitlines()
    figures = {line.split()[0]: line.split()[1:] for line in out[-2:]}
    print(f"\nGET /ballots/<id>/result/, {args.method}, {args.seats} seats, {args.candidates} candidates, PostgreSQL\n")
    print(f"{'voters':>10}{'median ms':>12}{'max ms':>10}{'queries':>9}")
    for label, voters in (("small", 10), ("large", args.voters)):
        median, worst, queries = figures[label]
        print(f"{voters:>10,}{float(median):>12.1f}{float(worst):>10.1f}{queries:>9}")


if __name__ == "__main__":
    main()
