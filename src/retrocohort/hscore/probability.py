"""Probability of haemophagocytic syndrome from the HScore: an approximation of Fardet's
published table.

Fardet et al. (Arthritis Rheumatol 2014;66:2613) published a *table* from HScore to the
probability of HLH, not a formula (:data:`FARDET_TABLE`: 100 -> 1 %, 110 -> 3 %, ...,
240 -> 99 %, with 90 -> "< 1 %" and 250 -> "> 99 %"). We approximate it with a logistic curve

    p(s) = 1 / (1 + exp(-(a + b * s))),   a = -10.3191,  b = 0.061754 per point

(p = 0.5 at s = 167.1). Method: least squares on the *probability* scale over the 15 exact
table points (100..240), with the censored entries as one-sided constraints (p(90) < 1 %,
p(250) > 99 %, penalised only when violated; both hold). The probability scale is used because
table entries are rounded to whole percent, so their error is uniform (±0.5 point) on that
scale; least squares on the logit scale would weight the 1 % and 99 % entries, whose rounding
interval spans about one logit unit, as much as the 54 % entry. :func:`fit_logistic`
reproduces the parameters.

Largest absolute error against the table: 1.075 percentage points (at 180: 68.9 % vs 70 %);
all 15 exact points are within :data:`MAX_TABLE_ERROR` = 0.011, and p(90) = 0.85 %,
p(250) = 99.41 % satisfy the censored entries. The curve is strictly increasing.
At HScore 244 it gives 99.14 %. Below 90 and above 250 it is an extrapolation.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import expit

#: Fardet 2014 table: HScore -> probability (fraction) for the exact entries.
FARDET_TABLE: Mapping[int, float] = {
    100: 0.01,
    110: 0.03,
    120: 0.05,
    130: 0.09,
    140: 0.16,
    150: 0.25,
    160: 0.40,
    170: 0.54,
    180: 0.70,
    190: 0.80,
    200: 0.88,
    210: 0.93,
    220: 0.96,
    230: 0.98,
    240: 0.99,
}
#: Censored entries: score -> (bound, side); 90 -> "< 1 %", 250 -> "> 99 %".
FARDET_CENSORED: Mapping[int, tuple[float, str]] = {90: (0.01, "<"), 250: (0.99, ">")}

LOGISTIC_INTERCEPT = -10.3191
LOGISTIC_SLOPE = 0.061754
#: Documented bound on |p(s) - table(s)| over every exact table entry.
MAX_TABLE_ERROR = 0.011


def hlh_probability(score: ArrayLike) -> np.ndarray:
    """Probability of HLH for HScore ``score`` (vectorised; NaN stays NaN).

    An approximation of Fardet's published table by the logistic curve documented in this
    module; not a validated model beyond the table's 90–250 range.
    """
    s = np.asarray(score, dtype="float64")
    return expit(LOGISTIC_INTERCEPT + LOGISTIC_SLOPE * s)


def fit_logistic() -> tuple[float, float]:
    """Refit (intercept, slope) by censored least squares on the probability scale."""
    from scipy.optimize import least_squares  # ~1 s to import; only the refit needs it

    s = np.fromiter(FARDET_TABLE, dtype="float64")
    p = np.fromiter(FARDET_TABLE.values(), dtype="float64")

    def residuals(theta: np.ndarray) -> np.ndarray:
        a, b = theta
        censored = [
            max(0.0, expit(a + b * x) - bound) if side == "<" else max(0.0, bound - expit(a + b * x))
            for x, (bound, side) in FARDET_CENSORED.items()
        ]
        return np.concatenate([expit(a + b * s) - p, censored])

    fit = least_squares(residuals, x0=[-10.0, 0.06], xtol=1e-15, ftol=1e-15, gtol=1e-15)
    return float(fit.x[0]), float(fit.x[1])


def table_errors() -> dict[int, float]:
    """Signed error p(s) − table(s) at every exact table entry."""
    s = np.fromiter(FARDET_TABLE, dtype="float64")
    p = np.fromiter(FARDET_TABLE.values(), dtype="float64")
    return dict(zip(FARDET_TABLE, (hlh_probability(s) - p).tolist()))
