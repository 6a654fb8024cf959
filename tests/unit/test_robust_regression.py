"""Weighted Cox and logistic fits with a robust variance, without R (the R oracle:
tests/r_oracle/test_robust_vs_r.py): the weighted partial likelihood with unit weights is the
unweighted one, score residuals sum to the score, bad weights are refused naming the row, and a
robust fit gets no likelihood-ratio global p (a note says so)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.duration.hazard_regression import PHReg

from retrocohort.analysis.regression import regression_analysis
from retrocohort.errors import InputError
from retrocohort.stats.regression import cox_regression, logistic_regression
from retrocohort.stats.weighted_cox import WeightedCox


def _data(n: int = 60, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "time": rng.integers(1, 15, n).astype(float),  # many ties
            "event": rng.integers(0, 2, n),
            "x": rng.normal(size=n),
            "z": rng.integers(0, 2, n).astype(float),
            "arm": rng.choice(["a", "b", "c"], n),
            "w": rng.uniform(0.3, 3, n),
            "set": np.repeat(np.arange(n // 3), 3),
            "stratum": rng.integers(0, 2, n),
        }
    )


@pytest.mark.parametrize("ties", ["efron", "breslow"])
@pytest.mark.parametrize("strata", [False, True])
def test_unit_weights_give_the_unweighted_partial_likelihood(ties, strata):
    d = _data()
    x = d[["x", "z"]].to_numpy()
    s = d["stratum"].to_numpy() if strata else None
    ours = WeightedCox(d["time"].to_numpy(), d["event"].to_numpy(), x, np.ones(len(d)), ties, s)
    theirs = PHReg(d["time"].to_numpy(), x, status=d["event"].to_numpy(), ties=ties, strata=s)
    beta = np.array([0.3, -0.4])
    assert ours.loglike(beta) == pytest.approx(theirs.loglike(beta), rel=1e-12)
    score, hessian = ours.derivatives(beta)
    assert score == pytest.approx(theirs.score(beta), rel=1e-10, abs=1e-12)
    assert hessian == pytest.approx(theirs.hessian(beta), rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("ties", ["efron", "breslow"])
def test_weighted_score_residuals_sum_to_the_score(ties):
    d = _data()
    cox = WeightedCox(
        d["time"].to_numpy(), d["event"].to_numpy(), d[["x", "z"]].to_numpy(), d["w"].to_numpy(), ties
    )
    beta = np.array([0.2, 0.5])
    residuals = cox.score_residuals(beta)
    assert (residuals * d["w"].to_numpy()[:, None]).sum(axis=0) == pytest.approx(
        cox.derivatives(beta)[0], abs=1e-10
    )


def test_a_weight_that_is_not_positive_is_refused_naming_row_and_column():
    d = _data().assign(w=lambda f: f["w"].where(f.index != 7, 0.0))
    with pytest.raises(InputError) as caught:
        cox_regression(d, "time", "event", ["x"], weights="w", robust=True)
    problem = caught.value.problems[0]
    assert (problem.row, problem.column, problem.value) == (7, "w", 0.0)


def test_clusters_change_the_robust_se_and_not_the_estimate():
    d = _data()
    per_patient = logistic_regression(d, "event", ["x"], weights="w", robust=True).term("x")
    clustered = logistic_regression(d, "event", ["x"], weights="w", cluster="set").term("x")
    assert clustered.coefficient == per_patient.coefficient
    assert clustered.std_err != pytest.approx(per_patient.std_err, rel=1e-3)


def test_a_robust_fit_gets_no_likelihood_ratio_global_p_and_says_so():
    d = _data()
    spec = {
        "kind": "cox",
        "time": "time",
        "event": "event",
        "predictors": ["arm"],
        "reference_levels": {"arm": "a"},
        "global_p": True,
    }
    plain = regression_analysis(d, spec).univariable["arm"]
    robust = regression_analysis(d, {**spec, "weights": "w", "cluster": "set", "robust": True}).univariable[
        "arm"
    ]
    assert plain.global_tests and not robust.global_tests
    assert any("no likelihood-ratio global p under a robust variance" in n for n in robust.notes)
    assert "clustered on matched sets" in robust.method
