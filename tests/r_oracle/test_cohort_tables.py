"""R oracle for the any-cohort analyses on survival::pbc: the stratified Table 1's summaries
(type-7 quartiles, mean, SD, level percentages by arm), its p-values (test chosen by the same
expected-count rule, recomputed with R's wilcox.test, chisq.test, fisher.test and kruskal.test)
and SMDs (tableone's formulas written out in R), and the univariable and multivariable logistic
(glm) and Cox (coxph, Efron) models with Wald CIs, R run to its maximum (epsilon / eps 1e-14,
as retrocohort; R's default tolerances stop up to ~1e-6 relative short of it).

Needs Rscript with the survival package: a skip locally without R, a failure when
RETROCOHORT_REQUIRE_R=1 (CI).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from r_tables import descriptive_options
from rscript import r_dataset_csv, run_r

from retrocohort.analysis.regression import regression_analysis
from retrocohort.analysis.stratified import stratified_statistics

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("rscript")]

R_FUNCTIONS = Path(__file__).with_name("tables_oracle.R")  # fit_at_max, wald_at_max

REL = 1e-9
REL_MODEL = 1e-9  # R run to its maximum (tables_oracle.R's fit_at_max: epsilon / eps 1e-14, maxit 100)
VARIABLES = ["age", "sex", "stage", "ascites", "edema", "chol", "bili", "hepato"]
ROWS = [
    {"variable": "age"},
    {"variable": "sex", "kind": "categorical"},
    {"variable": "stage", "kind": "categorical"},
    {"variable": "ascites"},
    {"variable": "edema", "kind": "categorical"},
    {"variable": "chol", "stat": "mean_sd"},
    {"variable": "bili"},
    {"variable": "hepato"},
]

R_TABLE_ONE = r"""
d <- pbc[!is.na(pbc[[by]]), ]
g <- factor(d[[by]])
cat_p <- function(x) {
  tab <- table(x, g)
  tab <- tab[rowSums(tab) > 0, colSums(tab) > 0, drop = FALSE]
  expected <- suppressWarnings(chisq.test(tab, correct = FALSE))$expected
  if (min(expected) >= 5) return(c(suppressWarnings(chisq.test(tab, correct = FALSE))$p.value, 0))
  c(fisher.test(tab, workspace = 2e8)$p.value, 1)
}
cont_p <- function(x) {
  if (nlevels(g) == 2) return(suppressWarnings(wilcox.test(x ~ g, exact = FALSE, correct = TRUE))$p.value)
  kruskal.test(x ~ g)$p.value
}
yang_dalton <- function(p1, p2) {
  p1 <- p1[-1]; p2 <- p2[-1]
  s <- ((diag(p1, length(p1)) - p1 %o% p1) + (diag(p2, length(p2)) - p2 %o% p2)) / 2
  d <- p2 - p1
  sqrt(drop(t(d) %*% solve(s) %*% d))
}
pairs <- combn(levels(g), 2)
cont_smd <- function(x) mean(apply(pairs, 2, function(p) {
  a <- x[g == p[1] & !is.na(x)]; b <- x[g == p[2] & !is.na(x)]
  abs(mean(b) - mean(a)) / sqrt((var(a) + var(b)) / 2)
}))
cat_smd <- function(x) {
  tab <- table(factor(x), g)
  mean(apply(pairs, 2, function(p) yang_dalton(tab[, p[1]] / sum(tab[, p[1]]), tab[, p[2]] / sum(tab[, p[2]]))))
}
out <- list()
for (v in c("age", "chol", "bili")) {
  out[[paste0(v, "_p")]] <- cont_p(d[[v]]); out[[paste0(v, "_smd")]] <- cont_smd(d[[v]])
}
for (v in c("sex", "stage", "ascites", "edema", "hepato")) {
  r <- cat_p(d[[v]])
  out[[paste0(v, "_p")]] <- r[1]; out[[paste0(v, "_fisher")]] <- r[2]
  out[[paste0(v, "_chisq")]] <- suppressWarnings(chisq.test(table(d[[v]], g), correct = FALSE))$p.value
  out[[paste0(v, "_smd")]] <- if (v == by) NA else cat_smd(d[[v]])
}
"""


@pytest.fixture(scope="module")
def pbc(tmp_path_factory) -> pd.DataFrame:
    frame = r_dataset_csv("survival::pbc", tmp_path_factory.mktemp("pbc") / "pbc.csv")
    return frame.assign(dead=(frame["status"] == 2).astype(int))


def _heads(stats: pd.DataFrame) -> pd.DataFrame:
    return stats[stats["row_type"].isin(["value", "variable"])].set_index("variable")


@pytest.mark.parametrize("by", ["trt", "stage"])
def test_stratified_p_values_and_smd_equal_r(pbc, by, tmp_path: Path):
    rows = [r for r in ROWS if r["variable"] != by]
    stats = _heads(stratified_statistics(pbc, rows, by, **descriptive_options()))
    fallbacks = stats["method"].str.contains("exact test is infeasible", na=False)
    assert fallbacks.sum() == (1 if by == "stage" else 0)  # edema x stage only
    r = run_r(f'by <- "{by}"\n' + R_TABLE_ONE, frames={"pbc": pbc}, workdir=tmp_path)
    for variable in stats.index:
        row = stats.loc[variable]
        if "exact test is infeasible" in row["method"]:
            # deliberate difference: beyond FFH_MAX_TABLES tables (edema x stage: 3x4, n = 412) the
            # stats layer's full enumeration gives up and the row falls back to chi-square, said in
            # its method; R's network algorithm (FEXACT) still computes the exact p
            assert bool(r[f"{variable}_fisher"][0]) and row["test"] == "Pearson chi-square"
            assert row["p_value"] == pytest.approx(r[f"{variable}_chisq"][0], rel=REL), variable
            continue
        assert row["p_value"] == pytest.approx(r[f"{variable}_p"][0], rel=REL), variable
        if row["kind"] != "continuous":
            exact = row["test"] in ("Fisher exact", "Fisher-Freeman-Halton exact")
            assert exact == bool(r[f"{variable}_fisher"][0]), (variable, row["test"])
        expected_smd = r[f"{variable}_smd"][0]
        if np.isnan(expected_smd):
            assert np.isnan(row["smd"]), variable
        else:
            assert row["smd"] == pytest.approx(expected_smd, rel=REL), variable


R_MODELS = r"""
d <- pbc[!is.na(pbc$trt), ]
d$dead <- as.integer(d$status == 2)
d$edema <- relevel(factor(d$edema), ref = "0")
d$sex <- relevel(factor(d$sex), ref = "f")
wald <- function(fit) with(wald_at_max(fit), c(coef, se, exp(low), exp(high), p))
logit <- function(f) wald(fit_at_max(f, d, "logistic"))
cox <- function(f) wald(fit_at_max(f, d, "cox"))
out <- list(
  lr_age = logit(dead ~ age), lr_sex = logit(dead ~ sex), lr_bili = logit(dead ~ bili),
  lr_edema = logit(dead ~ edema), lr_multi = logit(dead ~ age + sex + bili + edema),
  cx_age = cox(Surv(time, dead) ~ age), cx_sex = cox(Surv(time, dead) ~ sex),
  cx_bili = cox(Surv(time, dead) ~ bili), cx_edema = cox(Surv(time, dead) ~ edema),
  cx_multi = cox(Surv(time, dead) ~ age + sex + bili + edema)
)
"""
PREDICTORS = ["age", "sex", "bili", "edema"]


@pytest.fixture(scope="module")
def r_models(pbc, tmp_path_factory) -> dict:
    code = f"source({str(R_FUNCTIONS)!r})\n" + R_MODELS
    return run_r(code, frames={"pbc": pbc}, workdir=tmp_path_factory.mktemp("models"))


def _assert_model(result, expected: list[float]) -> None:
    k = len(result.terms)
    columns = ("coefficient", "std_err", "ci_low", "ci_high", "p_value")
    got = [getattr(t, c) for c in columns for t in result.terms]
    assert len(expected) == 5 * k
    assert got == pytest.approx(expected, rel=REL_MODEL)
    assert [t.ratio for t in result.terms] == pytest.approx(np.exp(expected[:k]), rel=REL_MODEL)


@pytest.mark.parametrize(("kind", "prefix"), [("logistic", "lr"), ("cox", "cx")])
def test_regression_models_equal_r(pbc, r_models, kind, prefix):
    trial = pbc[pbc["trt"].notna()]
    spec = {
        "kind": kind,
        "outcome": "dead",
        "time": "time",
        "event": "dead",
        "predictors": PREDICTORS,
        "multivariable": PREDICTORS,
        "reference_levels": {"sex": "f", "edema": 0.0},
    }
    analysis = regression_analysis(trial, spec)
    for name in PREDICTORS:
        _assert_model(analysis.univariable[name], r_models[f"{prefix}_{name}"])
        assert analysis.univariable[name].n == len(trial)
    assert analysis.multivariable is not None
    _assert_model(analysis.multivariable, r_models[f"{prefix}_multi"])
    assert [t.term for t in analysis.multivariable.terms] == [
        "age",
        "sex: m vs f",
        "bili",
        "edema: 0.5 vs 0.0",
        "edema: 1.0 vs 0.0",
    ]


R_SUMMARIES = r"""
d <- pbc[!is.na(pbc$trt), ]
g <- factor(d$trt)
q <- function(x) quantile(x, c(0.25, 0.5, 0.75), type = 7, na.rm = TRUE)
out <- list()
for (v in c("age", "chol", "bili")) {
  out[[paste0(v, "_q")]] <- c(q(d[[v]]), unlist(lapply(split(d[[v]], g), q)))
  out[[paste0(v, "_mean_sd")]] <- unlist(lapply(c(list(d[[v]]), split(d[[v]], g)), function(x) c(mean(x, na.rm = TRUE), sd(x, na.rm = TRUE))))
}
out$stage_pct <- c(prop.table(table(d$stage)), prop.table(table(d$stage, g), 2)) * 100
"""


def test_stratified_summaries_equal_r(pbc, tmp_path: Path):
    stats = stratified_statistics(
        pbc, ROWS, "trt", group_labels={1: "D-penicillamine", 2: "Placebo"}, **descriptive_options()
    )
    r = run_r(R_SUMMARIES, frames={"pbc": pbc}, workdir=tmp_path)
    names = ["Overall", "D-penicillamine", "Placebo"]
    heads = _heads(stats)
    for variable in ("age", "chol", "bili"):
        row = heads.loc[variable]
        got = [row[f"{k}@{s}"] for s in names for k in ("q1", "median", "q3")]
        assert got == pytest.approx(r[f"{variable}_q"], rel=REL), variable
        got = [row[f"{k}@{s}"] for s in names for k in ("mean", "sd")]
        assert got == pytest.approx(r[f"{variable}_mean_sd"], rel=REL), variable
    levels = stats[(stats["variable"] == "stage") & (stats["row_type"] == "level")]
    got = [p for s in names for p in levels[f"percent@{s}"]]
    assert got == pytest.approx(r["stage_pct"], rel=REL)
