"""The design system's files in static/vendor/ are exactly the locked npm
package's, so `make run` needs no Node and nobody edits a vendored copy."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "static" / "vendor" / "bootstrap"
PACKAGE = ROOT / "node_modules" / "bootstrap"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_bootstrap_is_locked_with_an_integrity_hash() -> None:
    lock = json.loads((ROOT / "package-lock.json").read_text())
    entry = lock["packages"]["node_modules/bootstrap"]
    assert entry["integrity"].startswith("sha512-")
    assert (VENDOR / "VERSION").read_text().strip() == f"bootstrap {entry['version']}"
    assert json.loads((PACKAGE / "package.json").read_text())["version"] == entry["version"]


def test_vendored_files_are_the_packages_files() -> None:
    assert _sha256(VENDOR / "bootstrap.min.css") == _sha256(PACKAGE / "dist" / "css" / "bootstrap.min.css")
    assert _sha256(VENDOR / "LICENSE") == _sha256(PACKAGE / "LICENSE")
