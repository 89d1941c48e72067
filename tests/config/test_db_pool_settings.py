"""The database pool is set where the ASGI server asks for it
(DB_POOL_MAX_SIZE, config/asgi.py) and nowhere else; the burst it bounds is
tested against a running server in tests/e2e/test_connection_pool.py."""

from __future__ import annotations

import os
import subprocess
import sys


def test_the_pool_is_set_only_where_asked() -> None:
    """Settings: DB_POOL_MAX_SIZE gives a pool and turns persistent
    connections off (Django refuses both); without it, no pool (the worker
    and beat keep one connection each)."""
    probe = (
        "import django, json; django.setup(); from django.conf import settings; "
        "d = settings.DATABASES['default']; print(json.dumps([d['OPTIONS'].get('pool'), d['CONN_MAX_AGE']]))"
    )
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": "postgres://u@127.0.0.1:5432/x"}

    def settings_with(**extra: str) -> str:
        out = subprocess.run(
            [sys.executable, "-c", probe],
            env={**os.environ, **env, **extra},
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip().splitlines()[-1]

    assert settings_with(DB_POOL_MAX_SIZE="3") == '[{"min_size": 1, "max_size": 3, "timeout": 20.0}, 0]'
    assert settings_with(DB_POOL_MAX_SIZE="0").startswith("[null, ")
