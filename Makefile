# Two commands: `make run` (dashboard on the embedded database with the demo province) and
# `make test` (lint, types and the whole test suite). Both create .venv and install first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint typecheck pytest mutation db-stop clean lock

# Installs the exact versions the tests passed with (requirements.lock, a constraints file).
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[localdb,dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/cddh run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy core dashboard cddh_cli

pytest: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

test: lint typecheck pytest

# Mutation scores of the rule modules (docs/testing.md): not part of `make test`, not a CI gate.
# A fresh measurement every time (about half an hour on two cores); the table is printed at the end.
mutation: $(STAMP)
	rm -rf mutants
	$(BIN)/mutmut run
	$(BIN)/python tests/mutation_scores.py

db-stop: $(STAMP)
	$(BIN)/cddh db stop

# Re-resolve every dependency to its newest allowed version in a fresh venv and record them:
# run it on purpose, then `make test`, then commit requirements.lock.
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet --upgrade pip
	.venv-lock/bin/pip install --quiet -e '.[localdb,dev]'
	.venv-lock/bin/pip freeze --exclude-editable > requirements.lock
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache mutants
