# Two commands for a fresh machine: `make run` and `make test`. Everything else follows from them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.12 2>/dev/null || command -v python3)
# Use the machine's Python 3.12; never download an interpreter.
export UV_PYTHON_DOWNLOADS ?= never
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: install run test test-postgres lint format messages check bench profile soak

$(VENV)/.synced: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen
	@touch $@

install: $(VENV)/.synced

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) -m tools demo --if-empty
	$(PY) manage.py serve

test: install
	$(PY) -m pytest

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(PY) -m pytest

# ruff, the layer contracts (pyproject.toml [tool.importlinter]) and the type check.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Refresh the translation catalogue after changing user-facing text (needs GNU gettext).
messages: install
	cd portal && ../$(PY) ../manage.py makemessages --locale pt_BR --no-obsolete --add-location file
	cd portal && ../$(PY) ../manage.py compilemessages

# Reliability under load against PostgreSQL: SOAK_CLIENTS concurrent clients for
# SOAK_SECONDS, the SMTP server down for a while and a worker killed; see README.
SOAK_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/soak
soak: install
	$(PY) tools/recreate_database.py $(SOAK_DATABASE_URL)
	DATABASE_URL=$(SOAK_DATABASE_URL) $(PY) manage.py migrate --noinput --verbosity 0
	DATABASE_URL=$(SOAK_DATABASE_URL) $(PY) manage.py collectstatic --noinput --verbosity 0
	DATABASE_URL=$(SOAK_DATABASE_URL) $(PY) -m tools soak

# Serve the portal as in production and load it with wrk (installed from Debian when
# missing and this is root); seeds var/bench/bench.sqlite3, or the DATABASE_URL database,
# with BENCH_REQUESTS requests when it has none. Results in var/bench/results.json.
bench: install
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } \
		|| echo "wrk could not be installed: using the slower Python load generator"
	$(PY) bench/run.py

# Where one page's time goes: cProfile's table and sampled stacks (a flame graph's input)
# over PROFILE_REQUESTS in-process requests, under var/bench/ (see bench/profile_page.py).
profile: install
	@test -n "$(PAGE)" || { echo "usage: make profile PAGE=list|list-status|request|staff-request|queue|queue-filters|search|search-staff|search-common|ceiling|floor"; exit 2; }
	$(PY) bench/profile_page.py $(PAGE)
