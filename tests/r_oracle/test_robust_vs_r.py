"""Outcome models on a matched or weighted sample, with the variance the design requires, equal R.

Samples made in R: ``MatchIt::matchit(method = "nearest", ratio = 2)`` (its matched sets
``subclass`` and ATT weights ``weights``, via ``match.data``) and ATE inverse probability weights
from ``glm(family = binomial)``. Models:

* Cox, ``survival::rotterdam`` (death after breast cancer surgery, chemotherapy vs none):
  ``coxph(Surv(dtime, death) ~ chemo, weights = weights, cluster = subclass)`` on the matched
  sample (Lin-Wei robust variance clustered on matched sets), ``coxph(..., weights = w, robust =
  TRUE)`` on the IPT-weighted cohort, Efron and Breslow ties;
* logistic, ``MatchIt::lalonde`` (any earnings in 1978, job training vs none): ``glm(family =
  quasibinomial, weights = weights)`` with ``sandwich::vcovCL(fit, cluster = ~ subclass)`` (its
  defaults: HC0, G/(G-1)) on the matched sample, ``vcovCL(fit)`` on the weighted one.

Coefficients, robust SEs, Wald CIs and p-values at 1e-9; a control shows that the model-based
(naive) SE, also equal to R's, differs from the robust one, so these tests can fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rscript import REQUIRE_ENV, run_r

from retrocohort.stats.regression import cox_regression, logistic_regression

TOL = 1e-9

ROTTERDAM = """
d <- survival::rotterdam
d$size2 <- as.numeric(d$size != "<=20")
m <- MatchIt::matchit(chemo ~ age + meno + size2 + nodes + er + pgr, data = d, method = "nearest", ratio = 2)
md <- MatchIt::match.data(m)
ps <- fitted(glm(chemo ~ age + meno + size2 + nodes + er + pgr, data = d, family = binomial,
                 control = glm.control(epsilon = 1e-14, maxit = 100)))
