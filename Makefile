PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_STAMP := $(VENV)/.installed-demo
TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo test lint docs bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# The demo needs only the library's own dependencies (pydantic, pandas, PyYAML).
$(DEMO_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $(DEMO_STAMP)

# The suite needs the test extra (which includes the server, batch, durable and notebook extras).
$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $(TEST_STAMP) $(DEMO_STAMP)

demo: $(DEMO_STAMP)
	$(BIN)/chuan evaluate fixtures/schools --pack qd11_2021 --date 2025-06-30
	$(BIN)/chuan gaps fixtures/schools --pack qd11_2021 --date 2025-06-30

test: $(TEST_STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(BIN)/python -m pytest

docs: $(TEST_STAMP)
	$(BIN)/python docs/_gen.py
	$(BIN)/python -m pytest -q tests/app/test_docs.py

# The benchmark also needs the bench extra (polars, the hand-written yardstick of benchmarks/hand.py).
BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test,bench]"
	touch $(BENCH_STAMP) $(TEST_STAMP) $(DEMO_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python benchmarks/bench_batch.py
	$(BIN)/python benchmarks/bench_explain.py

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests

clean:
	rm -rf $(VENV) .pytest_cache
