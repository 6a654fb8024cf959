"""Covariate balance before and after matching or weighting, as R cobalt ``bal.tab`` defaults.

For each covariate: the (weighted) difference in means treated - control, standardised for a
continuous covariate and raw (difference in proportions) for a binary one (cobalt defaults
``continuous = "std"``, ``binary = "raw"``); and for continuous covariates the variance ratio
treated / control of the (weighted) variances. The SD in the denominator is computed once, on the
unadjusted sample, and is the same before and after adjustment (cobalt ``s.d.denom``): the treated
group's SD for the ATT (``"treated"``, as MatchIt's ``summary``), the pooled
sqrt((s1^2 + s0^2) / 2) for the ATE (``"pooled"``). Weighted means are sum(w x) / sum(w); weighted
variances are the unbiased sum(w) / (sum(w)^2 - sum(w^2)) * sum(w (x - m)^2) (cobalt
``col_w_var``, MatchIt ``wvar``); unweighted ones use n - 1.
References: Austin PC. Balance diagnostics for comparing the distribution of baseline covariates
between treatment groups in propensity-score matched samples. Stat Med 2009;28:3083-107.
Greifer N. cobalt: Covariate balance tables and plots. R package.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from retrocohort.errors import InputError, Problem

SD_DENOMINATOR = {"ATT": "treated", "ATE": "pooled"}


def weighted_mean(x: np.ndarray, w: np.ndarray) -> float:
    """Weighted mean sum(w x) / sum(w).

    Parameters
    ----------
    x, w : numpy.ndarray
        Values and weights.

    Returns
    -------
    float
        The weighted mean.

    References
    ----------
    Greifer N. cobalt: Covariate balance tables and plots. R package (``col_w_mean``).

    Examples
    --------
    >>> weighted_mean(np.array([1.0, 3.0]), np.array([3.0, 1.0]))
    1.5
    """
    return float(np.sum(w * x) / np.sum(w))


def weighted_variance(x: np.ndarray, w: np.ndarray) -> float:
    """Unbiased weighted variance sum(w) / (sum(w)^2 - sum(w^2)) * sum(w (x - m)^2), as cobalt/MatchIt.

    Equals the usual n - 1 variance when all weights are equal.

    Parameters
    ----------
    x, w : numpy.ndarray
        Values and weights (units with weight 0 drop out).

    Returns
    -------
    float
        The weighted variance.

    References
    ----------
    Greifer N. cobalt: Covariate balance tables and plots. R package (``col_w_var``).

    Examples
    --------
    >>> weighted_variance(np.array([1.0, 2.0, 3.0]), np.ones(3))
    1.0
    """
    total = np.sum(w)
    centred = x - np.sum(w * x) / total
    return float(total / (total**2 - np.sum(w**2)) * np.sum(w * centred**2))


@dataclass(frozen=True)
class CovariateBalance:
    """Balance of one covariate: ``binary`` (raw difference) or continuous (standardised),
    difference treated - control before (``diff_unadjusted``) and after (``diff_adjusted``),
    variance ratios treated / control (NaN for binary), and the SD used as denominator."""

    name: str
    binary: bool
    diff_unadjusted: float
    diff_adjusted: float
    variance_ratio_unadjusted: float
    variance_ratio_adjusted: float
    sd_denominator: float


def _is_binary(x: np.ndarray) -> bool:
    return np.unique(x).size <= 2 and np.isin(x, (0, 1)).all()


def balance_table(
    covariates: np.ndarray,
    treatment: np.ndarray,
    weights: np.ndarray,
    names: Sequence[str],
    estimand: str = "ATT",
    *,
    binary: str = "raw",
) -> list[CovariateBalance]:
    """Standardised mean differences and variance ratios before and after adjustment, as cobalt ``bal.tab``.

    Continuous covariate: (m1 - m0) / s with weighted means m (before: unweighted) and s the SD of
    the unadjusted sample: s1 for the ATT, sqrt((s1^2 + s0^2) / 2) for the ATE; variance ratio
    v1 / v0 of the weighted variances. Binary (0/1) covariate: m1 - m0, the difference in
    proportions (``binary="raw"``, cobalt's default), or standardised (``binary="std"``, as
    MatchIt's ``summary.matchit``) by sqrt(p1 (1 - p1)) for the ATT and
    sqrt((p1 (1 - p1) + p0 (1 - p0)) / 2) for the ATE, p the unadjusted proportions (MatchIt
    ``wvar`` of a binary variable); no variance ratio.

    Parameters
    ----------
    covariates : numpy.ndarray
        (n, p) numeric covariates (categorical ones dummy-coded, one 0/1 column per level).
    treatment : numpy.ndarray
        0/1 indicator.
    weights : numpy.ndarray
        Matching or IPT weights (0 = not in the adjusted sample).
    names : sequence of str
        Covariate names.
    estimand : {"ATT", "ATE"}
        Chooses the SD denominator.
    binary : {"raw", "std"}
        Binary covariates: raw difference in proportions, or standardised as MatchIt.

    Returns
    -------
    list of CovariateBalance
        One per covariate, in column order.

    References
    ----------
    Austin PC. Balance diagnostics for comparing the distribution of baseline covariates between
    treatment groups in propensity-score matched samples. Stat Med 2009;28:3083-107.
    Greifer N. cobalt: Covariate balance tables and plots. R package (``bal.tab``, ``s.d.denom``).

    Examples
    --------
    >>> x = np.array([[1.0], [2.0], [3.0], [2.0], [4.0], [6.0]])
    >>> t = np.array([0, 0, 0, 1, 1, 1])
    >>> b = balance_table(x, t, np.array([0.0, 1, 1, 1, 1, 1]), ["age"], "ATE")[0]
    >>> round(b.diff_unadjusted, 6), round(b.diff_adjusted, 6), round(b.variance_ratio_unadjusted, 6)
    (1.264911, 0.948683, 4.0)
    >>> z = np.array([[0.0], [0.0], [1.0], [1.0], [1.0], [0.0]])
    >>> round(balance_table(z, t, np.ones(6), ["male"], binary="std")[0].diff_unadjusted, 6)
    0.707107
    """
    covariates = np.asarray(covariates, dtype=float)
    if covariates.ndim == 1:
        covariates = covariates[:, None]
    treatment, weights = np.asarray(treatment), np.asarray(weights, dtype=float)
    if estimand not in SD_DENOMINATOR:
        raise InputError(
            "Balance table",
            [
                Problem(
                    "estimand not defined for the balance table",
                    column="estimand",
                    value=estimand,
                    expected="ATT or ATE",
                )
            ],
        )
    if (
        covariates.shape[0] != treatment.size
        or weights.size != treatment.size
        or len(names) != covariates.shape[1]
    ):
        raise InputError(
            "Balance table",
            [
                Problem(
                    "covariates, treatment, weights and names differ in size",
                    value=f"{covariates.shape}, {treatment.size}, {weights.size}, {len(names)}",
                )
            ],
        )
    if binary not in ("raw", "std"):
        raise InputError(
            "Balance table",
            [
                Problem(
                    "unknown binary-covariate difference",
                    column="binary",
                    value=binary,
                    expected="raw or std",
                )
            ],
        )
    one, zero = treatment == 1, treatment == 0
    ones = np.ones(treatment.size)
    rows = []
    for j, name in enumerate(names):
        x = covariates[:, j]
        is_binary = _is_binary(x)

        def diff(w: np.ndarray, x: np.ndarray = x) -> float:
            return weighted_mean(x[one], w[one]) - weighted_mean(x[zero], w[zero])

        def ratio(w: np.ndarray, x: np.ndarray = x) -> float:
            keep1, keep0 = one & (w > 0), zero & (w > 0)
            return weighted_variance(x[keep1], w[keep1]) / weighted_variance(x[keep0], w[keep0])

        if is_binary:
            sd = float("nan")
            if binary == "std":
                p1, p0 = x[one].mean(), x[zero].mean()
                q1, q0 = p1 * (1 - p1), p0 * (1 - p0)
                sd = float(np.sqrt(q1) if estimand == "ATT" else np.sqrt((q1 + q0) / 2))
            scale = 1.0 if binary == "raw" else sd
            rows.append(
                CovariateBalance(
                    name, True, diff(ones) / scale, diff(weights) / scale, float("nan"), float("nan"), sd
                )
            )
            continue
        v1, v0 = x[one].var(ddof=1), x[zero].var(ddof=1)
        sd = float(np.sqrt(v1) if estimand == "ATT" else np.sqrt((v1 + v0) / 2))
        rows.append(
            CovariateBalance(
                name, False, diff(ones) / sd, diff(weights) / sd, ratio(ones), ratio(weights), sd
            )
        )
    return rows
