"""How long the projector takes to show a secret vote's result after the
chair presses Close (tests/e2e/test_meeting_room_journey.py asserts only that
it gets there, without a reload).

Runs that journey (headless Chromium through Playwright, a live server, a
real Celery worker and beat, PostgreSQL and Redis) ``--rounds`` times and
prints the delay each round measured, with the median. A round whose journey
fails, or that printed no delay, stops the bench with its output instead of a
figure. It needs what the browser tests need: the test settings, PostgreSQL,
Redis and Chromium (the variables ``make test`` or a helper's ``.henv`` sets).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/agora_bench REDIS_URL=redis://127.0.0.1:6379/8 \\
        DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python bench/projector_delay.py --rounds 5
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JOURNEY = "tests/e2e/test_meeting_room_journey.py::test_the_room_live"
FIGURE = re.compile(r"projector shows the result (\d+) ms after the chair pressed Close")


def main() -> None:
    parser = argparse.ArgumentParser(description="Projector delay after a secret vote's close")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("REDIS_URL"):
        sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the journey runs on the real services.")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.test")}
    delays: list[int] = []
    for n in range(1, args.rounds + 1):
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:randomly", JOURNEY],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        found = FIGURE.search(proc.stdout)
        if proc.returncode or not found:
            sys.exit(f"No figures: round {n}'s journey failed or printed no delay:\n{proc.stdout[-4000:]}")
        delays.append(int(found.group(1)))
        print(f"round {n}: {delays[-1]} ms", flush=True)
    print(
        f"\nProjector shows a secret vote's result after Close, {args.rounds} rounds: "
        f"median {statistics.median(delays):.0f} ms, max {max(delays)} ms"
    )


if __name__ == "__main__":
    main()
