"""Logistic and Cox regression against R (glm binomial + confint.default; coxph Efron).

Reference values printed by R 4.2.2 / survival 3.5-3 with signif(., 15) on the data below
(arm releveled to reference "B"), run to the maximum: ``glm.control(epsilon = 1e-14, maxit = 100)``
and ``coxph.control(eps = 1e-14, iter.max = 100)``. (R's default glm stops one IRLS step short
and takes its SEs from the weights of that step: 0.143762646321446 for age here, 1e-5 relative
off the SE at the maximum, 0.143764015075748.) tests/r_oracle recomputes them live, also on lung
and pbc.
"""

import numpy as np
import pandas as pd
import pytest

from retrocohort.errors import InputError
from retrocohort.stats.regression import cox_regression, logistic_regression

DATA = pd.DataFrame(
    {
        "age": [34, 51, 47, 62, 58, 29, 70, 44, 39, 66, 53, 48, 61, 72, 36, 55, 42, 68, 59, 45],
        "arm": list("ABCABCABCABCABCABCAB"),
        "y": [0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0],
        "t": [12, 5, 20, 3, 8, 25, 2, 14, 18, 4, 9, 7, 6, 1, 30, 16, 11, 3, 10, 13],
        "e": [0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0],
    }
)
REF = {"arm": "B"}


def _col(result, attr):
    return np.array([getattr(t, attr) for t in result.terms])


def test_logistic_matches_r_glm():
    res = logistic_regression(DATA, "y", ["age", "arm"], reference_levels=REF)
    assert [t.term for t in res.terms] == ["age", "arm: A vs B", "arm: C vs B"]
    np.testing.assert_allclose(
        _col(res, "coefficient"), [0.275375607957337, -2.78540082172826, 0.0780603770768434], rtol=1e-9
    )
    # SEs (and CI, p) from the information at R's final coefficients, solve(t(X) %*% (X * w)):
    # even at epsilon = 1e-14 glm's own vcov uses the weights of the step before (1e-10 off)
    np.testing.assert_allclose(
        _col(res, "std_err"), [0.14376401507574849, 2.25502339620496572, 1.67874994677977574], rtol=1e-9
    )
    np.testing.assert_allclose(
        np.log(_col(res, "ci_low")), [-0.006396683864003, -7.20516546258519, -3.21222905766005], rtol=1e-9
    )
    np.testing.assert_allclose(
        np.log(_col(res, "ci_high")), [0.557147899778678, 1.63436381912867, 3.36834981181374], rtol=1e-9
    )
    np.testing.assert_allclose(
        _col(res, "p_value"), [0.0554326358049509, 0.216756752029179, 0.962912444083998], rtol=1e-9
    )
    assert (res.n, res.n_events, res.n_dropped, res.converged, res.notes) == (20, 10, 0, True, ())
    assert "Wald" in res.method and "treatment-coded" in res.method


def test_cox_matches_r_coxph_efron():
    res = cox_regression(DATA, "t", "e", ["age", "arm"], reference_levels=REF)
    np.testing.assert_allclose(
        _col(res, "coefficient"), [0.228410357135866, -1.3592969725934, -0.711345605258571], rtol=1e-9
    )
    np.testing.assert_allclose(
        _col(res, "std_err"), [0.0629112367999207, 0.787626031601486, 0.970761008600802], rtol=1e-9
    )
    np.testing.assert_allclose(
        _col(res, "p_value"), [0.000282679175572111, 0.0843806654514412, 0.463698054930227], rtol=1e-9
    )
    np.testing.assert_allclose(
        _col(res, "ci_low"), [1.11082901706832, 0.0548575404429242, 0.0732408305070453], rtol=1e-9
    )
    np.testing.assert_allclose(
        _col(res, "ci_high"), [1.42150208019287, 1.20252279917595, 3.29139342713222], rtol=1e-9
    )
    assert (res.n, res.n_events, res.converged) == (20, 12, True)
    assert "Efron" in res.method


def test_missing_rows_are_dropped_and_counted():
    data = DATA.copy()
    data.loc[[0, 3], "age"] = np.nan
    res = logistic_regression(data, "y", ["age"])
    assert (res.n, res.n_dropped) == (18, 2)
    frame = res.to_frame()
    assert list(frame["term"]) == ["age"] and frame["n"].iloc[0] == 18


