# Broadsheet: `make site` builds the sample archive, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

AXE    := tests/browser/node_modules/axe-core/axe.min.js

.PHONY: install site test lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Pinned versions (constraints.txt), then the spaCy model pinned by version and sha256.
$(STAMP): pyproject.toml constraints.txt requirements/model.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	touch $@

install: $(STAMP)

site: install
	$(BIN)/broadsheet build
	@echo "Open site/index.html in a browser."

lint: install
	$(BIN)/ruff check src tests build.py

# axe-core for the accessibility checks in the browser tests (npm, pinned in package-lock.json).
$(AXE): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --silent
	touch $@

test: install lint $(AXE)
	$(BIN)/python -m pytest

format: install
	$(BIN)/ruff format src tests build.py

clean:
	rm -rf site .broadsheet-cache .pytest_cache

# Benchmarks (bench/README.md): Broadsheet against Hugo and Pelican on synthetic archives.
# Hugo and Pelican go into their own venv, never into Broadsheet's. BENCH_N=300 for a quick run.
BENCH_VENV  := bench/.venv
BENCH_STAMP := $(BENCH_VENV)/.installed
BENCH_N     ?=
BENCH_ARGS  := --broadsheet $(BIN)/broadsheet --tools-bin $(BENCH_VENV)/bin $(if $(BENCH_N),--n $(BENCH_N))

.PHONY: bench bench-large

$(BENCH_STAMP): bench/requirements.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -r bench/requirements.txt
	touch $@

bench: install $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python bench/run.py $(BENCH_ARGS)

bench-large: install $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python bench/run.py $(BENCH_ARGS) --large
