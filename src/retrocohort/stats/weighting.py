"""Inverse probability of treatment weights (IPTW) from a propensity score, as R WeightIt.

ATE: w = t / e + (1 - t) / (1 - e); ATT: w = t + (1 - t) e / (1 - e) (WeightIt
``get_w_from_ps``). Stabilised ATE weights multiply by the marginal probability of the group a unit
is in (Robins, Hernan & Brumback 2000). Truncation replaces weights beyond a declared percentile by
that percentile (R ``quantile`` type 7; the idea of WeightIt ``trim(at =)``, not checked against
WeightIt, which Debian 12 does not package). The summary reports per group the
minimum, maximum and Kish's effective sample size (sum w)^2 / sum w^2 (WeightIt ``summary`` and
cobalt ``bal.tab`` "Effective sample sizes").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retrocohort.errors import InputError, Problem

ESTIMANDS = ("ATE", "ATT")


def _check(treatment: np.ndarray, score: np.ndarray) -> None:
    problems = []
    if treatment.shape != score.shape:
        problems.append(
            Problem(
                "treatment and propensity score differ in length", value=f"{treatment.shape} vs {score.shape}"
            )
        )
    elif not np.isin(treatment, (0, 1)).all():
        problems.append(Problem("treatment not coded 0/1", column="treatment", expected="0 or 1"))
    elif not ((score > 0) & (score < 1)).all():
        row = int(np.flatnonzero(~((score > 0) & (score < 1)))[0])
        problems.append(
            Problem(
                "propensity score outside (0, 1)",
                row=row + 1,
                column="score",
                value=str(score[row]),
                expected="0 < e < 1",
            )
        )
    if problems:
        raise InputError("Inverse probability weights cannot be computed", problems)


def iptw_weights(
    treatment: np.ndarray, score: np.ndarray, estimand: str = "ATE", *, stabilize: bool = False
) -> np.ndarray:
    """Inverse probability of treatment weights for the ATE or the ATT, as WeightIt.

    ATE: 1/e for treated, 1/(1 - e) for controls; ATT: 1 for treated, e/(1 - e) for controls.
    ``stabilize`` (ATE only) multiplies by P(T = t), the observed proportion in the unit's group.

    Parameters
    ----------
    treatment : numpy.ndarray
        0/1 indicator.
    score : numpy.ndarray
        Propensity score e(x) in (0, 1).
    estimand : {"ATE", "ATT"}
        Target population.
    stabilize : bool
        Stabilised weights (only defined here for the ATE; ATT weights are already 1 for treated).

    Returns
    -------
    numpy.ndarray
        One weight per unit.

    References
    ----------
    Robins JM, Hernan MA, Brumback B. Marginal structural models and causal inference in
    epidemiology. Epidemiology 2000;11:550-60.
    Greifer N. WeightIt: Weighting for covariate balance in observational studies. R package.

    Examples
    --------
    >>> iptw_weights(np.array([1, 0]), np.array([0.25, 0.5])).tolist()
    [4.0, 2.0]
    >>> iptw_weights(np.array([1, 0]), np.array([0.25, 0.5]), "ATT").tolist()
    [1.0, 1.0]
    """
    treatment = np.asarray(treatment)
    score = np.asarray(score, dtype=float)
    if estimand not in ESTIMANDS:
        raise InputError(
            "Unknown estimand",
            [
                Problem(
                    "estimand not defined for IPTW",
                    column="estimand",
                    value=estimand,
                    expected=" or ".join(ESTIMANDS),
                )
            ],
        )
    if stabilize and estimand != "ATE":
        raise InputError(
            "Stabilised weights",
            [
                Problem(
                    "stabilisation is defined here for the ATE only",
                    column="stabilize",
                    value=estimand,
                    expected="ATE",
                )
            ],
        )
    _check(treatment, score)
    if estimand == "ATE":
        weights = np.where(treatment == 1, 1.0 / score, 1.0 / (1.0 - score))
        if stabilize:
            share = treatment.mean()
            weights *= np.where(treatment == 1, share, 1.0 - share)
        return weights
    return np.where(treatment == 1, 1.0, score / (1.0 - score))


def truncate_weights(
    weights: np.ndarray, at: float, *, lower: bool = False, only: np.ndarray | None = None
) -> np.ndarray:
    """Truncate (winsorise) weights at a percentile (R ``quantile`` type 7).

    Weights above the ``at`` quantile (R ``quantile`` type 7 of the weights concerned) are set to
    it; with ``lower``, weights below the 1 - ``at`` quantile are set to that one too. ``only``
    restricts both the quantile and the truncation to some units (for the ATT pass
    ``treatment == 0``: the treated weights are all 1).

    Parameters
    ----------
    weights : numpy.ndarray
        Weights.
    at : float
        Quantile in (0.5, 1), e.g. 0.99 for the 99th percentile.
    lower : bool
        Also truncate at the 1 - ``at`` quantile.
    only : numpy.ndarray of bool, optional
        Units concerned.

    Returns
    -------
    numpy.ndarray
        The truncated weights.

    References
    ----------
    Cole SR, Hernan MA. Constructing inverse probability weights for marginal structural models.
    Am J Epidemiol 2008;168:656-64.

    Examples
    --------
    >>> truncate_weights(np.array([1.0, 2.0, 3.0, 4.0, 100.0]), 0.75).tolist()
    [1.0, 2.0, 3.0, 4.0, 4.0]
    """
    if not 0.5 < at < 1:
        raise InputError(
            "Weight truncation",
            [
                Problem(
                    "truncation percentile out of range", column="at", value=str(at), expected="0.5 < at < 1"
                )
            ],
        )
    weights = np.asarray(weights, dtype=float).copy()
    mask = np.ones(weights.size, dtype=bool) if only is None else np.asarray(only, dtype=bool)
    values = weights[mask]
    high = np.quantile(values, at)  # numpy "linear" = R type 7
    values = np.minimum(values, high)
    if lower:
        values = np.maximum(values, np.quantile(weights[mask], 1 - at))
    weights[mask] = values
    return weights


@dataclass(frozen=True)
class WeightSummary:
    """Per group (control = 0, treated = 1): number of units, min, max, sum and Kish's effective
    sample size of the weights."""

    n: dict[int, int]
    minimum: dict[int, float]
    maximum: dict[int, float]
    total: dict[int, float]
    effective_n: dict[int, float]


def effective_sample_size(weights: np.ndarray) -> float:
    """Kish's effective sample size (sum w)^2 / sum w^2, as WeightIt/cobalt ``ESS``.

    Parameters
    ----------
    weights : numpy.ndarray
        Weights of one group.

    Returns
    -------
    float
        The effective sample size.

    References
    ----------
    Kish L. Survey Sampling. New York: Wiley; 1965.

    Examples
    --------
    >>> effective_sample_size(np.array([1.0, 1.0, 2.0]))
    2.6666666666666665
    """
    weights = np.asarray(weights, dtype=float)
    return float(weights.sum() ** 2 / np.sum(weights**2))


def weight_summary(treatment: np.ndarray, weights: np.ndarray) -> WeightSummary:
    """Summary of weights per treatment group, as WeightIt ``summary.weightit``.

    Parameters
    ----------
    treatment : numpy.ndarray
        0/1 indicator.
    weights : numpy.ndarray
        Weights.

    Returns
    -------
    WeightSummary
        n, min, max, sum and effective sample size per group.

    References
    ----------
    Greifer N. WeightIt: Weighting for covariate balance in observational studies. R package.
    Kish L. Survey Sampling. New York: Wiley; 1965.

    Examples
    --------
    >>> s = weight_summary(np.array([0, 0, 1]), np.array([1.0, 3.0, 2.0]))
    >>> s.effective_n[0], s.maximum[0]
    (1.6, 3.0)
    """
    treatment, weights = np.asarray(treatment), np.asarray(weights, dtype=float)
    groups = {g: weights[treatment == g] for g in (0, 1)}
    return WeightSummary(
        n={g: int(w.size) for g, w in groups.items()},
        minimum={g: float(w.min()) for g, w in groups.items()},
        maximum={g: float(w.max()) for g, w in groups.items()},
        total={g: float(w.sum()) for g, w in groups.items()},
        effective_n={g: effective_sample_size(w) for g, w in groups.items()},
    )
