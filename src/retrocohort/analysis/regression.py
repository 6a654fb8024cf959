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
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from retrocohort.errors import ConfigError, InputError, Problem
from retrocohort.stats import RegressionResult, cox_regression, logistic_regression

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
    be a column), ``reference_levels`` ({predictor: level}), ``event_level`` (logistic).
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
    for name in spec.get("reference_levels") or {}:
        if name not in set(predictors) | set(spec.get("multivariable") or []):
            raise _config_problem(
                f"{where}.reference_levels",
                name,
                "reference level for a variable not in the models",
                "a predictor name",
            )


def fit_model(
    frame: pd.DataFrame, spec: Mapping[str, Any], predictors: list[str], source: str | None = None
) -> RegressionResult:
    """Fit the model of ``spec['kind']`` on ``predictors`` (reference levels restricted to them)."""
    refs = {k: v for k, v in (spec.get("reference_levels") or {}).items() if k in predictors}
    conf = spec.get("conf_level", 0.95)
    if spec["kind"] == "logistic":
        return logistic_regression(
            frame,
            spec["outcome"],
            predictors,
            reference_levels=refs,
            event_level=spec.get("event_level"),
            conf_level=conf,
            source=source,
        )
    return cox_regression(
        frame, spec["time"], spec["event"], predictors, reference_levels=refs, conf_level=conf, source=source
    )


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
        See :func:`check_regression_spec`; optional ``conf_level`` (default 0.95) and ``per``
        (``{predictor: k}``: the predictor is divided by ``k`` before fitting, so its coefficient,
        ratio and CI are per ``k`` units: exp(k * beta), exactly; z and p are unchanged).
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
    """
    check_regression_spec(spec, frame.columns, where)
    per = {name: float(k) for name, k in (spec.get("per") or {}).items()}
    if per:
        frame = frame.assign(**{name: frame[name] / k for name, k in per.items() if name in frame})
    univariable = {
        name: _fit_named(
            frame, spec, [name], source, f"univariable model of '{name}' ({where}.predictors/{i})"
        )
        for i, name in enumerate(spec["predictors"])
    }
    multi = list(spec.get("multivariable") or [])
    return RegressionAnalysis(
        kind=spec["kind"],
        univariable=univariable,
        multivariable=_fit_named(frame, spec, multi, source, f"multivariable model ({where}.multivariable)")
        if multi
        else None,
        per=per,
    )


def _fit_named(
    frame: pd.DataFrame, spec: Mapping[str, Any], predictors: list[str], source: str | None, what: str
):
    """:func:`fit_model`, its InputError prefixed with the model and the config key it comes from."""
    try:
        return fit_model(frame, spec, predictors, source)
    except InputError as exc:
        raise InputError(f"{what}: {exc.summary}", exc.problems) from None
