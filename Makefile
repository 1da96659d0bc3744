# fieldcrm: the two commands of the README, and the checks they run.
SHELL := /bin/bash
VENV := .venv/bin
PURE_CORE := fieldcrm/routing fieldcrm/territories fieldcrm/scoring fieldcrm/costs \
             fieldcrm/geocoding fieldcrm/accounts fieldcrm/auth fieldcrm/geo.py fieldcrm/errors.py

.PHONY: setup demo serve test check

setup:
	@bash scripts/setup.sh

## Install everything, prepare the local PostGIS, seed the demo company, then run the web app
## on :8000 and a background worker together (Ctrl-C stops both).
demo: setup
	@bash scripts/demo-env.sh
	$(VENV)/fieldcrm db upgrade
	$(VENV)/fieldcrm demo --if-empty
	@bash scripts/demo-run.sh

serve: setup
	$(VENV)/fieldcrm serve

## Install everything and run every check: ruff, mypy (strict: core, then api/services/store…), import-linter, pytest.
test: setup check

check:
	@bash scripts/check.sh
