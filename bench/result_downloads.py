"""Anonymous clients looping on a large ballot's BLT download, over HTTP.

Builds a declared STV ballot with N voters (as ``bench/result_page.py``)
with its papers published, starts gunicorn on PostgreSQL, and runs
``--clients`` threads that each fetch ``/ballots/<id>/result/papers/<q>.blt``
in a loop for ``--seconds``, while one more thread fetches another page
(``/ballots/``) once every 100 ms, sequentially, as a member browsing the
site would. Prints, for the BLT and for the other page, the requests made,
their statuses and the median and 90th percentile response time.

The stored files are built (``ballots.services.publishing``) when that module
exists, so the same script measures the code before and after files were
stored. ``--no-limit`` lifts the anonymous download limit, to measure serving
the stored file itself rather than the 429s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/agora_bench .venv/bin/python bench/result_downloads.py --voters 20000
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import ROOT, fresh_database, run
from bench.result_page import SETUP

PUBLISH = """
from ballots.models import Ballot, Question
Ballot.objects.filter(pk={ballot}).update(publish_papers=True, min_electorate_for_papers=1)
try:
    from ballots.services.publishing import result_files_build
except ImportError:
    pass  # before files were stored: every download recomputes the BLT
else:
    result_files_build(ballot_id={ballot})
print(Question.objects.get(ballot_id={ballot}).pk)
"""


def fetch(url: str) -> tuple[int, float, int]:
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 - our own http:// server
            size = len(response.read())
            status = response.status
    except urllib.error.HTTPError as exc:
        size, status = len(exc.read()), exc.code
    return status, time.perf_counter() - start, size


def loop(url: str, until: float, out: list[tuple[int, float, int]], pause: float = 0.0) -> None:
    while time.perf_counter() < until:
        out.append(fetch(url))
        if pause:
            time.sleep(pause)


def report(label: str, rows: list[tuple[int, float, int]]) -> None:
    times = sorted(t for _, t, _ in rows)
    statuses = ", ".join(f"{code}: {n}" for code, n in sorted(Counter(s for s, _, _ in rows).items()))
    p90 = times[int(len(times) * 0.9)] if times else 0.0
    print(f"{label:<28}{len(rows):>8}{statistics.median(times):>12.3f}{p90:>10.3f}   {statuses}")


def main() -> None:
    parser = argparse.ArgumentParser(description="BLT download under concurrent anonymous clients")
    parser.add_argument("--voters", type=int, default=20_000)
    parser.add_argument("--candidates", type=int, default=10)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--no-limit", action="store_true", help="Lift the anonymous download limit.")
    args = parser.parse_args()
    env = fresh_database("agora_bench")
    if args.no_limit:
        env["PAGE_THROTTLE_RESULT_DOWNLOADS"] = "1000000/min"
    t = time.perf_counter()
    setup = SETUP.format(n=args.voters, method="scottish-stv", seats=3, candidates=args.candidates)
    ballot = int(run(sys.executable, "manage.py", "shell", "-c", setup, env=env).split()[-1])
    question = int(run(sys.executable, "manage.py", "shell", "-c", PUBLISH.format(ballot=ballot), env=env).split()[-1])
    print(f"setup: {args.voters:,} voters, papers, count and files written in {time.perf_counter() - t:.1f} s")
    run(sys.executable, "-c", "import redis,os; redis.Redis.from_url(os.environ['REDIS_URL']).flushdb()", env=env)
    port = 8766
    logs = Path(tempfile.mkdtemp())
    web = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "bench.wsgi:application", "--bind", f"127.0.0.1:{port}"),
            *("--workers", str(args.workers), "--threads", "1", "--timeout", "300", "--log-level", "warning"),
            *("--error-logfile", str(logs / "error.log")),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                time.sleep(0.1)
        base = f"http://127.0.0.1:{port}"
        blt_url = f"{base}/ballots/{ballot}/result/papers/{question}.blt"
        for _ in range(args.workers * 2):  # warm every worker: imports, templates, connections
            fetch(f"{base}/ballots/")
            fetch(blt_url)
        alone = [fetch(blt_url) for _ in range(3)]
        print(
            f"one BLT alone: {alone[-1][0]}, median {statistics.median(t for _, t, _ in alone):.3f} s, {alone[-1][2]:,} bytes"
        )
        other_alone = [fetch(f"{base}/ballots/") for _ in range(20)]
        until = time.perf_counter() + args.seconds
        blt: list[list[tuple[int, float, int]]] = [[] for _ in range(args.clients)]
        other: list[tuple[int, float, int]] = []
        threads = [threading.Thread(target=loop, args=(blt_url, until, rows)) for rows in blt]
        threads.append(threading.Thread(target=loop, args=(f"{base}/ballots/", until, other, 0.1)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        web.terminate()
        web.wait()
    limit = "lifted" if args.no_limit else "as configured"
    print(
        f"\n{args.clients} anonymous clients on the BLT of {args.voters:,} voters for {args.seconds:.0f} s, "
        f"gunicorn {args.workers} workers, download limit {limit}\n"
    )
    print(f"{'':<28}{'requests':>8}{'median s':>12}{'p90 s':>10}   statuses")
    report("/ballots/ (nothing else)", other_alone)
    report("BLT download", [row for rows in blt for row in rows])
    report("/ballots/ alongside", other)


if __name__ == "__main__":
    main()
