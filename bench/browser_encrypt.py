"""Time encrypting a 10-candidate Belenios ballot in Chromium, slowed down like a cheap phone.

The target (issue 23): under 2 s with 4x CPU throttling. For each of
Belenios 2.0's groups and two questions (10 candidates, choose 1 to 3;
the same with blank allowed), belenios-tool sets up an election; a page
on a local static server loads ``static/js/verifiable/`` as the app
would; Chromium's DevTools protocol throttles the CPU
(``Emulation.setCPUThrottlingRate``); and the page times, with
``performance.now()``:

* ``cold``: reading the election and making a ballot on a freshly loaded
  page, so the tables of powers of g and y are built inside the timing;
* ``tables``: building those tables alone (a page can do it while the
  voter reads the paper, with ``warm``);
* ``warm``: making a ballot once the tables exist;
* ``audit``: one Benaloh challenge with the tables built (encrypt, reveal
  the randomness, re-encrypt to open it, encrypt afresh), whose record
  ``ballots.verifiable.audit`` must open to the same choices.

Medians of ``--runs`` runs, each on a reloaded page. Every ballot is
checked by our Python verifier against the election and its roll of
credentials before anything is printed: the script exits without figures
if one is refused. Needs ``belenios-tool`` and Chromium (``CHROMIUM_PATH``,
default /usr/bin/chromium). Run from the repository root::

    python bench/browser_encrypt.py            # 4x throttling, 5 runs
    python bench/browser_encrypt.py --rate 1   # unthrottled
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ballots.verifiable.archive import read_board
from ballots.verifiable.audit import open_audited_ballot, read_audit_record
from ballots.verifiable.ballot import check_ballot
from ballots.verifiable.credentials import read_public_credentials
from ballots.verifiable.election import read_election
from bench.verifiable_ballots import tool

ROOT = Path(__file__).resolve().parent.parent
CANDIDATES = [f"Candidate {i}" for i in range(1, 11)]
QUESTIONS = {
    "choose 1-3 of 10": {"answers": CANDIDATES, "min": 1, "max": 3, "question": "Committee?"},
    "same, blank allowed": {"answers": CANDIDATES, "min": 1, "max": 3, "blank": True, "question": "Committee?"},
}

TIME_COLD = """async ([electionText, credential, choices]) => {
  const v = await import("/static/js/verifiable/index.js");
  const start = performance.now();
  const election = await v.readElection(electionText);
  const made = await v.createBallot(election, credential, choices);
  return { ms: performance.now() - start, ballot: made.ballot };
}"""

TIME_WARM = """async ([electionText, credential, choices]) => {
  const v = await import("/static/js/verifiable/index.js");
  const election = await v.readElection(electionText);
  const start = performance.now();
  v.warm(election);
  const warmed = performance.now();
  const made = await v.createBallot(election, credential, choices);
  return { tables: warmed - start, ms: performance.now() - warmed, ballot: made.ballot };
}"""


TIME_AUDIT = """async ([electionText, credential, choices]) => {
  const v = await import("/static/js/verifiable/index.js");
  const election = await v.readElection(electionText);
  v.warm(election);
  const start = performance.now();
  const { audited, held, matches, fresh } = await v.benalohChallenge(election, credential, choices);
  return { ms: performance.now() - start, audited, held, matches, ballot: fresh.ballot };
}"""


def setup(directory: Path, group: str, question: dict[str, Any], voters: int) -> tuple[str, list[str]]:
    """An election made by belenios-tool with one question: its board's path and the voters' credentials."""
    directory.mkdir(parents=True)
    uuid = tool(["setup", "generate-token"], directory).strip()
    tool(["setup", "generate-credentials", "--uuid", uuid, "--group", group, "--count", str(voters)], directory)
    next(directory.glob("*.pubcreds")).rename(directory / "public_creds.json")
    credentials = [line.split()[1] for line in next(directory.glob("*.privcreds")).read_text().splitlines()]
    tool(["setup", "generate-trustee-key", "--group", group], directory)
    (directory / "public_keys.jsons").write_text(next(directory.glob("*.pubkey")).read_text())
    tool(["setup", "make-trustees"], directory)
    (directory / "template.json").write_text(json.dumps({"description": "", "name": "Bench", "questions": [question]}))
    tool(["setup", "make-election", "--uuid", uuid, "--group", group, "--template", "template.json"], directory)
    tool(["archive", "init"], directory)
    return str(directory / f"{uuid}.bel"), credentials


def choices_for(run: int, blank: bool) -> list[list[int]]:
    """1, 2 or 3 candidates, different ones each run; with blank allowed, the last run votes blank."""
    chosen = {(run * 3 + k) % 10 for k in range(run % 3 + 1)}
    plain = [1 if i in chosen else 0 for i in range(10)]
    if not blank:
        return [plain]
    return [[1] + [0] * 10] if run == 4 else [[0, *plain]]


def serve_static() -> tuple[ThreadingHTTPServer, str]:
    """The repository's files on localhost (a secure context, which crypto.subtle needs)."""
    handler = functools.partial(QuietHandler, directory=str(ROOT))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://localhost:{server.server_port}"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


