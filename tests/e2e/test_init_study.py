"""End to end: `retrocohort init` on studies/mgus2's raw file, then `retrocohort run` on the draft
as written (no edit): the workflow completes and Table 1 describes every patient."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from study import ROOT

pytestmark = pytest.mark.e2e


def retrocohort(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])),
    }
    return subprocess.run(
        [sys.executable, "-m", "retrocohort.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_the_draft_of_mgus2_runs_green_as_written(tmp_path):
    raw = ROOT / "studies/mgus2/data/raw/mgus2.csv"
    init = retrocohort("init", "my_study", str(raw), cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    assert "retrocohort run my_study" in init.stdout  # the next command, as the user types it here
    run = retrocohort("run", "my_study", "--cores", "1", "--no-report", cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    table1 = pd.read_csv(tmp_path / "my_study/results/stats/table1.csv")
    assert table1["n@Overall"].max() == 1384
    assert {"age", "sex", "hgb", "death"} <= set(table1["variable"])
