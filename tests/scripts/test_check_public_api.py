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
        # The code this check replaced: DRF's wrapped request, django-redis's flag, OutputWrapper's stream.
        ("def f(request):\n    return client_ip(request._request)\n", "private attribute _request"),
        (
            "from django_redis.cache import RedisCache\n\n\nclass C(RedisCache):\n"
            "    def __init__(self):\n        self._ignore_exceptions = False\n",
            "private attribute _ignore_exceptions",
        ),
        ("def f(command):\n    return command.stderr._out\n", "private attribute _out"),
        ('def f(request):\n    return getattr(request, "_request", request)\n', "private attribute _request"),
    ],
)
def test_private_uses_are_reported(tmp_path: Path, source: str, expected: str) -> None:
    path = ROOT / "tests" / "scripts" / f"_probe_{tmp_path.name}.py"
    path.write_text(source)
    try:
        found = lint.findings(path, defined=set())
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
        # An underscore attribute the code defines itself is its own business.
        "class A:\n    def __init__(self):\n        self._seen = 0\n\n    def f(self):\n        return self._seen\n",
        "def _helper():\n    pass\n\n\nx = module._helper\n",
        # A library subclass's own new attribute, which the library never names.
        "from django_redis.cache import RedisCache\n\n\nclass C(RedisCache):\n"
        "    def __init__(self):\n        self._redis_down_until = 0.0\n\n"
        "    def f(self):\n        return self._redis_down_until\n",
        # Django documents the model's _meta.
        "def f(model):\n    return model._meta.label\n",
    ],
)
def test_public_uses_pass(tmp_path: Path, source: str) -> None:
    path = ROOT / "tests" / "scripts" / f"_probe_{tmp_path.name}.py"
    path.write_text(source)
    try:
        assert lint.findings(path, defined=set()) == []
    finally:
        path.unlink()


def test_an_underscore_attribute_defined_elsewhere_in_the_project_passes(tmp_path: Path) -> None:
    """Another module's ``self._x = ...`` makes ``obj._x`` the project's own."""
    path = ROOT / "tests" / "scripts" / f"_probe_{tmp_path.name}.py"
    path.write_text("def f(box):\n    return box._sealed\n")
    try:
        assert lint.findings(path, defined={"_sealed"}) == []
        assert len(lint.findings(path, defined=set())) == 1
    finally:
        path.unlink()


def test_the_project_has_no_private_use() -> None:
    """The whole tree, as the lint step runs it."""
    assert lint.main() == 0
