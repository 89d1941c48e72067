#!/usr/bin/env bash
# The run command: set up and start the whole platform (web, Celery worker,
# Celery beat) on the embedded default (SQLite, filesystem broker, e-mail to
# var/mail), or on PostgreSQL / Redis / SMTP when DATABASE_URL / REDIS_URL /
# EMAIL_URL are set. Ctrl-C stops all of it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/venv.sh
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.local}
# What a new user sees first is the site as members see it, error pages
# included; DEBUG=true make run shows Django's debug pages instead.
export DEBUG=${DEBUG:-false}
export VAR_DIR=${VAR_DIR:-$PWD/var}
PORT=${PORT:-8000}
mkdir -p "$VAR_DIR/broker/queue" "$VAR_DIR/broker/processed" "$VAR_DIR/mail" "$VAR_DIR/log"
PY=.venv/bin/python
$PY manage.py migrate --noinput -v0
$PY manage.py seed_demo
$PY manage.py collectstatic --noinput -v0

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "Stopping…"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

.venv/bin/celery -A config worker --loglevel=INFO --concurrency=2 >"$VAR_DIR/log/worker.log" 2>&1 &
pids+=($!)
.venv/bin/celery -A config beat --loglevel=INFO --pidfile= >"$VAR_DIR/log/beat.log" 2>&1 &
pids+=($!)
.venv/bin/uvicorn config.asgi:application --host 127.0.0.1 --port "$PORT" --workers "$([ -n "${REDIS_URL:-}" ] && echo 2 || echo 1)" >"$VAR_DIR/log/web.log" 2>&1 &
pids+=($!)

cat <<MSG

  Agora is running at http://127.0.0.1:$PORT/

  Demo logins (password: demo-password-2026):
    member@example.org      a member of Momentum Stockport (on the open ballot's roll)
    secretary@example.org   branch secretary, returning officer of both ballots
    chair@example.org       branch chair
    admin@example.org       national administrator (/admin/)

  Worker, beat and web logs: $VAR_DIR/log/   E-mails: ${EMAIL_URL:-$VAR_DIR/mail/}
  Press Ctrl-C to stop everything.

MSG
wait -n "${pids[@]}"
echo "A process exited; see $VAR_DIR/log/." >&2
