#!/usr/bin/env bash
# Copy the design system's files from the locked npm package into static/vendor/.
# They are committed, so `make run` needs no Node; package-lock.json pins the
# version and its integrity hash, and tests/config/test_vendored_assets.py
# checks that the committed copies are byte for byte the locked package's.
# To upgrade: change the version in package.json, `npm install`, run this, commit.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules/bootstrap ] || npm ci --no-audit --no-fund --loglevel=error
for f in css/bootstrap.min.css; do  # the components are used without Bootstrap's JavaScript
  cp "node_modules/bootstrap/dist/$f" static/vendor/bootstrap/
done
cp node_modules/bootstrap/LICENSE static/vendor/bootstrap/LICENSE
echo "bootstrap $(node -p "require('./node_modules/bootstrap/package.json').version")" > static/vendor/bootstrap/VERSION
