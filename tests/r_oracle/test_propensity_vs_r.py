"""Propensity score, nearest-neighbour matching, IPTW and balance equal R on MatchIt's lalonde.

R side: ``glm(family = binomial)`` at full precision for the score; ``MatchIt::matchit(method =
"nearest", distance = <that score or its logit>)`` for the matched sets, subclasses and weights
(Debian ``r-cran-matchit``); ``summary.matchit`` for balance after matching (ATT: SD of the treated
group; continuous covariates); base R ``weighted.mean``, ``cov.wt(method = "unbiased")`` and
``quantile(type = 7)`` for IPT weights, their truncation and the ATE balance (WeightIt/cobalt are
not packaged in Debian 12). MatchIt 4.5.1 truncates |distance differences| to integers on this
platform (its issue #163; stats/matching.py): the distance is passed multiplied by 1e9 (score) or
1e8 (logit), which changes no matching rule (order, nearest, caliper in SD units are all
invariant to a positive scale) and makes the truncation immaterial; with replacement only k = 1
is compared (4.5.1 repeats a control within a set for k > 1, its #159).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rscript import REQUIRE_ENV, run_r

from retrocohort.stats.balance import balance_table
from retrocohort.stats.matching import nearest_neighbour_match
from retrocohort.stats.propensity import propensity_score
from retrocohort.stats.weighting import iptw_weights, truncate_weights, weight_summary

COVARIATES = ["age", "educ", "black", "hispan", "married", "nodegree", "re74", "re75"]
CONTINUOUS = ["age", "educ", "re74", "re75"]
TOL = 1e-9

R_SETUP = """
suppressPackageStartupMessages(library(MatchIt))
data("lalonde", package = "MatchIt")
lalonde$black <- as.numeric(lalonde$race == "black")
lalonde$hispan <- as.numeric(lalonde$race == "hispan")
f <- treat ~ age + educ + black + hispan + married + nodegree + re74 + re75
g <- glm(f, data = lalonde, family = binomial, control = glm.control(epsilon = 1e-14, maxit = 100))
ps <- unname(fitted(g)); lp <- unname(g$linear.predictors)
mm_rows <- function(m) { x <- match(m$match.matrix, rownames(lalonde)); x[is.na(x)] <- 0L; x }
sub_int <- function(m) { s <- as.integer(as.character(m$subclass)); s[is.na(s)] <- 0L; s }
"""


@pytest.fixture(scope="module")
def lalonde(tmp_path_factory, rscript) -> pd.DataFrame:
    """MatchIt's lalonde written to a CSV by R and read back (with black/hispan indicators)."""
    if run_r('out <- list(ok = as.numeric(requireNamespace("MatchIt", quietly = TRUE)))')["ok"] != [1.0]:
        message = "R package MatchIt missing (apt-get install -y r-cran-matchit)"
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{message}, but {REQUIRE_ENV}=1")
        pytest.skip(message)
    path = Path(tmp_path_factory.mktemp("lalonde")) / "lalonde.csv"
    run_r(R_SETUP + f'write.csv(lalonde, "{path}", row.names = FALSE)\nout <- list()')
    return pd.read_csv(path)


@pytest.fixture(scope="module")
def ours(lalonde):
    treat = lalonde["treat"].to_numpy()
    return treat, propensity_score(treat, lalonde[COVARIATES].to_numpy(float), COVARIATES)


def _r(code: str) -> dict[str, list]:
    return run_r(R_SETUP + code)


def _ours_mm(result) -> np.ndarray:
    """Our match matrix as R's: 1-based rows, 0 for none, column-major like as.vector(matrix)."""
    return (result.match_matrix + 1).T.reshape(-1)


def test_propensity_score_and_logit_equal_r_glm(ours):
    treat, ps = ours
    r = _r(
        "out <- list(ps = ps, lp = lp, coef = unname(coef(g)), matchit_ps = matchit(f, data = lalonde)$distance)"
    )
    assert np.max(np.abs(ps.score - np.array(r["ps"]))) < TOL
    assert np.max(np.abs(ps.logit - np.array(r["lp"]))) < TOL * 100  # logit scale up to ~5: relative 1e-9
    assert np.allclose(ps.coefficients, r["coef"], rtol=1e-8, atol=0)
    # MatchIt's own distance = "glm" stops at glm's default epsilon 1e-8: equal to ~1e-7
    assert np.max(np.abs(ps.score - np.array(r["matchit_ps"]))) < 1e-6


def test_lalonde_distances_have_ties_so_the_tie_rule_is_exercised(ours):
    _, ps = ours
    assert np.unique(ps.score).size < ps.score.size  # 614 units, 573 distinct scores


