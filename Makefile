# Two commands (each sets itself up first; both are idempotent):
#   make run    the whole flagship pipeline -> results/ (tables, figures, report, audit)
#   make test   the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CORES  ?= 2

.PHONY: run test setup lint report-check clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/snakemake --cores $(CORES)
	$(BIN)/snakemake --cores $(CORES) --report results/report.html

test: $(STAMP)
	$(BIN)/python -m pytest

report-check: $(STAMP)
	$(BIN)/python scripts/check_report_browser.py --expect Methods

lint: $(STAMP)
	$(BIN)/snakemake --lint

clean:
	rm -rf results logs .snakemake
