"""Close → counted for a large ballot on PostgreSQL, through the real worker.

Builds an open ballot with N voters who have all voted (rows written in bulk,
by ``COPY`` and ``INSERT … SELECT``, into the ballot's own tables, papers
encrypted as votes write them: this measures closing and counting, not
casting), starts a Celery worker on Redis, closes the ballot (decrypting,
shuffling into the final table and dropping the ballot's tables happen in the
closing transaction), and times until the worker has stored the count.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/agora_bench REDIS_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python bench/close_tally.py --ballots 100000

Writing a million papers takes minutes. ``--reuse`` keeps the database as
set up in a second one, ``<name>_seed`` (its comment records the ballot,
the size, the migrations and the bench's secret key, which the papers were
encrypted under), and later runs with the same arguments start from a copy
of it (``CREATE DATABASE … TEMPLATE``) instead of writing the papers again.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import ROOT, fresh_database, run, start_worker

SETUP = """
import datetime as dt, random, uuid
from django.db import connection
from django.utils import timezone
from accounts.models import User
from governance.models import Unit
from ballots.models import Ballot, Question, Option
from ballots.services.paper_crypto import paper_encrypt, paper_size
from ballots.services.storage import vote_storage_create, participation_table, paper_table
unit = Unit.objects.create(name="Bench branch", slug="bench", kind="branch")
n = {n}
ro = User.objects.create(email="ro@bench.test", full_name="RO")
b = Ballot.objects.create(unit=unit, title="Bench", returning_officer=ro, state="open",
    opens_at=timezone.now() - dt.timedelta(days=1), closes_at=timezone.now() + dt.timedelta(days=1))
q = Question.objects.create(ballot=b, kind="election", title="Committee", method="{method}", seats={seats})
opts = [Option.objects.create(question=q, position=i, label=f"Candidate {{i}}") for i in range(1, {candidates} + 1)]
ids = [o.pk for o in opts]
rng = random.Random(1)
vote_storage_create(ballot_id=b.pk)  # the ballot's own tables, as opening creates them
size = paper_size([ids])
with connection.cursor() as c:
    c.execute("INSERT INTO accounts_user (password, is_superuser, is_staff, is_active, date_joined, email, full_name, "
              "optional_email, attention_digest) SELECT '!', false, false, true, now(), 'v' || i || '@bench.test', 'V ' || i, false, false "
              "FROM generate_series(1, %s) AS i", [n])
    c.execute("INSERT INTO ballots_rollentry (ballot_id, voter_id) SELECT %s, id FROM accounts_user WHERE id <> %s",
              [b.pk, ro.pk])
    # Participations and papers as votes write them: into the ballot's own
    # tables, in an order of their own; papers padded, the tracker inside.
    c.execute(f"INSERT INTO {{participation_table(b.pk)}} (ballot_id, voter_id, idempotency_key_hash, sealed_receipt) "
              "SELECT ballot_id, voter_id, '', '' FROM ballots_rollentry WHERE ballot_id = %s ORDER BY random()", [b.pk])
    with c.copy(f"COPY {{paper_table(b.pk)}} (ballot_id, question_id, content) FROM STDIN") as copy:
        for start in range(0, n, 20000):
            copy.write("".join(
                f'{{b.pk}}\\t{{q.pk}}\\t"' + paper_encrypt(ballot_id=b.pk, question_id=q.pk,
                    content=rng.sample(ids, rng.randint(1, len(ids))), size=size, tracker=uuid.uuid4().hex * 2) + '"\\n'
                for _ in range(start, min(n, start + 20000))))
    # Votes arrive over hours, with checkpoints in between: do not charge
    # the close with flushing the gigabyte of WAL the setup just wrote.
    c.execute("CHECKPOINT")
print(b.pk)
"""

CLOSE = """
import time
from ballots.models import Ballot, Result
from ballots.services.lifecycle import ballot_close
start = time.perf_counter()
ballot_close(ballot_id={ballot})
closed = time.perf_counter()
while Ballot.objects.get(pk={ballot}).state != "counted":
    time.sleep(0.02)
    if time.perf_counter() - closed > 3600:
        raise SystemExit("not counted within an hour: see the worker's log")
