# Two commands on a fresh clone (see README): `make report` and `make test`.
# Both create .venv and install the package with its test extras on first use.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.devex-installed
OUT    ?= devex-report
# The quick-start report includes today's work: its window ends tomorrow 00:00 UTC
# (the CLI's default end is today 00:00 UTC, which suits scheduled runs).
UNTIL  ?= $(shell $(PYTHON) -c 'import datetime as d; print(d.datetime.now(d.timezone.utc).date() + d.timedelta(days=1))')

.PHONY: report test lint typecheck unit clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## A report on this repository's own git history: no token, no network.
report: $(STAMP)
	$(BIN)/devex-metrics report --offline --repo . --out $(OUT) --until $(UNTIL)

## Everything CI checks: lint, format, strict types, the whole test suite.
test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/python scripts/typecheck.py

unit: $(STAMP)
	$(BIN)/python -m pytest -n auto

clean:
	rm -rf $(VENV) build dist $(OUT) .devex-metrics-cache .pytest_cache .mypy_cache .ruff_cache
