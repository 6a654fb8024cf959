"""`make test` hands test files to its pytest-xdist workers in collection order.

tests/conftest.py puts the longest files (LONGEST_FIRST) first in the collection; that order only
counts if xdist keeps it. By default ``--dist loadfile`` reorders files by their number of tests
(most first), so the long end-to-end files of one or two tests (SLURM, SIGKILL) ran last, one
worker idle beside them. This runs pytest with the Makefile's options on three small files
whose conftest puts a one-test file first, and asserts that file starts first.
"""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from study import ROOT

pytestmark = pytest.mark.e2e

CONFTEST = """
def pytest_collection_modifyitems(session, config, items):
    items.sort(key=lambda item: item.fspath.basename != "test_long.py")
"""


def makefile_pytest_options() -> list[str]:
    """The options of the Makefile's PYTEST (after ``-m pytest``), workers as in CI."""
    line = re.search(r"^PYTEST := .* -m pytest (.*)$", (ROOT / "Makefile").read_text(), flags=re.M)
    assert line is not None, "no PYTEST := ... -m pytest ... line in the Makefile"
    return line.group(1).replace("$(TEST_WORKERS)", "2").split()


def test_the_first_collected_file_starts_first(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_long.py").write_text("def test_long():\n    pass\n")
    for name, count in (("test_many", 30), ("test_some", 5)):
        (tmp_path / f"{name}.py").write_text(
            f"import pytest\n\n\n@pytest.mark.parametrize('i', range({count}))\ndef test_{name}(i):\n    pass\n"
        )
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-v", *makefile_pytest_options()],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    passed = re.findall(r"\[(gw\d+)\] .*PASSED (test_\w+)\.py::", proc.stdout)
    assert len(passed) == 36, proc.stdout[-3000:]
    # the first test each worker ran (the order in which the two workers' reports reach the
    # controller depends on the machine's load: one worker may report twice first)
    first = {}
    for worker, name in passed:
        first.setdefault(worker, name)
    assert "test_long" in first.values(), f"the first collected file ran first on no worker: {first}"


def test_every_longest_first_file_exists() -> None:
    """A renamed or removed file in tests/conftest.py's LONGEST_FIRST (or LAST) would silently drop out
    of the schedule (it sorts by name): each entry must be a test file."""
    spec = importlib.util.spec_from_file_location("tests_conftest", ROOT / "tests" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    missing = [name for name in (*module.LONGEST_FIRST, *module.LAST) if not (ROOT / name).is_file()]
    assert missing == [], f"LONGEST_FIRST or LAST names files that do not exist: {missing}"
