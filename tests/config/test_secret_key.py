"""SECRET_KEY signs sessions and opens the papers of open ballots
(``ballots/services/paper_crypto.py``), so it is never a public one.

The embedded default (``make run``, no settings) makes a random key for the
installation in ``VAR_DIR/secret_key`` the first time and keeps it; with a
database server (a non-SQLite ``DATABASE_URL``) the key must be given, and a
public or weak one is refused; ``check --deploy`` fails on a public key.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from config.secret_key import PUBLIC_SECRET_KEYS

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = next(iter(PUBLIC_SECRET_KEYS))
PRINT_KEY = "from django.conf import settings; print(settings.SECRET_KEY)"


def _manage(var_dir: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SECRET_KEY"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.local", VAR_DIR=str(var_dir), DEBUG="false", **extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_the_embedded_default_makes_a_random_key_once_and_keeps_it(tmp_path: Path) -> None:
    first = _manage(tmp_path / "var", "shell", "-c", PRINT_KEY)
    assert first.returncode == 0, first.stderr[-2000:]
    key_file = tmp_path / "var" / "secret_key"
    assert key_file.exists(), "a key of its own for this installation"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = first.stdout.strip().splitlines()[-1]
    assert key == key_file.read_text().strip() and len(key) >= 50 and key not in PUBLIC_SECRET_KEYS

    again = _manage(tmp_path / "var", "shell", "-c", PRINT_KEY)
    assert again.stdout.strip().splitlines()[-1] == key, "reused across restarts"
    other = _manage(tmp_path / "other", "shell", "-c", PRINT_KEY)
    assert other.stdout.strip().splitlines()[-1] != key, "another installation, another key"


def test_a_database_server_refuses_the_public_key(tmp_path: Path) -> None:
    proc = _manage(tmp_path / "var", "check", SECRET_KEY=PUBLIC, DATABASE_URL="postgres://agora@127.0.0.1:5432/agora")
    assert proc.returncode != 0
    assert "ImproperlyConfigured" in proc.stderr and "SECRET_KEY is not usable" in proc.stderr, proc.stderr[-1500:]
    assert "public" in proc.stderr
    assert not (tmp_path / "var" / "secret_key").exists()


def test_a_database_server_refuses_a_missing_key(tmp_path: Path) -> None:
    proc = _manage(tmp_path / "var", "check", DATABASE_URL="postgres://agora@127.0.0.1:5432/agora")
    assert proc.returncode != 0
    assert "ImproperlyConfigured" in proc.stderr and "SECRET_KEY is missing" in proc.stderr, proc.stderr[-1500:]
    assert not (tmp_path / "var" / "secret_key").exists(), "no key of this machine's own for a shared database"


def test_check_deploy_fails_on_the_public_key(tmp_path: Path) -> None:
    proc = _manage(tmp_path / "var", "check", "--deploy", SECRET_KEY=PUBLIC)
    assert proc.returncode != 0
    assert "core.E001" in proc.stderr + proc.stdout, (proc.stdout + proc.stderr)[-1500:]
