# binance-error-codes: every chore is one target; each bootstraps .venv itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# binance-connector and python-binance both install a top-level `binance`
# package: the connector goes into a directory of its own, which only the
# subprocess that tests it puts on sys.path (tests/test_clients.py).
CONNECTOR := $(VENV)/binance-connector
CONNECTOR_REQUIREMENTS := tests/clients/binance-connector.txt
PY := $(BIN)/python
SPEC ?= spec/errors.yaml
SOURCE ?= ../shared/upstream/captures/spot-html-1.txt
PRODUCT ?= spot
CAPTURES ?= ../shared/upstream/captures
HISTORY ?= ../shared/upstream/history
# The products whose history `backfill` replays (scripts/history.yaml: its
# top-level keys): their codes carry dates and former wordings that `scrape`
# would drop, so scrape-captures leaves them out.
REPLAYED := $(shell sed -n 's/^\([a-z][a-z0-9_]*\):.*/\1/p' scripts/history.yaml)
# update: the date to record (default: today, UTC), where to write the PR body,
# and the changelog that gets the new version's summary.
DATE ?=
PR_BODY ?=
CHANGELOG ?= CHANGELOG.md
# The npm package's checks (make test-ts) need Node.js >= 20; TypeScript, the one
# tool they install, comes from tests/typescript's lockfile (npm ci).
NODE ?= node
NPM ?= npm
TS_TOOLING := tests/typescript
TS_STAMP := $(TS_TOOLING)/node_modules/.installed
TSC := $(TS_TOOLING)/node_modules/.bin/tsc
# Where make dist-npm puts the npm tarball.
NPM_DIST ?= dist-npm
NODE_20 = $(NODE) -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'
# update reads every product's live page, unless SOURCE is given on the command
# line or in the environment: then that one page, as PRODUCT.
UPDATE_WHAT = $(if $(filter command line environment environment override,$(origin SOURCE)),--source $(SOURCE) --product $(PRODUCT),--all)

.DEFAULT_GOAL := help
.PHONY: help generate check test test-ts ts-checks conformance lint lint-workflows scrape scrape-captures update backfill bench fuzz dist dist-npm hooks clean

help: ## list the targets, one line each
	@echo "binance-error-codes: every chore is one target; those that need the tooling create .venv first"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml $(CONNECTOR_REQUIREMENTS)
	@echo "==> creating $(VENV) and installing the tooling (dependency group 'dev')"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=25.1"
	$(PY) -m pip install --quiet --group dev
	@echo "==> installing binance-connector apart, into $(CONNECTOR) (its 'binance' package is python-binance's name)"
	rm -rf $(CONNECTOR)
	$(PY) -m pip install --quiet --no-deps --target $(CONNECTOR) --requirement $(CONNECTOR_REQUIREMENTS)
	@touch $(STAMP)

generate: $(STAMP) ## render spec/errors.yaml into generated/
	@echo "==> rendering $(SPEC) into generated/"
	$(PY) -m scraper generate --spec $(SPEC) --out generated

check: $(STAMP) ## fail with a diff when generated/ is stale
	@echo "==> checking that generated/ is what $(SPEC) renders to"
	$(PY) -m scraper check --spec $(SPEC) --out generated

conformance: $(STAMP) ## rewrite tests/conformance/cases.json: the Python package's answers, which the npm package must give
	@echo "==> asking generated/binance_errors every conformance question (scripts/conformance.py)"
	$(PY) scripts/conformance.py

scrape: $(STAMP) ## scrape SOURCE (a URL or file) as PRODUCT into spec/errors.yaml
	@echo "==> scraping $(SOURCE) as $(PRODUCT) into $(SPEC)"
	$(PY) -m scraper scrape --source $(SOURCE) --product $(PRODUCT) --out $(SPEC)

scrape-captures: $(STAMP) ## rebuild every product without replayed history from CAPTURES, then generate
	@echo "==> scraping every product but $(REPLAYED) from $(CAPTURES) into $(SPEC)"
	$(PY) -m scraper scrape --all $(addprefix --exclude ,$(REPLAYED)) --captures $(CAPTURES) --out $(SPEC)
	$(MAKE) --no-print-directory generate

update: $(STAMP) ## merge the live pages into the spec, regenerate, changelog, conformance (SOURCE=<file>: offline)
	@echo "==> updating $(SPEC), generated/ and $(CHANGELOG) from $(if $(findstring --all,$(UPDATE_WHAT)),every product's live page,$(SOURCE))"
	@# A product that fails leaves the others updated: their new data needs new
	@# conformance answers all the same (make conformance), then the update's own
	@# status is the target's. No $(MAKE) on that line: `make -n update` stays a dry run.
	$(PY) -m scraper update $(UPDATE_WHAT) --spec $(SPEC) --out generated --changelog $(CHANGELOG) $(if $(DATE),--date $(DATE)) $(if $(PR_BODY),--pr-body $(PR_BODY)); \
	status=$$?; $(PY) scripts/conformance.py && exit $$status

backfill: $(STAMP) ## rebuild the replayed products from HISTORY and CAPTURES, regenerate, conformance
	@echo "==> replaying $(REPLAYED) from $(HISTORY) and $(CAPTURES) into $(SPEC)"
	$(PY) scripts/backfill.py --history $(HISTORY) --captures $(CAPTURES) --spec $(SPEC) --quiet
	$(MAKE) --no-print-directory generate
	$(MAKE) --no-print-directory conformance

