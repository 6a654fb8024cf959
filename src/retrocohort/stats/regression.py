"""Logistic and Cox proportional-hazards regression with odds / hazard ratios and Wald CIs.

Both take a pandas frame, the outcome column(s) and the predictors, with categorical
predictors treatment-coded against a declared reference level
(:mod:`retrocohort.stats.regression_design`). Numbers equal R's ``glm(family = binomial)``
with ``confint.default`` (Wald) and ``survival::coxph(ties = "efron")``: same likelihoods,
maximised to full precision (R's stopping rules end earlier: with ``glm.control(epsilon =
1e-14, maxit = 100)`` / ``coxph.control(eps = 1e-14, iter.max = 100)`` R agrees to ~1e-12).
Aliased terms are dropped as R drops them (:mod:`retrocohort.stats.aliasing`); terms with an
infinite estimate (separation) get no CI or p-value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from retrocohort.errors import InputError, Problem
from retrocohort.stats.aliasing import (
    R_GLM_QR_TOL,
    Aliasing,
    aliasing_notes,
    cholesky2_aliased,
    combinations_of,
    limited_pivoting_qr,
)
from retrocohort.stats.cox_zph import cox_zph
from retrocohort.stats.newton import NewtonFit, newton_maximise
from retrocohort.stats.regression_design import (
    Design,
    RegressionResult,
    TermTest,
    binary_outcome,
    build_design,
    case_weights,
    cluster_labels,
    plain_scalar,
    wald_terms,
)
from retrocohort.stats.sandwich import cluster_sandwich, robust_variance_text
from retrocohort.stats.weighted_cox import WeightedCox

_FITTED_EPS = 10 * np.finfo(float).eps  # R glm.fit: "fitted probabilities numerically 0 or 1"


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
                notes.append(f"no {what} where {term} = {int(value)}")
    return notes


def _diverging(fit: NewtonFit, matrix: np.ndarray) -> np.ndarray:
    """Coefficients still moving at the end (R coxph's test for an infinite coefficient: the
    pending Newton step exceeds sqrt(1e-9) |b|), and by more than 1e-9 on the scale of the
    linear predictor (root mean square of the column times the step)."""
    step = np.abs(fit.next_step)
    rms = np.sqrt(np.mean(matrix**2, axis=0))
    moving = (step > np.sqrt(1e-9) * np.abs(fit.params)) & (step * rms > 1e-9)
    return moving | ~np.isfinite(fit.next_step)


def _glm_aliasing(design: Design) -> Aliasing:
    """R glm's aliasing: limited-pivoting QR of [1, X] with glm.fit's tolerance (1e-11 at the
    default epsilon; at R's start mu = (y + 1/2) / 2 the IRLS weights are all equal, so the
    weighted matrix is this one up to a factor)."""
    n = design.matrix.shape[0]
    return limited_pivoting_qr(np.column_stack([np.ones(n), design.matrix]), tol=R_GLM_QR_TOL)


def _kept_assign(design: Design, kept: np.ndarray) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """Each term's columns among the kept (non-aliased) ones, as R's ``fit$assign`` after
    ``cox.zph`` drops NA coefficients; a term with every column aliased is left out."""
    position = np.cumsum(kept) - 1
    out = []
    for name, cols in design.assign():
        mine = tuple(int(position[j]) for j in cols if kept[j])
        if mine:
            out.append((name, mine))
    return tuple(out)


def _cox_aliasing(
    design: Design, time: np.ndarray, status: np.ndarray, ties: str, strata: np.ndarray | None = None
) -> Aliasing:
    """R coxph's aliasing: ``cholesky2`` of the information at b = 0 of the covariates centred
    and scaled as ``coxfit6`` does (x - mean, times 1 / mean |x - mean|), columns in model order;
    column 0 of the result is a constant (never aliased), for :func:`aliasing_notes`."""
    from statsmodels.duration.hazard_regression import PHReg

    x = design.matrix - design.matrix.mean(axis=0)
    spread = np.mean(np.abs(x), axis=0)
    x = x / np.where(spread > 0, spread, 1.0)
    with np.errstate(all="ignore"):
        information = -np.asarray(
            PHReg(time, x, status=status, ties=ties, strata=strata).hessian(np.zeros(x.shape[1]))
        )
    aliased = np.concatenate([[False], cholesky2_aliased(information)])
    full = np.column_stack([np.ones(x.shape[0]), design.matrix])
    return Aliasing(aliased=aliased, combinations=combinations_of(full, aliased))


def _alias_notes(design: Design, aliasing: Aliasing, constant: str) -> list[str]:
    names = [constant] + [term for term, *_ in design.terms]
    return aliasing_notes(aliasing, names)


def _separated_terms(design: Design, frame: pd.DataFrame, flags: Sequence[np.ndarray]) -> set[int]:
    """Indices of the terms with a zero cell: a 0/1 term with a value at which a flag (events,
    or non-events) never occurs; a categorical level without it (every level of the variable
    when it is the reference level)."""
    out: set[int] = set()
    for j, (_term, variable, level, reference) in enumerate(design.terms):
        column = design.matrix[:, j]
        values = frame.loc[design.rows, variable].astype(str).to_numpy() if level is not None else None
        for flag in flags:
            if level is not None:
                for lev in (level, reference):
                    at = values == lev
                    if at.any() and not flag[at].any():
                        out.add(j)
            elif np.isin(column, (0.0, 1.0)).all():
                for value in (0.0, 1.0):
                    at = column == value
                    if at.any() and not flag[at].any():
                        out.add(j)
    return out


def _full(values: np.ndarray, kept: np.ndarray) -> np.ndarray:
    """Values of the kept columns at their places, NaN at the aliased ones."""
    out = np.full(kept.size, np.nan)
    out[kept] = values
    return out


def _separation_note(design: Design, separated: set[int], kept: np.ndarray, what: str) -> list[str]:
    """ "<what>: terms; no CI or p-value" for the kept terms with an infinite estimate."""
    names = [design.terms[j][0] for j in sorted(separated) if kept[j]]
    return [f"{what}: {', '.join(names)}; no CI or p-value"] if names else []


def _clusters(frame: pd.DataFrame, design: Design, cluster: str | None) -> np.ndarray | None:
    return cluster_labels(frame.loc[design.rows, cluster]) if cluster else None


def _robust(
    naive_se: np.ndarray, variance: np.ndarray, groups: np.ndarray | None, kept: np.ndarray
) -> tuple[np.ndarray, dict[str, Any]]:
    """Robust SEs and the details recording the variance: the model-based SEs of the terms
    (``naive_std_err``, in term order, NaN for an aliased term) kept for comparison."""
    terms = naive_se[naive_se.size - int(kept.sum()) :]  # without the intercept (logistic)
    return np.sqrt(np.diag(variance)), {
        "variance": "robust",
        "naive_std_err": [float(v) for v in _full(terms, kept)],
        "clusters": int(len(set(groups.tolist()))) if groups is not None else 0,
    }


def _variance_clause(model: str, weights: str | None, cluster: str | None, robust: bool) -> str:
    """ "." for a model-based variance; else "; <the robust variance, as R>."."""
    if not (weights or cluster or robust):
        return "."
    if not (cluster or robust):
        return "; case weights (model-based variance)."
    return "; " + robust_variance_text(model, bool(cluster), bool(weights)) + "."


def _null_logistic(y: np.ndarray, w: np.ndarray | None) -> float:
    """Log-likelihood of the intercept-only model (weighted: at the weighted event rate)."""
    if w is None:
        n, events = y.size, y.sum()
        return float(events * np.log(events / n) + (n - events) * np.log(1 - events / n))
    rate = float(np.sum(w * y) / np.sum(w))
    return float(np.sum(w * (y * np.log(rate) + (1 - y) * np.log(1 - rate))))


def logistic_regression(
    frame: pd.DataFrame,
    outcome: str,
    predictors: Sequence[str],
    *,
    reference_levels: Mapping[str, Any] | None = None,
    event_level: Any | None = None,
    conf_level: float = 0.95,
    source: str | None = None,
    interactions: Sequence[Sequence[str]] = (),
    weights: str | None = None,
    cluster: str | None = None,
    robust: bool = False,
) -> RegressionResult:
    """Binary logistic regression by maximum likelihood, as R ``glm(family = binomial)``.

    Newton-Raphson (= IRLS for the logit link) from b = 0 to the maximum at full precision
    (:func:`newton_maximise`; R's stopping rule: module docstring); SEs from the information.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per patient.
    outcome, predictors : str, sequence of str
        Binary outcome column (0/1, boolean, or any values with ``event_level``); predictor
        columns (numeric/boolean as is, categorical treatment-coded).
    reference_levels : mapping, optional
        Reference level of every categorical predictor (required for each).
    event_level, conf_level : optional, float
        Outcome value counted as the event; level of the Wald confidence intervals.
    source : str, optional
        Name of the input file, used in error messages.
    interactions : sequence of (str, str)
        Pairs of predictors with a product term (R ``a:b``), after the main effects.
    weights, cluster, robust : str, str, bool, optional
        Case-weight column (the weighted likelihood sum w_i l_i, as R ``glm(family =
        quasibinomial, weights = w)``: same estimates as binomial); cluster column (matched
        set); ``robust`` (implied by ``cluster``): robust (sandwich) variance as R
        ``sandwich::vcovCL(fit, cluster = ~ set)`` with its defaults for a glm (HC0 times G/(G-1),
        G clusters; each patient its own cluster without ``cluster``), Wald z CI and p with it
        (``lmtest::coeftest``/``coefci`` on a glm: normal reference). Default: unweighted,
        model-based variance.

    Returns
    -------
    RegressionResult
        Terms with odds ratios, Wald CI exp(b -/+ z se) (R ``confint.default``) and Wald p; n,
        events, convergence, notes. An aliased term is NA and the model fitted without it, as R;
        a term with an infinite estimate (separation) has no CI, z or p and a note.

    References
    ----------
    McCullagh P, Nelder JA. Generalized Linear Models. 2nd ed. Chapman and Hall; 1989. Ch. 4.
    Zeileis A, Koell S, Graham N. Various versatile variances: an object-oriented implementation
    of clustered covariances in R. J Stat Softw 2020;95(1):1-36 (the robust variance).

    Examples
    --------
    >>> frame = pd.DataFrame({"died": [0, 0, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0], "sex": list("FMMFMFFMMFFM"), "age": [40, 45, 50, 52, 60, 61, 38, 70, 55, 66, 48, 58]})
    >>> fit = logistic_regression(frame, "died", ["age", "sex"], reference_levels={"sex": "F"})
    >>> [(t.term, round(t.ratio, 4), round(t.ci_low, 4), round(t.p_value, 4)) for t in fit.terms]
    [('age', 1.2104, 0.976, 0.0821), ('sex: M vs F', 0.3403, 0.0144, 0.5046)]
    """
    from scipy.special import expit

    _check_conf(conf_level)
    extra = [c for c in (weights, cluster) if c]
    design = build_design(frame, predictors, reference_levels or {}, [outcome, *extra], source, interactions)
    y = binary_outcome(frame.loc[design.rows, outcome], outcome, event_level, source)
    w = case_weights(frame.loc[design.rows], weights, source)
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
    aliasing = _glm_aliasing(design)
    kept = ~aliasing.aliased[1:]
    exog = np.column_stack([np.ones(n), design.matrix[:, kept]])

    def loglike(b: np.ndarray) -> float:
        eta = exog @ b
        if w is not None:
            return float(np.sum(w * (y * eta - np.logaddexp(0.0, eta))))
        return float(np.sum(y * eta - np.logaddexp(0.0, eta)))

    def derivatives(b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        mu = expit(exog @ b)
        if w is not None:
            return exog.T @ (w * (y - mu)), -(exog * (w * mu * (1 - mu))[:, None]).T @ exog
        return exog.T @ (y - mu), -(exog * (mu * (1 - mu))[:, None]).T @ exog

    fit = newton_maximise(loglike, derivatives, np.zeros(exog.shape[1]))
    fitted = expit(exog @ fit.params)
    notes = _alias_notes(design, aliasing, "the intercept")
    if not fit.converged:
        notes.append("did not converge (estimates unreliable)")
    n_extreme = int(((fitted < _FITTED_EPS) | (fitted > 1 - _FITTED_EPS)).sum())
    if n_extreme:
        notes.append(
            f"possible (quasi-)complete separation: fitted probabilities numerically 0 or 1 "
            f"for {n_extreme} {'patient' if n_extreme == 1 else 'patients'}"
        )
    notes += _empty_level_notes(design, frame, y == 1, "events")
    notes += _empty_level_notes(design, frame, y == 0, "non-events")
    notes += _binary_term_notes(design, y == 1, "events") + _binary_term_notes(design, y == 0, "non-events")
    separated = _separated_terms(design, frame, (y == 1, y == 0))
    separated |= set(np.flatnonzero(kept)[_diverging(fit, exog)[1:]].tolist())
    notes += _separation_note(design, separated, kept, "odds ratio may be infinite (separation)")
    se = np.sqrt(np.diag(fit.cov))
    variance: dict[str, Any] = {}
    if robust or cluster:
        groups = _clusters(frame, design, cluster)
        contributions = exog * ((1.0 if w is None else w) * (y - fitted))[:, None]
        robust_cov = cluster_sandwich(contributions, fit.cov, groups, small_sample=True)
        se, variance = _robust(se, robust_cov, groups, kept)
    return RegressionResult(
        model="logistic",
        outcome=outcome,
        method=(
            "Logistic regression (binomial GLM, logit link, maximum likelihood, as R glm); "
            f"odds ratios with {conf_level:.0%} Wald CIs exp(b -/+ z se) and Wald z-test p-values; "
            "complete cases; categorical predictors treatment-coded against the stated reference"
            + _variance_clause("logistic", weights, cluster, robust)
        ),
        terms=wald_terms(
            design, _full(fit.params[1:], kept), _full(se[1:], kept), conf_level, no_interval=separated
        ),
        n=n,
        n_events=events,
        n_dropped=design.n_dropped,
        converged=fit.converged,
        log_likelihood=fit.loglik,
        conf_level=conf_level,
        notes=tuple(notes),
        details={
            "intercept": float(fit.params[0]),
            "intercept_se": float(se[0]),
            "deviance": -2.0 * fit.loglik,
            "iterations": fit.iterations,
            "rank": aliasing.rank,
            "null_log_likelihood": _null_logistic(y, w),
            **variance,
        },
        rows=design.rows,
        assign=_kept_assign(design, kept),
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
    ties: str = "efron",
    strata: str | None = None,
    interactions: Sequence[Sequence[str]] = (),
    ph_test: bool = True,
    weights: str | None = None,
    cluster: str | None = None,
    robust: bool = False,
) -> RegressionResult:
    """Cox proportional-hazards regression (partial likelihood, Efron ties) as R ``coxph(ties = "efron")``.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per patient.
    time, event : str
        Follow-up time column (>= 0) and event column (1 event, 0 censored; boolean allowed).
    predictors, reference_levels, conf_level, source
        As :func:`logistic_regression`.
    ties : {"efron", "breslow"}
        Approximation of the partial likelihood for tied event times (R's ``ties``).
    strata : str, optional
        Column whose values define strata: a separate baseline hazard per stratum (stratified
        partial likelihood, R ``+ strata(s)``); rows with a missing stratum are dropped.
    interactions : sequence of (str, str)
        Pairs of predictors with a product term (R ``a:b``), after the main effects.
    ph_test : bool
        Also test proportional hazards per term and globally (:func:`cox_zph`, R ``cox.zph``;
        not on a weighted or robust fit).
    weights, cluster, robust : str, str, bool, optional
        Case-weight column (weighted partial likelihood, R ``coxph(weights = w)``:
        :class:`~retrocohort.stats.weighted_cox.WeightedCox`); cluster column (matched set);
        ``robust`` (implied by ``cluster``): the Lin-Wei robust sandwich variance, D'D with D
        the weighted ``dfbeta`` residuals summed within clusters (each patient its own cluster
        without ``cluster``), as R ``coxph(..., weights = w, cluster = set)`` /
        ``coxph(..., weights = w, robust = TRUE)``; Wald z, CI and p use it (R's "robust se").

    Returns
    -------
    RegressionResult
        Terms with hazard ratios, Wald CI and p (R's ``summary(coxph)``), n, events,
        convergence, notes: an aliased term (NA, as coxph), a level without events, a diverging
        coefficient (R's "coefficient may be infinite"; no CI or p); ``ph_tests`` per term and
        "GLOBAL".

    References
    ----------
    Cox DR. Regression models and life-tables. J R Stat Soc B 1972;34:187-220.
    Efron B. The efficiency of Cox's likelihood function for censored data. JASA 1977;72:557-65.
    Kalbfleisch JD, Prentice RL. The Statistical Analysis of Failure Time Data. 2nd ed. Wiley;
    2002. Sec. 4.4 (stratified model).
    Lin DY, Wei LJ. The robust inference for the Cox proportional hazards model. JASA
    1989;84:1074-8 (the robust variance).

    Examples
    --------
    >>> frame = pd.DataFrame({"time": [2, 3, 3, 5, 6, 8, 9, 12, 4, 7, 10, 11], "event": [1, 1, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1], "age": [40, 45, 50, 52, 60, 61, 38, 70, 55, 66, 48, 58]})
    >>> t = cox_regression(frame, "time", "event", ["age"]).term("age")
    >>> round(t.coefficient, 5), round(t.ratio, 5), round(t.std_err, 5), round(t.p_value, 5)
    (-0.04623, 0.95482, 0.03641, 0.20424)
    """
    from statsmodels.duration.hazard_regression import PHReg

    _check_conf(conf_level)
    if ties not in ("efron", "breslow"):
        raise ValueError(f"ties must be 'efron' or 'breslow', got {ties!r}")
    required = [time, event] + ([strata] if strata else []) + [c for c in (weights, cluster) if c]
    design = build_design(frame, predictors, reference_levels or {}, required, source, interactions)
    stratum = frame.loc[design.rows, strata].astype(str).to_numpy() if strata else None
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
    aliasing = _cox_aliasing(design, t.to_numpy(dtype=float), status, ties, stratum)
    kept = ~aliasing.aliased[1:]
    matrix = design.matrix[:, kept]
    w = case_weights(frame.loc[design.rows], weights, source)
    weighted = w is not None or robust or cluster is not None
    if weighted:
        wcox = WeightedCox(
            t.to_numpy(dtype=float), status, matrix, np.ones(n) if w is None else w, ties, stratum
        )
        fit = newton_maximise(wcox.loglike, wcox.derivatives, np.zeros(matrix.shape[1]))
    else:
        model = PHReg(t.to_numpy(dtype=float), matrix, status=status, ties=ties, strata=stratum)
        fit = newton_maximise(
            lambda b: float(model.loglike(b)),
            lambda b: (np.asarray(model.score(b)), np.asarray(model.hessian(b))),
            np.zeros(matrix.shape[1]),
        )
    notes = _alias_notes(design, aliasing, "a constant")
    if not fit.converged:
        notes.append("did not converge (estimates unreliable)")
    notes += _empty_level_notes(design, frame, status == 1, "events")
    separated = _separated_terms(design, frame, (status == 1,))
    separated |= set(np.flatnonzero(kept)[_diverging(fit, matrix)].tolist())
    notes += _separation_note(
        design,
        separated,
        kept,
        "hazard ratio may be infinite (monotone likelihood, R: 'coefficient may be infinite')",
    )
    se = np.sqrt(np.diag(fit.cov))
    assign = _kept_assign(design, kept)
    variance: dict[str, Any] = {}
    if weighted:
        null_loglik, max_score = wcox.loglike(np.zeros(matrix.shape[1])), wcox.derivatives(fit.params)[0]
        if robust or cluster:
            groups = _clusters(frame, design, cluster)
            residuals = wcox.score_residuals(fit.params) * wcox.weights[:, None]
            se, variance = _robust(se, cluster_sandwich(residuals, fit.cov, groups), groups, kept)
    else:
        null = PHReg(t.to_numpy(dtype=float), np.zeros((n, 1)), status=status, ties=ties, strata=stratum)
        null_loglik, max_score = float(null.loglike(np.zeros(1))), np.asarray(model.score(fit.params))
    zph = (
        cox_zph(t.to_numpy(dtype=float), status, matrix, fit.params, assign, strata=stratum, ties=ties)
        if ph_test and matrix.shape[1] and not weighted
        else ()
    )
    return RegressionResult(
        model="cox",
        outcome=f"{time} / {event}",
        method=(
            f"Cox proportional-hazards regression (partial likelihood, {ties.capitalize()} ties, Newton-Raphson, "
            f"as R coxph); hazard ratios with {conf_level:.0%} Wald CIs exp(b -/+ z se) and Wald "
            "z-test p-values; complete cases; categorical predictors treatment-coded against the "
            "stated reference"
            + (
                f"; stratified by {strata} (a separate baseline hazard per stratum, as R strata())"
                if strata
                else ""
            )
            + _variance_clause("cox", weights, cluster, robust)
        ),
        terms=wald_terms(design, _full(fit.params, kept), _full(se, kept), conf_level, no_interval=separated),
        n=n,
        n_events=events,
        n_dropped=design.n_dropped,
        converged=fit.converged,
        log_likelihood=fit.loglik,
        conf_level=conf_level,
        notes=tuple(notes),
        details={
            "max_abs_score": float(np.max(np.abs(max_score), initial=0.0)),
            "iterations": fit.iterations,
            "rank": aliasing.rank - 1,
            "null_log_likelihood": float(null_loglik),
            **variance,
        },
        strata=strata,
        ph_tests=tuple(TermTest(z.term, z.chisq, z.df, z.p_value) for z in zph),
        rows=design.rows,
        assign=assign,
    )
