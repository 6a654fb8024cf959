"""R oracle of the fourth real study, studies/rotterdam (survival::rotterdam, issue 27): its
propensity-score designs and balance tables equal R.

R reads the same raw file and recomputes at full precision: the propensity score
(``glm(hormon ~ age + meno + size + factor(grade) + nodes + pgr + er + chemo, binomial)``); the
1:1 nearest-neighbour matching on its logit with a 0.2-SD caliper
(``MatchIt::matchit(method = "nearest", distance = <logit> * 1e8, caliper = 0.2)``: matched sets
and weights; the 1e8 works around MatchIt 4.5.1's integer truncation of distances, its issue
#163, see tests/r_oracle/test_propensity_vs_r.py) and the balance before and after
(``summary.matchit``: standardised mean differences, variance ratios); the ATT
weights (WeightIt's formulas in base R: Debian does not package WeightIt) with their effective
sample sizes, and the weighted balance (cobalt's formulas in base R: SD of the unadjusted treated
group, ``cov.wt(method = "unbiased")`` variances). Every number of the design files and of the
balance tables' statistics is compared at 1e-9.

One shared pipeline run of the study (tests/e2e/study.py ``finished_run``, about 3 minutes on
one core, also read by tests/e2e/test_rotterdam_study.py) and one Rscript call. Needs Rscript
with MatchIt and survival: a skip locally without R, a failure in CI (RETROCOHORT_REQUIRE_R=1).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rscript import run_r

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from study import finished_run  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("rscript")]

STUDY = ROOT / "studies" / "rotterdam"
TOL = 1e-9

R_CODE = r"""
suppressPackageStartupMessages({library(MatchIt)})
d <- read.csv(RAW)
d$size <- factor(d$size, levels = c("<=20", "20-50", ">50"))
d$grade <- factor(d$grade)
f <- hormon ~ age + meno + size + grade + nodes + pgr + er + chemo
g <- glm(f, data = d, family = binomial, control = glm.control(epsilon = 1e-14, maxit = 100))
ps <- unname(fitted(g)); lp <- unname(g$linear.predictors)
m <- matchit(f, data = d, method = "nearest", distance = lp * 1e8, caliper = 0.2)
s <- summary(m)
sub <- as.integer(as.character(m$subclass)); sub[is.na(sub)] <- 0L
t <- d$hormon
w <- ifelse(t == 1, 1, ps / (1 - ps))
ess <- function(w) sum(w)^2 / sum(w^2)
X <- model.matrix(~ age + meno + size + grade + nodes + pgr + er + chemo, data = d,
                  contrasts.arg = list(size = contrasts(d$size, FALSE), grade = contrasts(d$grade, FALSE)))[, -1]
bin <- apply(X, 2, function(x) all(x %in% c(0, 1)))
v01 <- function(x) if (all(x %in% c(0, 1))) mean(x) * (1 - mean(x)) else var(x)
wv <- function(x, w) cov.wt(cbind(x), w, method = "unbiased")$cov[1, 1]
sd_treated <- apply(X, 2, function(x) sqrt(v01(x[t == 1])))
diff_w <- apply(X, 2, function(x) weighted.mean(x[t == 1], w[t == 1]) - weighted.mean(x[t == 0], w[t == 0]))
diff_u <- apply(X, 2, function(x) mean(x[t == 1]) - mean(x[t == 0]))
vr_w <- apply(X, 2, function(x) wv(x[t == 1], w[t == 1]) / wv(x[t == 0], w[t == 0]))
vr_u <- apply(X, 2, function(x) var(x[t == 1]) / var(x[t == 0]))
out <- list(
  id = d$pid, ps = ps, lp = lp, sub = sub, mw = unname(m$weights), w = w,
  ess1 = ess(w[t == 1]), ess0 = ess(w[t == 0]),
  m_rows = rownames(s$sum.all), m_smd_un = unname(s$sum.all[, "Std. Mean Diff."]),
  m_smd_adj = unname(s$sum.matched[, "Std. Mean Diff."]),
  m_vr_un = unname(s$sum.all[, "Var. Ratio"]), m_vr_adj = unname(s$sum.matched[, "Var. Ratio"]),
  w_rows = colnames(X), w_bin = as.numeric(bin), w_smd_un = unname(diff_u / sd_treated),
  w_smd_adj = unname(diff_w / sd_treated), w_vr_un = unname(vr_u), w_vr_adj = unname(vr_w)
)
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    return finished_run(tmp_path_factory, STUDY)


