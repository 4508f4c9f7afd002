# Everyday commands. `make run` and `make test` work on a fresh machine: they build the
# virtualenv first.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAGE ?= dev

.PHONY: run test test-fast lint format bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) est introuvable (Python 3.11 requis)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet "pip<26.3"  # chalice 1.34 wants pip below 26.3
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

## run: the whole system locally (moto server, API on :8000 under /api, event relay, demo data)
run: $(VENV)/.installed
	$(PY) -m local.run

## test: lint, then every test (unit, component under moto, end-to-end over HTTP)
test: $(VENV)/.installed lint
	$(PY) -m pytest

## test-fast: unit and component tests only
test-fast: $(VENV)/.installed
	$(PY) -m pytest -m "not e2e"

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## bench: cold import time and DynamoDB calls per request
bench: $(VENV)/.installed
	$(PY) -m bench.requests_cost

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
