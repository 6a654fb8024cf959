"""Non-identifiable and diverging regression terms, and convergence to the maximum (issue 21).

* Aliased (collinear) terms are dropped as R's glm / coxph drop them (QR with limited pivoting,
  tol 1e-7, the later column in model order): NA estimate, CI and p, a note naming the term and
  what it is collinear with, and the other terms equal to the model without it. Before: a
  minimum-norm solution with finite ORs for both collinear terms, no note.
* A separated term (infinite estimate) gets no CI, z or p. Before: p = 1.000 printed.
* The Newton iteration ends at the maximum to floating-point precision. Before: a near-zero Cox
  coefficient stalled up to 3e-8 relative (1.2e-6 on survival::lung's wt.loss) off the maximum,
  where the log-likelihood no longer changes in floating point.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from loaded_sections import table as loaded_table

from retrocohort.analysis.regression import regression_analysis
from retrocohort.stats import cox_regression, logistic_regression
from retrocohort.stats.aliasing import R_GLM_QR_TOL, cholesky2_aliased, limited_pivoting_qr
from retrocohort.tables.regression_table import build_regression_table

EM_DASH = "\u2014"


def _layout(spec):
    """``spec`` over a loaded ``kind: regression`` entry's formatting defaults (``decimals``)."""
    loaded = loaded_table({"kind": "regression", "model": "logistic", "predictors": ["x"]})
    return {"decimals": loaded["decimals"], **spec}


def _cohort(n: int = 120, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sex = rng.choice(["m", "f"], n)
    age = rng.normal(50, 10, n)
    a, b = rng.integers(0, 2, n), rng.integers(0, 2, n)
    return pd.DataFrame(
        {
            "sex": sex,
            "female": (sex == "f").astype(int),
            "age": age,
            "a": a,
            "b": b,
            "count": a + b,
            "y": (rng.random(n) < 1 / (1 + np.exp(-(age - 50) / 10))).astype(int),
            "t": rng.exponential(10, n).round(1) + 0.1,
            "e": (rng.random(n) < 0.7).astype(int),
        }
    )


def _numbers(result, skip: str | None = None) -> np.ndarray:
    return np.array(
        [[t.coefficient, t.std_err, t.ci_low, t.ci_high, t.p_value] for t in result.terms if t.term != skip]
    )


# --- R's aliasing rule --------------------------------------------------------------------------


def test_qr_drops_the_later_of_collinear_columns():
    rng = np.random.default_rng(0)
    a, b, c = rng.normal(size=(3, 30))
    x = np.column_stack([np.ones(30), a, b, a + 2 * b, c])
    found = limited_pivoting_qr(x)
    assert found.aliased.tolist() == [False, False, False, True, False] and found.rank == 4
    assert found.combinations[3] == pytest.approx({1: 1.0, 2: 2.0})
    # reversed order: the later column (now a) is the one dropped
    assert limited_pivoting_qr(x[:, [0, 3, 2, 1]]).aliased.tolist() == [False, False, False, True]


def test_qr_tolerance_is_r_relative_1e_7():
    rng = np.random.default_rng(1)
    a, noise = rng.normal(size=(2, 50))
    noise -= noise @ a / (a @ a) * a  # orthogonal to a: the residual norm is exactly |eps noise|
    for eps, aliased in ((1e-9, True), (1e-5, False)):
        x = np.column_stack([a, a + eps * noise / np.linalg.norm(noise) * np.linalg.norm(a)])
        assert limited_pivoting_qr(x).aliased[1] is np.bool_(aliased), eps


def test_glm_tolerance_is_min_1e_7_and_epsilon_over_1000():
    assert R_GLM_QR_TOL == pytest.approx(min(1e-7, 1e-8 / 1000), rel=1e-12)


def test_cholesky2_sets_the_later_collinear_column_to_zero():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(40, 3))
    x = np.column_stack([x, x[:, 0] - x[:, 2]])
    info = np.cov(x, rowvar=False)
    assert cholesky2_aliased(info).tolist() == [False, False, False, True]
    assert cholesky2_aliased(info[np.ix_([3, 1, 2, 0], [3, 1, 2, 0])]).tolist() == [False, False, False, True]
    assert not cholesky2_aliased(np.cov(rng.normal(size=(40, 4)), rowvar=False)).any()


def test_qr_zero_column_and_more_columns_than_rows():
    x = np.array([[1.0, 0, 1, 2], [1, 0, 3, 5]])
    assert limited_pivoting_qr(x).aliased.tolist() == [False, True, False, True]


# --- aliased terms in the models ---------------------------------------------------------------


