"""The flagship's dry run (issue 22, item 1): its time-to-event analyses are built by the declared
engine (rule `cohort_table` for `tables.survival`, one `cohort_figure` job per Kaplan-Meier
curve), never by the classic rule `survival`; studies/pbc, with a top-level `survival:`, keeps it."""

from __future__ import annotations

import re

import pytest

from study import ROOT, copy_study, snakemake

pytestmark = pytest.mark.e2e


def _jobs(workdir) -> tuple[set[str], str]:
    """The rules `snakemake -n all` would run (its job-stats table) and its whole output."""
    proc = snakemake(workdir, "-n", "--cores", "1", "all")
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = proc.stdout + proc.stderr
    block = text.split("Job stats:")[1].split("total")[0]
    return {m.group(1) for m in re.finditer(r"^(\w+)\s+\d+\s*$", block, flags=re.M)} - {"job"}, text


def test_the_flagship_dry_run_has_no_rule_survival(tmp_path):
    """Failed before: the flagship's dry run scheduled the classic rule `survival`."""
    rules, text = _jobs(copy_study(tmp_path / "flagship"))
    assert "survival" not in rules and {"cohort_table", "cohort_figure"} <= rules
    for analysis in ("fever_resolution", "fever_resolution_by_line"):
        assert f"results/figures/survival/km_{analysis}.png" in text
    assert "results/stats/survival.json" in text


def test_a_classic_survival_study_keeps_the_rule(tmp_path):
    rules, _ = _jobs(copy_study(tmp_path / "pbc", ROOT / "studies" / "pbc"))
    assert "survival" in rules
