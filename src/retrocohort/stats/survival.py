"""Time to event: Kaplan-Meier curve with pointwise CI, median survival, log-rank test.

Built on statsmodels.duration.survfunc (SurvfuncRight, survdiff); right-censored data,
``event`` = 1 for an observed event, 0 for censoring. Rows with a missing value are dropped.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from retrocohort.stats.result import TestResult, as_binary_vector, as_float_vector, check_choice

CI_TYPES = ("log-log", "log", "plain")


@dataclass(frozen=True)
class MedianSurvival:
    """Median survival time with its confidence interval (NaN = not reached, R's NA)."""

    median: float
    ci_low: float
    ci_high: float
    conf_level: float
    n: int
    method: str


def complete_time_rows(
    t: NDArray[np.float64], values: NDArray[np.float64], name: str, group: ArrayLike | None = None
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[Any] | None, int]:
    """The rows a time-to-event estimator uses: incomplete rows (a missing time, status or
    group) dropped, a negative time or no complete row refused. The one data preparation of
    the Kaplan-Meier and log-rank (``values``: event 0/1) and competing-risks (``values``: cause
    codes) estimators, before their risk sets are formed.

    Parameters
    ----------
    t : numpy.ndarray
        Follow-up times (NaN = missing).
    values : numpy.ndarray
        The status of each row, same length (NaN = missing).
    name : str
        What ``values`` are ("event", "cause"), named in the errors.
    group : array-like, optional
        Group labels, same length (None/NaN = missing).

    Returns
    -------
    tuple
        (times, values, group labels or None, number of rows passed), complete rows only.

    Raises
    ------
    ValueError
        Lengths that differ, a negative time, or no complete row.

    References
    ----------
    Therneau TM, Grambsch PM. Modeling Survival Data. Springer; 2000, 2.1 (right-censored data:
    each subject contributes a time and a status; subjects with either unknown are omitted, as
    R's na.omit in survfit/survdiff).

    Examples
    --------
    >>> t, v, g, n = complete_time_rows(np.array([3.0, np.nan, 5.0]), np.array([1.0, 0.0, np.nan]), "event")
    >>> t.tolist(), v.tolist(), g, n
    ([3.0], [1.0], None, 3)
    """
    if t.size != values.size:
        raise ValueError(f"time and {name} must have the same length ({t.size} != {values.size})")
    keep = ~(np.isnan(t) | np.isnan(values))
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
        raise ValueError(f"no complete (time, {name}) observations")
    return t[keep], values[keep], labels, int(t.size)


def _survival_data(
    time: ArrayLike, event: ArrayLike, group: ArrayLike | None = None
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[Any] | None, int]:
    """(time, event, group labels or None, number of rows passed), incomplete rows dropped."""
    return complete_time_rows(as_float_vector(time, "time"), as_binary_vector(event, "event"), "event", group)


def _check_conf(conf_level: float) -> float:
    if not 0 < conf_level < 1:
        raise ValueError(f"conf_level must be in (0, 1), got {conf_level!r}")
    return conf_level


def kaplan_meier(
    time: ArrayLike, event: ArrayLike, conf_level: float = 0.95, *, ci_type: str = "log-log"
) -> pd.DataFrame:
    """Kaplan-Meier product-limit estimate with Greenwood's variance and a pointwise CI, one row per distinct event time.

    Columns: time, n_at_risk, n_events, survival, std_err (Greenwood), ci_low, ci_high.
    Pointwise CI from the Greenwood variance v = sum d/(n(n-d)) of log S:
    'log-log' (default; SAS/Stata, Kalbfleisch-Prentice) S^exp(-/+ z sqrt(v)/log S);
    'log' (R survfit default) S exp(-/+ z sqrt(v)), capped at 1; 'plain' S -/+ z se, in [0, 1].
    Limits are NaN where S = 0. statsmodels ``SurvfuncRight`` computes S and its standard error.

    Parameters
    ----------
    time : array_like
        Follow-up times; rows with a missing time or event are dropped.
    event : array_like
        Event indicator (1 event, 0 censored).
    conf_level : float
        Confidence level of the pointwise interval, in (0, 1).
    ci_type : {"log-log", "log", "plain"}
        Scale of the interval (R's ``survfit(conf.type = ...)``).

    Returns
    -------
    pandas.DataFrame
        One row per distinct event time, columns as above.

    Raises
    ------
    ValueError
        An invalid time or event value, ``conf_level`` outside (0, 1), or an unknown ``ci_type``.

    References
    ----------
    Kaplan EL, Meier P. Nonparametric estimation from incomplete observations. J Am Stat Assoc
    1958;53:457-81.
    Greenwood M. The natural duration of cancer. Reports on Public Health and Medical Subjects
    1926;33:1-26.
    Kalbfleisch JD, Prentice RL. The Statistical Analysis of Failure Time Data. 2nd ed. Wiley;
    2002.

    Examples
    --------
    >>> km = kaplan_meier([2, 3, 3, 5, 6, 8, 9, 12], [1, 1, 0, 1, 0, 1, 1, 0], ci_type="log")
    >>> km[["time", "n_at_risk", "survival", "ci_low"]].round(6).to_dict("list")
    {'time': [2.0, 3.0, 5.0, 8.0, 9.0], 'n_at_risk': [8, 7, 5, 3, 2], 'survival': [0.875, 0.75, 0.6, 0.4, 0.2], 'ci_low': [0.673382, 0.502702, 0.331465, 0.147715, 0.03629]}
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


MEDIAN_CONVENTIONS = ("midpoint", "first_below_half")
_R_TOLERANCE = math.sqrt(sys.float_info.epsilon)  # survmean's .Machine$double.eps^0.5


def first_time_below_half(times: NDArray[np.float64], values: NDArray[np.float64]) -> float:
    """R survival's rule for the time a step curve reaches 1/2 (``minmin`` in survmean).

    Among the points with value < 1/2 + tol (tol = sqrt(machine epsilon), NaN ignored) take
    the first time; if its value equals 1/2 (within tol) and the curve later drops below it,
    the midpoint of that time and the time of the next drop. NaN if the curve never reaches
    1/2. Used by print.survfit / summary(survfit)$table for the median and its CI limits;
    SAS PROC LIFETEST takes the same midpoint (SAS/STAT User's Guide, LIFETEST,
    Computational Formulas: "If S(t) is exactly equal to 0.75 from t_j to t_{j+1}, the first
    quartile is taken to be (t_j + t_{j+1})/2", likewise for the median).

    Parameters
    ----------
    times, values : numpy.ndarray
        The step curve's times and values (a survival estimate or a limit of its band).

    Returns
    -------
    float
        The time the curve reaches 1/2, NaN if never.

    References
    ----------
    Therneau TM. survival package: ``survmean`` (``minmin``); SAS/STAT User's Guide, LIFETEST.

    Examples
    --------
    >>> first_time_below_half(np.array([1.0, 2, 3]), np.array([0.75, 0.5, 0.25]))
    2.5
    """
    keep = ~np.isnan(values) & (values < 0.5 + _R_TOLERANCE)
    if not keep.any():
        return math.nan
    x, y = times[keep], values[keep]
    lower = np.flatnonzero(y < y[0])
    if abs(y[0] - 0.5) < _R_TOLERANCE and lower.size:
        return float((x[0] + x[lower[0]]) / 2)
    return float(x[0])


def first_time_strictly_below_half(times: NDArray[np.float64], values: NDArray[np.float64]) -> float:
    """The first time a step curve is below 1/2 beyond float noise (value < 1/2 - sqrt(eps)).

    Collett's definition of the estimated median, "the smallest observed survival time for
    which the estimated survivor function is less than 0.5" (Collett 2015, Modelling
    Survival Data in Medical Research, 3rd ed., section 2.4, t(50)); statsmodels' SurvfuncRight
    quantile. A curve at exactly 1/2 (e.g. 10/20) is judged 1/2 whatever the last ulp of the
    product-limit arithmetic. NaN (NA) if the curve never falls below 1/2.

    Parameters
    ----------
    times, values : numpy.ndarray
        The step curve's times and values.

    Returns
    -------
    float
        The first time with a value below 1/2, NaN if none.

    References
    ----------
    Collett D. Modelling Survival Data in Medical Research. 3rd ed. CRC; 2015. Sec. 2.4.

    Examples
    --------
    >>> first_time_strictly_below_half(np.array([1.0, 2, 3]), np.array([0.75, 0.5, 0.25]))
    3.0
    """
    below = np.flatnonzero(~np.isnan(values) & (values < 0.5 - _R_TOLERANCE))
    return float(times[below[0]]) if below.size else math.nan


_MEDIAN_RULES = {"midpoint": first_time_below_half, "first_below_half": first_time_strictly_below_half}
_RULE_TEXT = {
    "midpoint": "first time with S(t) <= 0.5, the midpoint to the next event time when S(t) = 0.5 "
    "exactly; as R survfit and SAS LIFETEST",
    "first_below_half": "smallest event time with S(t) < 0.5, no midpoint; Collett's definition, "
    "statsmodels; not R's or SAS's rule",
}


def median_survival(
    time: ArrayLike,
    event: ArrayLike,
    conf_level: float = 0.95,
    *,
    ci_type: str = "log-log",
    convention: str = "midpoint",
) -> MedianSurvival:
    """Kaplan-Meier median survival time with a Brookmeyer-Crowley confidence interval.

    Parameters
    ----------
    time, event : array_like
        Follow-up time and event indicator (1 event, 0 censored); incomplete rows dropped.
    conf_level : float
        Confidence level of the interval.
    ci_type : {'log-log', 'log', 'plain'}
        Scale of the pointwise band whose crossing of 1/2 gives the limits (R's
        ``survfit(conf.type = ...)``), as for :func:`kaplan_meier`.
    convention : {'midpoint', 'first_below_half'}
        The rule that reads the time the survival curve (and each limit of the pointwise
        band) reaches 1/2. 'midpoint' (default): R ``survfit`` (print / summary table /
        ``quantile``) and SAS LIFETEST: the first time with S(t) <= 1/2, the midpoint to the
        next event time when S(t) = 1/2 exactly, see :func:`first_time_below_half`.
        'first_below_half': the smallest event time with S(t) < 1/2 (Collett; statsmodels),
        see :func:`first_time_strictly_below_half`. Both: lower limit = the time the lower
        band reaches 1/2, upper limit = the time the upper band does (NaN, R's NA, "not
        reached", when it never does).

    Returns
    -------
    MedianSurvival
        NaN median if S never reaches 1/2; NaN upper limit if the upper band never does.

    Raises
    ------
    ValueError
        An invalid time or event value, ``conf_level`` outside (0, 1), or an unknown
        ``ci_type`` or ``convention``.

    Notes
    -----
    R: Therneau, survival package (survmean / quantile.survfit); SAS/STAT User's Guide,
    PROC LIFETEST.

    References
    ----------
    Brookmeyer R, Crowley J. A confidence interval for the median survival time. Biometrics
    1982;38:29-41.
    Kaplan EL, Meier P. Nonparametric estimation from incomplete observations. J Am Stat Assoc
    1958;53:457-81.

    Examples
    --------
    >>> med = median_survival([2, 3, 3, 5, 6, 8, 9, 12], [1, 1, 0, 1, 0, 1, 1, 0], ci_type="log")
    >>> med.median, med.ci_low, med.ci_high
    (8.0, 5.0, nan)
    """
    check_choice("ci_type", ci_type, CI_TYPES)
    check_choice("convention", convention, MEDIAN_CONVENTIONS)
    _check_conf(conf_level)
    t, e, _, _ = _survival_data(time, event)
    km = kaplan_meier(t, e, conf_level, ci_type=ci_type)
    return median_of_curve(
        km,
        _MEDIAN_RULES[convention],
        conf_level,
        int(t.size),
        f"Kaplan-Meier median ({_RULE_TEXT[convention]}); CI (Brookmeyer-Crowley) = the "
        f"times the lower and upper limits of the pointwise {ci_type} band of Greenwood's "
        f"variance reach 0.5 by the same rule (upper limit not reached if never, as R).",
    )


def median_of_curve(
    km: pd.DataFrame,
    rule: Callable[[NDArray[np.float64], NDArray[np.float64]], float],
    conf_level: float,
    n: int,
    method: str,
) -> MedianSurvival:
    """The median and its Brookmeyer-Crowley CI read off a Kaplan-Meier curve and its band by
    ``rule`` (:func:`first_time_below_half` or :func:`first_time_strictly_below_half`): the
    times the curve, its lower and its upper limit reach 1/2 (NaN when never).

    Parameters
    ----------
    km : pandas.DataFrame
        The curve: ``time``, ``survival``, ``ci_low``, ``ci_high`` (one row per event time).
    rule : callable
        ``rule(times, values)``: the time ``values`` reach 1/2 by the median convention.
    conf_level : float
        The band's confidence level, recorded in the result.
    n : int
        Patients the curve is estimated from.
    method : str
        The method sentence recorded in the result.

    Returns
    -------
    MedianSurvival
        Median, CI limits, ``conf_level``, ``n`` and ``method``.

    References
    ----------
    Brookmeyer R, Crowley J. A confidence interval for the median survival time. Biometrics
    1982;38:29-41.

    Examples
    --------
    >>> km = pd.DataFrame({"time": [1.0, 2.0, 3.0], "survival": [0.8, 0.5, 0.2],
    ...                    "ci_low": [0.6, 0.3, 0.1], "ci_high": [0.9, 0.7, 0.4]})
    >>> median_of_curve(km, first_time_below_half, 0.95, 5, "").median  # S = 1/2 on [2, 3): midpoint
    2.5
    """
    times = km["time"].to_numpy()
    return MedianSurvival(
        median=rule(times, km["survival"].to_numpy()),
        ci_low=rule(times, km["ci_low"].to_numpy()),
        ci_high=rule(times, km["ci_high"].to_numpy()),
        conf_level=conf_level,
        n=n,
        method=method,
    )


def logrank(time: ArrayLike, event: ArrayLike, group: ArrayLike) -> TestResult:
    """Log-rank (Mantel-Cox) test of equal survival across groups; chi-square on k-1 df, as R ``survdiff``.

    statsmodels survdiff with unit weights. Rows with a missing time, event or group dropped.

    Parameters
    ----------
    time : array_like
        Follow-up times.
    event : array_like
        Event indicator (1 event, 0 censored).
    group : array_like
        Group label of each row (at least two groups).

    Returns
    -------
    TestResult
        ``test`` "log-rank", ``statistic`` chi-square, ``p_value``; ``details``: statistic_name,
        df, groups, n_events, n_missing.

    Raises
    ------
    ValueError
        An invalid time or event value, or fewer than two groups.

    References
    ----------
    Mantel N. Evaluation of survival data and two new rank order statistics arising in its
    consideration. Cancer Chemother Rep 1966;50:163-70.

    Examples
    --------
    >>> res = logrank([2, 3, 3, 5, 6, 8, 9, 12], [1, 1, 0, 1, 0, 1, 1, 0], ["a", "a", "b", "a", "b", "b", "a", "b"])
    >>> round(res.statistic, 6), round(res.p_value, 6), res.details["df"]
    (2.798888, 0.09433, 1)
    """
    from scipy.stats import chi2
    from statsmodels.duration.survfunc import survdiff

    t, e, labels, n = _survival_data(time, event, group)
    groups: list[Any] = sorted(pd.unique(labels).tolist(), key=str)
    if len(groups) < 2:
        raise ValueError(f"log-rank test needs at least two groups, got {groups}")
    chisq, _ = survdiff(t, e, labels)  # its p is 1 - cdf: 0 below 1e-16
    p = chi2.sf(chisq, len(groups) - 1)  # the upper tail itself, exact to ~1e-300 as R's pchisq
    return TestResult(
        test="log-rank",
        method="Log-rank (Mantel-Cox) test, unweighted, chi-square on k - 1 df (as R survival::survdiff).",
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