d$iptw <- ifelse(d$chemo == 1, 1 / ps, 1 / (1 - ps))
ctl <- coxph.control(eps = 1e-14, toler.chol = 1e-15, iter.max = 100)
"""

LALONDE = """
data("lalonde", package = "MatchIt")
lalonde$earn <- as.numeric(lalonde$re78 > 0)
f <- treat ~ age + educ + race + married + nodegree + re74 + re75
m <- MatchIt::matchit(f, data = lalonde, method = "nearest", ratio = 2)
md <- MatchIt::match.data(m)
ps <- fitted(glm(f, data = lalonde, family = binomial, control = glm.control(epsilon = 1e-14, maxit = 100)))
lalonde$iptw <- ifelse(lalonde$treat == 1, 1 / ps, 1 / (1 - ps))
ctl <- glm.control(epsilon = 1e-14, maxit = 100)
"""


def _wald(case: int) -> str:
    """R code adding the Wald results of ``fit`` (variance ``v``, model-based ``naive``, terms
    ``k``) to ``out`` under the prefix ``c<case>_``."""
    return (
        "z <- qnorm(0.975); b <- unname(coef(fit))[k]; se <- sqrt(diag(v))[k]\n"
        f"out[paste0('c{case}_', c('b', 'se', 'low', 'high', 'p', 'naive'))] <- list(b, se,"
        " exp(b - z * se), exp(b + z * se), 2 * pnorm(-abs(b / se)), sqrt(diag(naive))[k])\n"
    )


def _case(r: dict, case: int) -> dict:
    return {key: r[f"c{case}_{key}"] for key in ("b", "se", "low", "high", "p", "naive")}


def _need_packages() -> None:
    code = 'out <- list(ok = as.numeric(all(sapply(c("MatchIt", "sandwich"), requireNamespace, quietly = TRUE))))'
    if run_r(code)["ok"] != [1.0]:
        message = "R packages MatchIt / sandwich missing (apt-get install -y r-cran-matchit r-cran-sandwich)"
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{message}, but {REQUIRE_ENV}=1")
        pytest.skip(message)


@pytest.fixture(scope="module")
def samples(tmp_path_factory, rscript) -> dict[str, pd.DataFrame]:
    """The matched samples and weighted cohorts, made by R (MatchIt, glm), read back."""
    _need_packages()
    where = Path(tmp_path_factory.mktemp("robust"))
    run_r(
        ROTTERDAM
        + f'write.csv(md, "{where}/rot_matched.csv", row.names = FALSE)\n'
        + f'write.csv(d, "{where}/rot_weighted.csv", row.names = FALSE)\n'
        + LALONDE
        + f'write.csv(md, "{where}/lal_matched.csv", row.names = FALSE)\n'
        + f'write.csv(lalonde, "{where}/lal_weighted.csv", row.names = FALSE)\nout <- list()'
    )
    return {
        name: pd.read_csv(where / f"{name}.csv")
        for name in ("rot_matched", "rot_weighted", "lal_matched", "lal_weighted")
    }


def _compare(fit, r: dict, terms: list[str]) -> None:
    got = [fit.term(t) for t in terms]
    assert [t.coefficient for t in got] == pytest.approx(r["b"], abs=TOL, rel=TOL)
    assert [t.std_err for t in got] == pytest.approx(r["se"], abs=TOL, rel=TOL)
    assert [t.ci_low for t in got] == pytest.approx(r["low"], abs=TOL, rel=TOL)
    assert [t.ci_high for t in got] == pytest.approx(r["high"], abs=TOL, rel=TOL)
    assert [t.p_value for t in got] == pytest.approx(r["p"], abs=TOL, rel=TOL)
    naive = np.array(fit.details["naive_std_err"])[-len(terms) :]
    assert naive == pytest.approx(r["naive"], abs=TOL, rel=TOL)  # R's model-based SE, too
    # the control: the design's variance is not the model-based one, so the SE compared above
    # is the robust one (a fit that ignored the clusters or weights would fail here)
    # (on the treatment's coefficient, the first term; a covariate's may happen to agree)
    assert abs(r["se"][0] / naive[0] - 1) > 0.01


COX_CASES = {
    "matched 1:2, clustered on matched sets, Efron": (
        "rot_matched",
        "cluster = subclass",
        "efron",
        ["chemo"],
    ),
    "matched 1:2, clustered, Breslow, adjusted": (
        "rot_matched",
        "cluster = subclass",
        "breslow",
        ["chemo", "age", "nodes"],
    ),
    "IPT-weighted, robust without clusters, Efron": ("rot_weighted", "robust = TRUE", "efron", ["chemo"]),
}


def _cox_r(case: int, name: str) -> str:
    sample, variance, ties, predictors = COX_CASES[name]
    data, weight = ("md", "weights") if sample == "rot_matched" else ("d", "iptw")
    return (
        f"fit <- coxph(Surv(dtime, death) ~ {' + '.join(predictors)}, data = {data}, weights = {weight},"
        f" {variance}, ties = '{ties}', control = ctl)\n"
        f"v <- fit$var; naive <- fit$naive.var; k <- seq_len({len(predictors)})\n" + _wald(case)
    )


@pytest.fixture(scope="module")
def cox_r(samples) -> dict:
    """R's results for every Cox case, in one R run."""
    return run_r(ROTTERDAM + "out <- list()\n" + "".join(_cox_r(i, n) for i, n in enumerate(COX_CASES)))


@pytest.mark.parametrize("name", list(COX_CASES))
def test_weighted_cox_with_robust_variance_equals_coxph(samples, cox_r, name):
    sample, variance, ties, predictors = COX_CASES[name]
    weight = "weights" if sample == "rot_matched" else "iptw"
    cluster = "subclass" if "cluster" in variance else None
    fit = cox_regression(
        samples[sample], "dtime", "death", predictors, ties=ties, weights=weight, cluster=cluster, robust=True
    )
    _compare(fit, _case(cox_r, list(COX_CASES).index(name)), predictors)
    assert "robust (sandwich) standard errors" in fit.method
    assert ("clustered on matched sets" in fit.method) == (cluster is not None)


