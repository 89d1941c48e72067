# The two commands: `make run` and `make test`. Everything else is a helper.
.PHONY: run test test-lowest lint venv lock upgrade clean

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

lint: venv
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy .
	.venv/bin/lint-imports
	.venv/bin/python scripts/check_public_api.py
	.venv/bin/python scripts/check_dead_code.py

venv:
	bash scripts/venv.sh

# After editing the ranges in pyproject.toml: re-resolve uv.lock (keeps what still fits).
lock:
	bash scripts/venv.sh --dry-run >/dev/null 2>&1 || true
	.tools/bin/uv lock

# Move every locked package to the newest version its range allows; then run `make test`.
upgrade:
	bash scripts/venv.sh --dry-run >/dev/null 2>&1 || true
	.tools/bin/uv lock --upgrade

# The suite against the oldest version each direct dependency's range allows
# (a throwaway copy; uv.lock untouched). Run it after widening a range.
test-lowest:
	bash scripts/test_lowest.sh

clean:
	rm -rf var .venv .tools
