# Task verbs. CI (.ci/run) calls `make check`; the README's two commands are `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin

.PHONY: setup run test lint typecheck check bench clean pg-up

$(VENV)/.installed: pyproject.toml scripts/bootstrap.sh scripts/install-system-deps.sh
	bash scripts/bootstrap.sh $(VENV)
	touch $@

setup: $(VENV)/.installed

EXAMPLE ?= examples/demo_multilayer_hdi_large.json

run: setup
	$(BIN)/smart-audit kb check
	$(BIN)/smart-audit plan $(EXAMPLE)
	mkdir -p out
	$(BIN)/smart-audit plan $(EXAMPLE) --format html -o out/report.html
	$(BIN)/smart-audit plan $(EXAMPLE) --format json -o out/plan.json
	$(BIN)/smart-audit cohort examples/cohort/2024 --compare examples/cohort/2026 --format html -q -o out/cohort.html
	@echo "report: out/report.html; full plan with its trace: out/plan.json; sample cohort 2024/2026: out/cohort.html"

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

# PostgreSQL on 127.0.0.1:5432 for the API tests (tests/api run on SQLite and on PostgreSQL; set
# SMART_AUDIT_TEST_PG=off to skip the PostgreSQL half). Starts the machine's cluster if it is not answering.
pg-up:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | sort -V | tail -1) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; \
	  echo "pg-up: PostgreSQL is not answering on 127.0.0.1:5432" >&2; exit 1
