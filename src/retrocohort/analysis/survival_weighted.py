"""Time-to-event analyses on a treatment comparison's matched or weighted sample (a survival
table's ``sample:``): per group the weighted Kaplan–Meier curve with the robust variance
(clustered on the matched sets), its median and horizons, and the robust score test of the Cox
model with the same weights and clusters in place of the log-rank test, as R
``survfit(Surv(t, e) ~ g, weights = w, cluster = set)`` and ``coxph(Surv(t, e) ~ g, weights = w,
cluster = set)`` ("Robust" score test).

The log-rank test assumes independent, unweighted patients: on a weighted sample its variance
is wrong (Xie & Liu 2005), and matched patients are correlated within their sets (Austin 2014).

References
----------
Xie J, Liu C. Adjusted Kaplan-Meier estimator and log-rank test with inverse probability of
treatment weighting for survival data. Stat Med 2005;24:3089-110.
Austin PC. The use of propensity score methods with survival or time-to-event outcomes:
reporting measures of effect similar to those used in randomized experiments. Stat Med
2014;33:1242-58.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from retrocohort.format.pvalues import printed_p
from retrocohort.stats.robust_score import robust_score_test
from retrocohort.stats.survival import (
    MedianSurvival,
    first_time_below_half,
    first_time_strictly_below_half,
    median_of_curve,
)
from retrocohort.stats.weighted_km import weighted_kaplan_meier, weighted_km_ci

_RULES = {
    "midpoint": (
        first_time_below_half,
        "first time with S(t) <= 0.5, the midpoint to the next event time when S(t) = 0.5 exactly; as R survfit",
    ),
    "first_below_half": (
        first_time_strictly_below_half,
        "smallest event time with S(t) < 0.5, no midpoint; Collett's definition",
    ),
}


def variance_words(clustered: bool) -> str:
    """The robust variance of a weighted curve, in words.

    Parameters
    ----------
    clustered : bool
        The sample has matched sets.

    Returns
    -------
    str

    References
    ----------
    Therneau TM, Grambsch PM. Modeling Survival Data. Springer; 2000. Sec. 7.2 (the robust
    variance).

    Examples
    --------
    >>> variance_words(True)
    'the robust (infinitesimal jackknife) variance of the weighted estimate, clustered on the matched sets'
    """
    return "the robust (infinitesimal jackknife) variance of the weighted estimate" + (
        ", clustered on the matched sets" if clustered else ""
    )


def weighted_curve(
    t: np.ndarray,
    e: np.ndarray,
    w: np.ndarray,
    sets: np.ndarray | None,
    conf_level: float,
    ci_type: str,
    convention: str,
) -> tuple[pd.DataFrame, MedianSurvival]:
    """One group's weighted Kaplan–Meier curve with its pointwise CI and its median.

    Parameters
    ----------
    t, e, w : numpy.ndarray
        Times, events (1/0) and case weights of the group's patients.
    sets : numpy.ndarray, optional
        Their matched sets (the robust variance sums within sets).
    conf_level, ci_type, convention
        As :func:`retrocohort.stats.survival.median_survival`.

    Returns
    -------
    km : pandas.DataFrame
        ``time``, ``n_at_risk``, ``n_events`` (weighted), ``survival``, ``std_err`` (robust SE
        of S, R's ``std.err`` of a robust fit), ``ci_low``, ``ci_high``.
    median : MedianSurvival
        Median and its CI read from the curve and its band by the convention's rule (R
        ``quantile.survfit``).

    References
    ----------
    Xie J, Liu C. Stat Med 2005;24:3089-110. Brookmeyer R, Crowley J. Biometrics 1982;38:29-41.

    Examples
    --------
    >>> km, med = weighted_curve(np.array([1.0, 2, 3, 4]), np.array([1, 0, 1, 0]), np.ones(4), None, 0.95, "log", "midpoint")
    >>> med.median, round(float(km["ci_low"].iloc[0]), 4)
    (3.0, 0.4259)
    """
    km = weighted_km_ci(weighted_kaplan_meier(t, e, w, sets), conf_level, ci_type)
    rule, words = _RULES[convention]
    median = median_of_curve(
        km,
        rule,
        conf_level,
        int(t.size),
        f"Weighted Kaplan-Meier median ({words}); CI (Brookmeyer-Crowley) = the times the lower "
        f"and upper limits of the pointwise {ci_type} band of {variance_words(sets is not None)} "
        "reach 0.5 by the same rule (upper limit not reached if never, as R).",
    )
    return km.drop(columns=["std_err_log"]), median


def robust_test_row(
    base: dict,
    t: np.ndarray,
    e: np.ndarray,
    labels: np.ndarray,
    w: np.ndarray,
    sets: np.ndarray | None,
    p_format: dict,
) -> dict:
    """The test row (role ``logrank``, where the table prints its p) of a weighted sample: the
    robust score test of the weighted Cox model of the group, or "not computed" with the reason.

    Parameters
    ----------
    base : dict
        The analysis' common columns.
    t, e, labels, w : numpy.ndarray
        Times, events, group labels and case weights of the analysed patients.
    sets : numpy.ndarray, optional
        Matched sets.
    p_format : dict
        The study's p-value format.

    Returns
    -------
    dict
        A statistics record: ``test``, ``method``, ``statistic``, ``p_value``, ``p_formatted``...

    References
    ----------
    Lin DY, Wei LJ. J Am Stat Assoc 1989;84:1074-8.

    Examples
    --------
    >>> t = np.array([1.0, 2, 3, 4, 5, 6]); e = np.array([1, 1, 1, 0, 1, 1])
    >>> g = np.array(["a", "b", "a", "b", "a", "b"])
    >>> row = robust_test_row({}, t, e, g, np.ones(6), None, {"decimals": 3, "threshold": 0.001, "rule": "half_up"})
    >>> row["test"], round(row["statistic"], 6)
    ('robust score test', 1.896056)
    """
    reason = ""
    if np.unique(labels).size < 2:
        reason = "not computed: fewer than 2 groups with data"
    elif not (e > 0).any():
        reason = "not computed: no event"
    record = {"test": "robust score test", "statistic": np.nan, "p_value": np.nan, "n_used": 0}
    if not reason:
        try:
            result = robust_score_test(t, e, labels, w, sets)
        except np.linalg.LinAlgError:
            reason = "not computed: the robust variance of the score is singular"
        else:
            record = {
                "test": result.test,
                "statistic": result.statistic,
                "p_value": result.p_value,
                "n_used": result.n_used,
            }
            method = (
                result.method
                + "; in place of the log-rank test, which assumes independent unweighted patients"
            )
    p = record["p_value"]
    return {
        **base,
        "role": "logrank",
        "group": "",
        **record,
        "method": reason or method,
        "statistic_name": "" if reason else "chi-square",
        "n": int(t.size),
        "details": {"reason": reason} if reason else {"df": int(np.unique(labels).size - 1)},
        "p_formatted": printed_p(p, p_format),
    }
