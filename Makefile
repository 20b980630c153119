# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := run
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: run test test-postgres test-browser cluster test-cluster bench bench-postgres bench-tools lint install install-dev clean

# Every goal but `clean` needs Python 3.12+: say so in one line, before anything runs.
ifneq ($(filter-out clean,$(or $(MAKECMDGOALS),run)),)
PYTHON_OK := $(shell { $(PYTHON) -c 'import sys; print(int(sys.version_info >= (3, 12)))'; } 2>/dev/null)
ifneq ($(PYTHON_OK),1)
$(error Python 3.12 or newer is needed, but '$(PYTHON)' is $(or $(shell { $(PYTHON) --version; } 2>&1 | grep -i '^python'),missing); install it or run 'make PYTHON=/path/to/python3.12 ...')
endif
endif

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.run-installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.run-installed

install: $(VENV)/.run-installed
install-dev: $(VENV)/.dev-installed

# seed_demo makes the demo staff account (random password, printed once) only
# with debug on, and prints the staff pages' addresses on this HOST and PORT.
# The task worker (every email) and the scheduler (the daily jobs) run beside
# the server and stop with it; the worker without the autoreloader, whose child
# process would outlive the kill.
run: install
	$(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo --if-empty --staff --address http://$(HOST):$(PORT)
	DJANGO_DEBUG=1 $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	DJANGO_DEBUG=1 $(BIN)/python manage.py scheduler & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null; wait $$worker $$scheduler' EXIT INT TERM; \
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

# One test process per core (pytest-xdist); PYTEST_WORKERS=0 runs them in one.
PYTEST_WORKERS ?= auto
test: lint
	$(BIN)/pytest -m "not browser and not cluster" -n $(PYTEST_WORKERS)

# The same suite on PostgreSQL: $$DATABASE_URL when set, else the local server.
test-postgres: install-dev
	DATABASE_URL=$${DATABASE_URL:-$(POSTGRES_URL)} $(BIN)/python -c \
	  'import os, psycopg; psycopg.connect(os.environ["DATABASE_URL"].replace("postgres://", "postgresql://"), connect_timeout=5).close()' \
	  || { echo "PostgreSQL is not reachable at $${DATABASE_URL:-$(POSTGRES_URL)}." >&2; exit 1; }
	DATABASE_URL=$${DATABASE_URL:-$(POSTGRES_URL)} $(BIN)/pytest -m "not browser and not cluster" --create-db -n $(PYTEST_WORKERS)

# Real-browser journeys in Debian's Chromium, with accessibility audits.
CHROMIUM ?= /usr/bin/chromium
test-browser: install-dev
	@test -x $(CHROMIUM) || { echo "Chromium is missing at $(CHROMIUM): apt-get install -y chromium" >&2; exit 1; }
	CHROMIUM=$(CHROMIUM) $(BIN)/pytest -m browser

# Two app servers (gunicorn) behind nginx on loopback, sharing PostgreSQL, Redis,
# an S3 server (moto) and a task worker, with a mail sink; in the foreground,
# Ctrl-C stops it all (deploy/cluster.py; CLUSTER_ARGS="--port 8090 --fresh").
CLUSTER_ARGS ?=
cluster: install-dev
	$(BIN)/python deploy/cluster.py $(CLUSTER_ARGS)

# The cluster's integration test, on a fresh one. A missing PostgreSQL, Redis
# or nginx fails it with one line.
test-cluster: install-dev
	$(BIN)/python deploy/cluster.py --check
	$(BIN)/pytest -m cluster tests/cluster

# Load test against Datasette on the same data (see docs/performance.md).
BENCH_ARGS ?= --therapists 100000 --reviews-per-therapist 10
BENCH_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/bench
bench-tools: install-dev
	@command -v wrk >/dev/null || apt-get install -y wrk
	test -x .venv-bench/bin/datasette || { $(PYTHON) -m venv .venv-bench && .venv-bench/bin/python -m pip install --quiet -r bench/requirements.txt; }

bench: bench-tools
	$(BIN)/python bench/run.py $(BENCH_ARGS)

bench-postgres: bench-tools
	$(BIN)/python bench/run.py $(BENCH_ARGS) --database $(BENCH_POSTGRES_URL)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
