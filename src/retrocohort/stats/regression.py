"""Logistic and Cox proportional-hazards regression with odds / hazard ratios and Wald CIs.

Both take a pandas frame, the outcome column(s) and the predictors, with categorical
predictors treatment-coded against a declared reference level
(:mod:`retrocohort.stats.regression_design`). Numbers equal R's ``glm(family = binomial)``
with ``confint.default`` (Wald) and ``survival::coxph(ties = "efron")``: same likelihoods;
the logistic fit also repeats R's IRLS start and stopping rule, so that its standard errors
(taken from the last IRLS weights, as R's) agree with R's to rounding.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from retrocohort.errors import InputError, Problem
from retrocohort.stats.regression_design import (
    Design,
    RegressionResult,
    binary_outcome,
    build_design,
    plain_scalar,
    wald_terms,
)

R_GLM_EPSILON = 1e-8  # glm.control(epsilon)
R_GLM_MAXIT = 25  # glm.control(maxit)
_FITTED_EPS = 10 * np.finfo(float).eps  # R glm.fit: "fitted probabilities numerically 0 or 1"
_HUGE_COEF = 10.0  # |log ratio| beyond this with a large SE suggests an infinite estimate


def _check_conf(conf_level: float) -> None:
    if not 0 < conf_level < 1:
        raise ValueError(f"conf_level must be in (0, 1), got {conf_level!r}")


def _empty_level_notes(design: Design, frame: pd.DataFrame, flag: np.ndarray, what: str) -> list[str]:
    """Notes for categorical levels in which ``flag`` (events, or non-events) never occurs."""
    notes = []
    for variable, counts in design.level_counts.items():
        values = frame.loc[design.rows, variable]
        for level in counts:
            in_level = (values.astype(str) == level).to_numpy()
            if in_level.any() and not flag[in_level].any():
                notes.append(f"no {what} in {variable} = {level}")
    return notes


def _binary_term_notes(design: Design, flag: np.ndarray, what: str) -> list[str]:
    """Notes for 0/1 terms (boolean predictors, dummy columns) with a value at which ``flag``
    (events, or non-events) never occurs: a zero cell of the term-by-outcome table, the cause of
    (quasi-)complete separation that R's fitted-probability warning can miss (the estimate
    stops growing at R's deviance tolerance before any fitted probability reaches 0 or 1)."""
    notes = []
    for j, (term, _variable, level, _reference) in enumerate(design.terms):
        column = design.matrix[:, j]
        if level is not None or not np.isin(column, (0.0, 1.0)).all():
            continue  # categorical levels: _empty_level_notes; numeric terms: not a cell table
        for value in (0.0, 1.0):
            at = column == value
            if at.any() and not flag[at].any():
                notes.append(f"no {what} where {term} = {int(value)}: odds ratio and CI unreliable")
    return notes


