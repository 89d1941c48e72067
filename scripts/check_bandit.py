"""Lint: bandit over the project's code finds nothing of medium or high
severity that is not explained in tests/security/README.md ("bandit
findings": each was read, and the explanation says why it is safe).
A new finding fails the test command. Run once per test run, as a lint step.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["accounts", "ballots", "core", "governance", "meetings", "config"]
# (bandit test id, file): explained in tests/security/README.md.
EXPLAINED = {
    ("B608", "ballots/services/lifecycle.py"),
    ("B608", "ballots/services/casting.py"),
    ("B608", "governance/services/roll_import.py"),
    ("B608", "accounts/authentication.py"),
    ("B608", "ballots/services/storage.py"),
    ("B608", "ballots/services/close_bulk.py"),
    ("B608", "ballots/services/tallying.py"),
    ("B703", "governance/templatetags/governance_tags.py"),
    ("B308", "meetings/markdown.py"),
    ("B703", "meetings/markdown.py"),
    ("B308", "meetings/diffing.py"),
    ("B703", "meetings/diffing.py"),
}


def main() -> int:
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-r", *PACKAGES,
         "-x", "*/migrations/*", "--severity-level", "medium", "-f", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    report = json.loads(result.stdout)
    if report["errors"]:
        print(f"bandit could not read: {report['errors']}", file=sys.stderr)
        return 1
    found = [
        (r["test_id"], r["filename"].removeprefix("./"), r["line_number"], r["issue_text"]) for r in report["results"]
    ]
    unexplained = [f for f in found if (f[0], f[1]) not in EXPLAINED]
    lines = report["metrics"]["_totals"]["loc"]
    print(f"bandit: {lines} lines, {len(found)} medium/high findings, {len(unexplained)} unexplained")
    for test_id, filename, line, text in unexplained:
        print(
            f"{filename}:{line}: {test_id} {text} (explain it in tests/security/README.md or fix it)", file=sys.stderr
        )
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
