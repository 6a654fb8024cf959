"""End to end: `retrocohort run` drives the real Snakemake on a copy of the study."""

import re

import pytest

from retrocohort.cli import main
from study import copy_study

pytestmark = pytest.mark.e2e


def test_real_dry_run_on_a_copy_of_the_study(tmp_path, capfd):
    work = copy_study(tmp_path / "study")
    assert main(["-C", str(work), "run", "--cores", "1", "--", "--dry-run"]) == 0
    captured = capfd.readouterr()
    assert "--dry-run" in captured.err and "rule all" in captured.out + captured.err
    assert not (work / "results").exists()
    # the flagship's time-to-event analyses are its declared tables.survival (issue 22): rule
    # cohort_table, one cohort_figure job per Kaplan-Meier curve, never the classic rule survival
    text = captured.out + captured.err
    jobs = {
        m.group(1)
        for m in re.finditer(r"^(\w+)\s+\d+\s*$", text.split("Job stats:")[1].split("total")[0], re.M)
    }
    assert "survival" not in jobs and {"cohort_table", "cohort_figure"} <= jobs, jobs
    for analysis in ("fever_resolution", "fever_resolution_by_line"):
        assert f"results/figures/survival/km_{analysis}.png" in text
