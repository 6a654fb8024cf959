"""The footnote that prints the E-value of a regression table's main ratio (the treatment's
hazard or odds ratio on a matched or weighted sample, or the predictor a table names with
``e_value:``), from the columns :func:`retrocohort.analysis.e_value_rows.with_e_values` wrote.

A footnote, not a column: the E-value concerns one contrast (the treatment), not the covariates
of the other rows, and observational reports give it beside the main ratio with the
approximation used, as VanderWeele & Ding (2017) and the JAMA guide to E-values (Haneuse,
VanderWeele, Arterburn 2019) show it; a column would print empty or meaningless cells on every
other row.

References
----------
VanderWeele TJ, Ding P. Sensitivity analysis in observational research: introducing the
E-value. Ann Intern Med 2017;167:268-74.
Haneuse S, VanderWeele TJ, Arterburn D. Using the E-value to assess the potential effect of
unmeasured confounding in observational studies. JAMA 2019;321:602-3.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from retrocohort.format.numbers import format_number

#: The conversion to the risk-ratio scale, in words, by measure and rarity of the outcome.
_SCALE = {
    ("cox", True): "a rare outcome's hazard ratio taken as the risk ratio",
    ("cox", False): "a common outcome's hazard ratio converted to the risk-ratio scale as "
    "(1 − 0.5^sqrt(HR)) / (1 − 0.5^sqrt(1/HR))",
    ("logistic", True): "a rare outcome's odds ratio taken as the risk ratio",
    ("logistic", False): "a common outcome's odds ratio converted to the risk-ratio scale as sqrt(OR)",
}
_SHORT = {"cox": "HR", "logistic": "OR"}


def e_value_footnote(
    stats: pd.DataFrame,
    labels: Mapping[str, str],
    level_labels: Mapping[str, Mapping[str, str]],
    decimals: int,
    rare_below: float,
    rule: str = "half_up",
) -> list[str]:
    """One footnote with the E-value of every row that has one (none: an empty list).

    Parameters
    ----------
    stats : pandas.DataFrame
        The regression statistics with the E-value columns.
    labels, level_labels : mapping
        Printed predictor and level names.
    decimals : int
        Decimals of the table's ratios (the E-values print with them).
    rare_below : float
        The rare-outcome threshold (stated).
    rule : str
        Rounding rule.

    Returns
    -------
    list of str
        ``["E-value (VanderWeele & Ding 2017) of the HR of Hormonal therapy: 1.76 for the
        estimate and 1.21 for the confidence limit nearer 1 (...)."]``.

    References
    ----------
    VanderWeele TJ, Ding P. Ann Intern Med 2017;167:268-74.

    Examples
    --------
    >>> stats = pd.DataFrame({"analysis": ["univariable"], "variable": ["trt"], "level": [None],
    ...     "reference": [None], "model": ["cox"], "n": [100], "n_events": [40],
    ...     "e_value": [1.7627], "e_value_ci": [1.2149], "e_value_rare": [False]})
    >>> print(e_value_footnote(stats, {"trt": "Statin"}, {}, 2, 0.15)[0])  # doctest: +NORMALIZE_WHITESPACE
    E-value (VanderWeele & Ding 2017) of the HR of Statin: 1.76 for the estimate and 1.21 for the
    confidence limit nearer 1: the minimum strength of association, on the risk-ratio scale,
    that an unmeasured confounder would need with both Statin and the outcome, beyond the
    measured covariates, to fully explain the ratio away. Outcome in 40 of 100 patients (40%, not below 15%): a common outcome's hazard ratio
    converted to the risk-ratio scale as (1 − 0.5^sqrt(HR)) / (1 − 0.5^sqrt(1/HR)).
    """
    if "e_value" not in stats:
        return []
    rows = stats[np.isfinite(pd.to_numeric(stats["e_value"], errors="coerce"))]
    if rows.empty:
        return []
    model = str(rows["model"].iloc[0])
    parts, scales = [], []
    for rec in rows.to_dict("records"):
        name = str(labels.get(rec["variable"], rec["variable"]))
        if _present(rec.get("level")):
            words = {str(k): str(v) for k, v in level_labels.get(rec["variable"], {}).items()}
            level, reference = str(rec["level"]), str(rec.get("reference"))
            name += f" ({words.get(level, level)} vs {words.get(reference, reference)})"
        which = " (adjusted)" if rec["analysis"] == "multivariable" else ""
        point = format_number(rec["e_value"], decimals, rule=rule)  # type: ignore[arg-type]
        limit = format_number(rec["e_value_ci"], decimals, rule=rule)  # type: ignore[arg-type]
        parts.append(
            f"{_SHORT[model]}{which} of {name}: {point} for the estimate and {limit} for the "
            "confidence limit nearer 1"
        )
        n, events = int(rec["n"]), int(rec["n_events"])
        rare = str(rec["e_value_rare"]).strip().lower() in ("true", "1", "1.0")  # a CSV reads text
        pct = format_number(100 * events / n, 0, rule=rule)  # type: ignore[arg-type]
        where = "below" if rare else "not below"
        scale = f"Outcome in {events} of {n} patients ({pct}%, {where} {rare_below:.0%}): {_SCALE[(model, rare)]}."
        if scale not in scales:
            scales.append(scale)
    subject = str(labels.get(rows["variable"].iloc[0], rows["variable"].iloc[0]))
    return [
        "E-value (VanderWeele & Ding 2017) of the "
        + "; ".join(parts)
        + ": the minimum strength of association, on the risk-ratio scale, that an unmeasured "
        f"confounder would need with both {subject} and the outcome, beyond the measured "
        "covariates, to fully explain the ratio away. "
        + ("A limit's E-value of 1: its interval contains 1. " if (rows["e_value_ci"] == 1).any() else "")
        + " ".join(scales)
    ]


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and np.isnan(value)) and str(value) != ""
