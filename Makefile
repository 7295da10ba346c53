# binance-error-codes: every chore is one target; each bootstraps .venv itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PY := $(BIN)/python
SPEC ?= spec/errors.yaml
SOURCE ?= ../shared/upstream/captures/spot-html-1.txt
PRODUCT ?= spot

.DEFAULT_GOAL := help
.PHONY: help generate check test lint scrape fuzz clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@echo "==> creating $(VENV) and installing the tooling (dependency group 'dev')"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=25.1"
	$(PY) -m pip install --quiet --group dev
	@touch $(STAMP)

generate: $(STAMP) ## render spec/errors.yaml into generated/
	$(PY) -m scraper generate --spec $(SPEC) --out generated

check: $(STAMP) ## fail with a diff when generated/ is stale
	$(PY) -m scraper check --spec $(SPEC) --out generated

scrape: $(STAMP) ## scrape SOURCE (a URL or file) as PRODUCT into spec/errors.yaml
	$(PY) -m scraper scrape --source $(SOURCE) --product $(PRODUCT) --out $(SPEC)

lint: $(STAMP) ## ruff (lint, format) and mypy --strict, on the tooling and the generated package
	$(BIN)/ruff check scraper tests generated
	$(BIN)/ruff format --check scraper tests generated
	$(BIN)/mypy
	@# mypy 2 type-checks for Python 3.10 and newer only; the package itself supports 3.9.
	$(BIN)/mypy --strict --python-version 3.10 generated/binance_errors

test: $(STAMP) ## lint, the test suite, and the stale-output check
	$(MAKE) --no-print-directory lint
	$(PY) -m pytest
	$(MAKE) --no-print-directory check

fuzz: $(STAMP) ## fuzz the parser long and at random (make test runs a short, fixed set)
	FUZZ_PROFILE=deep $(PY) -m pytest -q -p no:cacheprovider --hypothesis-show-statistics tests/test_fuzz.py

clean: ## remove the venv and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis dist build
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