def test_separation_is_noted():
    data = pd.DataFrame({"x": [1.0, 2, 3, 4, 5, 6, 7, 8], "y": [0, 0, 0, 0, 1, 1, 1, 1]})
    res = logistic_regression(data, "y", ["x"])
    assert any("separation" in note for note in res.notes)


def test_level_without_events_is_noted():
    data = DATA.copy()
    data.loc[data["arm"] == "C", "y"] = 0
    res = logistic_regression(data, "y", ["arm"], reference_levels=REF)
    assert "no events in arm = C" in res.notes


def test_event_level_for_a_labelled_outcome():
    data = DATA.assign(status=np.where(DATA["y"] == 1, "dead", "alive"))
    res = logistic_regression(data, "status", ["age"], event_level="dead")
    ref = logistic_regression(DATA, "y", ["age"])
    assert res.terms[0].coefficient == pytest.approx(ref.terms[0].coefficient, rel=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"predictors": ["arm"]}, "without a reference level"),
        ({"predictors": ["arm"], "reference_levels": {"arm": "Z"}}, "reference level not found"),
        ({"predictors": ["nope"]}, "column not found"),
        ({"predictors": []}, "no predictors"),
    ],
)
def test_bad_designs_raise_input_errors_naming_the_column(kwargs, message):
    with pytest.raises(InputError) as err:
        logistic_regression(DATA, "y", source="patients.csv", **kwargs)
    assert message in str(err.value) and "patients.csv" in str(err.value)


def test_non_binary_outcome_names_the_row_and_value():
    data = DATA.copy()
    data.loc[4, "y"] = 2
    with pytest.raises(InputError) as err:
        logistic_regression(data, "y", ["age"], source="patients.csv")
    text = str(err.value)
    assert "row 4" in text and "value 2" in text and "column 'y'" in text


def test_negative_time_and_no_events_are_refused():
    data = DATA.copy()
    data.loc[2, "t"] = -1
    with pytest.raises(InputError, match="Invalid follow-up"):
        cox_regression(data, "t", "e", ["age"])
    with pytest.raises(InputError, match="impossible"):
        cox_regression(DATA.assign(e=0), "t", "e", ["age"])


# 60 patients of survival::pbc (seeded sample) with edema = 1 as the predictor: statsmodels'
# own Newton (no step halving) returns NaN here; R coxph: b = 3.3278767281800246,
# se = 0.6909289743767085.
PBC_T = [
    400,
    3577,
    3584,
    131,
    3839,
    2847,
    4556,
    3282,
    4365,
    3992,
    4191,
    2769,
    3707,
    1657,
    3820,
    3581,
    3388,
    3445,
    1083,
    191,
    971,
    824,
    1037,
    762,
    2797,
    2721,
    2301,
    2573,
    2330,
    2365,
    2357,
    1786,
    999,
    1165,
    1831,
    1701,
    1614,
    1656,
    1525,
    1481,
    1434,
    1234,
    1329,
    877,
    1321,
    1153,
    1680,
    1170,
    3492,
    559,
    359,
    2103,
    1347,
    1899,
    1022,
    1368,
    1329,
    935,
    1086,
    1055,
]
PBC_E = [
    1,
    0,
    1,
    1,
    1,
    1,
    0,
    1,
    0,
    0,
    1,
    1,
    0,
    1,
    0,
    0,
    0,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    1,
    1,
    1,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    1,
    1,
    0,
    0,
    0,
    0,
    0,
    0,
    1,
    0,
    0,
]
PBC_EDEMA = [1 if i in (0, 3, 19, 20) else 0 for i in range(60)]


def test_cox_newton_with_step_halving_converges_where_plain_newton_diverges():
    res = cox_regression(pd.DataFrame({"t": PBC_T, "e": PBC_E, "edema": PBC_EDEMA}), "t", "e", ["edema"])
    assert res.converged
    assert res.terms[0].coefficient == pytest.approx(3.3278767281800246, rel=1e-9)
    assert res.terms[0].std_err == pytest.approx(0.6909289743767085, rel=1e-9)