def logistic_regression(
    frame: pd.DataFrame,
    outcome: str,
    predictors: Sequence[str],
    *,
    reference_levels: Mapping[str, Any] | None = None,
    event_level: Any | None = None,
    conf_level: float = 0.95,
    source: str | None = None,
) -> RegressionResult:
    """Binary logistic regression by maximum likelihood, as R ``glm(family = binomial)``.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per patient.
    outcome : str
        Binary outcome column (0/1 or boolean, or any values with ``event_level``).
    predictors : sequence of str
        Predictor columns: numeric/boolean as is, categorical treatment-coded.
    reference_levels : mapping, optional
        Reference level of every categorical predictor (required for each).
    event_level : optional
        Outcome value counted as the event.
    conf_level : float
        Level of the Wald confidence intervals.
    source : str, optional
        Name of the input file, used in error messages.

    Returns
    -------
    RegressionResult
        Terms with odds ratios, Wald CI exp(b -/+ z se) (R ``confint.default``; R's
        ``confint`` on a glm is profile likelihood) and Wald p; n complete cases, events,
        convergence, and notes on (quasi-)complete separation: fitted probabilities
        numerically 0 or 1 (R's warning), a categorical level without events or non-events,
        or non-convergence.

    Notes
    -----
    statsmodels GLM, Binomial family, logit link, IRLS from mu = (y + 1/2)/2 until
    |dev - dev_old| <= 1e-9 + 1e-8 |dev| (R glm.fit: < 1e-8 (|dev| + 0.1)), at most 25 steps.
    McCullagh & Nelder (1989), Generalized Linear Models, 2nd ed.
    """
    import statsmodels.api as sm

    _check_conf(conf_level)
    design = build_design(frame, predictors, reference_levels or {}, [outcome], source)
    y = binary_outcome(frame.loc[design.rows, outcome], outcome, event_level, source)
    n, events = int(y.size), int(y.sum())
    if events == 0 or events == n:
        raise InputError(
            f"Logistic regression of '{outcome}' impossible",
            [
                Problem(
                    "all complete cases have the same outcome",
                    file=source,
                    column=outcome,
                    value=f"{events} events in {n}",
                    expected="both events and non-events",
                )
            ],
        )
    exog = sm.add_constant(design.matrix, has_constant="add")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # R glm.fit's stopping rule |dev - dev_old| < 1e-8 (|dev| + 0.1), start mu = (y + 1/2)/2;
        # the covariance comes, as in R, from the weights of the last IRLS step
        fit = sm.GLM(y, exog, family=sm.families.Binomial()).fit(
            method="IRLS", tol=R_GLM_EPSILON * 0.1, rtol=R_GLM_EPSILON, maxiter=R_GLM_MAXIT
        )
    fitted = np.asarray(fit.fittedvalues)
    notes = []
    converged = bool(fit.converged)
    if not converged:
        notes.append("did not converge (estimates unreliable)")
    n_extreme = int(((fitted < _FITTED_EPS) | (fitted > 1 - _FITTED_EPS)).sum())
    if n_extreme:
        notes.append(
            f"possible (quasi-)complete separation: fitted probabilities numerically 0 or 1 "
            f"for {n_extreme} patient(s); odds ratios and CIs unreliable"
        )
    notes += _empty_level_notes(design, frame, y == 1, "events")
    notes += _empty_level_notes(design, frame, y == 0, "non-events")
    notes += _binary_term_notes(design, y == 1, "events") + _binary_term_notes(design, y == 0, "non-events")
    if any("separation" in str(w.message).lower() for w in caught) and not n_extreme:
        notes.append("statsmodels reports perfect separation")
    params, bse = np.asarray(fit.params), np.asarray(fit.bse)
    return RegressionResult(
        model="logistic",
        outcome=outcome,
        method=(
            "Logistic regression (binomial GLM, logit link, maximum likelihood by IRLS, as R glm); "
            f"odds ratios with {conf_level:.0%} Wald CIs exp(b -/+ z se) and Wald z-test p-values; "
            "complete cases; categorical predictors treatment-coded against the stated reference."
        ),
        terms=wald_terms(design, params[1:], bse[1:], conf_level),
        n=n,
        n_events=events,
        n_dropped=design.n_dropped,
        converged=converged,
        log_likelihood=float(fit.llf),
        conf_level=conf_level,
        notes=tuple(notes),
        details={
            "intercept": float(params[0]),
            "intercept_se": float(bse[0]),
            "deviance": float(fit.deviance),
            "iterations": int(fit.fit_history["iteration"]),
        },
    )


