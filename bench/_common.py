"""Shared plumbing for benchmarks: a throwaway PostgreSQL database and
Celery worker processes on it."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fresh_database(default_name: str) -> dict[str, str]:
    """Drop and recreate the bench database, migrate it, return the env to use."""
    base = os.environ.get("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{default_name}")
    if not base.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database the bench may drop and recreate.")
    dbname = base.rsplit("/", 1)[1]
    admin_url = base.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", admin_url, "-qc", f"DROP DATABASE IF EXISTS {dbname}"], check=True)
    subprocess.run(["psql", admin_url, "-qc", f"CREATE DATABASE {dbname}"], check=True)
    env = {
        **os.environ,
        "DATABASE_URL": base,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        # A database server needs a key given (config/settings/base.py); one per bench run.
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(60),
        "VAR_DIR": tempfile.mkdtemp(prefix="agora-bench-"),
    }
    Path(env["VAR_DIR"], "staticfiles").mkdir()
    run(sys.executable, "manage.py", "migrate", "-v0", env=env)
    return env


def run(*args: str, env: dict[str, str]) -> str:
    proc = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if proc.returncode:
        sys.exit(f"{' '.join(args[:4])} failed:\n{proc.stderr[-3000:]}")
    return proc.stdout


def start_worker(env: dict[str, str], name: str, log: Path, concurrency: int = 1) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--loglevel=WARNING",
            f"--concurrency={concurrency}",
            f"--hostname={name}@%h",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