def measure(
    browser: Any, base: str, rate: float, board_path: str, credentials: list[str], blank: bool, runs: int
) -> tuple[float, float, float, float]:
    board = read_board(Path(board_path))
    election = read_election(board.election)
    roll = read_public_credentials(board.public_credentials, election.group)
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(600_000)
    page.route(f"{base}/bench/", lambda route: route.fulfill(content_type="text/html", body="<!doctype html><title>b"))
    cdp = context.new_cdp_session(page)
    cold: list[float] = []
    warm: list[float] = []
    tables: list[float] = []
    for run in range(runs):
        choices = choices_for(run, blank)
        for script, into in ((TIME_COLD, cold), (TIME_WARM, warm)):
            page.goto(f"{base}/bench/")  # a fresh page: no tables left from the last run
            page.evaluate('() => import("/static/js/verifiable/index.js")')  # fetching is not timed
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
            out = page.evaluate(script, [board.election, credentials[run], choices])
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
            verdict = check_ballot(election, out["ballot"], roll)
            if not verdict.accepted:
                sys.exit(f"our verifier refused a browser ballot ({verdict}); no figures")
            into.append(out["ms"])
            if "tables" in out:
                tables.append(out["tables"])
    page.goto(f"{base}/bench/")
    choices = choices_for(0, blank)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
    out = page.evaluate(TIME_AUDIT, [board.election, credentials[0], choices])
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    opened = open_audited_ballot(election, read_audit_record(json.dumps(out["audited"])))
    if not (out["matches"] and out["held"] == choices and opened == tuple(map(tuple, choices))):
        sys.exit("the audited ballot does not open to the voter's choices; no figures")
    if not check_ballot(election, out["ballot"], roll).accepted:
        sys.exit("our verifier refused the ballot made after an audit; no figures")
    context.close()
    return statistics.median(cold), statistics.median(tables), statistics.median(warm), out["ms"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=4, help="CPU throttling rate (4: a cheap phone)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    server, base = serve_static()
    rows: list[tuple[str, str, float, float, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="agora-browser-bench-") as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            headless=True,
            args=["--no-sandbox", "--disable-gpu"],
        )
        for group in ("BELENIOS-2048", "RFC-3526-2048"):
            for label, question in QUESTIONS.items():
                board, credentials = setup(Path(tmp) / f"{group}-{len(rows)}", group, question, args.runs)
                figures = measure(browser, base, args.rate, board, credentials, "blank" in question, args.runs)
                rows.append((group, label, *figures))
        browser.close()
    server.shutdown()
    print(f"Chromium, CPU throttled {args.rate:g}x; median of {args.runs} ballots each, all accepted by check_ballot.")
    print("Milliseconds: cold = read the election and make the ballot on a fresh page (tables included);")
    print("tables = the powers of g and y alone (can be built while the voter reads); warm = the ballot after them.")
    print("audit = one Benaloh challenge after the tables (two ballots and the opening; one run, not a median).")
    print(f"{'group':<15} {'question':<21} {'cold':>8} {'tables':>8} {'warm':>8} {'audit':>8}")
    for group, label, cold, tables, warm, audit in rows:
        print(f"{group:<15} {label:<21} {cold:>8.0f} {tables:>8.0f} {warm:>8.0f} {audit:>8.0f}")
    print(f"(load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