def cox_regression(
    frame: pd.DataFrame,
    time: str,
    event: str,
    predictors: Sequence[str],
    *,
    reference_levels: Mapping[str, Any] | None = None,
    conf_level: float = 0.95,
    source: str | None = None,
) -> RegressionResult:
    """Cox proportional-hazards regression, Efron ties, as R ``survival::coxph(ties = "efron")``.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per patient.
    time, event : str
        Follow-up time column (>= 0) and event column (1 event, 0 censored; boolean allowed).
    predictors, reference_levels, conf_level, source
        As :func:`logistic_regression`.

    Returns
    -------
    RegressionResult
        Terms with hazard ratios, Wald CI exp(b -/+ z se) and Wald p (R's ``summary(coxph)``),
        n, events, convergence (a further Newton step would gain < 1e-9 relative log-likelihood) and notes (a categorical level
        without events, a diverging coefficient: R's "coefficient may be infinite").

    Notes
    -----
    statsmodels PHReg (partial likelihood with Efron's approximation for tied event times),
    Newton-Raphson. Cox (1972), JRSS-B 34:187-220; Efron (1977), JASA 72:557-565.
    """
    from statsmodels.duration.hazard_regression import PHReg

    _check_conf(conf_level)
    design = build_design(frame, predictors, reference_levels or {}, [time, event], source)
    t = pd.to_numeric(frame.loc[design.rows, time], errors="coerce")
    status = binary_outcome(frame.loc[design.rows, event], event, None, source)
    bad = t.isna() | (t < 0)
    if bad.any():
        raise InputError(
            f"Invalid follow-up times in {source or 'regression input'}",
            [
                Problem(
                    "time must be a non-negative number",
                    file=source,
                    row=int(i) if isinstance(i, (int, np.integer)) else None,
                    column=time,
                    value=plain_scalar(frame.loc[i, time]),
                    expected="a number >= 0",
                )
                for i in t.index[bad][:20]
            ],
        )
    n, events = int(status.size), int(status.sum())
    if events == 0:
        raise InputError(
            f"Cox regression on '{time}' impossible",
            [
                Problem(
                    "no events among the complete cases",
                    file=source,
                    column=event,
                    value=0,
                    expected="at least one event",
                )
            ],
        )
    model = PHReg(t.to_numpy(dtype=float), design.matrix, status=status, ties="efron")
    params, cov, loglik, iterations = _newton_with_step_halving(model, design.matrix.shape[1])
    bse = np.sqrt(np.diag(cov))
    score = np.asarray(model.score(params))
    # Converged when the log-likelihood a further Newton step could gain (half the Newton
    # decrement, score' I^-1 score / 2) is below R coxph's relative tolerance (1e-9): free of the
    # predictors' scale, unlike a bound on the score (a score of 1e-5 on a 0-100 score is converged)
    gain = float(score @ cov @ score) / 2 if np.all(np.isfinite(cov)) else np.inf
    converged = bool(np.all(np.isfinite(params)) and gain <= 1e-9 * max(1.0, abs(loglik)))
    notes = [] if converged else ["did not converge (estimates unreliable)"]
    notes += _empty_level_notes(design, frame, status == 1, "events")
    diverging = [
        term
        for (term, *_), b, se in zip(design.terms, params, bse, strict=True)
        if abs(b) > _HUGE_COEF and se > abs(b)
    ]
    if diverging:
        notes.append(f"coefficient may be infinite (monotone likelihood): {', '.join(diverging)}")
    return RegressionResult(
        model="cox",
        outcome=f"{time} / {event}",
        method=(
            "Cox proportional-hazards regression (partial likelihood, Efron ties, Newton-Raphson, "
            f"as R coxph); hazard ratios with {conf_level:.0%} Wald CIs exp(b -/+ z se) and Wald "
            "z-test p-values; complete cases; categorical predictors treatment-coded against the "
            "stated reference."
        ),
        terms=wald_terms(design, params, bse, conf_level),
        n=n,
        n_events=events,
        n_dropped=design.n_dropped,
        converged=converged,
        log_likelihood=loglik,
        conf_level=conf_level,
        notes=tuple(notes),
        details={"max_abs_score": float(np.max(np.abs(score))), "iterations": iterations},
    )


def _newton_with_step_halving(
    model: Any,
    k: int,
    maxiter: int = 100,
) -> tuple[np.ndarray, np.ndarray, float, int]:
    """Maximise a statsmodels model's log-likelihood by Newton-Raphson from 0 with step halving
    (as R's coxph: a step that lowers the likelihood is halved), until the score is below 1e-10
    or the likelihood stops changing. Returns (params, covariance = inverse observed
    information, log-likelihood, iterations). statsmodels' own Newton has no step halving and
    diverges on, e.g., pbc's edema indicator."""
    beta = np.zeros(k)
    loglik = float(model.loglike(beta))
    iterations = 0
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        while iterations < maxiter:
            iterations += 1
            score, hessian = np.asarray(model.score(beta)), np.asarray(model.hessian(beta))
            if np.max(np.abs(score)) < 1e-10:
                break
            try:
                step = np.linalg.solve(-hessian, score)
            except np.linalg.LinAlgError:
                break
            for _ in range(60):
                candidate = beta + step
                new = float(model.loglike(candidate))
                if np.isfinite(new) and new >= loglik:
                    break
                step = step / 2
            else:
                break
            change = new - loglik
            beta, loglik = candidate, new
            if change <= 1e-15 * abs(loglik) and np.max(np.abs(step)) < 1e-12:
                break
        try:
            cov = np.linalg.inv(-np.asarray(model.hessian(beta)))
        except np.linalg.LinAlgError:
            cov = np.full((k, k), np.nan)
    return beta, cov, loglik, iterations
