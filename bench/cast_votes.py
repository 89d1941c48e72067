"""Cast-vote throughput over HTTP: gunicorn + PostgreSQL on loopback.

Creates a throwaway database, N members with API tokens (issued by the real
service, ``accounts.services.api_token_issue``, which stores only their
digests) and an open motion ballot, starts gunicorn, and drives
``POST /api/ballots/<id>/votes/`` with wrk and a Lua script (each request a
different member's ``Authorization: Token`` header and its own
Idempotency-Key), alternating rounds with a bare Django view that inserts one
row. Prints each side's median round (votes/s, p50/p99) and the ratio.

It checks its work before printing a figure, and stops with a message
instead: every response of both sides must be 2xx (from gunicorn's access
log), no round may send more votes than it has members, the votes stored
(participations and papers) and the bare rows stored must equal the 2xx
responses, and no member may have voted twice.

Needs wrk (Debian: ``apt-get install -y wrk``) and psql.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/agora_bench .venv/bin/python bench/cast_votes.py
    DATABASE_URL=… .venv/bin/python bench/cast_votes.py --members 9000 --seconds 5   # a quick run
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THREADS = 2
LUA = """
-- Each wrk thread takes every nth token, so no two requests share a member.
local threads = {}
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
local tokens = {}
local i = 0
local stride = 1
function init(args)
  for line in io.lines("%(tokens)s") do tokens[#tokens + 1] = line end
  i = tid
  stride = %(threads)d
end
request = function()
  local token = tokens[(i %% #tokens) + 1]
  i = i + stride
  -- A well-behaved client: one idempotency key per vote, so it may retry.
  return wrk.format("POST", "%(path)s", {["Content-Type"] = "application/json",
    ["Authorization"] = "Token " .. token, ["Idempotency-Key"] = "bench-" .. token}, '%(body)s')
end
"""

# What the run stored: participations, papers, members with two votes, bare rows.
STORED = """
from django.db import connection
from django.db.models import Count
from ballots.models import Participation, PendingPaper
p = Participation.objects.filter(ballot_id=BALLOT)
with connection.cursor() as c:
    c.execute("SELECT count(*) FROM bench_bare")
    bare = c.fetchone()[0]
print(p.count(), PendingPaper.objects.filter(ballot_id=BALLOT).count(),
      p.values('voter').annotate(n=Count('id')).filter(n__gt=1).count(), bare)
"""


def sh(*args: str, env: dict[str, str]) -> str:
    proc = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if proc.returncode:
        sys.exit(f"{' '.join(args[:3])} failed:\n{proc.stderr[-3000:]}")
    return proc.stdout


def setup(env: dict[str, str], members: int) -> tuple[int, int, int, Path]:
    code = f"""
import datetime as dt
from django.db import connection
from django.utils import timezone
from accounts.models import User
from accounts.services import api_token_issue
from governance.models import Unit, Membership
from ballots.models import Ballot, Question, Option
from ballots.services.lifecycle import ballot_open
unit = Unit.objects.create(name="Bench branch", slug="bench", kind="branch")
users = User.objects.bulk_create([User(email=f"v{{i}}@bench.test", full_name=f"V {{i}}") for i in range({members})])
Membership.objects.bulk_create([Membership(person=u, unit=unit, joined_on=dt.date(2024, 1, 1)) for u in users])
tokens = [api_token_issue(user=u) for u in users]
ro = User.objects.create(email="ro@bench.test", full_name="RO")
b = Ballot.objects.create(unit=unit, title="Bench", returning_officer=ro, state="scheduled",
    opens_at=timezone.now() - dt.timedelta(minutes=1), closes_at=timezone.now() + dt.timedelta(days=1))
q = Question.objects.create(ballot=b, kind="motion", title="Motion", method="motion")
opts = [Option.objects.create(question=q, position=i, label=l) for i, l in enumerate(["For", "Against", "Abstain"], 1)]
ballot_open(ballot_id=b.pk)
with connection.cursor() as c:
    c.execute("CREATE TABLE bench_bare (id bigserial primary key, payload text)")
open("{{path}}", "w").write("\\n".join(tokens))
print(b.pk, q.pk, opts[0].pk)
"""
    tokens = Path(tempfile.mkdtemp()) / "tokens.txt"
    out = sh(sys.executable, "manage.py", "shell", "-c", code.replace("{path}", str(tokens)), env=env)
    ballot, question, option = (int(x) for x in out.split()[-3:])
    return ballot, question, option, tokens


def wrk(url: str, script: Path, seconds: int, connections: int) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", f"-t{THREADS}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout

    def ms(label: str) -> float:
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)", out, re.M)
        if not m:
            return float("nan")
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    if not re.search(r"Requests/sec:\s+([\d.]+)", out):
        sys.exit(f"wrk printed no figures:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return {
        "rps": rps,
        "p50": ms("50"),
        "p99": ms("99"),
        "errors": int(non2xx.group(1)) if non2xx else 0,
        "requests": total,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=60000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of each side; medians reported")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("bench/cast_votes.py needs wrk (Debian: apt-get install wrk)")
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/agora_bench")
    if not base.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database the bench may drop and recreate.")
    dbname = base.rsplit("/", 1)[1]
    admin_url = base.rsplit("/", 1)[0] + "/postgres"
    env = {
        **os.environ,
        "DATABASE_URL": base,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        # A database server needs a key given (config/settings/base.py); one per bench run.
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(60),
        "VAR_DIR": tempfile.mkdtemp(),
        "CONN_MAX_AGE": "60",
    }
    # REDIS_URL, when set, is passed on: the cache then is production's.
    subprocess.run(["psql", admin_url, "-qc", f"DROP DATABASE IF EXISTS {dbname}"], check=True)
    subprocess.run(["psql", admin_url, "-qc", f"CREATE DATABASE {dbname}"], check=True)
    sh(sys.executable, "manage.py", "migrate", "-v0", env=env)
    ballot, question, option, tokens = setup(env, args.members)
    # Start from a quiet database: no checkpoint of the setup's writes, and
    # fresh planner statistics for the tables the vote statement reads.
    subprocess.run(["psql", base, "-qc", "VACUUM ANALYZE"], check=True)
    subprocess.run(["psql", base, "-qc", "CHECKPOINT"], check=True)
    port = 8765
    logs = Path(tempfile.mkdtemp())
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            "1",
            "--log-level",
            "warning",
            "--access-logfile",
            str(logs / "access.log"),
            "--access-logformat",
            "%(U)s %(s)s",
            "--error-logfile",
            str(logs / "error.log"),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                if web.poll() is not None:
                    sys.exit(f"gunicorn exited:\n{(logs / 'error.log').read_text()[-3000:]}")
                time.sleep(0.1)
        else:
            sys.exit("gunicorn did not answer /healthz within a minute")
        workdir = Path(tempfile.mkdtemp())
        # Each round votes with its own slice of the members, so no round
        # meets a member who voted in an earlier one.
        keys = tokens.read_text().split("\n")
        share = len(keys) // args.rounds
        vote_luas = []
        for r in range(args.rounds):
            (workdir / f"tokens-{r}.txt").write_text("\n".join(keys[r * share : (r + 1) * share]))
            vote_luas.append(workdir / f"vote-{r}.lua")
            vote_luas[-1].write_text(
                LUA
                % {
                    "tokens": workdir / f"tokens-{r}.txt",
                    "threads": THREADS,
                    "path": f"/api/ballots/{ballot}/votes/",
                    "body": f'{{"answers": {{"{question}": [{option}]}}}}',
                }
            )
        bare_lua = workdir / "bare.lua"
        bare_lua.write_text(
            LUA % {"tokens": tokens, "threads": THREADS, "path": "/bench/bare-insert/", "body": '{"x": 1}'}
        )
        url = f"http://127.0.0.1:{port}"
        # Warm every worker (imports, URL resolvers, connections) before measuring either side.
        warm = workdir / "warm.lua"
        warm.write_text('wrk.method = "GET"\n')
        subprocess.run(
            ["wrk", "-t2", f"-c{args.connections}", "-d3s", "-s", str(warm), f"{url}/api/ballots/{ballot}/"],
            check=True,
            capture_output=True,
        )
        # Alternate the two sides so a checkpoint or a noisy neighbour on the
        # machine weighs on both alike; report each side's median round.
        rounds: dict[str, list[dict[str, float]]] = {"vote": [], "bare": []}
        for vote_lua in vote_luas:
            rounds["vote"].append(wrk(url, vote_lua, args.seconds, args.connections))
            rounds["bare"].append(wrk(url, bare_lua, args.seconds, args.connections))
        vote, bare = (sorted(rounds[side], key=lambda r: r["rps"])[len(rounds[side]) // 2] for side in ("vote", "bare"))
    finally:
        web.send_signal(signal.SIGTERM)
        web.wait()
    check = sh(
        sys.executable,
        "manage.py",
        "shell",
        "-c",
        STORED.replace("BALLOT", str(ballot)),
        env=env,
    ).split()
    participations, papers, doubled, bare_rows = (int(x) for x in check[-4:])
    statuses: dict[str, int] = {}
    for line in (logs / "access.log").read_text().splitlines():
        statuses[line] = statuses.get(line, 0) + 1
    print("responses by path and status:", dict(sorted(statuses.items())))
    errors = (logs / "error.log").read_text()
    if "Traceback" in errors:
        print("server errors (last):", errors[-2000:])
    vote_path, bare_path = f"/api/ballots/{ballot}/votes/", "/bench/bare-insert/"
    failures = _check(
        statuses,
        vote_path=vote_path,
        bare_path=bare_path,
        participations=participations,
        papers=papers,
        doubled=doubled,
        bare_rows=bare_rows,
        share=args.members // args.rounds,
        rounds=rounds,
    )
    if failures:
        sys.exit("No figures: the benchmark's work failed.\n  " + "\n  ".join(failures))
    print(
        f"\nCast-vote throughput, gunicorn ({args.workers} workers) + PostgreSQL on loopback, "
        f"wrk {args.connections} connections, {args.rounds} alternating rounds x {args.seconds}s each, medians; "
        f"API rate limits on; cache: {'Redis' if env.get('REDIS_URL') else 'in-process'}\n"
    )
    for side in ("vote", "bare"):
        print(f"{side} rounds req/s: " + ", ".join(f"{r['rps']:.0f}" for r in rounds[side]))
    print()
    print(f"{'endpoint':<28}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    print(f"{'POST votes (vote_cast)':<28}{vote['rps']:>10.0f}{vote['p50']:>10.1f}{vote['p99']:>10.1f}")
    print(f"{'bare insert view':<28}{bare['rps']:>10.0f}{bare['p50']:>10.1f}{bare['p99']:>10.1f}")
    print(f"\nratio votes / bare insert: {vote['rps'] / bare['rps']:.0%}")
    print(f"votes stored: {participations} participations, {papers} papers, {doubled} members with two votes")


def _check(
    statuses: dict[str, int],
    *,
    vote_path: str,
    bare_path: str,
    participations: int,
    papers: int,
    doubled: int,
    bare_rows: int,
    share: int,
    rounds: dict[str, list[dict[str, float]]],
) -> list[str]:
    """What went wrong with the benchmark's own work, if anything: a figure
    from requests that failed (a 401 for every vote once measured 109%) or
    from votes that were not stored is no figure at all."""
    failures = []

    def count(path: str, ok: bool) -> int:
        return sum(
            n for line, n in statuses.items() if line.split()[0] == path and line.split()[1].startswith("2") == ok
        )

    voted, bare_ok = count(vote_path, True), count(bare_path, True)
    for path in (vote_path, bare_path):
        if bad := count(path, False):
            failures.append(f"{bad} non-2xx responses to {path} (see the statuses above)")
    if voted == 0 or bare_ok == 0:
        failures.append(f"no successful requests: {voted} votes, {bare_ok} bare inserts")
    for side, side_rounds in rounds.items():
        if errors := sum(int(r["errors"]) for r in side_rounds):
            failures.append(f"wrk counted {errors} non-2xx responses on the {side} side")
    if any(r["requests"] > share for r in rounds["vote"]):
        failures.append(f"a round sent more votes than its {share} members: raise --members or lower --seconds")
    if participations != voted or papers != voted:
        failures.append(f"{voted} votes accepted but {participations} participations and {papers} papers stored")
    if doubled:
        failures.append(f"{doubled} members have two votes")
    if bare_rows != bare_ok:
        failures.append(f"{bare_ok} bare inserts accepted but {bare_rows} rows stored")
    return failures


if __name__ == "__main__":
    main()
