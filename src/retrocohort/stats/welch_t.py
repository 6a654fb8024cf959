"""Welch's unequal-variances t-test of two independent samples, with the mean difference and its
Welch-Satterthwaite t interval.

References
----------
Welch BL. The generalization of "Student's" problem when several different population variances
are involved. Biometrika 1947;34:28-35.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from retrocohort.stats.result import TestResult, as_float_vector, check_alternative


def welch_t(
    x: ArrayLike, y: ArrayLike, *, alternative: str = "two-sided", conf_level: float = 0.95
) -> TestResult:
    """Welch's t-test of equal means of ``x`` and ``y`` without assuming equal variances.

    t = (mean(x) - mean(y)) / sqrt(s_x^2 / n_x + s_y^2 / n_y) (SDs with n - 1) on the
    Welch-Satterthwaite degrees of freedom; the interval of mean(x) - mean(y) uses the same
    standard error and df, as R's ``t.test(x, y)`` (``var.equal = FALSE``, its default;
    ``scipy.stats.ttest_ind(equal_var=False)`` underneath).

    Parameters
    ----------
    x, y : array_like
        Values of the first and second group; NaN (missing) values are dropped.
    alternative : {"two-sided", "less", "greater"}
        Alternative hypothesis on mean(x) - mean(y).
    conf_level : float
        Confidence level of the interval of the mean difference, in (0, 1).

    Returns
    -------
    TestResult
        ``test`` "Welch t-test", ``statistic`` t, ``p_value``, ``n`` (values passed in),
        ``n_used`` (non-missing); ``details``: statistic_name, df, mean_x, mean_y,
        mean_difference (x - y), conf_level, ci_low, ci_high, n_x, n_y, n_missing.

    Raises
    ------
    ValueError
        A group with fewer than 2 values, both groups without spread, or ``conf_level``
        outside (0, 1).

    References
    ----------
    Welch BL. The generalization of "Student's" problem when several different population
    variances are involved. Biometrika 1947;34:28-35.

    Examples
    --------
    >>> res = welch_t([5.1, 4.9, 6.2, 5.8, 6.0], [4.1, 4.5, 3.9, 5.0])
    >>> round(res.statistic, 6), round(res.p_value, 6), round(res.details["df"], 4)
    (3.479351, 0.010423, 6.9373)
    >>> round(res.details["mean_difference"], 3), round(res.details["ci_low"], 6)
    (1.225, 0.390941)
    """
    from scipy.stats import ttest_ind

    check_alternative(alternative)
    if not 0 < conf_level < 1:
        raise ValueError(f"conf_level must be in (0, 1), got {conf_level!r}")
    a, b = as_float_vector(x, "x"), as_float_vector(y, "y")
    xs, ys = a[~np.isnan(a)], b[~np.isnan(b)]
    if min(xs.size, ys.size) < 2:
        raise ValueError(f"Welch t-test needs at least 2 values per group, got {xs.size} and {ys.size}")
    if xs.var(ddof=1) + ys.var(ddof=1) == 0:
        raise ValueError("Welch t-test undefined: both groups have zero variance")
    res = ttest_ind(xs, ys, equal_var=False, alternative=alternative)
    ci = res.confidence_interval(confidence_level=conf_level)
    return TestResult(
        test="Welch t-test",
        method=f"Welch's unequal-variances t-test (Welch-Satterthwaite df); {alternative} p-value.",
        statistic=float(res.statistic),
        p_value=float(res.pvalue),
        n=int(a.size + b.size),
        n_used=int(xs.size + ys.size),
        alternative=alternative,
        details=dict(
            statistic_name="t",
            df=float(res.df),
            mean_x=float(xs.mean()),
            mean_y=float(ys.mean()),
            mean_difference=float(xs.mean() - ys.mean()),
            conf_level=conf_level,
            ci_low=float(ci.low),
            ci_high=float(ci.high),
            n_x=int(xs.size),
            n_y=int(ys.size),
            n_missing=int(a.size + b.size - xs.size - ys.size),
        ),
    )
