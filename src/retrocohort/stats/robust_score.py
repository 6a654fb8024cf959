"""Robust score test of a Cox model with case weights (clustered or not): the test R reports
as "Robust" in ``summary(coxph(Surv(t, e) ~ group, weights = w, cluster = set))`` (``fit$rscore``),
used in place of the log-rank test to compare weighted Kaplan–Meier curves.

At beta = 0 the weighted score residuals (R ``residuals(fit, type = "score", weighted = TRUE,
collapse = cluster)``, Efron ties) are summed within clusters (each patient its own cluster
without sets) into T (G x p); with U their column sums (the score at 0), the statistic is
U' (T'T)^-1 U, chi-square with p degrees of freedom (p = groups - 1). With unit weights, no
clusters and no ties it is the log-rank test with a robust (sandwich) variance.

References
----------
Lin DY, Wei LJ. The robust inference for the Cox proportional hazards model. J Am Stat Assoc
1989;84:1074-8.
Therneau TM, Grambsch PM. Modeling Survival Data. Springer; 2000. Sec. 7.2-7.3.
Xie J, Liu C. Adjusted Kaplan-Meier estimator and log-rank test with inverse probability of
treatment weighting for survival data. Stat Med 2005;24:3089-110.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from retrocohort.stats.result import TestResult
from retrocohort.stats.sandwich import cluster_sums
from retrocohort.stats.weighted_cox import WeightedCox


def robust_score_test(
    time: np.ndarray,
    event: np.ndarray,
    group: np.ndarray,
    weights: np.ndarray,
    clusters: np.ndarray | None = None,
) -> TestResult:
    """Robust score test of no difference between groups, as R ``coxph(..., weights =,
    cluster =)$rscore`` (Efron ties).

    Parameters
    ----------
    time, event : numpy.ndarray
        Follow-up times and event indicators (1 event, 0 censored).
    group : numpy.ndarray
        Group label of each patient (two or more groups; the first in sorted order is the
        reference of the indicator coding, which does not change the statistic).
    weights : numpy.ndarray
        Case weights (> 0).
    clusters : numpy.ndarray, optional
        Matched set of each patient.

    Returns
    -------
    TestResult
        ``test`` "robust score test", the chi-square statistic, its p-value; ``details``:
        ``df``, ``clustered``.

    References
    ----------
    Lin DY, Wei LJ. J Am Stat Assoc 1989;84:1074-8.

    Examples
    --------
    >>> t = np.array([1.0, 2, 3, 4, 5, 6]); e = np.array([1, 1, 1, 0, 1, 1]); g = np.array([0, 1, 0, 1, 0, 1])
    >>> round(robust_score_test(t, e, g, np.ones(6)).statistic, 6)
    1.896056
    """
    from scipy.stats import chi2  # here, not at import: the registry imports this module

    codes, levels = pd.factorize(pd.Series(group, dtype=object), sort=True)
    x = (codes[:, None] == np.arange(1, len(levels))[None, :]).astype(float)
    w = np.asarray(weights, dtype=float)
    cox = WeightedCox(np.asarray(time, float), np.asarray(event, float), x, w, "efron")
    beta = np.zeros(x.shape[1])
    score, _ = cox.derivatives(beta)
    sums = cluster_sums(cox.score_residuals(beta) * w[:, None], clusters)
    statistic = float(score @ np.linalg.solve(sums.T @ sums, score))
    df = x.shape[1]
    clustered = clusters is not None
    return TestResult(
        test="robust score test",
        method=(
            "Robust score test of the Cox model of the group with case weights (Efron ties; robust "
            f"sandwich variance{', clustered on the matched sets' if clustered else ''}; chi-square, "
            f"{df} df), as R coxph(Surv(t, e) ~ group, weights = w"
            f"{', cluster = set' if clustered else ', robust = TRUE'})$rscore"
        ),
        statistic=statistic,
        p_value=float(chi2.sf(statistic, df)),
        n=int(w.size),
        n_used=int(w.size),
        alternative="two-sided",
        details={"statistic_name": "chi2", "df": df, "clustered": clustered},
    )
