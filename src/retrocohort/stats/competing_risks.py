"""Competing risks: the cumulative incidence of each cause (Aalen–Johansen estimator, with its
infinitesimal-jackknife standard error) and Gray's k-sample test of equal cumulative incidence.

Data are right-censored, one row per patient: a time and a cause code (0 = censored,
1..K = the cause that ended follow-up). Rows with a missing time, cause or group are dropped.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from retrocohort.stats.result import TestResult, as_float_vector
from retrocohort.stats.survival import complete_time_rows

CIF_COLUMNS = ["time", "cause", "n_risk", "n_event", "n_censor", "cif", "std_err", "ci_low", "ci_high"]


def _competing_data(
    time: ArrayLike, cause: ArrayLike, n_causes: int, group: ArrayLike | None = None
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[Any] | None, int]:
    """(time, integer cause code, group labels or None, rows passed), incomplete rows dropped
    (:func:`retrocohort.stats.survival.complete_time_rows`); a code outside 0..``n_causes`` refused."""
    t, c, labels, n = complete_time_rows(
        as_float_vector(time, "time"), as_float_vector(cause, "cause"), "cause", group
    )
    bad = sorted(set(c.tolist()) - set(range(n_causes + 1)))
    if bad:
        raise ValueError(f"cause codes must be 0 (censored) to {n_causes}, got {bad}")
    return t, c.astype(np.int64), labels, n


def cumulative_incidence(
    time: ArrayLike, cause: ArrayLike, causes: list[str], conf_level: float = 0.95
) -> pd.DataFrame:
    """Aalen–Johansen cumulative incidence of each cause, with the infinitesimal-jackknife
    standard error and a log-transformed pointwise confidence interval, as R
    ``survfit(Surv(time, factor(cause)) ~ 1)`` (multi-state, survival 3.5-3: ``pstate``,
    ``std.err``, ``lower``/``upper`` with the default ``conf.type = "log"``).

    At each distinct time t with d_k deaths from cause k among n at risk, the probability of
    still being event-free is multiplied by (1 - d/n) and the incidence of cause k grows by
    S(t-) d_k / n (Aalen & Johansen 1978). Each patient's influence on every state probability
    is carried through the same product (Therneau, survival ``survfitci.c``); the standard
    error is the root of the sum of the squared influences.

    Parameters
    ----------
    time : array_like
        Follow-up times (non-negative).
    cause : array_like
        0 = censored, k = ended by cause ``causes[k - 1]``.
    causes : list of str
        The cause names, in code order.
    conf_level : float
        Confidence level of the pointwise interval.

    Returns
    -------
    pandas.DataFrame
        One row per distinct time (censoring times included) and cause: ``time``, ``cause``,
        ``n_risk`` (time >= t), ``n_event`` (of this cause at t), ``n_censor`` (at t),
        ``cif``, ``std_err``, ``ci_low``, ``ci_high`` (NaN where the incidence is 0, as R).

    Raises
    ------
    ValueError
        A negative time, a cause code outside 0..K, or no complete row.

    References
    ----------
    Aalen OO, Johansen S. An empirical transition matrix for non-homogeneous Markov chains
    based on censored observations. Scand J Stat 1978;5:141-50. Therneau TM, Crowson C,
    Atkinson E. Multi-state models and competing risks (vignette of the R package survival).

    Examples
    --------
    >>> cif = cumulative_incidence([1, 2, 2, 3, 4, 5], [1, 2, 0, 1, 0, 2], ["relapse", "death"])
    >>> cif[cif["cause"] == "relapse"][["time", "cif"]].round(6).values.tolist()
    [[1.0, 0.166667], [2.0, 0.166667], [3.0, 0.388889], [4.0, 0.388889], [5.0, 0.388889]]
    >>> round(float(cif["std_err"].iloc[-2]), 7)  # R: survfit(...)$std.err, 0.2187224
    0.2187224
    """
    if not 0 < conf_level < 1:
        raise ValueError(f"conf_level must be in (0, 1), got {conf_level!r}")
    k = len(causes)
    t, c, _, _ = _competing_data(time, cause, k)
    order = np.argsort(t, kind="stable")
    t, c = t[order], c[order]
    n = t.size
    times, first = np.unique(t, return_index=True)
    last = np.append(first[1:], n)
    p = np.zeros(k + 1)
    p[0] = 1.0
    influence = np.zeros((n, k + 1))  # patient x state (0 = event-free, k = cause k)
    rows = []
    for tm, lo, hi in zip(times, first, last):
        at_risk = n - lo
        codes = c[lo:hi]
        events = np.bincount(codes, minlength=k + 1)[1:]
        d = int(events.sum())
        if d:
            step = np.concatenate(([1.0 - d / at_risk], events / at_risk))  # row 0 of H
            u0 = influence[:, 0].copy()
            influence[:, 0] = u0 * step[0]
            influence[:, 1:] += np.outer(u0, step[1:])
            share = p[0] / at_risk
            reached = np.zeros(n - lo, dtype=np.int64)  # state after tm: 0 unless an event now
            reached[: hi - lo] = codes
            influence[lo:] -= step * share  # every patient at risk at tm ...
            influence[np.arange(lo, n), reached] += share  # ... and the state each is in after it
            p = np.concatenate(([p[0] * step[0]], p[1:] + p[0] * step[1:]))
        se = np.sqrt((influence**2).sum(axis=0))
        for j, name in enumerate(causes, start=1):
            rows.append((tm, name, at_risk, int(events[j - 1]), int((codes == 0).sum()), p[j], se[j]))
    out = pd.DataFrame(rows, columns=CIF_COLUMNS[:7])
    low, high = _log_interval(out["cif"].to_numpy(), out["std_err"].to_numpy(), conf_level)
    return out.assign(ci_low=low, ci_high=high)


def _log_interval(
    p: NDArray[np.float64], se: NDArray[np.float64], conf_level: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Log-transformed pointwise interval p exp(-/+ z se / p), upper limit capped at 1, NaN
    where p = 0 (R ``survival:::survfit_confint(conf.type = "log", logse = FALSE)``)."""
    from scipy.stats import norm

    z = norm.ppf(1 - (1 - conf_level) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.where(p == 0, np.nan, p)
        rel = np.where(se == 0, 0.0, se / x)
        return x * np.exp(-z * rel), np.minimum(x * np.exp(z * rel), 1.0)


def incidence_at(cif: pd.DataFrame, cause: str, at: float) -> dict[str, float]:
    """The cumulative incidence of ``cause`` at time ``at``, as R
    ``summary(survfit(...), times = at)``: the last step at or before it.

    Parameters
    ----------
    cif : pandas.DataFrame
        The curve of :func:`cumulative_incidence`.
    cause : str
        One of its causes.
    at : float
        The time.

    Returns
    -------
    dict
        ``cif``, ``std_err``, ``ci_low``, ``ci_high``: 0 (no CI) before the first time, NaN
        beyond the last time (where R's ``summary.survfit(times = )`` reports nothing).

    References
    ----------
    Therneau TM, Grambsch PM. Modeling Survival Data. Springer; 2000 (summary.survfit).

    Examples
    --------
    >>> cif = cumulative_incidence([1, 2, 2, 3, 4, 5], [1, 2, 0, 1, 0, 2], ["relapse", "death"])
    >>> round(incidence_at(cif, "relapse", 3.5)["cif"], 6), incidence_at(cif, "death", 0.5)["cif"]
    (0.388889, 0.0)
    """
    rows = cif[cif["cause"] == cause]
    steps = rows["time"].to_numpy()
    if steps.size and at > steps[-1]:
        return {"cif": math.nan, "std_err": math.nan, "ci_low": math.nan, "ci_high": math.nan}
    i = int(np.searchsorted(steps, at, side="right")) - 1
    if i < 0:
        return {"cif": 0.0, "std_err": 0.0, "ci_low": math.nan, "ci_high": math.nan}
    return {key: float(rows[key].iloc[i]) for key in ("cif", "std_err", "ci_low", "ci_high")}


def _gray_scores(
    t: NDArray[np.float64], m: NDArray[np.int64], g: NDArray[np.int64], ng: int, rho: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Gray's score vector (first ng - 1 groups) and its variance matrix for one stratum:
    ``m`` 0 censored, 1 the cause tested, 2 another cause; ``g`` group index 0..ng-1; data
    sorted by time. The computation of Gray (1988), as the routine ``crst`` of cmprsk."""
    ng1 = ng - 1
    risk = np.bincount(g, minlength=ng).astype(float)
    score = np.zeros(ng1)
    var = np.zeros((ng1, ng1))
    v2 = np.zeros((ng1, ng))
    v3 = np.zeros(ng)
    c = np.zeros((ng, ng))
    f1m, skmm = np.zeros(ng), np.ones(ng)
    f1, skm = f1m.copy(), skmm.copy()
    fm = 0.0
    times, first = np.unique(t, return_index=True)
    last = np.append(first[1:], t.size)
    for lo, hi in zip(first, last):
        d = np.zeros((3, ng))
        np.add.at(d, (m[lo:hi], g[lo:hi]), 1.0)
        nd1, nd2 = d[1].sum(), d[2].sum()
        f = fm
        if nd1 or nd2:
            on = risk > 0
            skm = np.where(on, skmm * (risk - d[1] - d[2]) / np.where(on, risk, 1), skm)
            f1 = np.where(on, f1m + skmm * d[1] / np.where(on, risk, 1), f1)
            weight = np.divide(risk, skmm, out=np.zeros(ng), where=on)  # R_r / S_r(t-); 0 when none at risk
            tr = weight.sum()
            tq = (weight * (1 - f1m)).sum()
            f = fm + nd1 / tr
            fb = (1 - fm) ** rho
            a = -fb * np.outer(weight, weight) / tr
            a[np.diag_indices(ng)] = fb * weight * (1 - weight / tr)
            c += a * nd1 / (tr * (1 - fm))
            score += np.where(on, fb * (d[1] - nd1 * weight * (1 - f1m) / tq), 0.0)[:ng1]
            if nd1 > 0:
                for k in np.flatnonzero(on):
                    t4 = 1 - (1 - f) / skm[k] if skm[k] > 0 else 1.0
                    t5 = 1 - (nd1 - 1) / (tr * skmm[k] - 1) if nd1 > 1 else 1.0
                    t3 = t5 * skmm[k] * nd1 / (tr * risk[k])
                    v3[k] += t4 * t4 * t3
                    t1 = a[:ng1, k] - t4 * c[:ng1, k]
                    v2[:, k] += t1 * t4 * t3
                    var += np.outer(t1, t1) * t3
            if nd2 > 0:
                for k in np.flatnonzero((skm > 0) & (d[2] > 0)):
                    t4 = (1 - f) / skm[k]
                    t5 = 1 - (d[2, k] - 1) / (risk[k] - 1) if d[2, k] > 1 else 1.0
                    t3 = t5 * skmm[k] ** 2 * d[2, k] / risk[k] ** 2
                    v3[k] += t4 * t4 * t3
                    t1 = t4 * c[:ng1, k]
                    v2[:, k] -= t1 * t4 * t3
                    var += np.outer(t1, t1) * t3
        risk -= np.bincount(g[lo:hi], minlength=ng)
        fm, f1m, skmm = f, f1.copy(), skm.copy()
    cc = c[:ng1]
    var = var + (cc * v3) @ cc.T + cc @ v2.T + v2 @ cc.T
    return score, var


def gray_test(
    time: ArrayLike, cause: ArrayLike, group: ArrayLike, of: int = 1, rho: float = 0.0
) -> TestResult:
    """Gray's k-sample test of equal cumulative incidence of one cause across groups, as R
    ``cmprsk::cuminc(ftime, fstatus, group, rho = 0)$Tests`` (one stratum).

    The score compares, at each time, the observed events of the cause in each group with
    those expected under a common subdistribution hazard, weighted by (1 - F(t-))^rho; the
    statistic s' V^-1 s is referred to a chi-square on k - 1 df.

    Parameters
    ----------
    time : array_like
        Follow-up times.
    cause : array_like
        0 = censored, 1..K = the cause that ended follow-up.
    group : array_like
        Group label of each row (at least two groups with data).
    of : int
        The cause code tested (every other non-zero code competes).
    rho : float
        Power of the weight (0: Gray's default, as cuminc).

    Returns
    -------
    TestResult
        ``test`` "Gray", ``statistic`` chi-square, ``p_value``; ``details``: statistic_name,
        df, groups (in the order of R's factor levels), n_events, n_missing, rho.

    Raises
    ------
    ValueError
        Fewer than two groups, an invalid code, or a singular variance (R's statistic -1).

    References
    ----------
    Gray RJ. A class of K-sample tests for comparing the cumulative incidence of a competing
    risk. Ann Stat 1988;16:1141-54.

    Examples
    --------
    >>> res = gray_test([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 1, 0, 1, 1, 2, 0], list("abababab"))
    >>> round(res.statistic, 8), round(res.p_value, 8), res.details["df"]  # R: 1.914496198, 0.1664646679
    (1.9144962, 0.16646467, 1)
    """
    from scipy.stats import chi2

    t, c, labels, n = _competing_data(time, cause, int(np.nanmax(as_float_vector(cause, "cause"))), group)
    groups: list[Any] = sorted(pd.unique(labels).tolist(), key=str)
    if len(groups) < 2:
        raise ValueError(f"Gray's test needs at least two groups, got {groups}")
    order = np.argsort(t, kind="stable")
    t, c = t[order], c[order]
    index = {label: i for i, label in enumerate(groups)}
    g = np.array([index[x] for x in labels[order]], dtype=np.int64)
    m = np.where(c == 0, 0, np.where(c == of, 1, 2)).astype(np.int64)
    score, var = _gray_scores(t, m, g, len(groups), rho)
    if np.linalg.matrix_rank(var) < var.shape[0]:
        raise np.linalg.LinAlgError("Gray's test variance matrix is singular")
    stat = float(score @ np.linalg.solve(var, score))
    df = len(groups) - 1
    return TestResult(
        test="Gray",
        method=f"Gray's test of equal cumulative incidence (rho = {rho:g}), chi-square on k - 1 df "
        "(as R cmprsk::cuminc).",
        statistic=stat,
        p_value=float(chi2.sf(stat, df)),
        n=n,
        n_used=int(t.size),
        alternative="two-sided",
        details=dict(
            statistic_name="chi2",
            df=df,
            groups=[str(x) for x in groups],
            n_events=int((m == 1).sum()),
            n_missing=n - int(t.size),
            rho=rho,
        ),
    )
