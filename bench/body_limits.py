"""How quickly oversized input is refused (tests/security/test_body_limits.py
asserts only that it is): a 20 MB JSON body through Django's full request
stack to the token endpoint (413), the same body to the API's JSON parser
alone, and a roll CSV whose header has 100,000 columns.

Each measurement first checks the refusal happened (status, exception,
reason) and stops with a message if not. No server needed: the request runs
in process on the embedded settings, before any database access.

    .venv/bin/python bench/body_limits.py --repeat 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TWENTY_MB = 20 * 1024 * 1024


def median_seconds(fn: Callable[[], None], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description="Body-limit refusal times")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="agora-bench-"))
    Path(os.environ["VAR_DIR"], "staticfiles").mkdir(parents=True, exist_ok=True)
    for name in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL"):
        os.environ.pop(name, None)
    import django

    django.setup()
    logging.disable(logging.WARNING)  # each refusal logs a warning: not the figure's business
    from django.test import Client

    from core.api.parsers import JSONParser, PayloadTooLarge
    from governance import roll_csv

    body = json.dumps({"email": "x@example.org", "password": "a" * TWENTY_MB})
    client = Client()

    def request() -> None:
        response = client.generic("POST", "/api/accounts/token/", body, content_type="application/json")
        if response.status_code != 413:
            sys.exit(f"No figures: the 20 MB body got {response.status_code}, not 413: {response.content[:300]!r}")

    def parse() -> None:
        try:
            JSONParser().parse(io.BytesIO(body.encode()))
        except PayloadTooLarge:
            return
        sys.exit("No figures: the parser accepted a 20 MB body")

    text = ",".join(f"column{i}" for i in range(100_000)) + "\nann@example.org" + "," * 99_999 + "\n"

    def roll() -> None:
        parsed = roll_csv.parse(text, today=dt.date(2026, 12, 1))
        if parsed.rows or not parsed.errors or "100,000 columns" not in parsed.errors[0].reason:
            sys.exit(f"No figures: the 100,000-column header was not refused: {parsed.errors[:1]}")

    print(f"\nRefusing oversized input, in process, median (max) of {args.repeat}\n")
    print(f"{'input':<52}{'median ms':>11}{'max ms':>9}")
    for label, fn in (
        ("20 MB JSON, POST /api/accounts/token/ -> 413", request),
        ("20 MB JSON, the API's JSON parser alone", parse),
        ("roll CSV with a 100,000-column header", roll),
    ):
        median, worst = median_seconds(fn, args.repeat)
        print(f"{label:<52}{median * 1000:>11.1f}{worst * 1000:>9.1f}")


if __name__ == "__main__":
    main()