SPECS = {
    "1:1": ("ratio = 1", {}),
    "1:2": ("ratio = 2", {"ratio": 2}),
    "1:3 caliper 0.2 on the logit": ("ratio = 3, caliper = 0.2", {"ratio": 3, "caliper": 0.2}),
    "caliper 0.1 on the score": ("caliper = 0.1", {"caliper": 0.1}),
    "exact on married": ("exact = ~ married", {"exact": "married"}),
    "1:1 with replacement": ("replace = TRUE", {"replace": True}),
    "1:2 on the logit, caliper 0.2, exact on nodegree": (
        "ratio = 2, caliper = 0.2, exact = ~ nodegree",
        {"ratio": 2, "caliper": 0.2, "exact": "nodegree"},
    ),
}


@pytest.mark.parametrize("name", list(SPECS))
def test_matched_sets_subclasses_and_weights_equal_matchit(lalonde, ours, name):
    treat, ps = ours
    r_args, kwargs = SPECS[name]
    on_logit = "logit" in name
    r = _r(
        f"m <- matchit(f, data = lalonde, method = 'nearest', distance = {'lp * 1e8' if on_logit else 'ps * 1e9'}, {r_args})\n"
        "out <- list(mm = mm_rows(m), sub = sub_int(m), w = unname(m$weights))"
    )
    kwargs = dict(kwargs)
    if "exact" in kwargs:
        kwargs["exact"] = lalonde[kwargs["exact"]].to_numpy()
    result = nearest_neighbour_match(treat, ps.logit if on_logit else ps.score, **kwargs)
    assert _ours_mm(result).tolist() == [int(v) for v in r["mm"]]
    if not kwargs.get("replace"):
        assert result.subclass.tolist() == [int(v) for v in r["sub"]]
    assert np.max(np.abs(result.weights - np.array(r["w"]))) < TOL


def test_balance_after_matching_equals_matchit_summary(lalonde, ours):
    treat, ps = ours
    result = nearest_neighbour_match(treat, ps.score, caliper=0.2)
    r = _r(
        "m <- matchit(f, data = lalonde, method = 'nearest', distance = ps * 1e9, caliper = 0.2)\n"
        "s <- summary(m)\n"
        "out <- list(smd_un = unname(s$sum.all[, 'Std. Mean Diff.']), smd_adj = unname(s$sum.matched[, 'Std. Mean Diff.']),"
        " vr_un = unname(s$sum.all[, 'Var. Ratio']), vr_adj = unname(s$sum.matched[, 'Var. Ratio']),"
        " diff_un = unname(s$sum.all[, 'Means Treated'] - s$sum.all[, 'Means Control']),"
        " diff_adj = unname(s$sum.matched[, 'Means Treated'] - s$sum.matched[, 'Means Control']),"
        " rows = rownames(s$sum.all))"
    )
    rows = {name: i for i, name in enumerate(r["rows"])}
    table = balance_table(lalonde[COVARIATES].to_numpy(float), treat, result.weights, COVARIATES, "ATT")
    for row in table:
        i = rows[row.name]
        if row.binary:  # MatchIt standardises binary covariates; cobalt's default is the raw difference
            assert row.diff_unadjusted == pytest.approx(r["diff_un"][i], abs=TOL)
            assert row.diff_adjusted == pytest.approx(r["diff_adj"][i], abs=TOL)
        else:
            assert row.diff_unadjusted == pytest.approx(r["smd_un"][i], abs=TOL)
            assert row.diff_adjusted == pytest.approx(r["smd_adj"][i], abs=TOL)
            assert row.variance_ratio_unadjusted == pytest.approx(r["vr_un"][i], rel=TOL)
            assert row.variance_ratio_adjusted == pytest.approx(r["vr_adj"][i], rel=TOL)


