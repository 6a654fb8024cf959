"""Shared fixtures: repository paths and a minimal study config."""

import importlib.util
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture
def libreoffice() -> str:
    """The LibreOffice executable. Skips when absent, except in CI, which installs it and sets
    RETROCOHORT_REQUIRE_LIBREOFFICE=1: there a missing LibreOffice is a failure."""
    exe = shutil.which("libreoffice")
    if exe is None:
        message = "LibreOffice not on PATH (apt-get install -y libreoffice-writer-nogui)"
        if os.environ.get("RETROCOHORT_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail(message + ", but RETROCOHORT_REQUIRE_LIBREOFFICE=1")
        pytest.skip(message)
    return exe


@pytest.fixture
def typst_text() -> Callable[[str, Path, str], str]:
    """``compile(source, workdir, name)``: a Typst source compiled to ``workdir/name.pdf`` by the
    ``typst`` executable (``typst compile``) or, without it, the ``typst`` Python package (the
    same compiler), its text as pdftotext reads it (``-raw``). Skips when neither compiler or no
    pdftotext is there, except where RETROCOHORT_REQUIRE_TYPST=1: there it is a failure."""
    typst_exe = shutil.which("typst")
    typst_module = None if typst_exe else importlib.util.find_spec("typst")
    pdftotext = shutil.which("pdftotext")
    missing = ([] if typst_exe or typst_module else ["typst"]) + ([] if pdftotext else ["pdftotext"])
    if missing:
        message = (
            f"{' and '.join(missing)} not found (typst: the typst executable on PATH or "
            "`pip install typst`; pdftotext: poppler-utils)"
        )
        if os.environ.get("RETROCOHORT_REQUIRE_TYPST") == "1":
            pytest.fail(message + ", but RETROCOHORT_REQUIRE_TYPST=1")
        pytest.skip(message)

    def compile_text(source: str, workdir: Path, name: str) -> str:
        (workdir / f"{name}.typ").write_text(source, encoding="utf-8")
        if typst_exe:
            proc = subprocess.run(
                [typst_exe, "compile", f"{name}.typ", f"{name}.pdf"],
                cwd=workdir,
                capture_output=True,
                text=True,
                check=False,
            )
            assert proc.returncode == 0, f"typst compile {name}.typ failed:\n{proc.stderr[-3000:]}"
        else:
            import typst

            typst.compile(str(workdir / f"{name}.typ"), output=str(workdir / f"{name}.pdf"))
        return subprocess.run(
            [pdftotext, "-raw", f"{name}.pdf", "-"],
            cwd=workdir,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    return compile_text


def pytest_report_header(config: pytest.Config) -> str:
    """Say which test lane runs: ``fast (unit)`` (make test-fast), ``full (unit + e2e)`` (make test,
    what CI runs), or a narrower selection, from the paths given (or ``testpaths``) and ``-m``/``-k``."""
    lanes, narrowed = set(), []
    for arg in config.args:
        path = Path(arg.split("::")[0]).resolve()
        suites = [s for s in ("unit", "e2e") if path.is_relative_to(ROOT / "tests" / s)]
        if path in (ROOT, ROOT / "tests"):
            lanes |= {"unit", "e2e"}
        elif suites:
            lanes.add(suites[0])
            if path != ROOT / "tests" / suites[0] or "::" in arg:
                narrowed.append(arg)
        else:
            narrowed.append(arg)
    for option, flag in (("markexpr", "-m"), ("keyword", "-k")):
        if config.getoption(option, ""):
            narrowed.append(f"{flag} {config.getoption(option)!r}")
    name = {
        frozenset({"unit"}): "fast (unit)",
        frozenset({"unit", "e2e"}): "full (unit + e2e)",
        frozenset({"e2e"}): "e2e only",
    }.get(frozenset(lanes), "none")
    if narrowed:
        return f"lane: part of {name}, selected by {' '.join(narrowed)}"
    return f"lane: {name}"


#: The longest test files (minutes each on the 2-core CI machine), started first, longest first:
#: with two pytest-xdist workers (--dist loadfile) they then run beside the many short files
#: instead of alone at the end, and the short files even out the two workers' ends. Order only;
#: every test still runs. Estimated CI worker time after issue 26 (benchmarks/README.md, "CI
#: time"): the table oracle ~550 s, the SIGKILL chain ~250 s, the reruns ~450 s. The oracle
#: makes the flagship's shared run (study.finished_run), the SIGKILL chain the ``.test`` one, so
#: neither worker starts by waiting for the other's run.
#: The simulated study's workflow run (tests/e2e/test_simulated_study.py, ~35 s) left the unit
#: lane for the end-to-end one (issue 26: `make test-fast` runs no Snakemake workflow); the unit
#: lane's longest file, the declared-tables property (~20 s), starts it.
LONGEST_FIRST = (
    "tests/r_oracle/test_tables_e2e_vs_r.py",
    "tests/e2e/test_faults.py",
    "tests/e2e/test_reruns.py",
    "tests/e2e/test_degenerate_cohort.py",
    "tests/e2e/test_workflow.py",
    "tests/e2e/test_wheel.py",
    "tests/r_oracle/test_colon_vs_r.py",
    "tests/r_oracle/test_rotterdam_vs_r.py",
    "tests/e2e/test_rotterdam_study.py",
    "tests/e2e/test_ctrl_c.py",
    "tests/e2e/test_determinism.py",
    "tests/e2e/test_notebook_load.py",
    "tests/e2e/test_simulated_study.py",
    "tests/unit/test_config_property.py",
)
#: Collected last: the SLURM comparison, whose run goes on in the background from the session's
#: first end-to-end test (tests/e2e/test_slurm.py): by the end of the session it has ended and
#: the test only compares the files, instead of a worker waiting five minutes for SLURM.
LAST = ("tests/e2e/test_slurm.py",)


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    """Put the files of :data:`LONGEST_FIRST` first, in that order, and those of :data:`LAST`
    last (stable otherwise)."""
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    rank |= {name: len(rank) + 1 + i for i, name in enumerate(LAST)}

    def key(item: pytest.Item) -> int:
        relative = Path(str(item.fspath)).resolve().relative_to(ROOT).as_posix()
        return rank.get(relative, len(LONGEST_FIRST))

    items.sort(key=key)
