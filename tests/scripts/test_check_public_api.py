"""The public-API lint finds each kind of private use, and lets public ones pass."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
spec = importlib.util.spec_from_file_location("check_public_api", ROOT / "scripts" / "check_public_api.py")
assert spec and spec.loader
lint = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lint)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from allauth.account.internal.flows.login import perform_login\n", "'internal' is not public"),
        ("import allauth.core.internal.ratelimit\n", "'internal' is not public"),
        ("from allauth.account.adapter import _helper\n", "private name _helper"),
        ("from celery._state import current_app\n", "'_state' is not public"),
        ('patch("allauth.core.internal.ratelimit.time")\n', "names allauth.core.internal.ratelimit.time"),
        ("class A(B):\n    def f(self):\n        return super()._key()\n", "private method _key"),
    ],
)
def test_private_uses_are_reported(tmp_path: Path, source: str, expected: str) -> None:
    path = ROOT / "tests" / "scripts" / f"_probe_{tmp_path.name}.py"
    path.write_text(source)
    try:
        found = lint.findings(path)
    finally:
        path.unlink()
    assert len(found) == 1 and expected in found[0], found


@pytest.mark.parametrize(
    "source",
    [
        "from allauth.account.forms import LoginForm\n",
        "from os import _exit\n",  # the standard library is not a third-party package
        "from accounts.internal import x\n",  # the project's own modules are its own business
        "x = super().__init__()\n",
        "from allauth.account.internal import x  # public-api: no public hook for this yet\n",
    ],
)
def test_public_uses_pass(tmp_path: Path, source: str) -> None:
    path = ROOT / "tests" / "scripts" / f"_probe_{tmp_path.name}.py"
    path.write_text(source)
    try:
        assert lint.findings(path) == []
    finally:
        path.unlink()
