"""End to end: a selection criterion nobody meets empties the cohort; the whole workflow still
completes and every statistic says "not computed: <reason>" instead of a crash (issue 14, item 4).

Both studies: the second study (``.test``: Tables 1-3 only) and the flagship (also group
comparisons, time-to-event analyses, the swimmer plot and the audit).
"""

from pathlib import Path

import pandas as pd
import pytest

from study import ROOT, copy_study, run_all

pytestmark = pytest.mark.e2e

NOBODY = '    - {id: nobody, label: "Age above 200 years", column: age, operator: ">", value: 200, missing: exclude}\n'


def _empty_selection(config: Path) -> None:
    """Insert a first selection criterion that no patient meets."""
    text = config.read_text(encoding="utf-8")
    anchor = "  criteria:\n"
    assert text.count(anchor) == 1, "the study config has one selection criteria list"
    config.write_text(text.replace(anchor, anchor + NOBODY), encoding="utf-8")


@pytest.mark.parametrize("study", [".test", "flagship"])
def test_a_cohort_emptied_by_the_selection_runs_through(tmp_path, study):
    work = copy_study(tmp_path, ROOT / ".test" if study == ".test" else ROOT)
    _empty_selection(work / "config/config.yaml")
    proc = run_all(work)
    assert proc.returncode == 0, proc.stderr[-3000:]

    flow = pd.read_csv(work / "results/selection/flow.csv")
    assert flow["n_out"].iloc[-1] == 0 and (flow["id"] == "nobody").any()

    t1 = pd.read_csv(work / "results/stats/table1.csv")
    body = t1[t1["stat"] != "section"]
    assert (body["n"] == 0).all()
    assert body["note"].str.startswith("not computed: no patient").all(), body[["variable", "note"]]

    t3 = pd.read_csv(work / "results/stats/table3_paired.csv")
    main = t3[t3["role"] == "main"]
    assert (main["n_pairs"] == 0).all() and main["p_value"].isna().all()
    assert main["method"].str.startswith("not computed:").all()

    assert "No patient in the analysed cohort" in (work / "results/tables/table2.md").read_text()
    walkthrough = (work / "results/notebook/reviewer_walkthrough.html").read_text()
    assert "AGREEMENT: all" in walkthrough

    if study == "flagship":
        groups = pd.read_csv(work / "results/stats/groups.csv")
        tests = groups[groups["role"] == "test"]
        assert len(tests) == 2 and tests["method"].str.startswith("not computed:").all()
        survival = pd.read_csv(work / "results/stats/survival.csv")
        medians = survival[survival["role"] == "median"]
        assert len(medians) == 3 and medians["method"].str.startswith("not computed:").all()
        logrank = survival[survival["role"] == "logrank"]
        assert logrank["method"].str.startswith("not computed:").all()
        for stem in ("slopes", "flow", "swimmer"):
            assert (work / f"results/figures/{stem}.png").stat().st_size > 0
