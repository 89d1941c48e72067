#!/usr/bin/env bash
# `manage.py check --deploy` under production settings, with throwaway values
# for the variables production insists on. Fails on any warning.
set -euo pipefail
cd "$(dirname "$0")/.."
env -u DJANGO_ALLOW_ASYNC_UNSAFE DJANGO_SETTINGS_MODULE=config.settings.production \
SECRET_KEY=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(60))') \
ALLOWED_HOSTS=agora.example.org DATABASE_URL=${DATABASE_URL:-sqlite:////tmp/agora-deploy-check.sqlite3} \
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0} EMAIL_URL=smtp://127.0.0.1:25 SITE_URL=https://agora.example.org \
  .venv/bin/python manage.py check --deploy --fail-level WARNING
