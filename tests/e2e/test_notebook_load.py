"""Determinism under load (issue 14, item 8): the reviewer notebook executed twice while other
processes keep every core busy gives the same bytes as without load.

Under load the kernel may cut one printed line into several stream messages; the notebook step
merges consecutive stream outputs before writing (``strip_volatile``), so the saved ``.ipynb``
and ``.html`` must not depend on the machine's load.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from study import run_all

pytestmark = pytest.mark.e2e

OUTPUTS = ("results/notebook/reviewer_walkthrough.ipynb", "results/notebook/reviewer_walkthrough.html")
BUSY_LOOP = "while True:\n    pass\n"


@contextmanager
def busy_cores(count: int) -> Iterator[list[subprocess.Popen]]:
    """``count`` Python busy loops (a ``stress --cpu`` substitute), ended by pid on exit."""
    procs = [subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(count)]
    try:
        yield procs
    finally:
        for proc in procs:
            proc.kill()
            proc.wait(timeout=30)


def _notebook_bytes(work: Path) -> dict[str, bytes]:
    return {path: (work / path).read_bytes() for path in OUTPUTS}


def test_notebook_bytes_do_not_depend_on_load(flagship, tmp_path):
    work = tmp_path / "study"
    shutil.copytree(flagship, work, symlinks=True)  # the shared run stays untouched
    quiet = _notebook_bytes(work)
    loaded = []
    with busy_cores(os.cpu_count() or 2) as procs:
        for _ in range(2):
            proc = run_all(work, "--forcerun", "notebook", "--", OUTPUTS[1], timeout=900)
            assert proc.returncode == 0, proc.stderr[-3000:]
            loaded.append(_notebook_bytes(work))
        assert all(p.poll() is None for p in procs), "the load ended before the runs did"
    for run in loaded:
        for path in OUTPUTS:
            assert run[path] == quiet[path], f"{path} differs under load"
