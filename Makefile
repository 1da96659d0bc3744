# fieldcrm: the two commands of the README, and the checks they run.
SHELL := /bin/bash
VENV := .venv/bin
PURE_CORE := fieldcrm/routing fieldcrm/territories fieldcrm/scoring fieldcrm/costs \
             fieldcrm/geocoding fieldcrm/accounts fieldcrm/auth fieldcrm/geo.py fieldcrm/errors.py

.PHONY: setup demo serve test check

setup:
	@bash scripts/setup.sh

## Install everything, prepare the local PostGIS, seed the demo company, serve on :8000.
demo: setup
	@bash scripts/demo-env.sh
	$(VENV)/fieldcrm db upgrade
	$(VENV)/fieldcrm demo
	$(VENV)/fieldcrm serve --host 127.0.0.1 --port 8000

serve: setup
	$(VENV)/fieldcrm serve

## Install everything and run every check: ruff, mypy (pure core), import-linter, pytest.
test: setup check

check:
	@bash scripts/check.sh
