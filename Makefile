# Task verbs. CI (.ci/run) calls `make check`; the README's two commands are `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin

.PHONY: setup run test lint typecheck check bench clean

$(VENV)/.installed: pyproject.toml scripts/bootstrap.sh scripts/install-system-deps.sh
	bash scripts/bootstrap.sh $(VENV)
	touch $@

setup: $(VENV)/.installed

EXAMPLE ?= examples/demo_multilayer_hdi_large.json

run: setup
	$(BIN)/smart-audit kb check
	$(BIN)/smart-audit evaluate $(EXAMPLE)
	$(BIN)/smart-audit infer $(EXAMPLE)

test: setup
	$(BIN)/pytest -q

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy engine api explanations

check: lint typecheck test

bench: setup
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
