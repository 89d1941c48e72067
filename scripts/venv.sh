#!/usr/bin/env bash
# Create .venv with exactly what uv.lock lists (hashes checked), and nothing else.
#
# pyproject.toml holds the ranges; uv.lock decides what is installed. uv itself
# comes from requirements/uv.txt, pinned with hashes, into .tools/. A lock that
# no longer matches pyproject.toml stops here with a message rather than
# installing something nobody locked. To upgrade within the ranges:
#   .tools/bin/uv lock --upgrade            (or --upgrade-package NAME)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
export UV_PYTHON_DOWNLOADS=never UV_NO_PROGRESS=1

if [ ! -x .tools/bin/uv ] || ! .tools/bin/uv --version 2>/dev/null | grep -qF "$(sed -n 's/^uv==\([0-9.]*\).*/\1/p' requirements/uv.txt)"; then
  rm -rf .tools
  "$PY" -m venv .tools
  .tools/bin/pip install -q --disable-pip-version-check --require-hashes -r requirements/uv.txt
fi

if ! .tools/bin/uv lock --check --offline --python "$PY" -q 2>/dev/null; then
  echo "uv.lock is out of date with pyproject.toml: run '.tools/bin/uv lock' and commit uv.lock." >&2
  exit 3
fi
# --locked: refuse to touch the lock; exact sync removes anything the lock does not list.
.tools/bin/uv sync --locked --python "$PY" -q "$@"
