"""E-values of a regression table's main ratio (the treatment's hazard or odds ratio): which rows
get one, whether the outcome counts as rare, and the columns written beside the ratio.

A table fitted on a treatment comparison's matched or weighted sample (``sample:``) gets the
E-value of the comparison's treatment; any regression table names the predictor with
``e_value: <predictor>`` (``e_value: false``: none). Each row of that predictor (univariable and
multivariable, one per level of a categorical one) gets ``e_value`` (of the point estimate),
``e_value_ci`` (of the confidence limit nearer 1; 1 when the interval contains 1) and
``e_value_rare`` (the outcome rare: the HR or OR used as the risk ratio).

An outcome is rare, as VanderWeele & Ding (2017) state it, when its proportion at the end of
follow-up is below 15% (the table's ``e_value_rare_below``): here the events of the row's model
over its patients (``n_events / n``, the counts the table prints). A common outcome's hazard
ratio is put on the risk-ratio scale with ``(1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR))`` and its
odds ratio with ``sqrt(OR)`` (:func:`retrocohort.stats.e_value.e_value`, as R ``EValue``).

References
----------
VanderWeele TJ, Ding P. Sensitivity analysis in observational research: introducing the
E-value. Ann Intern Med 2017;167:268-74.
VanderWeele TJ. Optimal approximate conversions of odds ratios and hazard ratios to risk
ratios. Biometrics 2020;76:746-52.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from retrocohort.stats.e_value import e_value

#: Ratio measure of each regression model, as :func:`retrocohort.stats.e_value.e_value` names it.
MEASURE = {"cox": "HR", "logistic": "OR"}
E_VALUE_COLUMNS = ("e_value", "e_value_ci", "e_value_rare")


def e_value_term(spec: Mapping[str, Any], config: Mapping[str, Any]) -> str | None:
    """The predictor whose ratio a regression table gives an E-value: its ``e_value:`` (a
    predictor name; ``false``: none), else the treatment of its ``sample:``; None otherwise.

    Parameters
    ----------
    spec : mapping
        The regression table's config entry.
    config : mapping
        The study config (``treatment_comparisons.<sample>.treatment``).

    Returns
    -------
    str or None
        The predictor.

    References
    ----------
    VanderWeele TJ, Ding P. Ann Intern Med 2017;167:268-74 (the E-value of the exposure's ratio).

    Examples
    --------
    >>> config = {"treatment_comparisons": {"psm": {"treatment": "statin"}}}
    >>> e_value_term({"sample": "psm"}, config), e_value_term({"sample": "psm", "e_value": False}, config)
    ('statin', None)
    >>> e_value_term({"e_value": "age"}, config), e_value_term({}, config)
    ('age', None)
    """
    declared = spec.get("e_value")
    if declared is False:
        return None
    if isinstance(declared, str):
        return declared
    sample = spec.get("sample")
    if sample:
        treatment = ((config.get("treatment_comparisons") or {}).get(sample) or {}).get("treatment")
        return None if treatment is None else str(treatment)
    return None


def with_e_values(stats: pd.DataFrame, term: str | None, rare_below: float) -> pd.DataFrame:
    """``stats`` (one row per model term, :meth:`RegressionAnalysis.to_frame`) with the E-value
    columns: filled on the rows of ``term`` with a ratio and CI, NaN elsewhere.

    Parameters
    ----------
    stats : pandas.DataFrame
        A regression table's statistics (``variable``, ``model``, ``ratio``, ``ci_low``,
        ``ci_high``, ``n``, ``n_events``).
    term : str or None
        The predictor (:func:`e_value_term`); None: the frame unchanged.
    rare_below : float
        Outcome proportion (``n_events / n`` of the row's model) below which the outcome is rare.

    Returns
    -------
    pandas.DataFrame
        With ``e_value``, ``e_value_ci`` and ``e_value_rare`` (object: True/False, None off the term).

    References
    ----------
    VanderWeele TJ, Ding P. Ann Intern Med 2017;167:268-74.

    Examples
    --------
    >>> stats = pd.DataFrame({"variable": ["trt", "age"], "model": "cox", "ratio": [0.5, 1.1],
    ...     "ci_low": [0.3, 1.0], "ci_high": [0.8, 1.2], "n": 100, "n_events": [10, 10]})
    >>> with_e_values(stats, "trt", 0.15)[["e_value", "e_value_ci", "e_value_rare"]].round(4)
       e_value  e_value_ci e_value_rare
    0   3.4142       1.809         True
    1      NaN         NaN         None
    """
    if term is None:
        return stats
    out = stats.copy()
    point, limit, rare = np.full(len(out), np.nan), np.full(len(out), np.nan), [None] * len(out)
    for i, rec in enumerate(out.to_dict("records")):
        values = [rec.get(c) for c in ("ratio", "ci_low", "ci_high")]
        if rec.get("variable") != term or not all(_positive(v) for v in values):
            continue
        rare[i] = bool(float(rec["n_events"]) / float(rec["n"]) < rare_below)
        ev = e_value(*map(float, values), measure=MEASURE[str(rec["model"])], rare=rare[i])
        point[i], limit[i] = ev.point, ev.ci_limit
    return out.assign(
        e_value=point, e_value_ci=limit, e_value_rare=pd.Series(rare, index=out.index, dtype=object)
    )


def _positive(value: Any) -> bool:
    try:
        return bool(np.isfinite(float(value)) and float(value) > 0)
    except (TypeError, ValueError):
        return False
