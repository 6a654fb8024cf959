"""Propensity score from a logistic model of treatment on a numeric design matrix.

The score is the fitted probability of R ``glm(treat ~ X, family = binomial)`` (MatchIt's and
WeightIt's default ``distance = "glm"`` / ``method = "glm"``), fitted with the package's logistic
regression (:func:`retrocohort.stats.regression.logistic_regression`, maximum likelihood to full
precision); its logit is the linear predictor. Reference: Rosenbaum PR, Rubin DB. The central role
of the propensity score in observational studies for causal effects. Biometrika 1983;70:41-55.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from retrocohort.errors import InputError, Problem
from retrocohort.stats.regression import logistic_regression
from retrocohort.stats.regression_design import RegressionResult

_TREATMENT = "__treatment__"


@dataclass(frozen=True)
class PropensityScore:
    """Fitted propensity score: per unit the score e(x) and its logit, the coefficients
    (intercept first; NaN for a column aliased and dropped, as R) and the underlying fit."""

    score: np.ndarray
    logit: np.ndarray
    coefficients: np.ndarray
    fit: RegressionResult


def _check_inputs(treatment: np.ndarray, design: np.ndarray, names: Sequence[str]) -> None:
    problems = []
    if design.ndim != 2 or design.shape[0] != treatment.size:
        problems.append(
            Problem(
                "design matrix does not have one row per unit",
                value=f"shape {design.shape} for {treatment.size} treatment values",
                expected="an (n, p) matrix",
            )
        )
    elif len(names) != design.shape[1]:
        problems.append(
            Problem("wrong number of column names", value=str(len(names)), expected=str(design.shape[1]))
        )
    if not np.isin(treatment, (0, 1)).all():
        bad = treatment[~np.isin(treatment, (0, 1))][0]
        problems.append(
            Problem("treatment not coded 0/1", column="treatment", value=str(bad), expected="0 or 1")
        )
    if not problems and not np.isfinite(design).all():
        row, col = np.argwhere(~np.isfinite(design))[0]
        problems.append(
            Problem(
                "missing or infinite covariate value",
                row=int(row) + 1,
                column=names[col],
                value=str(design[row, col]),
                expected="a finite number (impute or drop the patient first)",
            )
        )
    if problems:
        raise InputError("Propensity score cannot be estimated", problems)


def propensity_score(
    treatment: np.ndarray, design: np.ndarray, names: Sequence[str] | None = None
) -> PropensityScore:
    """Propensity score by logistic regression of treatment on the design matrix, as R ``glm``.

    e(x) = expit(b0 + x'b), with b the maximum-likelihood estimate of
    ``glm(treat ~ X, family = binomial)`` (an intercept is added; aliased columns are dropped as R
    drops them). The logit is the linear predictor b0 + x'b, computed directly (not as
    log(e / (1 - e)), which loses precision near 0 and 1).

    Parameters
    ----------
    treatment : numpy.ndarray
        0/1 treatment indicator, one per unit.
    design : numpy.ndarray
        (n, p) numeric covariate matrix (categorical covariates already dummy-coded, splines
        already expanded), no intercept column, no missing values.
    names : sequence of str, optional
        Column names (used in messages and in ``fit``); default ``x1 .. xp``.

    Returns
    -------
    PropensityScore
        ``score``, ``logit``, ``coefficients`` (intercept first) and ``fit``.

    References
    ----------
    Rosenbaum PR, Rubin DB. The central role of the propensity score in observational studies
    for causal effects. Biometrika 1983;70:41-55.

    Examples
    --------
    >>> t = np.array([0, 0, 1, 0, 1, 1, 0, 1])
    >>> x = np.array([[1.0], [2.0], [3.0], [4.0], [5.0], [2.5], [3.5], [6.0]])
    >>> ps = propensity_score(t, x)
    >>> np.round(ps.score[:3], 4).tolist()
    [0.1292, 0.2509, 0.4307]
    """
    treatment = np.asarray(treatment)
    design = np.asarray(design, dtype=float)
    if design.ndim == 1:
        design = design[:, None]
    names = list(names) if names is not None else [f"x{j + 1}" for j in range(design.shape[1])]
    _check_inputs(treatment, design, names)
    frame = pd.DataFrame(design, columns=names)
    frame[_TREATMENT] = treatment.astype(int)
    fit = logistic_regression(frame, _TREATMENT, names)
    coefficients = np.array([fit.details["intercept"], *(term.coefficient for term in fit.terms)])
    linear = coefficients[0] + design @ np.nan_to_num(coefficients[1:], nan=0.0)
    from scipy.special import expit

    return PropensityScore(score=expit(linear), logit=linear, coefficients=coefficients, fit=fit)
