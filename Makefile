# Two commands: `make run` serves the app, `make test` runs every test. Both set up what
# they need first (virtualenv, packages, Chromium for the browser tests).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

# setuptools prints a boxed "Editable installation" warning for the SDK's `-e` install;
# it is advice for package authors, not for someone running the app.
PIP := PYTHONWARNINGS="ignore:Editable installation" $(PY) -m pip install --quiet

.PHONY: run test screenshots install install-dev lint format chromium bench bench-api \
	bench-vs-mlflow bench-search bench-automations bench-time-travel clean

# `make run` installs what running needs (requirements.txt); `make test` adds the test and
# tooling packages (requirements-dev.txt).
$(VENV)/.installed: requirements.txt sdk/pyproject.toml
	@PYTHON_CMD="$$(scripts/find-python)" || exit 1; \
	  if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
	    rm -rf $(VENV); echo "Creating $(VENV) with $$PYTHON_CMD"; $$PYTHON_CMD -m venv $(VENV) || exit 1; \
	  fi
	$(PIP) --upgrade pip
	$(PIP) -r requirements.txt -e ./sdk
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

chromium:
	@scripts/ensure-chromium

run: install
	@scripts/run-server $(HOST) $(PORT) $(WORKERS)

test: install-dev chromium
	$(PY) -m pytest $(PYTEST_ARGS)

screenshots: install-dev chromium
	REGISTRY_SCREENSHOTS=1 $(PY) -m pytest -q tests/browser -k screenshot

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Benchmarks print figures; they are not tests (see README "Benchmarks").
bench: bench-api bench-automations bench-search bench-time-travel

BENCH_PG ?= postgres://postgres@127.0.0.1:5432
bench-api: install
	psql $(BENCH_PG)/postgres -qc "DROP DATABASE IF EXISTS bench_api" -c "CREATE DATABASE bench_api"
	BENCH_POSTGRES_URL=$(BENCH_PG)/bench_api $(PY) bench/api_bench.py sqlite postgres; \
	  status=$$?; psql $(BENCH_PG)/postgres -qc "DROP DATABASE IF EXISTS bench_api"; exit $$status

# MLflow's server lives in its own virtualenv, never in the app's: its dependencies are not
# ours. Pinned, because its version is part of the figures; 3.17.2 is the newest release
# whose mlflow-skinny is on the package index this was written against.
MLFLOW_VERSION := 3.17.2
MLFLOW_VENV := bench/.mlflow-venv
$(MLFLOW_VENV)/.installed-$(MLFLOW_VERSION):
	@PYTHON_CMD="$$(scripts/find-python)" || exit 1; rm -rf $(MLFLOW_VENV); \
	  echo "Creating $(MLFLOW_VENV) with $$PYTHON_CMD"; $$PYTHON_CMD -m venv $(MLFLOW_VENV) || exit 1
	$(MLFLOW_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(MLFLOW_VENV)/bin/python -m pip install --quiet mlflow==$(MLFLOW_VERSION)
	@touch $@

# BENCH_ARGS="--rounds 2 --scale 0.2" for a quick look.
bench-vs-mlflow: install $(MLFLOW_VENV)/.installed-$(MLFLOW_VERSION)
	BENCH_PG=$(BENCH_PG) $(PY) bench/mlflow_bench.py --mlflow-venv $(MLFLOW_VENV) $(BENCH_ARGS)

bench-automations: install
	$(PY) bench/automations_bench.py

bench-search: install
	bench/search_at_scale.sh $(or $(N),1000000)

# Resolving at a moment vs now, and comparing two versions of 10,000 files (PostgreSQL).
bench-time-travel: install
	bench/time_travel_at_scale.sh $(or $(N),1000000)

clean:
	rm -rf $(VENV) $(MLFLOW_VENV) staticfiles .pytest_cache
