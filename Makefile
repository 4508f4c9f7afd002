# Everyday commands. `make run` and `make test` work on a fresh machine: they build the
# virtualenv first.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAGE ?= dev

IAC_VENV := .venv-iac
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BUILD := build/$(STAGE)
REGION ?= eu-west-3

.PHONY: run test test-fast lint format bench package deploy check-infra lock clean

# Everything is installed from the locks (every package pinned, with its hashes): what runs and
# what is deployed does not depend on the day. `make lock` refreshes them from the *.in files.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) est introuvable (Python 3.11 requis)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements-dev.txt
	touch $@

## lock: re-resolve the locks from requirements*.in (runtime for Lambda's Python 3.11 x86_64;
## dev and IaC for any platform), with hashes
UV_COMPILE = $(VENV)/bin/uv pip compile --quiet --generate-hashes --python-version 3.11 \
	--custom-compile-command "make lock"
lock: $(VENV)/.installed
	$(UV_COMPILE) --python-platform x86_64-manylinux_2_28 requirements.in -o requirements.txt
	$(UV_COMPILE) --universal requirements-dev.in -c requirements.txt -o requirements-dev.txt
	$(UV_COMPILE) --universal requirements-iac.in -o requirements-iac.txt

## run: the whole system locally (moto server, API on :8000 under /api, event relay, demo data,
## the web client with its API documentation page, whose renderer comes from npm)
run: $(VENV)/.installed node_modules/.installed
	$(PY) -m local.run

# The browser tests drive Debian's Chromium (browser downloads are not possible everywhere) and
# run axe-core from npm in each page. No package runs an install script (swagger-ui-dist's
# dependency would report the install to a third party).
$(CHROMIUM):
	@echo "Installation de Chromium (paquet Debian) pour les tests dans un navigateur"
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

## test: lint, then every test (unit, component under moto, end-to-end over HTTP and in
## Chromium; screenshots under test-artifacts/screenshots/)
test: $(VENV)/.installed $(CHROMIUM) node_modules/.installed lint
	$(PY) -m pytest

## test-fast: unit and component tests only
test-fast: $(VENV)/.installed
	$(PY) -m pytest -m "not e2e"

## lint: ruff, then mypy on chalicelib/ (strict on the RNE ingestion and the schemas)
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy chalicelib

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## bench: cold import time and DynamoDB calls per request (cold container against a commit:
## python -m bench.cold_start --avant <commit>)
bench: $(VENV)/.installed
	$(PY) -m bench.cold_start
	$(PY) -m bench.requests_cost
	$(PY) -m bench.enrolment_requests
	$(PY) -m bench.publication_requests
	$(PY) -m bench.franceconnect_requests
	$(PY) -m bench.payment_batches

## package: the complete CloudFormation/SAM template of STAGE (default dev) and its code, in
## build/STAGE/package/ (Chalice's functions merged with everything in infra/)
package: $(VENV)/.installed
	mkdir -p $(BUILD)
	$(PY) -m infra.template $(STAGE) > $(BUILD)/infra.json
	rm -rf $(BUILD)/package
	AWS_DEFAULT_REGION=$(REGION) $(VENV)/bin/chalice package --stage $(STAGE) \
		--merge-template $(BUILD)/infra.json $(BUILD)/package
	$(PY) -m infra.check_package $(BUILD)/package/sam.json

## deploy: package, then create or update the stack mce-STAGE with a change set, then publish
## web/ and its npm files (ARTIFACT_BUCKET: an S3 bucket of the account for the code;
## ALARM_EMAIL optional)
deploy: package node_modules/.installed
	$(PY) -m infra.deploy $(STAGE) $(BUILD)/package

$(IAC_VENV)/.installed: requirements-iac.txt
	$(PYTHON) -m venv $(IAC_VENV)
	$(IAC_VENV)/bin/pip install --quiet --require-hashes --no-deps -r requirements-iac.txt
	touch $@

## check-infra: package, then cfn-lint and checkov on the template (CI runs it)
check-infra: package $(IAC_VENV)/.installed
	$(VENV)/bin/cfn-lint --regions $(REGION) -- $(BUILD)/package/sam.json
	BC_SKIP_MAPPING=TRUE $(IAC_VENV)/bin/checkov --file $(BUILD)/package/sam.json \
		--framework cloudformation --compact --quiet --skip-download

clean:
	rm -rf $(VENV) $(IAC_VENV) node_modules .pytest_cache .ruff_cache .mypy_cache build test-artifacts
