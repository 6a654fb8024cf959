"""Time to event: Kaplan-Meier curve with pointwise CI, median survival, log-rank test.

Built on statsmodels.duration.survfunc (SurvfuncRight, survdiff); right-censored data,
``event`` = 1 for an observed event, 0 for censoring. Rows with a missing value are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from retrocohort.stats.result import TestResult, as_binary_vector, as_float_vector, check_choice

CI_TYPES = ("log-log", "log", "plain")


@dataclass(frozen=True)
class MedianSurvival:
    """Median survival time with its confidence interval (inf = upper limit not reached)."""

    median: float
    ci_low: float
    ci_high: float
    conf_level: float
    n: int
    method: str


def _survival_data(
    time: ArrayLike, event: ArrayLike, group: ArrayLike | None = None
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[Any] | None, int]:
    """(time, event, group labels or None, number of rows passed), incomplete rows dropped."""
    t, e = as_float_vector(time, "time"), as_binary_vector(event, "event")
    if t.size != e.size:
        raise ValueError(f"time and event must have the same length ({t.size} != {e.size})")
    keep = ~(np.isnan(t) | np.isnan(e))
    labels = None
    if group is not None:
        labels = np.asarray(group, dtype=object)
        if labels.shape != t.shape:
            raise ValueError(
                f"group must be 1-D with the length of time ({labels.shape} != {t.shape})")
        keep &= ~pd.isna(labels)
        labels = labels[keep]
    if (t[keep] < 0).any():
        raise ValueError("time must be non-negative")
    if not keep.any():
        raise ValueError("no complete (time, event) observations")
    return t[keep], e[keep], labels, int(t.size)


def _check_conf(conf_level: float) -> float:
    if not 0 < conf_level < 1:
        raise ValueError(f"conf_level must be in (0, 1), got {conf_level!r}")
    return conf_level


def kaplan_meier(
    time: ArrayLike, event: ArrayLike, conf_level: float = 0.95, *, ci_type: str = "log-log"
) -> pd.DataFrame:
    """Kaplan-Meier estimate, one row per distinct event time.

    Columns: time, n_at_risk, n_events, survival, std_err (Greenwood), ci_low, ci_high.
    Pointwise CI from the Greenwood variance v = sum d/(n(n-d)) of log S:
    'log-log' (default; SAS/Stata, Kalbfleisch-Prentice) S^exp(-/+ z sqrt(v)/log S);
    'log' (R survfit default) S exp(-/+ z sqrt(v)), capped at 1; 'plain' S -/+ z se, in [0, 1].
    Limits are NaN where S = 0.
    """
    from scipy.stats import norm
    from statsmodels.duration.survfunc import SurvfuncRight

    check_choice("ci_type", ci_type, CI_TYPES)
    z = norm.ppf(0.5 + _check_conf(conf_level) / 2)
    t, e, _, _ = _survival_data(time, event)
    sf = SurvfuncRight(t, e)
    s, se = np.asarray(sf.surv_prob), np.asarray(sf.surv_prob_se)
    with np.errstate(divide="ignore", invalid="ignore"):
        sd_log = se / s  # sqrt of the Greenwood variance of log S
        if ci_type == "log-log":
            c = z * sd_log / np.abs(np.log(s))
            low, high = s ** np.exp(c), s ** np.exp(-c)
        elif ci_type == "log":
            low, high = s * np.exp(-z * sd_log), np.minimum(1.0, s * np.exp(z * sd_log))
        else:
            low, high = np.maximum(0.0, s - z * se), np.minimum(1.0, s + z * se)
    undefined = s == 0
    low, high = np.where(undefined, np.nan, low), np.where(undefined, np.nan, high)
    return pd.DataFrame({
        "time": np.asarray(sf.surv_times, dtype=float),
        "n_at_risk": np.asarray(sf.n_risk, dtype=np.int64),
        "n_events": np.asarray(sf.n_events, dtype=np.int64),
        "survival": s, "std_err": se, "ci_low": low, "ci_high": high,
    })


def median_survival(time: ArrayLike, event: ArrayLike, conf_level: float = 0.95) -> MedianSurvival:
    """Median survival: smallest event time with S(t) < 1/2 (statsmodels/SAS rule; R's survfit
    takes S(t) <= 1/2 and averages two times when S = 1/2 exactly); NaN if never reached.

    CI (statsmodels quantile_ci, as SAS LIFETEST): event times whose pointwise test of
    S(t) = 1/2 on the log(-log) scale is not rejected; upper limit inf if not reached.
    """
    from statsmodels.duration.survfunc import SurvfuncRight

    _check_conf(conf_level)
    t, e, _, _ = _survival_data(time, event)
    sf = SurvfuncRight(t, e)
    with np.errstate(divide="ignore", invalid="ignore"):
        low, high = sf.quantile_ci(0.5, alpha=1 - conf_level, method="cloglog")
    return MedianSurvival(
        median=float(sf.quantile(0.5)), ci_low=float(low), ci_high=float(high),
        conf_level=conf_level, n=int(t.size),
        method="Kaplan-Meier median (smallest event time with S(t) < 0.5); CI by inverting "
               "pointwise log(-log) z-tests of S(t) = 0.5 (Brookmeyer-Crowley type, as SAS).")


def logrank(time: ArrayLike, event: ArrayLike, group: ArrayLike) -> TestResult:
    """Log-rank (Mantel-Cox) test of equal survival across groups; chi-square on k-1 df.

    statsmodels survdiff with unit weights. Rows with a missing time, event or group dropped.
    """
    from statsmodels.duration.survfunc import survdiff

    t, e, labels, n = _survival_data(time, event, group)
    groups: list[Any] = sorted(pd.unique(labels).tolist(), key=str)
    if len(groups) < 2:
        raise ValueError(f"log-rank test needs at least two groups, got {groups}")
    chisq, p = survdiff(t, e, labels)
    return TestResult(
        test="log-rank",
        method="Log-rank (Mantel-Cox) test, unweighted, chi-square on k - 1 df "
               "(statsmodels survdiff).",
        statistic=float(chisq), p_value=float(p), n=n, n_used=int(t.size),
        alternative="two-sided",
        details=dict(statistic_name="chi2", df=len(groups) - 1, groups=[str(x) for x in groups],
                     n_events=int(e.sum()), n_missing=n - int(t.size)))
