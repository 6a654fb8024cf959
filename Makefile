# Two commands (each sets itself up first; both are idempotent):
#   make run    the whole flagship pipeline -> results/ (tables, figures, report, audit)
#   make test   the full test suite: unit + end to end (what CI runs)
# Also: make test-fast (unit tests only, about 3.5 min on a quiet 2-core machine; issue 26 targets 60 s), make lint (ruff, snakefmt, snakemake --lint).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CORES  ?= 2
# pytest workers (pytest-xdist): one per core of the 2-core CI machine; a test file stays on one
# worker (--dist loadfile), so a file's shared fixtures run once. TEST_WORKERS=0 runs serially.
# --no-loadscope-reorder: files are handed out in collection order, which tests/conftest.py
# starts with the longest files (xdist's default order, most tests first, left the long e2e
# files of one or two tests to the end).
TEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=30

.PHONY: run test test-fast setup lint report-check clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

setup: $(STAMP)

# --rerun-incomplete: the jobs of an interrupted run (Ctrl-C, a kill) are rerun, never kept.
run: $(STAMP)
	$(BIN)/snakemake --cores $(CORES) --rerun-incomplete
	$(BIN)/snakemake --cores $(CORES) --report results/report.html

# Python's bytecode cache stays on in the test lanes even where the environment turns it off
# (PYTHONDONTWRITEBYTECODE=1 on the CI machine): without it each pytest worker rewrites and
# compiles every test module at every collection (unit lane: 21.4 -> 12.4 s of CPU per worker)
# and each Snakemake job compiles the retrocohort modules it imports. __pycache__/ is ignored by
# git and by the code digest of results/provenance (io/provenance.py).
test test-fast: export PYTHONDONTWRITEBYTECODE =

# Lanes: pytest prints which one runs ("lane: fast (unit)" / "lane: full (unit + e2e)").
test: $(STAMP)
	$(PYTEST)

test-fast: $(STAMP)
	$(PYTEST) tests/unit

report-check: $(STAMP)
	$(BIN)/python scripts/check_report_browser.py --expect Methods --first-table

# Every check runs (all findings at once); the target fails if any did. Formatting is checked,
# never applied: `ruff format .` and `snakefmt Snakefile workflow/rules` apply it.
lint: $(STAMP)
	@status=0; \
	echo "lint: ruff check ."; $(BIN)/ruff check . || status=1; \
	echo "lint: ruff format --check ."; $(BIN)/ruff format --check . || status=1; \
	echo "lint: snakefmt --check Snakefile workflow/rules"; \
	$(BIN)/snakefmt --check Snakefile workflow/rules || status=1; \
	echo "lint: snakemake --lint"; $(BIN)/snakemake --lint || status=1; \
	exit $$status

clean:
	rm -rf results logs .snakemake
