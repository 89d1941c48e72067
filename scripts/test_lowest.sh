#!/usr/bin/env bash
# Prove the lower bounds of pyproject.toml's ranges. In a throwaway copy of the
# tree, every direct dependency is resolved to the oldest version its range
# allows (uv's lowest-direct; what they depend on stays newest) and the whole
# pytest suite runs against that. Lint is left out: ruff, mypy and the stubs are
# locked for their rules, not for compatibility. The tree's uv.lock is not
# touched. Not part of `make test` (it doubles the time): run `make test-lowest`
# after lowering or widening a range. The first run raised five lower bounds
# (allauth, celery, DRF, factory-boy, schemathesis): see pyproject.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/venv.sh --dry-run >/dev/null  # the pinned uv, in .tools
root=$PWD
work=$(mktemp -d /tmp/agora-lowest.XXXXXX)
trap 'rm -rf "$work"' EXIT
git ls-files -z --cached --others --exclude-standard \
  | tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C "$work"
if [ -d node_modules ]; then cp -r node_modules "$work/"; fi
ln -s "$root/.tools" "$work/.tools"
cd "$work"
export UV_RESOLUTION=lowest-direct  # read by every uv command below, the test command's included
.tools/bin/uv lock -q
echo "== lowest direct versions: $(sed -n '/^name = "\(django\|django-allauth\|celery\|djangorestframework\|psycopg\)"$/{N;s/name = "\(.*\)"\nversion = "\(.*\)"/\1 \2/p}' uv.lock | paste -sd, -)"
AGORA_LINT=0 bash scripts/test.sh "$@"