@pytest.fixture(scope="module")
def r(run) -> dict[str, list]:
    raw = (STUDY / "data" / "raw" / "rotterdam.csv").resolve()
    return run_r(f'RAW <- "{raw}"\n' + R_CODE)


def _design(run: Path, name: str) -> pd.DataFrame:
    design = pd.read_csv(run / "results" / "stats" / f"treatment_comparison_{name}.csv")
    assert list(design.columns) == [
        "patient_id",
        "treatment",
        "ps",
        "logit_ps",
        "in_sample",
        "set_id",
        "weight",
    ]
    return design


def _balance(run: Path, tid: str) -> pd.DataFrame:
    stats = pd.read_csv(run / "results" / "stats" / f"{tid}.csv")
    return stats[stats["role"] == "covariate"].sort_values("order")


@pytest.mark.parametrize("name", ["matched", "weighted"])
def test_propensity_score_equals_r_glm(run, r, name):
    design = _design(run, name)
    assert design["patient_id"].tolist() == [int(v) for v in r["id"]]
    assert np.max(np.abs(design["ps"] - np.array(r["ps"]))) < TOL
    assert np.max(np.abs(design["logit_ps"] - np.array(r["lp"]))) < TOL * 10  # |logit| up to ~6


def test_matched_sets_and_weights_equal_matchit(run, r):
    design = _design(run, "matched")
    assert design["set_id"].fillna(0).astype(int).tolist() == [int(v) for v in r["sub"]]
    assert np.max(np.abs(design["weight"] - np.array(r["mw"]))) < TOL
    assert (design["in_sample"] == (np.array(r["mw"]) > 0)).all()
    summary = json.loads((run / "results" / "stats" / "treatment_comparison_matched.json").read_text())
    assert summary["n_unmatched"]["control"] == int((np.array(r["mw"]) == 0).sum())


def test_att_weights_and_effective_sizes_equal_base_r(run, r):
    design = _design(run, "weighted")
    assert np.allclose(design["weight"], r["w"], rtol=TOL, atol=0)
    summary = json.loads((run / "results" / "stats" / "treatment_comparison_weighted.json").read_text())
    assert summary["weights"]["treated"]["effective_n"] == pytest.approx(r["ess1"][0], rel=TOL)
    assert summary["weights"]["control"]["effective_n"] == pytest.approx(r["ess0"][0], rel=TOL)


def test_matched_balance_table_equals_matchit_summary(run, r):
    table = _balance(run, "balance_matched")
    rows = r["m_rows"][1:]  # the first row of summary.matchit is the distance
    assert len(table) == len(rows)
    assert table["smd_before"].to_numpy() == pytest.approx(r["m_smd_un"][1:], abs=TOL)
    assert table["smd_after"].to_numpy() == pytest.approx(r["m_smd_adj"][1:], abs=TOL)
    numbers = ~table["binary"].astype(bool).to_numpy()
    assert np.allclose(table["variance_ratio_before"][numbers], np.array(r["m_vr_un"][1:])[numbers], rtol=TOL)
    assert np.allclose(table["variance_ratio_after"][numbers], np.array(r["m_vr_adj"][1:])[numbers], rtol=TOL)


def test_weighted_balance_table_equals_cobalt_formulas(run, r):
    table = _balance(run, "balance_weighted")
    assert len(table) == len(r["w_rows"])
    assert table["binary"].astype(bool).tolist() == [bool(v) for v in r["w_bin"]]
    assert table["smd_before"].to_numpy() == pytest.approx(r["w_smd_un"], abs=TOL)
    assert table["smd_after"].to_numpy() == pytest.approx(r["w_smd_adj"], abs=TOL)
    numbers = ~table["binary"].astype(bool).to_numpy()
    assert np.allclose(table["variance_ratio_before"][numbers], np.array(r["w_vr_un"])[numbers], rtol=TOL)
    assert np.allclose(table["variance_ratio_after"][numbers], np.array(r["w_vr_adj"])[numbers], rtol=TOL)