lint: $(STAMP) ## ruff (lint, format) and mypy --strict, on the tooling, the runtime and the generated package
	@echo "==> ruff check, ruff format --check and mypy --strict on scraper/ scripts/ tests/ runtime/ generated/"
	$(BIN)/ruff check scraper scripts tests runtime generated
	$(BIN)/ruff format --check scraper scripts tests runtime generated
	$(BIN)/mypy
	@# mypy 2 type-checks for Python 3.10 and newer only; the package itself supports 3.9.
	@# The runtime (runtime/python) is checked as part of the package it is copied into.
	$(BIN)/mypy --strict --python-version 3.10 generated/binance_errors

lint-workflows: $(STAMP) ## zizmor (offline) and the schemas of the workflows, dependabot and pre-commit
	@echo "==> zizmor and check-jsonschema on .github/, pre-commit validate-config"
	$(BIN)/zizmor --offline --no-progress .github/workflows
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml
	$(BIN)/pre-commit validate-config .pre-commit-config.yaml

test: $(STAMP) ## lint, workflow checks, the tests with coverage (>= 90% of scraper/), test-ts, check
	@echo "==> make test: lint, lint-workflows, pytest under coverage, test-ts, check"
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory lint-workflows
	@echo "==> pytest on every core, under coverage (the CLI's subprocesses included)"
	$(BIN)/coverage erase
	$(BIN)/coverage run -m pytest -n auto --dist worksteal
	$(BIN)/coverage combine --quiet
	@echo "==> coverage of scraper/ (fails under 90%)"
	$(BIN)/coverage report
	$(MAKE) --no-print-directory test-ts
	$(MAKE) --no-print-directory check

test-ts: ## the npm package: node --test and tsc --strict (Node >= 20; skipped without it, unless CI is set)
	@if $(NODE_20) >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory ts-checks; \
	elif [ -n "$$CI" ]; then \
	  echo "error: make test-ts: Node.js >= 20 is required under CI, found: $$($(NODE) --version 2>/dev/null || echo no node)" >&2; \
	  exit 1; \
	else \
	  echo "==> skipping the TypeScript part: Node >= 20 not found ($$($(NODE) --version 2>/dev/null || echo no node)); CI would fail"; \
	fi

ts-checks: $(TS_STAMP) ## what test-ts runs once Node >= 20 is found: npm ci (once), node --test, tsc
	@echo "==> node --test: the npm package against the conformance cases, its API, imports, README examples, npm pack"
	$(NODE) --test $(TS_TOOLING)/*.test.mjs
	@echo "==> tsc --strict: the runtime and product modules (checkJs), a typed consumer, the bare declarations"
	$(TSC) -p $(TS_TOOLING)/tsconfig.runtime.json
	$(TSC) -p $(TS_TOOLING)/tsconfig.json
	$(TSC) -p $(TS_TOOLING)/tsconfig.bare.json

$(TS_STAMP): $(TS_TOOLING)/package.json $(TS_TOOLING)/package-lock.json
	@echo "==> installing TypeScript into $(TS_TOOLING)/node_modules (npm ci, from the committed lockfile)"
	cd $(TS_TOOLING) && $(NPM) ci --no-audit --no-fund
	@touch $@

bench: $(STAMP) ## import time and match() throughput of generated/ against their targets
	@echo "==> benchmarking generated/binance_errors (scripts/bench.py)"
	$(PY) scripts/bench.py

fuzz: $(STAMP) ## fuzz the parser long and at random (make test runs a short, fixed set)
	@echo "==> fuzzing the parser with random mutations of the Spot page"
	FUZZ_PROFILE=deep $(PY) -m pytest -q -p no:cacheprovider --hypothesis-show-statistics tests/test_fuzz.py

dist: $(STAMP) ## build the sdist and the wheel into dist/, then twine check --strict
	$(MAKE) --no-print-directory check
	@echo "==> building dist/ (python -m build --no-isolation: the venv's hatchling, offline)"
	rm -rf dist
	$(PY) -m build --no-isolation --outdir dist .
	@echo "==> twine check --strict dist/*"
	$(BIN)/twine check --strict dist/*
	@ls -l dist

dist-npm: $(STAMP) ## pack generated/typescript into dist-npm/ (npm pack), after make check
	$(MAKE) --no-print-directory check
	@echo "==> npm pack generated/typescript into $(NPM_DIST)/"
	rm -rf $(NPM_DIST)
	mkdir -p $(NPM_DIST)
	cd generated/typescript && $(NPM) pack --pack-destination $(abspath $(NPM_DIST))
	@ls -l $(NPM_DIST)

hooks: $(STAMP) ## install the git pre-commit hook (the same checks as make lint, lint-workflows, check)
	@echo "==> installing the pre-commit hook into .git/hooks"
	$(BIN)/pre-commit install

clean: ## remove the venv, caches, coverage data, dist/, dist-npm/ and the npm tooling
	@echo "==> removing .venv, caches, coverage data, dist/ and build/"
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .coverage .coverage.* htmlcov dist build
	rm -rf $(NPM_DIST) $(TS_TOOLING)/node_modules
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
