# Tidewire: `make run` sets everything up and starts the daemon; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := run

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8787
CHROMIUM := /usr/bin/chromium
# CI runs on 2 cores; xdist workers for the Python suite.
PYTEST_WORKERS ?= 2
BENCH_MODE ?= full

.PHONY: deps setup run test gen check-gen check-compat lint bench bench-quick web-build test-deps \
        test-python test-web test-e2e mutation mutation-python mutation-web clean

# What generation and the web build read. `make run` redoes a step only when one of these is newer
# than the step's stamp; `make gen`, `setup` and `test` always regenerate (and `test` checks drift).
GEN_STAMP := build/.gen.stamp
WEB_STAMP := web/dist/index.html
files_under = $(shell find $(1) -type f -not -path '*/__pycache__/*' -not -path '*/node_modules/*' 2>/dev/null)
GEN_INPUTS := $(call files_under,schema codegen) $(wildcard server/tidewire/protocol/*.py) docs/asyncapi.yaml
WEB_INPUTS := $(call files_under,web/src web/public) web/index.html web/package.json web/package-lock.json \
              web/tsconfig.json web/vite.config.ts

deps: $(VENV)/.stamp web/node_modules/.stamp

setup: deps gen web-build

$(VENV)/.stamp: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

web/node_modules/.stamp: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

gen: $(VENV)/.stamp web/node_modules/.stamp
	$(PY) codegen/generate.py
	@mkdir -p $(dir $(GEN_STAMP)) && touch $(GEN_STAMP)

# Generation writes only the files whose content changed, so an up-to-date tree keeps its
# timestamps and the web build below is not redone for nothing.
$(GEN_STAMP): $(GEN_INPUTS) $(VENV)/.stamp web/node_modules/.stamp
	$(PY) codegen/generate.py
	@mkdir -p $(dir $@) && touch $@

check-gen: $(VENV)/.stamp web/node_modules/.stamp
	$(PY) codegen/generate.py --check

check-compat: $(VENV)/.stamp
	$(PY) codegen/compat.py

web-build: web/node_modules/.stamp gen
	cd web && npm run --silent build

$(WEB_STAMP): $(WEB_INPUTS) $(GEN_STAMP) web/node_modules/.stamp
	cd web && npm run --silent build
	@touch $@

# A re-run with nothing changed goes straight to serving: the stamps above are up to date.
run: deps $(GEN_STAMP) $(WEB_STAMP)
	$(VENV)/bin/tidewire serve --host $(HOST) --port $(PORT)

# Everything the tests need beyond `setup`: Debian's Chromium for the browser tests, and Debian's
# PostgreSQL server binaries (the tests start throwaway clusters of their own with initdb + pg_ctl,
# so the package is told not to create, and so not to start, a cluster of its own).
PG_CTL_GLOB := /usr/lib/postgresql/*/bin/pg_ctl
test-deps:
	@test -x $(CHROMIUM) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@ls $(PG_CTL_GLOB) >/dev/null 2>&1 || { \
	  mkdir -p /etc/postgresql-common && \
	  { test -e /etc/postgresql-common/createcluster.conf || \
	    echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf; } && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    -o Dpkg::Options::=--force-confold postgresql >/dev/null; }

lint: $(VENV)/.stamp web/node_modules/.stamp gen
	$(VENV)/bin/ruff check server tests codegen bench
	$(VENV)/bin/mypy
	cd web && npx tsc --noEmit -p . && npx eslint .

test-python: $(VENV)/.stamp gen
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider

test-web: web/node_modules/.stamp gen
	cd web && npx vitest run

test-e2e: setup test-deps
	cd web && npm run --silent e2e

# check-gen runs before `setup` regenerates, so drift between schema/ and committed files fails the run.
test: deps test-deps check-gen check-compat setup lint test-python test-web test-e2e bench-quick

bench: setup test-deps
	$(PY) -m bench --mode $(BENCH_MODE)

bench-quick: setup test-deps
	$(PY) -m bench --mode quick --out bench/results/quick.json

# Mutation testing of the core (slow, so not part of `make test`): mutmut over ws/, bus/ and
# store/ with the in-process tests, Stryker over the web client's socket, queue and cache code.
# Reports land in build/mutation/; docs/architecture.md records the last scores.
mutation: mutation-python mutation-web

$(VENV)/.mutation-stamp: $(VENV)/.stamp
	$(PY) -m pip install --quiet -e '.[dev,mutation]'
	touch $@

mutation-python: $(VENV)/.mutation-stamp gen
	$(PY) tests/mutation/run_python.py

mutation-web: web/node_modules/.stamp gen
	cd web && npx stryker run

clean:
	rm -rf $(VENV) web/node_modules web/dist $(GEN_STAMP)
