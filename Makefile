PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint docs bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/chuan evaluate fixtures/schools --pack qd11_2021 --date 2025-06-30
	$(BIN)/chuan gaps fixtures/schools --pack qd11_2021 --date 2025-06-30

test: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest

docs: $(STAMP)
	$(BIN)/python docs/_gen.py
	$(BIN)/python -m pytest -q tests/test_docs.py

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_batch.py

lint: $(STAMP)
	$(BIN)/ruff check src tests

clean:
	rm -rf $(VENV) .pytest_cache