LOGISTIC_CASES = {
    "matched 1:2, vcovCL clustered on subclass": ("lal_matched", "cluster = ~ subclass", ["treat"]),
    "matched 1:2, adjusted, vcovCL clustered": (
        "lal_matched",
        "cluster = ~ subclass",
        ["treat", "age", "educ"],
    ),
    "IPT-weighted, vcovCL without clusters": ("lal_weighted", "", ["treat"]),
}


def _logistic_r(case: int, name: str) -> str:
    sample, cluster_arg, predictors = LOGISTIC_CASES[name]
    data, weight = ("md", "weights") if sample == "lal_matched" else ("lalonde", "iptw")
    return (
        f"fit <- glm(earn ~ {' + '.join(predictors)}, data = {data}, family = quasibinomial,"
        f" weights = {weight}, control = ctl)\n"
        # glm stops on the deviance, ~1e-7 short of the maximum: restart from there
        f"for (i in 1:3) fit <- update(fit, start = coef(fit))\n"
        f"v <- sandwich::vcovCL(fit{', ' + cluster_arg if cluster_arg else ''})\n"
        "naive <- summary(fit, dispersion = 1)$cov.scaled\n"
        f"k <- 1 + seq_len({len(predictors)})\n" + _wald(case)
    )


@pytest.fixture(scope="module")
def logistic_r(samples) -> dict:
    """R's results for every logistic case, in one R run."""
    return run_r(
        LALONDE + "out <- list()\n" + "".join(_logistic_r(i, n) for i, n in enumerate(LOGISTIC_CASES))
    )


@pytest.mark.parametrize("name", list(LOGISTIC_CASES))
def test_weighted_logistic_with_cluster_robust_variance_equals_vcovcl(samples, logistic_r, name):
    sample, cluster_arg, predictors = LOGISTIC_CASES[name]
    frame = samples[sample].assign(earn=lambda f: (f["re78"] > 0).astype(int))
    weight = "weights" if sample == "lal_matched" else "iptw"
    cluster = "subclass" if cluster_arg else None
    fit = logistic_regression(frame, "earn", predictors, weights=weight, cluster=cluster, robust=True)
    _compare(fit, _case(logistic_r, list(LOGISTIC_CASES).index(name)), predictors)
    assert ("G/(G-1)" in fit.method) == (cluster is not None)


def test_unit_weights_without_robust_variance_equal_the_unweighted_fit(samples):
    """The weighted partial likelihood with weights 1 is R's unweighted coxph (statsmodels path)."""
    frame = samples["rot_matched"].assign(one=1.0)
    plain = cox_regression(frame, "dtime", "death", ["chemo", "age"], ph_test=False)
    weighted = cox_regression(frame, "dtime", "death", ["chemo", "age"], weights="one")
    for a, b in zip(plain.terms, weighted.terms, strict=True):
        assert b.coefficient == pytest.approx(a.coefficient, rel=1e-10)
        assert b.std_err == pytest.approx(a.std_err, rel=1e-10)
    assert weighted.log_likelihood == pytest.approx(plain.log_likelihood, rel=1e-12)
    assert "case weights (model-based variance)" in weighted.method


