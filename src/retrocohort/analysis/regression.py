"""Regression analyses of a cohort: one univariable model per candidate predictor and one
multivariable model, logistic or Cox, at full precision (gtsummary's ``tbl_uvregression`` and
``tbl_regression`` in one result).

Each univariable model uses the patients with a known outcome and a known value of its own
predictor (complete cases per model, as ``tbl_uvregression``); the multivariable model those
with every one of its predictors known, so n differs between models and is reported per model.
The fits are :func:`retrocohort.stats.logistic_regression` (R ``glm(family = binomial)``, Wald
CIs) and :func:`retrocohort.stats.cox_regression` (R ``coxph``, Efron ties).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from retrocohort.errors import ConfigError, InputError, Problem
from retrocohort.stats import RegressionResult, cox_regression, logistic_regression
from retrocohort.stats.likelihood_ratio import drop_term_tests

MODEL_KINDS = ("logistic", "cox")
UNIVARIABLE = "univariable"
MULTIVARIABLE = "multivariable"


@dataclass(frozen=True)
class RegressionAnalysis:
    """Univariable results by predictor (spec order) and the multivariable result (or None)."""

    kind: str
    univariable: Mapping[str, RegressionResult]
    multivariable: RegressionResult | None
    per: Mapping[str, float] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """One row per model term: ``analysis`` (univariable / multivariable), ``predictor``
        (the model's candidate, empty for the multivariable model) and the columns of
        :meth:`RegressionResult.to_frame` (coefficient, std_err, ratio, CI, z, p, n, events,
        convergence, notes, method), at full precision."""
        parts = [
            res.to_frame().assign(analysis=UNIVARIABLE, predictor=name)
            for name, res in self.univariable.items()
        ]
        if self.multivariable is not None:
            parts.append(self.multivariable.to_frame().assign(analysis=MULTIVARIABLE, predictor=""))
        frame = pd.concat(parts, ignore_index=True)
        if self.per:  # the units each ratio is per (only when the spec rescales a predictor)
            frame["per"] = [float(self.per.get(v, 1.0)) for v in frame["variable"]]
        first = ["analysis", "predictor"]
        return frame[first + [c for c in frame.columns if c not in first]]


def _config_problem(key: str, value: Any, message: str, expected: str) -> ConfigError:
    return ConfigError(
        "Invalid regression specification",
        [Problem(message, file="config", column=key, value=value, expected=expected)],
    )


def check_regression_spec(spec: Mapping[str, Any], columns: pd.Index, where: str = "regression") -> None:
    """ConfigError naming the key of ``spec`` that is missing, unknown or not a data column.

    Keys: ``kind`` (logistic | cox), ``outcome`` (logistic) or ``time`` and ``event`` (cox),
    ``predictors`` (non-empty list of candidates), optional ``multivariable`` (list; each must
    be a column), ``reference_levels`` ({predictor: level}), ``event_level`` (logistic),
    ``strata`` (cox: a column that is no predictor), ``interactions`` (pairs of multivariable
    predictors).

    Parameters
    ----------
    spec : mapping
        The model specification.
    columns : pandas.Index
        The data's columns.
    where : str
        Config path of ``spec``, named in the error.

    Returns
    -------
    None

    Raises
    ------
    ConfigError
        Naming ``<where>.<key>``, its value and what was expected.

    References
    ----------
    Validation only; the models' references are those of :func:`fit_model`.

    Examples
    --------
    >>> check_regression_spec({"kind": "cox", "time": "t", "event": "e", "predictors": ["x"], "strata": "x"}, pd.Index(["t", "e", "x"]))
    Traceback (most recent call last):
    ...
    retrocohort.errors.ConfigError: Invalid regression specification...
    """
    kind = spec.get("kind")
    if kind not in MODEL_KINDS:
        raise _config_problem(f"{where}.kind", kind, "unknown model kind", f"one of {MODEL_KINDS}")
    needed = ["outcome"] if kind == "logistic" else ["time", "event"]
    for key in needed:
        if spec.get(key) not in columns:
            raise _config_problem(
                f"{where}.{key}", spec.get(key), "not a column of the data", f"one of {list(columns)}"
            )
    predictors = spec.get("predictors")
    if not predictors or isinstance(predictors, str):
        raise _config_problem(
            f"{where}.predictors", predictors, "no candidate predictors", "a list of columns"
        )
    for key in ("predictors", "multivariable"):
        for i, name in enumerate(spec.get(key) or []):
            if name not in columns:
                raise _config_problem(
                    f"{where}.{key}/{i}", name, "not a column of the data", f"one of {list(columns)}"
                )
    modelled = {spec[k] for k in ("outcome", "time", "event") if k in spec}
    for key in ("predictors", "multivariable"):
        for i, name in enumerate(spec.get(key) or []):
            if name in modelled:
                raise _config_problem(
                    f"{where}.{key}/{i}", name, "the model's own outcome, time or event", "another variable"
                )
    multi = list(spec.get("multivariable") or [])
    strata = spec.get("strata")
    if strata is not None:
        if kind != "cox":
            raise _config_problem(f"{where}.strata", strata, "strata apply to a Cox model only", "model: cox")
        if strata not in columns:
            raise _config_problem(
                f"{where}.strata", strata, "not a column of the data", f"one of {list(columns)}"
            )
        if strata in set(predictors) | set(multi) | modelled:
            raise _config_problem(
                f"{where}.strata",
                strata,
                "the stratification variable is also a predictor, the time or the event",
                "a variable that is not otherwise in the model",
            )
    for i, pair in enumerate(spec.get("interactions") or []):
        if len(pair) != 2 or len(set(pair)) != 2 or not set(pair) <= set(multi):
            raise _config_problem(
                f"{where}.interactions/{i}",
                list(pair),
                "an interaction needs two distinct variables of the multivariable model",
                f"two of multivariable: {multi}",
            )
    for name in spec.get("reference_levels") or {}:
        if name not in set(predictors) | set(spec.get("multivariable") or []):
            raise _config_problem(
                f"{where}.reference_levels",
                name,
                "reference level for a variable not in the models",
                "a predictor name",
            )


def fit_model(
    frame: pd.DataFrame,
    spec: Mapping[str, Any],
    predictors: list[str],
    source: str | None = None,
    interactions: list[tuple[str, str]] | None = None,
) -> RegressionResult:
    """Fit the model of ``spec['kind']`` on ``predictors`` (reference levels restricted to them).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per patient.
    spec : mapping
        See :func:`regression_analysis` (``kind``, outcome keys, ``reference_levels``,
        ``event_level``, ``conf_level``, ``strata``).
    predictors : list of str
        The model's predictors.
    source : str, optional
        Input file named in error messages.
    interactions : list of (str, str), optional
        Product terms among ``predictors``.

    Returns
    -------
    RegressionResult
        :func:`retrocohort.stats.logistic_regression` or :func:`retrocohort.stats.cox_regression`
        (stratified by ``spec['strata']``, with its proportional-hazards tests; with
        ``spec['weights']``, ``spec['cluster']``, ``spec['robust']``: case-weight and cluster
        columns, robust variance).

    References
    ----------
    McCullagh P, Nelder JA. Generalized Linear Models. 2nd ed. Chapman and Hall; 1989.
    Cox DR. Regression models and life-tables. J R Stat Soc B 1972;34:187-220.

    Examples
    --------
    >>> frame = pd.DataFrame({"y": [0, 1, 0, 0, 1, 1, 0, 1], "age": [40, 52, 61, 45, 66, 50, 38, 58]})
    >>> fit = fit_model(frame, {"kind": "logistic", "outcome": "y", "conf_level": 0.95}, ["age"])
    >>> fit.n, round(fit.term("age").ratio, 6)  # R: exp(coef(glm(y ~ age, binomial))) 1.163480
    (8, 1.16348)
    """
    refs = {k: v for k, v in (spec.get("reference_levels") or {}).items() if k in predictors}
    # the loaded table spec always has conf_level (schema default); a direct caller without one
    # gets the method's own default (retrocohort.stats), never a value restated here
    options = {"conf_level": spec["conf_level"]} if "conf_level" in spec else {}
    pairs = list(interactions or [])
    # a matched or weighted sample (a table's `sample:`): case weights, robust variance
    options |= {k: spec[k] for k in ("weights", "cluster", "robust") if spec.get(k)}
    if spec["kind"] == "logistic":
        return logistic_regression(
            frame,
            spec["outcome"],
            predictors,
            reference_levels=refs,
            event_level=spec.get("event_level"),
            source=source,
            interactions=pairs,
            **options,
        )
    return cox_regression(
        frame,
        spec["time"],
        spec["event"],
        predictors,
        reference_levels=refs,
        source=source,
        strata=spec.get("strata"),
        interactions=pairs,
        **options,
    )


def global_tests(
    frame: pd.DataFrame,
    spec: Mapping[str, Any],
    fit: RegressionResult,
    predictors: list[str],
    interactions: list[tuple[str, str]],
    source: str | None = None,
) -> RegressionResult:
    """``fit`` with a likelihood-ratio ("global") test of each term with two or more columns:
    a factor of three or more levels, an interaction on more than 1 df; not a main effect that
    is part of an interaction (R's ``drop1`` keeps marginality).

    Parameters
    ----------
    frame, spec, source
        As :func:`fit_model`.
    fit : RegressionResult
        The full model.
    predictors, interactions
        The full model's predictors and product terms.

    Returns
    -------
    RegressionResult
        ``fit`` with ``global_tests``: each reduced model refitted on the full model's rows
        (its complete cases), as R ``drop1(fit, test = "LRT")``; a model with one term is
        compared with the null model (R ``anova(fit)``).

    References
    ----------
    Wilks SS. The large-sample distribution of the likelihood ratio for testing composite
    hypotheses. Ann Math Stat 1938;9:60-2.

    Examples
    --------
    >>> frame = pd.DataFrame({"y": [0, 1, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0], "arm": list("ABC" * 4)})
    >>> spec = {"kind": "logistic", "outcome": "y", "conf_level": 0.95, "reference_levels": {"arm": "A"}}
    >>> fit = global_tests(frame, spec, fit_model(frame, spec, ["arm"]), ["arm"], [])
    >>> [(t.term, round(t.chisq, 6), t.df) for t in fit.global_tests]
    [('arm', 7.63817, 2)]
    """
    marginal = {name for pair in interactions for name in pair}
    tested = [name for name, columns in fit.assign if len(columns) >= 2 and name not in marginal]
    if not tested:
        return fit
    if fit.details.get("variance") == "robust":  # a likelihood ratio ignores the design's variance
        note = "no likelihood-ratio global p under a robust variance (Wald p per level only)"
        return replace(fit, notes=(*fit.notes, note))
    rows = frame.loc[fit.rows]

    def reduced(term: str) -> tuple[float, int]:
        kept_pairs = [p for p in interactions if f"{p[0]}:{p[1]}" != term]
        kept = [p for p in predictors if p != term]
        if not kept:  # the null model: intercept only (logistic), no covariate (Cox)
            return float(fit.details["null_log_likelihood"]), 1 if fit.model == "logistic" else 0
        smaller = fit_model(rows, spec, kept, source, kept_pairs)
        return smaller.log_likelihood, int(smaller.details["rank"])

    tests = drop_term_tests(fit.log_likelihood, int(fit.details["rank"]), tested, reduced)
    return replace(fit, global_tests=tests)


def regression_analysis(
    frame: pd.DataFrame, spec: Mapping[str, Any], *, source: str | None = None, where: str = "regression"
) -> RegressionAnalysis:
    """Univariable model of each ``spec['predictors']`` and, if ``spec['multivariable']`` lists
    predictors, one multivariable model with all of them.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per patient.
    spec : mapping
        See :func:`check_regression_spec`; optional ``conf_level`` (a loaded table has the
        schema's; absent, the model function's own), ``per``
        (``{predictor: k}``: the predictor is divided by ``k`` before fitting, so its coefficient,
        ratio and CI are per ``k`` units: exp(k * beta), exactly; z and p are unchanged),
        ``global_p`` (a likelihood-ratio test of each multi-column term, :func:`global_tests`),
        ``strata`` (Cox) and ``interactions`` (multivariable model).
    source : str, optional
        Input file named in error messages.
    where : str
        Config path of ``spec``, named in ConfigError messages.

    Returns
    -------
    RegressionAnalysis
        The fitted models (n, events, convergence and separation notes per model).

    Raises
    ------
    ConfigError
        A key of the spec is invalid (naming ``<where>.<key>``).
    InputError
        From the model fits: no event, a predictor without variation, a missing reference level.

    References
    ----------
    Hosmer DW, Lemeshow S, Sturdivant RX. Applied Logistic Regression. 3rd ed. Wiley; 2013.
    Ch. 4 (univariable screening, then a multivariable model).

    Examples
    --------
    >>> frame = pd.DataFrame({"y": [0, 1, 1, 0, 1, 0, 0, 1, 1, 0], "age": [40, 52, 61, 45, 66, 50, 38, 58, 70, 44]})
    >>> res = regression_analysis(frame, {"kind": "logistic", "outcome": "y", "predictors": ["age"]})
    >>> list(res.univariable), res.multivariable is None
    (['age'], True)
    """
    check_regression_spec(spec, frame.columns, where)
    per = {name: float(k) for name, k in (spec.get("per") or {}).items()}
    if per:
        frame = frame.assign(**{name: frame[name] / k for name, k in per.items() if name in frame})
    univariable = {
        name: _fit_named(
            frame, spec, [name], [], source, f"univariable model of '{name}' ({where}.predictors/{i})"
        )
        for i, name in enumerate(spec["predictors"])
    }
    multi = list(spec.get("multivariable") or [])
    pairs = [(str(a), str(b)) for a, b in spec.get("interactions") or []]
    return RegressionAnalysis(
        kind=spec["kind"],
        univariable=univariable,
        multivariable=_fit_named(
            frame, spec, multi, pairs, source, f"multivariable model ({where}.multivariable)"
        )
        if multi
        else None,
        per=per,
    )


def _fit_named(
    frame: pd.DataFrame,
    spec: Mapping[str, Any],
    predictors: list[str],
    interactions: list[tuple[str, str]],
    source: str | None,
    what: str,
) -> RegressionResult:
    """:func:`fit_model` (and its global tests when ``spec['global_p']``), its InputError
    prefixed with the model and the config key it comes from."""
    try:
        fit = fit_model(frame, spec, predictors, source, interactions)
        if spec.get("global_p"):
            fit = global_tests(frame, spec, fit, predictors, interactions, source)
        return fit
    except InputError as exc:
        raise InputError(f"{what}: {exc.summary}", exc.problems) from None