@pytest.mark.parametrize("model", ["logistic", "cox"])
def test_sex_and_derived_female_one_is_not_estimable(model):
    data = _cohort()

    def fit(predictors):
        if model == "logistic":
            return logistic_regression(data, "y", predictors, reference_levels={"sex": "m"})
        return cox_regression(data, "t", "e", predictors, reference_levels={"sex": "m"})

    both, alone = fit(["sex", "female", "age"]), fit(["sex", "age"])
    female = both.term("female")
    assert all(math.isnan(v) for v in (female.coefficient, female.ratio, female.ci_low, female.p_value))
    assert both.converged
    assert any("female not estimable" in n and "collinear with sex: f vs m" in n for n in both.notes)
    np.testing.assert_allclose(_numbers(both, skip="female"), _numbers(alone), rtol=1e-12)
    # the later term in model order is the one dropped, as R
    assert math.isnan(fit(["female", "sex", "age"]).term("sex: f vs m").coefficient)


def test_a_count_and_the_flags_it_counts():
    data = _cohort()
    res = logistic_regression(data, "y", ["a", "b", "count", "age"])
    assert math.isnan(res.term("count").ratio)
    assert any("count not estimable" in n and "collinear with a and b" in n for n in res.notes)
    np.testing.assert_allclose(
        _numbers(res, skip="count"), _numbers(logistic_regression(data, "y", ["a", "b", "age"])), rtol=1e-12
    )


def test_aliased_term_prints_no_ratio_in_the_table():
    data = _cohort()
    spec = {
        "kind": "logistic",
        "outcome": "y",
        "predictors": ["sex", "age"],
        "multivariable": ["sex", "female", "age"],
        "reference_levels": {"sex": "m"},
    }
    table = build_regression_table(regression_analysis(data, spec).to_frame(), _layout({}))
    female = next(r for r in table.rows if str(r.cells[0]) == "female")
    assert female.cells[6:] == [EM_DASH, EM_DASH, EM_DASH]
    assert any("female not estimable" in str(f) for f in table.footnotes)


# --- separated terms: no Wald CI or p ----------------------------------------------------------


def test_complete_separation_gives_no_p_or_ci():
    data = pd.DataFrame({"x": [1.0, 2, 3, 4, 5, 6, 7, 8], "y": [0, 0, 0, 0, 1, 1, 1, 1]})
    term = logistic_regression(data, "y", ["x"]).term("x")
    assert math.isnan(term.p_value) and math.isnan(term.ci_low) and math.isnan(term.z)


def test_level_without_events_gets_no_p_the_others_do():
    data = _cohort()
    data["arm"] = np.where(data.index % 3 == 0, "A", np.where(data.index % 3 == 1, "B", "C"))
    data.loc[data["arm"] == "C", "y"] = 0
    res = logistic_regression(data, "y", ["arm", "age"], reference_levels={"arm": "A"})
    assert math.isnan(res.term("arm: C vs A").p_value)
    assert not math.isnan(res.term("arm: B vs A").p_value) and not math.isnan(res.term("age").p_value)
    assert any("may be infinite" in n and "arm: C vs A" in n for n in res.notes)


def test_cox_monotone_likelihood_gives_no_p():
    data = _cohort()
    data.loc[data["a"] == 1, "e"] = 0  # no events where a = 1: the hazard ratio tends to 0
    res = cox_regression(data, "t", "e", ["a", "age"])
    assert math.isnan(res.term("a").p_value) and not math.isnan(res.term("age").p_value)
    assert any("coefficient may be infinite" in n for n in res.notes)


# --- convergence to the maximum -----------------------------------------------------------------


@pytest.mark.parametrize("seed", [3, 8])
def test_near_zero_cox_coefficient_is_at_the_maximum(seed):
    from statsmodels.duration.hazard_regression import PHReg

    rng = np.random.default_rng(seed)
    n = 220
    data = pd.DataFrame(
        {
            "x": rng.normal(10, 13, n).round(),
            "t": rng.exponential(300, n).round() + 1,
            "e": (rng.random(n) < 0.7).astype(int),
        }
    )
    b = cox_regression(data, "t", "e", ["x"]).terms[0].coefficient
    model = PHReg(data["t"].to_numpy(float), data[["x"]].to_numpy(float), status=data["e"], ties="efron")
    newton_step = model.score(np.array([b]))[0] / -model.hessian(np.array([b]))[0, 0]
    assert abs(newton_step) < 1e-12 * abs(b)


def test_logistic_score_is_zero_at_the_estimate():
    data = _cohort()
    res = logistic_regression(data, "y", ["sex", "age"], reference_levels={"sex": "m"})
    x = np.column_stack([np.ones(len(data)), data["sex"] == "f", data["age"]]).astype(float)
    beta = np.array([res.details["intercept"], *(t.coefficient for t in res.terms)])
    mu = 1 / (1 + np.exp(-x @ beta))
    step = np.linalg.solve((x * (mu * (1 - mu))[:, None]).T @ x, x.T @ (data["y"] - mu))
    assert np.all(np.abs(step) < 1e-12 * np.abs(beta))
