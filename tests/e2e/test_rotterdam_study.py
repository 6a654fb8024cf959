"""End to end: the fourth REAL study, hormonal therapy after breast-cancer surgery
(studies/rotterdam, survival::rotterdam; issue 27 item 7), an observational treatment comparison
by propensity-score matching and weighting.

The real workflow runs once (``finished_run``, about 3 minutes on one core, shared with
tests/r_oracle/test_rotterdam_vs_r.py, which checks the designs and balance numbers against R);
here: the design files' layout and counts against the raw file, the balance tables' footnotes
against their statistics, and that the figures and Word tables exist.
"""

import json

import pandas as pd
import pytest

from study import ROOT, finished_run

pytestmark = pytest.mark.e2e

STUDY = ROOT / "studies" / "rotterdam"
COLUMNS = ["patient_id", "treatment", "ps", "logit_ps", "in_sample", "set_id", "weight"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return finished_run(tmp_path_factory, STUDY)


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return pd.read_csv(STUDY / "data/raw/rotterdam.csv")


def test_design_files_have_one_row_per_patient_and_the_treatment_of_the_raw_file(run, raw):
    for name in ("matched", "weighted"):
        design = pd.read_csv(run / f"results/stats/treatment_comparison_{name}.csv")
        assert list(design.columns) == COLUMNS
        assert design["patient_id"].tolist() == raw["pid"].tolist()
        assert design["treatment"].tolist() == raw["hormon"].tolist()
        assert design["ps"].between(0, 1, inclusive="neither").all()


def test_matched_design_pairs_each_treated_patient_with_one_control(run, raw):
    design = pd.read_csv(run / "results/stats/treatment_comparison_matched.csv")
    summary = json.loads(
        (run / "results/stats/treatment_comparison_matched.json").read_text(encoding="utf-8")
    )
    sets = design[design["in_sample"]].groupby("set_id")["treatment"].agg(["sum", "count"])
    assert (sets["sum"] == 1).all() and (sets["count"] == 2).all()
    assert len(sets) == summary["n_matched_sets"]
    n_treated = int(raw["hormon"].sum())
    assert summary["n_unmatched"] == {
        "treated": n_treated - len(sets),
        "control": len(raw) - n_treated - len(sets),
    }


def test_balance_footnote_names_exactly_the_covariates_above_the_threshold(run):
    for tid, after in (("balance_matched", "matching"), ("balance_weighted", "weighting")):
        stats = pd.read_csv(run / f"results/stats/{tid}.csv")
        rows = stats[stats["role"] == "covariate"]
        above = rows.loc[rows["smd_after"].abs() > rows["threshold"], "label"].tolist()
        text = (run / f"results/tables/{tid}.md").read_text(encoding="utf-8")
        if above:
            assert f"Still above \\|SMD\\| 0.1 after {after}: {', '.join(above)}." in text
        else:
            assert f"Every covariate has \\|SMD\\| <= 0.1 after {after}." in text
        assert rows["smd_before"].abs().max() > 0.1  # the unadjusted groups differ (Table 1)


def test_balance_figures_and_word_tables_are_written(run):
    for tid in ("balance_matched", "balance_weighted"):
        assert (run / f"results/tables/{tid}.docx").stat().st_size > 0
        for figure in ("love", "overlap"):
            assert (run / f"results/figures/{tid}/km_{figure}.png").stat().st_size > 0
            assert len(pd.read_csv(run / f"results/stats/{tid}/km_{figure}_numbers.csv")) > 0
