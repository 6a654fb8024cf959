"""Time to event: Kaplan-Meier curve with pointwise CI, median survival, log-rank test.

Built on statsmodels.duration.survfunc (SurvfuncRight, survdiff); right-censored data,
``event`` = 1 for an observed event, 0 for censoring. Rows with a missing value are dropped.
"""

from __future__ import annotations

import math
import sys
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
            raise ValueError(f"group must be 1-D with the length of time ({labels.shape} != {t.shape})")
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
    return pd.DataFrame(
        {
            "time": np.asarray(sf.surv_times, dtype=float),
            "n_at_risk": np.asarray(sf.n_risk, dtype=np.int64),
            "n_events": np.asarray(sf.n_events, dtype=np.int64),
            "survival": s,
            "std_err": se,
            "ci_low": low,
            "ci_high": high,
        }
    )


MEDIAN_CONVENTIONS = ("retrocohort", "R")
_STATSMODELS_TRANSFORM = {"log-log": "cloglog", "log": "log", "plain": "linear"}
_SCALE_TEXT = {"log-log": "log(-log)", "log": "log", "plain": "plain (linear)"}
_R_TOLERANCE = math.sqrt(sys.float_info.epsilon)  # survmean's .Machine$double.eps^0.5


def first_time_below_half(times: NDArray[np.float64], values: NDArray[np.float64]) -> float:
    """R survival's rule for the time a step curve reaches 1/2 (``minmin`` in survmean).

    Among the points with value < 1/2 + tol (tol = sqrt(machine epsilon), NaN ignored) take
    the first time; if its value equals 1/2 (within tol) and the curve later drops below it,
    the midpoint of that time and the time of the next drop. NaN if the curve never reaches
    1/2. Used by print.survfit / summary(survfit)$table for the median and its CI limits.
    """
    keep = ~np.isnan(values) & (values < 0.5 + _R_TOLERANCE)
    if not keep.any():
        return math.nan
    x, y = times[keep], values[keep]
    lower = np.flatnonzero(y < y[0])
    if abs(y[0] - 0.5) < _R_TOLERANCE and lower.size:
        return float((x[0] + x[lower[0]]) / 2)
    return float(x[0])


def median_survival(
    time: ArrayLike,
    event: ArrayLike,
    conf_level: float = 0.95,
    *,
    ci_type: str = "log-log",
    convention: str = "retrocohort",
) -> MedianSurvival:
    """Kaplan-Meier median survival with a Brookmeyer-Crowley confidence interval.

    Parameters
    ----------
    time, event : array_like
        Follow-up time and event indicator (1 event, 0 censored); incomplete rows dropped.
    conf_level : float
        Confidence level of the interval.
    ci_type : {'log-log', 'log', 'plain'}
        Scale of the pointwise band whose crossing of 1/2 gives the limits (R's
        ``survfit(conf.type = ...)``), as for :func:`kaplan_meier`.
    convention : {'retrocohort', 'R'}
        'retrocohort' (default): median = smallest event time with S(t) < 1/2
        (statsmodels/SAS); CI = the event times whose pointwise z-test of S(t) = 1/2 on the
        ``ci_type`` scale is not rejected (statsmodels ``quantile_ci``, as SAS LIFETEST).
        'R': R's ``survfit`` (print / summary table): the median is the first time with
        S(t) <= 1/2, the midpoint to the next event time when S(t) = 1/2 exactly; lower limit
        = first time the lower band is <= 1/2, upper limit = first time the upper band is
        <= 1/2 (NaN when a band never reaches 1/2), see :func:`first_time_below_half`.

    Returns
    -------
    MedianSurvival
        NaN median if S never reaches 1/2; an unreached upper limit is inf ('retrocohort',
        statsmodels) or NaN ('R', R's NA).

    Notes
    -----
    Brookmeyer & Crowley (1982), Biometrics 38:29-41; Therneau, survival package
    (survmean / quantile.survfit).
    """
    check_choice("ci_type", ci_type, CI_TYPES)
    check_choice("convention", convention, MEDIAN_CONVENTIONS)
    _check_conf(conf_level)
    t, e, _, _ = _survival_data(time, event)
    band = f"pointwise {ci_type} band of Greenwood's variance"
    if convention == "R":
        km = kaplan_meier(t, e, conf_level, ci_type=ci_type)
        times = km["time"].to_numpy()
        return MedianSurvival(
            median=first_time_below_half(times, km["survival"].to_numpy()),
            ci_low=first_time_below_half(times, km["ci_low"].to_numpy()),
            ci_high=first_time_below_half(times, km["ci_high"].to_numpy()),
            conf_level=conf_level,
            n=int(t.size),
            method=(
                f"Kaplan-Meier median as R survfit (first time with S(t) <= 0.5, midpoint to "
                f"the next event time if S(t) = 0.5); CI (Brookmeyer-Crowley) = first times "
                f"the lower and upper limits of the {band} reach 0.5 (NA if never)."
            ),
        )
    from statsmodels.duration.survfunc import SurvfuncRight

    sf = SurvfuncRight(t, e)
    with np.errstate(divide="ignore", invalid="ignore"):
        low, high = sf.quantile_ci(0.5, alpha=1 - conf_level, method=_STATSMODELS_TRANSFORM[ci_type])
    # S(t) < 0.5 beyond float noise: a curve that reaches exactly 1/2 (e.g. 10/20) must not
    # depend on whether the product-limit arithmetic lands one ulp below or above it
    below = np.flatnonzero(np.asarray(sf.surv_prob) < 0.5 - _R_TOLERANCE)
    return MedianSurvival(
        median=float(np.asarray(sf.surv_times)[below[0]]) if below.size else float("nan"),
        ci_low=float(low),
        ci_high=float(high),
        conf_level=conf_level,
        n=int(t.size),
        method=f"Kaplan-Meier median (smallest event time with S(t) < 0.5); CI by inverting "
        f"pointwise {_SCALE_TEXT[ci_type]} z-tests of S(t) = 0.5 (Brookmeyer-Crowley type, as SAS).",
    )


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
        method="Log-rank (Mantel-Cox) test, unweighted, chi-square on k - 1 df (statsmodels survdiff).",
        statistic=float(chisq),
        p_value=float(p),
        n=n,
        n_used=int(t.size),
        alternative="two-sided",
        details=dict(
            statistic_name="chi2",
            df=len(groups) - 1,
            groups=[str(x) for x in groups],
            n_events=int(e.sum()),
            n_missing=n - int(t.size),
        ),
    )
