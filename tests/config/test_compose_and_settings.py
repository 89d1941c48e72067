"""docker-compose.yml and the settings agree (Docker itself is not on CI
machines, so the file is checked by reading it)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
PRODUCTION_REQUIRED = {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SITE_URL"}


def _env_example() -> set[str]:
    lines = (ROOT / ".env.example").read_text().splitlines()
    return {line.split("=", 1)[0] for line in lines if line and not line.startswith("#")}


def test_services_and_health_checks() -> None:
    services = COMPOSE["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat", "mailcatcher"}
    for name in ("postgres", "redis", "web", "worker", "mailcatcher"):
        assert "healthcheck" in services[name], name


def test_app_services_get_every_variable_production_requires() -> None:
    for name in ("web", "worker", "beat"):
        service = COMPOSE["services"][name]
        env = set(service["environment"]) | _env_example()
        assert service["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
        assert env >= PRODUCTION_REQUIRED, (name, PRODUCTION_REQUIRED - env)
        assert service["env_file"] == ".env"


def _interpolate(value: Any, dotenv: dict[str, str]) -> Any:
    """Compose's variable substitution (``${VAR}``, ``${VAR:-default}``,
    ``${VAR-default}``, ``$$``), which reads the project's ``.env``."""
    if isinstance(value, dict):
        return {k: _interpolate(v, dotenv) for k, v in value.items()}
    if isinstance(value, list):
        return [_interpolate(v, dotenv) for v in value]
    if not isinstance(value, str):
        return value

    def sub(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, default = match.group(1), match.group(2), match.group(3) or ""
        if op == ":-":
            return dotenv.get(name) or default
        if op == "-":
            return dotenv.get(name, default)
        return dotenv.get(name, "")

    return re.sub(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}", sub, value)


def _service_env(name: str, dotenv: dict[str, str]) -> dict[str, str]:
    """What a service's process sees: env_file first, then ``environment:``
    (which compose lets win), both after substitution."""
    service = _interpolate(COMPOSE["services"][name], dotenv)
    return {**dotenv, **{k: str(v) for k, v in service["environment"].items()}}


def test_commands_start_what_the_project_defines() -> None:
    services = COMPOSE["services"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    assert "uvicorn config.asgi:application" in " ".join(services["web"]["command"])  # pages and the room's WebSockets
    env = _service_env("web", {"SECRET_KEY": "x"})
    assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:6379")
    assert env["EMAIL_URL"] == "smtp://mailcatcher:1025"


def test_urls_set_in_dotenv_reach_web_and_worker() -> None:
    """A deployer's own database, broker and relay in .env are not silently
    replaced by the compose file's defaults."""
    dotenv = {
        "DATABASE_URL": "postgres://agora:pw@db.internal:5432/agora",
        "REDIS_URL": "redis://cache.internal:6379/2",
        "EMAIL_URL": "smtp+tls://relay.internal:587",
    }
    for name in ("web", "worker", "beat"):
        env = _service_env(name, dotenv)
        for key, value in dotenv.items():
            assert env[key] == value, (name, key, env[key])


def test_images_are_pinned() -> None:
    for name, service in COMPOSE["services"].items():
        if "image" in service:
            image = service["image"]
            assert ":" in image and not image.endswith(":latest"), (name, image)


def test_docker_build_context_excludes_secrets_venvs_and_data() -> None:
    ignored = {
        line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if line.strip()[:1] not in {"", "#"}
    }
    for path in (".env", ".git", ".venv", ".tools", "var", "node_modules"):
        assert path in ignored, path
    assert "!.env.example" in ignored
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes" in dockerfile and "uv sync --locked --no-dev" in dockerfile
    assert not re.search(r"^\s*(COPY|ADD)\s+\.env\b", dockerfile, re.M)


def test_env_example_leaves_the_secret_key_empty() -> None:
    lines = dict(
        line.split("=", 1)
        for line in (ROOT / ".env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )
    assert lines["SECRET_KEY"] == ""
    assert lines.get("SECURE_HSTS_PRELOAD", "False") == "False"


def _production_check(secret_key: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_REQUIRED}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS="agora.example.org",
        DATABASE_URL="sqlite:////tmp/agora-secret-key-check.sqlite3",
        REDIS_URL="redis://127.0.0.1:6379/0",
        EMAIL_URL="smtp://127.0.0.1:25",
        SITE_URL="https://agora.example.org",
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("short-but-random-Zq81", "shorter than 50"),
        ("change-me-to-a-random-string-of-at-least-fifty-characters-please", "placeholder"),
        ("django-insecure-" + "k3j4h5g6f7d8s9a0q1w2e3r4t5y6u7i8o9p0z1x2c3v4b5n6m7", "placeholder"),
        ("ab" * 40, "distinct characters"),
    ],
)
def test_production_refuses_a_weak_secret_key(key: str, reason: str) -> None:
    proc = _production_check(key)
    assert proc.returncode != 0 and "SECRET_KEY is not usable" in proc.stderr and reason in proc.stderr, proc.stderr[
        -600:
    ]


def test_production_accepts_a_random_secret_key() -> None:
    import secrets

    proc = _production_check(secrets.token_urlsafe(60))
    assert proc.returncode == 0, proc.stderr[-600:]
    assert "HSTS" not in proc.stdout


def test_production_refuses_to_start_without_its_variables() -> None:
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_REQUIRED}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    proc = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert proc.returncode != 0
    assert "Production settings need these environment variables" in proc.stderr
    for name in PRODUCTION_REQUIRED:
        assert name in proc.stderr


def test_postgres_never_logs_statement_parameters() -> None:
    """A vote's parameters are the voter and their papers (ballots/checks.py)."""
    command = " ".join(COMPOSE["services"]["postgres"]["command"])
    assert "log_parameter_max_length=0" in command and "log_parameter_max_length_on_error=0" in command
    assert "check --deploy --database default" in " ".join(COMPOSE["services"]["web"]["command"])