done = time.perf_counter()
r = Result.objects.get(question__ballot_id={ballot})
print(f"{{closed - start:.3f}} {{done - closed:.3f}} {{done - start:.3f}} {{r.papers_counted}} {{len(r.count_sheet['stages'])}}")
print(", ".join(r.count_sheet["elected"]))
"""


def _psql(url: str, sql: str) -> str:
    return subprocess.run(["psql", url, "-qAtc", sql], check=True, capture_output=True, text=True).stdout.strip()


def _seed_tag(args: argparse.Namespace) -> str:
    """What a seed database must match to be reused: the bench's arguments
    and every migration (a schema changed since is set up afresh)."""
    migrations = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        migrations.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    # and the form papers are sealed in
    sealed = re.search(r'^PREFIX = "(.*)"', (ROOT / "ballots/services/paper_crypto.py").read_text(), re.M)
    form = sealed.group(1) if sealed else "?"
    return (
        f"close_tally {args.ballots} {args.method} {args.seats} {args.candidates} {migrations.hexdigest()[:16]}{form}"
    )


def _setup(args: argparse.Namespace) -> tuple[dict[str, str], int]:
    """The bench database with its open ballot, from the seed if ``--reuse``
    finds one that fits, else written afresh (and kept as the seed)."""
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/agora_bench")
    dbname, admin = base.rsplit("/", 1)[1], base.rsplit("/", 1)[0] + "/postgres"
    seed, tag = f"{dbname}_seed", _seed_tag(args)
    if args.reuse and base.startswith("postgres"):
        sql = f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{seed}'"  # noqa: S608
        comment = _psql(admin, sql)
        if comment.startswith(tag + " "):
            seeded, key = comment[len(tag) + 1 :].split(" ", 1)
            t = time.perf_counter()
            _psql(admin, f"DROP DATABASE IF EXISTS {dbname}")
            _psql(admin, f"CREATE DATABASE {dbname} TEMPLATE {seed} STRATEGY FILE_COPY")
            print(f"setup: copied from {seed} in {time.perf_counter() - t:.1f} s")
            env = {**os.environ, "DATABASE_URL": base, "DJANGO_SETTINGS_MODULE": "bench.settings", "SECRET_KEY": key}
            env["VAR_DIR"] = tempfile.mkdtemp(prefix="agora-bench-")
            Path(env["VAR_DIR"], "staticfiles").mkdir()
            return env, int(seeded)
    env = fresh_database("agora_bench")
    t = time.perf_counter()
    ballot = int(
        run(
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            SETUP.format(n=args.ballots, method=args.method, seats=args.seats, candidates=args.candidates),
            env=env,
        ).split()[-1]
    )
    print(f"setup: {args.ballots:,} voters and papers written in {time.perf_counter() - t:.1f} s")
    if args.reuse:
        _psql(admin, f"DROP DATABASE IF EXISTS {seed}")
        _psql(admin, f"CREATE DATABASE {seed} TEMPLATE {dbname} STRATEGY FILE_COPY")
        _psql(admin, f"COMMENT ON DATABASE {seed} IS '{tag} {ballot} {env['SECRET_KEY']}'")
    return env, ballot


def main() -> None:
    parser = argparse.ArgumentParser(description="Close → counted benchmark")
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--method", default="scottish-stv")
    parser.add_argument("--seats", type=int, default=3)
    parser.add_argument("--candidates", type=int, default=10)
    parser.add_argument(
        "--reuse", action="store_true", help="start from the seed database a run with these arguments kept"
    )
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        sys.exit("Set REDIS_URL (e.g. redis://127.0.0.1:6379/8): the bench drives a real worker over Redis.")
    env, ballot = _setup(args)
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    log = Path(tempfile.mkdtemp()) / "worker.log"
    worker = start_worker(env, "bench", log)
    try:
        time.sleep(4)  # the worker is ready
        out = run(sys.executable, "manage.py", "shell", "-c", CLOSE.format(ballot=ballot), env=env).split("\n")
    finally:
        worker.terminate()
        worker.wait()
    close_s, tally_s, total_s, papers, stages = out[-3].split()
    # A figure only for the work asked for: every paper counted, seats filled.
    if int(papers) != args.ballots or len([name for name in out[-2].split(", ") if name]) != args.seats:
        sys.exit(f"No figures: {papers} of {args.ballots:,} papers counted, elected: {out[-2]!r}")
    print(
        f"\nClose → counted, {args.method}, {args.seats} seats, {args.candidates} candidates, PostgreSQL + Redis + worker\n"
    )
    print(f"{'ballots':>10}{'close+shuffle s':>18}{'queue+tally s':>16}{'total s':>10}{'stages':>8}")
    print(f"{int(papers):>10,}{float(close_s):>18.2f}{float(tally_s):>16.2f}{float(total_s):>10.2f}{stages:>8}")
    print(f"elected: {out[-2]}")


if __name__ == "__main__":
    main()
