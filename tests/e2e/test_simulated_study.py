"""End to end: a simulated multi-site study (retrocohort.synthetic.large_cohort) runs through
the real workflow. Moved here from tests/unit/test_scale.py (issue 26: the unit lane,
``make test-fast``, runs no Snakemake workflow); the simulated files themselves are checked there.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from retrocohort.synthetic.large_cohort import simulate_cohort
from retrocohort.synthetic.large_cohort_model import LABS

pytestmark = pytest.mark.e2e


def test_simulated_study_runs_through_the_workflow(tmp_path) -> None:
    """`snakemake --cores 2 --directory OUT` on a simulated study: every stage, counts add up."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    simulate_cohort(400, 3, tmp_path, seed=3, formats=("csv", "parquet"))
    proc = subprocess.run(
        [
            str(Path(sys.executable).with_name("snakemake")),
            "-s",
            str(root / "Snakefile"),
            "--directory",
            str(tmp_path),
            "--cores",
            "2",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    flow = pd.read_csv(tmp_path / "results" / "selection" / "flow.csv")
    assert flow["n_in"].iloc[0] == 400
    n = int(flow["n_out"].iloc[-1])
    assert 0 < n < 400
    table1 = (tmp_path / "results" / "tables" / "table1.md").read_text(encoding="utf-8")
    assert f"{n} SYNTHETIC patients" in table1 and "Synthetic" in table1
    paired = pd.read_csv(tmp_path / "results" / "stats" / "table3_paired.csv")
    assert len(paired) == len(LABS) and (paired["n_pairs"] <= n).all()
