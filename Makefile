# InnoCluster. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
IC := $(BIN)/innocluster
PORT ?= 8000
ORGS ?= 300
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

venv: $(STAMP) ## Create .venv from the lock file

install: $(STAMP) ## venv from the lock file, migrate, load reference data
	$(IC) migrate --noinput
	$(IC) load_reference
	$(IC) measures import --reference

demo: install ## Demo data and var/demo-credentials.json (ORGS=300 organisations), without serving
	$(IC) demo --orgs $(ORGS)

run: demo ## Set everything up and serve http://127.0.0.1:8000 on SQLite
	$(IC) serve --port $(PORT)

test: $(STAMP) ## The whole test suite (SQLite unless DATABASE_URL is set)
	$(BIN)/python -m innocluster.testing.system_tools
	$(BIN)/pytest -n 2 -p no:cacheprovider

bench: install ## Benchmarks at 100,000 organisations; writes docs/benchmarks.md
	$(BIN)/python bench/run.py

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

fmt: $(STAMP) ## Format the code
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

openapi: $(STAMP) ## Regenerate the committed OpenAPI schema (docs/openapi.json)
	$(IC) export_openapi --output docs/openapi.json

messages: $(STAMP) ## Update and compile the translation files
	cd src/innocluster && ../../$(IC) makemessages -l ru -l en --no-obsolete && ../../$(IC) compilemessages

lock: ## Re-pin requirements.lock from pyproject.toml and requirements-build.in (uses uv)
	$(PYTHON) -m venv var/lock-venv && var/lock-venv/bin/pip install --quiet uv
	var/lock-venv/bin/uv pip compile pyproject.toml requirements-build.in --extra dev --python-version 3.11 --generate-hashes -o requirements.lock

clean: ## Remove .venv and var/
	rm -rf $(VENV) var

.PHONY: help venv install demo run test bench lint fmt openapi messages lock clean
