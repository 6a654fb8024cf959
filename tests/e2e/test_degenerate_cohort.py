"""End to end: a selection criterion nobody meets empties the cohort; the whole workflow still
completes and every statistic says "not computed: <reason>" instead of a crash (issue 14, item 4).

Both studies: the second study (``.test``: Tables 1-3 only) and the flagship (also group
comparisons, time-to-event analyses, the swimmer plot and the audit).

A selection edit starts from a copy of the study's complete run (:func:`study.warm_copy`):
ingestion and validation do not read the selection, so the rerun makes the jobs a cold run
with the edit would make differently and keeps the others (exact reruns: test_reruns.py). Raw
data edits start cold.
"""

from pathlib import Path

import pandas as pd
import pytest
import yaml

from retrocohort.analysis.descriptive import summary_records
from retrocohort.kinds.paired import study_paired_stats
from study import ROOT, copy_study, run_all, warm_copy

pytestmark = pytest.mark.e2e

#: Until audit.regen.regen_paired.paired_p reads a JSON null p-value (a "not computed" Table 3 row with
#: at least one pair) as NaN instead of calling np.isfinite on None, the audit rule fails on
#: these data (lead: see the h/degenerate report; remove the marker with that fix).

NOBODY = '    - {id: nobody, label: "Age above 200 years", column: age, operator: ">", value: 200, missing: exclude}\n'


def _paired_csv(work: Path) -> Path:
    """The statistics of the study's paired table (classic ``table3_paired.csv`` in ``.test``,
    the flagship's declared ``kind: paired`` ``table3.csv``)."""
    tables = yaml.safe_load((work / "config/config.yaml").read_text(encoding="utf-8"))["tables"]
    return work / f"{study_paired_stats(tables)}.csv"


def _empty_selection(config: Path) -> None:
    """Insert a first selection criterion that no patient meets."""
    text = config.read_text(encoding="utf-8")
    anchor = "  criteria:\n"
    assert text.count(anchor) == 1, "the study config has one selection criteria list"
    config.write_text(text.replace(anchor, anchor + NOBODY), encoding="utf-8")


@pytest.mark.parametrize("study", [".test", "flagship"])
def test_a_cohort_emptied_by_the_selection_runs_through(tmp_path, tmp_path_factory, study):
    work = warm_copy(tmp_path_factory, tmp_path, ROOT / ".test" if study == ".test" else ROOT)
    _empty_selection(work / "config/config.yaml")
    proc = run_all(work)
    assert proc.returncode == 0, proc.stderr[-3000:]

    flow = pd.read_csv(work / "results/selection/flow.csv")
    assert flow["n_out"].iloc[-1] == 0 and (flow["id"] == "nobody").any()

    t1 = summary_records(pd.read_csv(work / "results/stats/table1.csv"), 7)  # the Overall column
    body = t1[t1["stat"] != "section"]
    assert (body["n"] == 0).all()
    assert body["note"].str.startswith("not computed: no patient").all(), body[["variable", "note"]]

    t3 = pd.read_csv(_paired_csv(work))
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


def _no_change_in_crp(measurements: Path) -> None:
    """Every Day 7 CRP value equal to the patient's Day 0 value: all paired differences zero."""
    m = pd.read_csv(measurements, dtype=str, keep_default_na=False)
    crp = m["parameter"] == "crp"
    day0 = m[crp & (m["day"] == "0")].set_index("patient")["value"]
    day7 = crp & (m["day"] == "7") & m["patient"].isin(day0.index)
    m.loc[day7, "value"] = m.loc[day7, "patient"].map(day0)
    m.to_csv(measurements, index=False)


def test_all_paired_differences_zero_is_not_computed_and_the_notebook_agrees(tmp_path):
    work = copy_study(tmp_path, ROOT)
    _no_change_in_crp(work / "data/raw/baverez2022/synthetic_measurements.csv")
    proc = run_all(work)
    assert proc.returncode == 0, proc.stderr[-3000:]
    t3 = pd.read_csv(_paired_csv(work))
    crp = t3[(t3["variable"] == "crp") & (t3["role"] == "main")].iloc[0]
    assert crp["n_pairs"] >= 2 and crp["hl_estimate"] == 0
    assert crp["method"].startswith("not computed: every paired difference is zero")
    walkthrough = (work / "results/notebook/reviewer_walkthrough.html").read_text()
    assert "0 non-zero differences" in walkthrough and "AGREEMENT: all" in walkthrough


def test_a_single_patient_cohort_runs_through(tmp_path, tmp_path_factory):
    work = warm_copy(tmp_path_factory, tmp_path)
    config = work / "config/config.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "  criteria:\n", "  criteria:\n" + NOBODY.replace("200", "75").replace("nobody", "oldest")
        ),
        encoding="utf-8",
    )
    proc = run_all(work)
    assert proc.returncode == 0, proc.stderr[-3000:]
    t1 = summary_records(pd.read_csv(work / "results/stats/table1.csv"), 7).set_index("variable")
    assert t1.loc["age", "n"] == 1 and t1.loc["age", "note"].startswith("not computed: SD")
