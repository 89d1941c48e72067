#!/usr/bin/env bash
# The run command: set up and start the whole platform (web, Celery worker,
# Celery beat) on the embedded default (SQLite, filesystem broker, e-mail to
# var/mail), or on PostgreSQL / Redis / SMTP when DATABASE_URL / REDIS_URL /
# EMAIL_URL are set. Ctrl-C stops all of it, and so does SIGTERM or SIGHUP
# (timeout, a service manager, a closing terminal), to the script or its group.
#
# PORT (default 8000) is where the web server listens; SITE_URL, the address
# links in e-mails point at, follows it unless set.
set -euo pipefail
cd "$(dirname "$0")/.."
# AGORA_SKIP_VENV_SYNC=1 uses .venv as it stands (the run command's own test,
# which must not re-sync a shared .venv); otherwise .venv is synced to uv.lock.
[ "${AGORA_SKIP_VENV_SYNC:-}" = 1 ] || bash scripts/venv.sh
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.local}
# What a new user sees first is the site as members see it, error pages
# included; DEBUG=true make run shows Django's debug pages instead.
export DEBUG=${DEBUG:-false}
export VAR_DIR=${VAR_DIR:-$PWD/var}
PORT=${PORT:-8000}
export SITE_URL=${SITE_URL:-http://127.0.0.1:$PORT}
mkdir -p "$VAR_DIR/broker/queue" "$VAR_DIR/broker/processed" "$VAR_DIR/mail" "$VAR_DIR/log"
PY=.venv/bin/python
$PY manage.py migrate --noinput -v0
$PY manage.py seed_demo
$PY manage.py collectstatic --noinput -v0

# Stopping: web first (no new requests, so no new tasks), then beat (no new
# scheduled tasks), then the worker (a warm shutdown finishes its task). Each
# step waits a bounded time, then SIGKILLs what is left of it and whatever it
# started: a worker whose pool children got the group's SIGTERM can sit in
# "warm shutdown" for ever. Nothing is lost: a killed tally runs again (it is
# acknowledged late) and unsent e-mails stay in the outbox. The whole stop
# takes under 10 s.
web='' worker='' beat=''

alive() {  # is any of these processes still running (not a zombie)?
  local pid state
  for pid; do
    state=$(ps -o stat= -p "$pid" 2>/dev/null) || continue
    [[ $state == Z* ]] || return 0
  done
  return 1
}

descendants() {  # every process below $1, children first
  local kid
  for kid in $(ps -A -o pid= -o ppid= | awk -v p="$1" '$2 == p { print $1 }'); do
    echo "$kid"
    descendants "$kid"
  done
}

stop_within() {  # stop_within SECONDS PID...: SIGTERM, wait, then SIGKILL the rest and their descendants
  local grace=$1 pid left=()
  shift
  set -- $(for pid; do [ -n "$pid" ] && echo "$pid"; done)
  [ $# -gt 0 ] || return 0
  kill -TERM "$@" 2>/dev/null || true
  local deadline=$((SECONDS + grace))
  while alive "$@" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
  for pid; do
    if alive "$pid"; then
      echo "$pid did not stop within ${grace}s: killing it." >&2
      left+=("$pid" $(descendants "$pid"))
    fi
  done
  [ ${#left[@]} -eq 0 ] || kill -KILL "${left[@]}" 2>/dev/null || true
}

stop() {
  trap - EXIT
  trap '' INT TERM HUP  # a second signal must not cut the stop short
  echo; echo "Stopping…"
  stop_within 3 "$web" "$beat"
  stop_within 5 "$worker"
  wait 2>/dev/null || true
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap 'stop; exit 129' HUP
trap stop EXIT

.venv/bin/celery -A config worker --loglevel=INFO --concurrency=2 >"$VAR_DIR/log/worker.log" 2>&1 &
worker=$!
.venv/bin/celery -A config beat --loglevel=INFO --pidfile= >"$VAR_DIR/log/beat.log" 2>&1 &
beat=$!
# uvicorn serves config/asgi.py: the pages, and the room's WebSockets. On the
# embedded default the channel layer lives in memory, so one process; with
# Redis, two processes share its publish/subscribe.
.venv/bin/uvicorn config.asgi:application --host 127.0.0.1 --port "$PORT" \
  --workers "$([ -n "${REDIS_URL:-}" ] && echo 2 || echo 1)" >"$VAR_DIR/log/web.log" 2>&1 &
web=$!

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
wait -n "$web" "$worker" "$beat" || true
echo "A process exited; see $VAR_DIR/log/." >&2
exit 1
