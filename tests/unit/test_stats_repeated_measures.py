"""Friedman and Cochran's Q across three or more time points."""

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.contingency_tables import cochrans_q

from retrocohort.stats.repeated_measures import cochran_q, friedman

# R ?friedman.test RoundingTimes (Hollander & Wolfe): R gives 11.143, p = 0.003805
ROUNDING = np.array(
    [
        [5.40, 5.50, 5.55],
        [5.85, 5.70, 5.75],
        [5.20, 5.60, 5.50],
        [5.55, 5.50, 5.40],
        [5.90, 5.85, 5.70],
        [5.45, 5.55, 5.60],
        [5.40, 5.40, 5.35],
        [5.45, 5.50, 5.35],
        [5.25, 5.15, 5.00],
        [5.85, 5.80, 5.70],
        [5.25, 5.20, 5.10],
        [5.65, 5.55, 5.45],
        [5.60, 5.35, 5.45],
        [5.05, 5.00, 4.95],
        [5.50, 5.50, 5.40],
        [5.45, 5.55, 5.50],
        [5.55, 5.55, 5.35],
        [5.45, 5.50, 5.55],
        [5.50, 5.45, 5.25],
        [5.65, 5.60, 5.40],
        [5.70, 5.65, 5.55],
        [6.30, 6.30, 6.25],
    ]
)
BINARY = np.array(
    [
        [1, 1, 0],
        [1, 0, 0],
        [1, 1, 1],
        [0, 0, 0],
        [1, 0, 1],
        [1, 1, 0],
        [0, 1, 0],
        [1, 1, 0],
        [1, 0, 0],
        [1, 1, 1],
    ]
)


def test_friedman_matches_r_and_scipy():
    res = friedman(ROUNDING)
    assert res.statistic == pytest.approx(11.142857142857142, rel=1e-12)
    assert res.p_value == pytest.approx(0.003805040775511363, rel=1e-12)
    assert res.p_value == pytest.approx(stats.friedmanchisquare(*ROUNDING.T).pvalue, rel=1e-9)
    assert res.details["df"] == 2 and "tie-corrected" in res.method


def test_friedman_drops_incomplete_patients():
    data = np.vstack([ROUNDING, [5.0, np.nan, 5.1]])
    res = friedman(data)
    assert (res.n, res.n_used, res.details["n_incomplete"]) == (23, 22, 1)
    assert res.statistic == pytest.approx(friedman(ROUNDING).statistic, rel=1e-15)


def test_cochran_q_matches_statsmodels():
    res = cochran_q(BINARY)
    ref = cochrans_q(BINARY)
    assert res.statistic == pytest.approx(ref.statistic, rel=1e-12)
    assert res.p_value == pytest.approx(ref.pvalue, rel=1e-12)
    assert res.details["proportions"] == pytest.approx([0.8, 0.6, 0.3])


@pytest.mark.parametrize(
    ("fn", "data", "message"),
    [
        (friedman, ROUNDING[:, :2], "at least 3 time points"),
        (cochran_q, BINARY * 2, "0/1"),
        (cochran_q, np.ones((4, 3)), "same answer"),
        (friedman, ROUNDING[0], "2-D"),
    ],
)
def test_bad_inputs_are_refused(fn, data, message):
    with pytest.raises(ValueError, match=message):
        fn(data)
