"""docker-compose.yml and the settings agree (Docker itself is not on CI
machines, so the file is checked by reading it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


def test_commands_start_what_the_project_defines() -> None:
    services = COMPOSE["services"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    assert "config.wsgi:application" in " ".join(services["web"]["command"])
    env = services["web"]["environment"]
    assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:6379")
    assert env["EMAIL_URL"] == "smtp://mailcatcher:1025"


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


def test_check_deploy_is_clean_under_production_settings() -> None:
    proc = subprocess.run(["bash", "scripts/check_deploy.sh"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no issues" in proc.stdout


def test_postgres_never_logs_statement_parameters() -> None:
    """A vote's parameters are the voter and their papers (ballots/checks.py)."""
    command = " ".join(COMPOSE["services"]["postgres"]["command"])
    assert "log_parameter_max_length=0" in command and "log_parameter_max_length_on_error=0" in command
    assert "check --deploy --database default" in " ".join(COMPOSE["services"]["web"]["command"])
