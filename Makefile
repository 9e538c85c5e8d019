# Two commands for a newcomer: `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# requirements-dev.lock = requirements.lock (what production runs) + the test and lint
# tools; the stamp changes when either lock or pyproject.toml does.
LOCKS := requirements.lock requirements-dev.lock
STAMP := $(VENV)/.installed-$(shell cat $(LOCKS) pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
# The address in links (e-mails, print footers, the API, the Wagtail Site): BASE_URL
# from the environment or the command line, else the address `make run` serves.
BASE_URL ?= http://$(HOST):$(PORT)
MANAGE := BASE_URL='$(BASE_URL)' $(BIN)/python manage.py

.PHONY: run test install messages migrate seed lint format worker beat bench bench-peers bench-growth bench-search clean

$(STAMP): $(LOCKS) pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

# Russian translations: locale/ru (project) and <app>/locale/ru (each app), compiled
# with Babel (pure Python), so no GNU gettext is needed on a fresh machine. The same
# script compiles them in the Dockerfile.
messages: install
	@PATH="$(abspath $(BIN)):$$PATH" sh bin/compile-messages

migrate: messages
	@mkdir -p var
	$(MANAGE) migrate --noinput

seed: migrate
	$(MANAGE) seed_demo

run: seed
	$(MANAGE) runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Two workers: the machine and CI have two cores (pytest-xdist; each worker gets its own
# test database). TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2

# Bytecode is written during the tests even where the environment says not to
# (PYTHONDONTWRITEBYTECODE): pytest then keeps the test modules with their asserts
# rewritten in __pycache__ (git-ignored), and each later run's workers skip rewriting
# them again (about 5 s each on this machine).
test: messages
	$(BIN)/ruff check .
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal --durations=15 $(PYTEST_ARGS)

worker: install
	$(BIN)/celery -A intranet worker --loglevel=INFO

beat: install
	$(BIN)/celery -A intranet beat --loglevel=INFO

# The benchmark suite of issue 9 on PostgreSQL (bench/README.md): generates 100,000 cases,
# 5,000 articles and 2,000 users once (BENCH_DATABASE_URL, default intranet_bench9), then
# measures in one process and through gunicorn + wrk and writes bench/results.md.
# BENCH_ARGS="--cases 2000 --articles 200 --users 300" for a quick run.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/intranet_bench9
BENCH_ARGS ?=

bench: messages
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/run.py $(BENCH_ARGS)

# The product beside django-helpdesk 2.6.1 (100,000 tickets) and a plain Wagtail 8.0.1
# site (5,000 pages), from the harness in ../shared/peerbench (PEERBENCH=... elsewhere):
# their virtual environments and databases are made once under var/peerbench, then the
# three are measured one after another with one method; the table of ratios goes into
# bench/results.md (bench/README.md, "Beside the peers").
bench-peers: messages
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/peers.py $(PEERS_ARGS)

# The pages at 25,000, 100,000 and 300,000 cases (each size generated once in its own
# database), in one process: the growth table in bench/results.md.
bench-growth: messages
	$(BIN)/python bench/growth.py $(GROWTH_ARGS)

# The search service alone: quality of the judged queries and latency at 100,000 cases.
bench-search: messages
	$(BIN)/python bench/search_quality.py
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/search_latency.py

clean:
	rm -rf $(VENV) var/static
