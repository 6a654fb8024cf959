"""Kaplan-Meier curve of a weighted sample (matching or inverse probability weights), with the
robust (infinitesimal jackknife) variance, clustered on matched sets or per patient, as R
``survfit(Surv(t, d) ~ 1, weights = w)`` (non-integer weights: ``robust = TRUE`` by default) and
``survfit(..., weights = w, cluster = set)``.

At each distinct event time s, with weighted events d_s and weighted number at risk n_s, the
estimate is S(t) = prod_{s <= t} (1 - d_s / n_s). The influence of patient i on log S(t) is
U_i(t) = -sum_{s <= t} (dN_i(s) - Y_i(s) d_s / n_s) / (n_s - d_s) (dN_i: i's event at s, Y_i: i
at risk at s); the variance of log S(t) is sum_g (sum_{i in g} w_i U_i(t))^2 over clusters g (each
patient its own cluster without sets). R's ``std.err`` of such a fit is the standard error of S
itself (``survfit``'s ``logse = FALSE`` with a robust variance; ``survfitkm.c``: the influence on
S, S(t-) times minus the influence on the hazard increment, carried by 1 - d_s / n_s), which is S
times the one of log S. Pointwise CIs are left to the caller (R ``survfit_confint`` with
``logse = FALSE``).

References
----------
Therneau TM, Grambsch PM. Modeling Survival Data. Springer; 2000. Sec. 2.1 (weighted
product-limit estimator).
Xie J, Liu C. Adjusted Kaplan-Meier estimator and log-rank test with inverse probability of
treatment weighting for survival data. Stat Med 2005;24:3089-110.
Therneau TM. The survival package: survfit with case weights and the robust (IJ) variance
(vignette "Survival curves", survival 3.5).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from retrocohort.stats.sandwich import cluster_sums


def weighted_kaplan_meier(
    time: np.ndarray,
    event: np.ndarray,
    weights: np.ndarray,
    clusters: np.ndarray | None = None,
) -> pd.DataFrame:
    """Weighted Kaplan-Meier estimate with its robust (infinitesimal jackknife) standard error.

    Parameters
    ----------
    time, event : numpy.ndarray
        Follow-up times (>= 0) and event indicators (1 event, 0 censored), complete cases.
    weights : numpy.ndarray
        Case weights (> 0).
    clusters : numpy.ndarray, optional
        Matched set of each patient (the variance sums influences within sets).

    Returns
    -------
    pandas.DataFrame
        One row per distinct event time: ``time``, ``n_at_risk`` and ``n_events`` (weighted),
        ``survival``, ``std_err_log`` (robust SE of log S) and ``std_err`` (of S: S times
        ``std_err_log``; R ``survfit(...)$std.err`` of a robust fit).

    References
    ----------
    Xie J, Liu C. Stat Med 2005;24:3089-110. Therneau TM, Grambsch PM. Modeling Survival Data.
    Springer; 2000.

    Examples
    --------
    >>> km = weighted_kaplan_meier(np.array([1.0, 2, 2, 3]), np.array([1, 1, 0, 1]), np.array([1.0, 0.5, 2, 1]))
    >>> km[["time", "n_at_risk", "survival"]].round(6).to_dict("list")
    {'time': [1.0, 2.0, 3.0], 'n_at_risk': [4.5, 3.5, 1.0], 'survival': [0.777778, 0.666667, 0.0]}
    """
    t, d, w = (np.asarray(v, dtype=float) for v in (time, event, weights))
    times = np.unique(t[d == 1])
    at_risk = t[:, None] >= times[None, :]  # n x m
    died = (t[:, None] == times[None, :]) & (d[:, None] == 1)
    n_s, d_s = w @ at_risk, w @ died
    hazard = d_s / n_s
    with np.errstate(divide="ignore", invalid="ignore"):
        step = (died - at_risk * hazard[None, :]) / (n_s - d_s)[None, :]
        influence = -np.cumsum(step, axis=1) * w[:, None]
        survival = np.cumprod(1.0 - hazard)
        se_log = np.sqrt(np.sum(cluster_sums(influence, clusters) ** 2, axis=0))
    se_log = np.where(survival > 0, se_log, np.nan)
    return pd.DataFrame(
        {
            "time": times,
            "n_at_risk": n_s,
            "n_events": d_s,
            "survival": survival,
            "std_err_log": se_log,
            "std_err": survival * se_log,
        }
    )


def weighted_km_ci(km: pd.DataFrame, conf_level: float, ci_type: str) -> pd.DataFrame:
    """``km`` (:func:`weighted_kaplan_meier`) with the pointwise CI of R ``survfit_confint(p,
    se, logse = FALSE, conf.type)`` on its robust standard error.

    With v the robust SE of log S (``std_err_log``) and z the normal quantile: "log" S exp(-/+ z v)
    capped at 1; "log-log" exp(-exp(log(-log S) -/+ z v / log S)) (NaN at S = 1, as R's NA);
    "plain" S -/+ z v S in [0, 1]. NaN where S = 0.

    Parameters
    ----------
    km : pandas.DataFrame
        The weighted curve (``survival``, ``std_err_log``).
    conf_level : float
        Confidence level, in (0, 1).
    ci_type : {"log-log", "log", "plain"}
        R's ``conf.type``.

    Returns
    -------
    pandas.DataFrame
        ``km`` with ``ci_low`` and ``ci_high``.

    References
    ----------
    Therneau TM. survival package 3.5: ``survfit_confint``. Kalbfleisch JD, Prentice RL. The
    Statistical Analysis of Failure Time Data. 2nd ed. Wiley; 2002 (the log-log band).

    Examples
    --------
    >>> km = weighted_kaplan_meier(np.array([1.0, 2, 3, 4]), np.array([1, 0, 1, 0]), np.ones(4))
    >>> weighted_km_ci(km, 0.95, "log")[["survival", "ci_low"]].round(4).to_dict("list")
    {'survival': [0.75, 0.375], 'ci_low': [0.4259, 0.0839]}
    """
    from scipy.stats import norm

    z = norm.ppf(0.5 + conf_level / 2)
    s, v = km["survival"].to_numpy(dtype=float), km["std_err_log"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if ci_type == "log-log":
            log_s = np.where((s > 0) & (s < 1), np.log(s), np.nan)
            low = np.exp(-np.exp(np.log(-log_s) - z * v / log_s))
            high = np.exp(-np.exp(np.log(-log_s) + z * v / log_s))
        elif ci_type == "log":
            low, high = s * np.exp(-z * v), np.minimum(1.0, s * np.exp(z * v))
        else:
            low, high = np.maximum(0.0, s - z * v * s), np.minimum(1.0, s + z * v * s)
    undefined = s == 0
    return km.assign(ci_low=np.where(undefined, np.nan, low), ci_high=np.where(undefined, np.nan, high))