def test_iptw_weights_truncation_summary_and_weighted_balance_equal_base_r(lalonde, ours):
    treat, ps = ours
    r = _r(
        "t <- lalonde$treat\n"
        "w_ate <- ifelse(t == 1, 1 / ps, 1 / (1 - ps)); w_att <- ifelse(t == 1, 1, ps / (1 - ps))\n"
        "w_st <- w_ate * ifelse(t == 1, mean(t), 1 - mean(t))\n"
        "q <- quantile(w_att[t == 0], 0.95, type = 7); w_tr <- w_att; w_tr[t == 0] <- pmin(w_att[t == 0], q)\n"
        "ess <- function(w) sum(w)^2 / sum(w^2)\n"
        "smd <- sapply(c('age', 'educ', 're74', 're75'), function(v) { x <- lalonde[[v]];"
        " (weighted.mean(x[t == 1], w_ate[t == 1]) - weighted.mean(x[t == 0], w_ate[t == 0])) /"
        " sqrt((var(x[t == 1]) + var(x[t == 0])) / 2) })\n"
        "wv <- function(x, w) cov.wt(cbind(x), w, method = 'unbiased')$cov[1, 1]\n"
        "vr <- sapply(c('age', 'educ', 're74', 're75'), function(v) { x <- lalonde[[v]];"
        " wv(x[t == 1], w_ate[t == 1]) / wv(x[t == 0], w_ate[t == 0]) })\n"
        "out <- list(ate = w_ate, att = w_att, st = w_st, tr = w_tr,"
        " ess0 = ess(w_ate[t == 0]), ess1 = ess(w_ate[t == 1]), smd = unname(smd), vr = unname(vr))"
    )
    ate = iptw_weights(treat, ps.score, "ATE")
    att = iptw_weights(treat, ps.score, "ATT")
    assert np.allclose(ate, r["ate"], rtol=TOL, atol=0)
    assert np.allclose(att, r["att"], rtol=TOL, atol=0)
    assert np.allclose(iptw_weights(treat, ps.score, "ATE", stabilize=True), r["st"], rtol=TOL, atol=0)
    assert np.allclose(truncate_weights(att, 0.95, only=treat == 0), r["tr"], rtol=TOL, atol=0)
    summary = weight_summary(treat, ate)
    assert summary.effective_n[0] == pytest.approx(r["ess0"][0], rel=TOL)
    assert summary.effective_n[1] == pytest.approx(r["ess1"][0], rel=TOL)
    table = balance_table(lalonde[CONTINUOUS].to_numpy(float), treat, ate, CONTINUOUS, "ATE")
    assert [b.diff_adjusted for b in table] == pytest.approx(r["smd"], rel=TOL)
    assert [b.variance_ratio_adjusted for b in table] == pytest.approx(r["vr"], rel=TOL)


def test_standardised_binary_differences_equal_matchit_summary(lalonde, ours):
    """``binary="std"`` (the balance tables' SMDs): a yes/no covariate divided by sqrt(p1 (1 - p1))
    of the treated group, as ``summary.matchit``'s "Std. Mean Diff." (cobalt's default is raw)."""
    treat, ps = ours
    result = nearest_neighbour_match(treat, ps.logit, caliper=0.2)
    r = _r(
        "m <- matchit(f, data = lalonde, method = 'nearest', distance = lp * 1e8, caliper = 0.2)\n"
        "s <- summary(m)\n"
        "out <- list(smd_un = unname(s$sum.all[, 'Std. Mean Diff.']),"
        " smd_adj = unname(s$sum.matched[, 'Std. Mean Diff.']), rows = rownames(s$sum.all))"
    )
    rows = {name: i for i, name in enumerate(r["rows"])}
    table = balance_table(
        lalonde[COVARIATES].to_numpy(float), treat, result.weights, COVARIATES, "ATT", binary="std"
    )
    assert {row.name for row in table if row.binary} == {"black", "hispan", "married", "nodegree"}
    for row in table:
        assert row.diff_unadjusted == pytest.approx(r["smd_un"][rows[row.name]], abs=TOL)
        assert row.diff_adjusted == pytest.approx(r["smd_adj"][rows[row.name]], abs=TOL)


def test_a_spline_covariate_equals_r_glm_with_splines_bs(lalonde):
    """``splines: {age: 4, re74: 3}``: the score's model takes age and re74 as cubic B-spline
    bases (covariate_columns -> patsy bs) and equals R ``glm(treat ~ bs(age, df = 4) + ...)``."""
    from retrocohort.analysis.treatment_comparison import covariate_columns

    config = {"variables": {c: {"kind": "continuous"} for c in COVARIATES}}
    model = covariate_columns(lalonde, COVARIATES, config, all_levels=False, splines={"age": 4, "re74": 3})
    assert model.names[:4] == ["age: bs1", "age: bs2", "age: bs3", "age: bs4"]
    treat = lalonde["treat"].to_numpy()
    ps = propensity_score(treat, model.matrix, model.names)
    r = _r(
        "library(splines)\n"
        "fs <- treat ~ bs(age, df = 4) + educ + black + hispan + married + nodegree + bs(re74, df = 3) + re75\n"
        "gs <- glm(fs, data = lalonde, family = binomial, control = glm.control(epsilon = 1e-14, maxit = 100))\n"
        "out <- list(ps = unname(fitted(gs)))"
    )
    assert np.max(np.abs(ps.score - np.array(r["ps"]))) < TOL
