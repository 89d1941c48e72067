# The two commands: `make run` and `make test`. Everything else is a helper.
.PHONY: run test lint venv demo clean

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

lint: venv
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy .
	.venv/bin/lint-imports

venv:
	bash scripts/venv.sh

clean:
	rm -rf var .venv