def test_weighted_kaplan_meier_with_robust_variance_equals_survfit(samples):
    """survfit(weights =) (non-integer weights: robust IJ variance) and survfit(weights =,
    cluster =): survival, weighted numbers at risk and events, std.err (of S) at every time."""
    from retrocohort.stats.weighted_km import weighted_kaplan_meier

    r = run_r(
        ROTTERDAM
        + "a <- survfit(Surv(dtime, death) ~ 1, data = d, weights = iptw)\n"
        + "b <- survfit(Surv(dtime, death) ~ 1, data = md, weights = weights, cluster = subclass)\n"
        + "ka <- a$n.event > 0; kb <- b$n.event > 0\n"
        + "out <- list(a_t = a$time[ka], a_s = a$surv[ka], a_se = a$std.err[ka], a_n = a$n.risk[ka],"
        + " a_d = a$n.event[ka], b_s = b$surv[kb], b_se = b$std.err[kb])"
    )
    weighted, matched = samples["rot_weighted"], samples["rot_matched"]
    a = weighted_kaplan_meier(
        weighted["dtime"].to_numpy(), weighted["death"].to_numpy(), weighted["iptw"].to_numpy()
    )
    b = weighted_kaplan_meier(
        matched["dtime"].to_numpy(),
        matched["death"].to_numpy(),
        matched["weights"].to_numpy(),
        matched["subclass"].to_numpy(),
    )
    assert a["time"].tolist() == r["a_t"]
    for ours, key in (
        (a["survival"], "a_s"),
        (a["n_at_risk"], "a_n"),
        (a["n_events"], "a_d"),
        (b["survival"], "b_s"),
    ):
        assert ours.to_numpy() == pytest.approx(r[key], rel=TOL, abs=TOL)
    finite = np.isfinite(r["a_se"])
    assert a["std_err"].to_numpy()[finite] == pytest.approx(np.array(r["a_se"])[finite], rel=1e-8, abs=TOL)
    assert b["std_err"].to_numpy() == pytest.approx(r["b_se"], rel=1e-8, abs=TOL)
    # the control: the clustered variance is not the per-patient one
    per_patient = weighted_kaplan_meier(
        matched["dtime"].to_numpy(), matched["death"].to_numpy(), matched["weights"].to_numpy()
    )
    ratio = per_patient["std_err"].to_numpy() / b["std_err"].to_numpy()
    assert np.nanmax(np.abs(ratio - 1)) > 0.01


@pytest.mark.parametrize("model", ["cox", "logistic"])
@pytest.mark.parametrize("design", ["matched", "weighted"])
def test_the_table_oracle_refits_a_regression_table_on_its_sample(samples, model, design):
    """The study-level table oracle (r_tables.regression_code + tables_oracle.R) refits a table
    with ``sample:`` with the weights and the robust variance; a table on the rotterdam sample
    (univariable and multivariable models) equals it cell by cell."""
    from r_tables import REL_MODEL, Comparison, compare_regression, regression_code, run_oracle

    from retrocohort.analysis.regression import regression_analysis

    frame = samples["rot_matched" if design == "matched" else "rot_weighted"]
    frame = frame.assign(
        sample_weight=frame["weights" if design == "matched" else "iptw"],
        sample_set=frame["subclass"].astype(str) if design == "matched" else "",
        relapse=frame["recur"],
    )
    response = {"time": "dtime", "event": "death"} if model == "cox" else {"outcome": "relapse"}
    spec = {
        "model": model,
        **response,
        "predictors": ["chemo", "age"],
        "multivariable": ["chemo", "age", "nodes"],
    }
    r = run_oracle(regression_code("t", frame, {**spec, "sample": "s"}))
    robust = {
        "weights": "sample_weight",
        "cluster": "sample_set" if design == "matched" else None,
        "robust": True,
    }
    ours = regression_analysis(frame, {**spec, "kind": model, **robust}).to_frame()
    cmp = Comparison()
    compare_regression("t", ours, r, cmp, REL_MODEL)
    assert not cmp.failures
    assert cmp.checked >= 40


def test_stratified_weighted_cox_clustered_on_matched_sets_equals_coxph(samples):
    """Strata (a baseline hazard per menopausal status) with weights and clusters, as R
    ``coxph(Surv(dtime, death) ~ chemo + age + strata(meno), weights =, cluster =)``."""
    r = run_r(
        ROTTERDAM
        + "out <- list()\n"
        + "fit <- coxph(Surv(dtime, death) ~ chemo + age + strata(meno), data = md, weights = weights,"
        + " cluster = subclass, control = ctl)\n"
        + "v <- fit$var; naive <- fit$naive.var; k <- 1:2\n"
        + _wald(0)
    )
    fit = cox_regression(
        samples["rot_matched"],
        "dtime",
        "death",
        ["chemo", "age"],
        strata="meno",
        weights="weights",
        cluster="subclass",
    )
    _compare(fit, _case(r, 0), ["chemo", "age"])
