#!/usr/bin/env bash
# The test command: set up and run everything. Lint, types, the import
# contract, migrations check, then the whole pytest suite on real PostgreSQL,
# real Redis, real Celery worker/beat processes, a loopback SMTP sink and
# headless Chromium. Uses PostgreSQL on 127.0.0.1:5432 and Redis on
# 127.0.0.1:6379 when they answer; otherwise starts throwaway ones. Nothing
# is skipped silently: a missing piece fails the run and is named.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
bash scripts/venv.sh
PY=.venv/bin/python
tmp=$(mktemp -d /tmp/agora-test.XXXXXX)
cleanup() {
  if [ -f "$tmp/pg/postmaster.pid" ]; then run_as_pg pg_ctl -D "$tmp/pg" -m fast stop >/dev/null 2>&1 || true; fi
  if [ -f "$tmp/redis.pid" ]; then kill "$(cat "$tmp/redis.pid")" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

run_as_pg() {  # initdb and postgres refuse to run as root
  if [ "$(id -u)" = 0 ]; then runuser -u "${PG_OS_USER:-postgres}" -- "$@"; else "$@"; fi
}

need_apt() {  # install a Debian package when its command is missing
  local cmd=$1 pkg=$2
  if ! command -v "$cmd" >/dev/null 2>&1; then
    echo "== installing $pkg (needed for $cmd)"
    if [ "$(id -u)" = 0 ]; then apt-get install -y -q "$pkg" >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q "$pkg" >/dev/null; }
    else sudo apt-get install -y -q "$pkg" >/dev/null; fi
  fi
}

# --- PostgreSQL -------------------------------------------------------------
if [ -z "${DATABASE_URL:-}" ]; then
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/agora
  else
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    [ -n "$PGBIN" ] || need_apt initdb postgresql
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    export PATH=$PGBIN:$PATH
    id -u "${PG_OS_USER:-postgres}" >/dev/null 2>&1 || PG_OS_USER=nobody
    mkdir -p "$tmp/pg" "$tmp/pgsock"; chmod 777 "$tmp" "$tmp/pgsock"
    [ "$(id -u)" = 0 ] && chown "${PG_OS_USER:-postgres}" "$tmp/pg"
    echo "== starting a throwaway PostgreSQL on 127.0.0.1:55432"
    run_as_pg initdb -D "$tmp/pg" -U postgres -A trust >/dev/null
    run_as_pg pg_ctl -D "$tmp/pg" -o "-p 55432 -k $tmp/pgsock -h 127.0.0.1 -F" -l "$tmp/pg.log" -w start >/dev/null
    export DATABASE_URL=postgres://postgres@127.0.0.1:55432/agora
  fi
fi

# --- Redis ------------------------------------------------------------------
if [ -z "${REDIS_URL:-}" ]; then
  if (exec 3<>/dev/tcp/127.0.0.1/6379 && printf 'PING\r\n' >&3 && head -c5 <&3 | grep -q PONG) 2>/dev/null; then
    export REDIS_URL=redis://127.0.0.1:6379/9
  else
    need_apt redis-server redis-server
    echo "== starting a throwaway Redis on 127.0.0.1:56379"
    redis-server --port 56379 --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
      --pidfile "$tmp/redis.pid" --dir "$tmp" --logfile "$tmp/redis.log"
    for _ in $(seq 50); do [ -f "$tmp/redis.pid" ] && break; sleep 0.1; done
    export REDIS_URL=redis://127.0.0.1:56379/9
  fi
fi

# --- Chromium for the browser tests; pdftotext to read the PDFs they download; belenios-tool;
# Pango, which WeasyPrint draws the PDFs with -----------------------------------
need_apt chromium chromium
need_apt pdftotext poppler-utils
# Belenios' own tool checks that verifiable ballots and decryptions made here are
# Belenios ballots (tests/ballots/verifiable/).
need_apt belenios-tool belenios-tool
if ! ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0; then need_apt /nonexistent/pango libpangoft2-1.0-0; fi
# npm packages pinned in package-lock.json: axe-core for tests/e2e/test_a11y_journeys.py,
# and bootstrap, whose committed copy in static/vendor/ is checked against it.
if [ ! -f node_modules/axe-core/axe.min.js ] || [ ! -f node_modules/bootstrap/package.json ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  need_apt npm npm; npm ci --no-audit --no-fund --loglevel=error
fi
export CHROMIUM_PATH=${CHROMIUM_PATH:-$(command -v chromium)}

export DJANGO_SETTINGS_MODULE=config.settings.test
export AGORA_REQUIRE_SERVICES=1
export VAR_DIR=$tmp/var
mkdir -p "$VAR_DIR/staticfiles"
echo "== database: $DATABASE_URL   redis: $REDIS_URL   chromium: $CHROMIUM_PATH"

# Whole-tree scans run once here, as lint steps, not inside pytest. They run
# beside pytest, at a lower priority, on the CPU the tests leave idle while
# they wait on Chromium, Celery and the database; their output follows
# pytest's, and either failing fails the run.
lint() {
  set -e
  if [ "${AGORA_LINT:-1}" = 0 ]; then echo "== lint left out (AGORA_LINT=0, scripts/test_lowest.sh)"; return 0; fi
  echo "== ruff";            .venv/bin/ruff check .
                             .venv/bin/ruff format --check --quiet .
  echo "== mypy";            .venv/bin/mypy .
  echo "== import contract"; .venv/bin/lint-imports
  echo "== public APIs";     $PY scripts/check_public_api.py
  echo "== bandit";          $PY scripts/check_bandit.py
  echo "== dead code";       $PY scripts/check_dead_code.py
  echo "== migrations";      DATABASE_URL=sqlite:///:memory: $PY manage.py makemigrations --check --dry-run >/dev/null
  echo "== deploy check";    bash scripts/check_deploy.sh
}
(
  renice -n 10 -p "$BASHPID" >/dev/null 2>&1 || true
  lint > "$tmp/lint.log" 2>&1
  echo "lint finished ${SECONDS}s after the start" >> "$tmp/lint.log"
) &
lint_pid=$!
setup_done=$(date +%s)
# pytest-xdist: one process per core and one more, since the browser and
# Celery tests spend part of their time waiting on other processes (on 2
# cores, 3 processes ran the suite in 362 s, 2 in 386 s, 4 in 420 s); the
# slow tests are handed out first, one at a time (tests/conftest.py orders them).
workers=${PYTEST_WORKERS:-$(( $(nproc 2>/dev/null || echo 2) + 1 ))}
[ "$workers" -gt 8 ] && workers=8
echo "== pytest ($workers processes; lint runs beside it)"
set +e
$PY -m pytest -n "$workers" --dist load --maxschedchunk 1 "$@"
pytest_rc=$?
wait "$lint_pid"
lint_rc=$?
set -e
echo "== lint (ran beside pytest)"
cat "$tmp/lint.log"
if [ "$lint_rc" -ne 0 ]; then echo "== LINT FAILED (above)"; exit "$lint_rc"; fi
if [ "$pytest_rc" -ne 0 ]; then echo "== TESTS FAILED (exit $pytest_rc)"; exit "$pytest_rc"; fi
echo "== all passed in $(( $(date +%s) - started ))s (setup $(( setup_done - started ))s, then pytest and lint side by side)"
