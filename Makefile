# Égide: two commands from a fresh clone.
#   make demo    install everything, build the database, load demo data, start server + worker
#   make test    the whole test suite on SQLite, browser tests included
# `make help` lists the others. Every target is idempotent and quick when all is in place.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.ONESHELL:

# uv is bootstrapped into ~/.local/bin, which is not always on PATH.
export PATH := $(HOME)/.local/bin:$(PATH)
export UV_NO_PROGRESS := 1

PORT ?= 8000
# Two workers: the machines this runs on have two cores.
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=
# `ruff format --check` is part of lint; FORMAT_CHECK=0 skips it.
FORMAT_CHECK ?= 1

# Chromium drives the browser tests; pango renders PDF reports (WeasyPrint);
# DejaVu gives both a font with every French character.
DEBIAN_PACKAGES := chromium fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0

# Install the Debian packages named in $$missing, as root or through sudo, or say what to run.
define apt_install
	if [ "$$(id -u)" -eq 0 ]; then as_root=""; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then as_root="sudo"; \
	else \
		echo "!!  Missing Debian packages:$$missing"; \
		echo "!!  Install them as root, then run make again:"; \
		echo "!!      apt-get update && apt-get install -y$$missing"; \
		exit 1; \
	fi; \
	export DEBIAN_FRONTEND=noninteractive; \
	$$as_root apt-get update -qq; \
	$$as_root apt-get install -y -qq --no-install-recommends$$missing >/dev/null; \
	echo "==> Installed:$$missing"
endef

.PHONY: help setup uv python-deps system-deps postgres-server demo test test-postgres lint bench clean

help:
	@echo "Égide"
	@echo "  make demo           install, build the database, load demo data, start server + worker on 127.0.0.1:$(PORT)"
	@echo "  make test           the whole test suite on SQLite (browser tests included)"
	@echo "  make test-postgres  the whole test suite on a throwaway PostgreSQL cluster"
	@echo "  make lint           ruff, mypy and the import-layer contracts"
	@echo "  make bench          the benchmarks (JSON on stdout)"
	@echo "  make setup          only install what is missing (uv, Python packages, Debian packages)"
	@echo "  make clean          remove var/ and the caches"

setup: uv python-deps system-deps

uv:
	@if command -v uv >/dev/null 2>&1; then exit 0; fi
	echo "==> uv (the Python package manager) is missing: installing it with pip into ~/.local/bin"
	export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
	python3 -m pip install --user --quiet uv \
		|| python3 -m pip install --user --quiet --break-system-packages uv \
		|| { echo "!!  Could not install uv with pip. Install pip (apt-get install -y python3-pip) or uv itself, then run make again."; exit 1; }
	echo "==> $$(uv --version) installed"

python-deps: uv
	@echo "==> Python packages: syncing .venv with uv.lock (installs what is missing; fails if uv.lock is out of date)"
	uv sync --locked --quiet

system-deps:
	@missing=""
	for package in $(DEBIAN_PACKAGES); do
		dpkg -s "$$package" >/dev/null 2>&1 || missing="$$missing $$package"
	done
	if [ -z "$$missing" ]; then echo "==> Debian packages already installed: $(DEBIAN_PACKAGES)"; exit 0; fi
	echo "==> Installing Debian packages:$$missing"
	echo "    (chromium runs the browser tests; pango renders PDF reports; DejaVu fonts render text)"
	$(apt_install)

# PostgreSQL's server binaries, for `make test-postgres` and CI only.
postgres-server:
	@if command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then exit 0; fi
	missing=" postgresql"
	echo "==> Installing Debian's PostgreSQL server (initdb not found): the suite also runs on PostgreSQL"
	$(apt_install)

demo: setup
	@echo "==> Starting the demo: migrate, reference geography, demo data, then server + worker (Ctrl-C stops both)"
	uv run egide demo --port $(PORT)

test: setup
	@echo "==> Running the whole test suite on SQLite ($(PYTEST_WORKERS) workers, browser tests included)"
	uv run pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-postgres: setup postgres-server
	@echo "==> Running the whole test suite on a throwaway PostgreSQL cluster (removed afterwards)"
	bash .ci/with-postgres uv run pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: python-deps
	@# Every tool runs even if an earlier one failed, so that one run reports every problem.
	failed=""
	echo "==> ruff check: style, bugs and security lints"
	uv run ruff check . || failed="$$failed ruff"
	if [ "$(FORMAT_CHECK)" = "1" ]; then
		echo "==> ruff format --check: formatting"
		uv run ruff format --check . || failed="$$failed ruff-format"
	else
		echo "==> Skipping ruff format --check (FORMAT_CHECK=0)"
	fi
	echo "==> mypy (strict): types"
	uv run mypy || failed="$$failed mypy"
	echo "==> import-linter: nothing imports a layer above it; egide_analytics imports neither Django nor egide"
	uv run lint-imports || failed="$$failed import-linter"
	if [ -n "$$failed" ]; then echo "!!  Lint failed:$$failed"; exit 1; fi
	echo "==> Lint passed"

bench: python-deps
	@echo "==> Benchmark of the organisations API (JSON on stdout)"
	uv run python bench/api_organisations.py
	echo "==> Benchmark of the case list and case page, 10 000 cases (JSON on stdout)"
	uv run python bench/cases.py
	uv run python bench/placement.py
	echo "==> Benchmark of disclosure control: a year's ~36 linked tables protected and attacked by LP (JSON on stdout)"
	uv run python bench/sdc.py
	echo "==> Benchmark of record linkage: Dice kernel against anonlink, FEBRL4, a million records (JSON on stdout)"
	uv run python bench/linkage.py

clean:
	@echo "==> Removing var/ (database, static files, mail) and the tool caches"
	rm -rf var .pytest_cache .mypy_cache .ruff_cache .hypothesis .import_linter_cache htmlcov .coverage
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
