# Two commands matter: `make demo` and `make test` (see README). Others are helpers.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint venv

$(BIN)/python:
	$(PY) -m venv $(VENV)

venv: $(BIN)/python
	$(BIN)/pip install -q -e ".[test]"

test: venv
	scripts/pg.sh start
	DATABASE_URL=postgres://portal:portal@127.0.0.1:54329/portal $(BIN)/pytest -q; rc=$$?; scripts/pg.sh stop; exit $$rc

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
