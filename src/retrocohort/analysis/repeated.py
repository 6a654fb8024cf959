"""Repeated measures across three or more time points: one row per Table 3 parameter.

Continuous parameters: Friedman rank test (:func:`retrocohort.stats.repeated_measures.friedman`,
Friedman 1937); binary parameters: Cochran's Q (:func:`retrocohort.stats.repeated_measures.cochran_q`,
Cochran 1950). Both on complete cases: the patients with a value at every time point
(each value chosen by :func:`retrocohort.analysis.time_points.time_point_values`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from retrocohort.analysis.time_points import point_summary, time_point_values
from retrocohort.config.time_points import TimePoint
from retrocohort.stats.repeated_measures import cochran_q, friedman

#: Fewest complete cases for which a repeated-measures test is run.
MIN_CASES = 2


def _summaries(data: np.ndarray, points: Sequence[TimePoint], kind: str, hf_type: int) -> dict:
    """Per time point: count and percent (binary) or median, quartiles and mean (continuous)."""
    out: dict = {}
    for i, point in enumerate(points):
        x = data[:, i]
        if kind == "binary":
            out[f"{point.name}_count"] = int(x.sum())
            out[f"{point.name}_percent"] = 100 * x.mean() if x.size else np.nan
            continue
        out.update(point_summary(point.name, x, hf_type))
    return out


def _test_row(data: np.ndarray, kind: str) -> dict:
    """The test's fields, or a "not computed" row saying why (too few cases, undefined statistic)."""
    test = "Cochran's Q" if kind == "binary" else "Friedman"
    n = data.shape[0]
    reason = f"not computed: fewer than {MIN_CASES} complete cases" if n < MIN_CASES else None
    if reason is None:
        try:
            return (cochran_q if kind == "binary" else friedman)(data).to_dict(flat=False)
        except ValueError as exc:  # every patient constant across the time points
            reason = f"not computed: {exc}"
    return {
        "test": test,
        "method": reason,
        "statistic": np.nan,
        "p_value": np.nan,
        "n": n,
        "n_used": 0,
        "alternative": "two-sided",
        "details": {"reason": reason},
    }


def repeated_statistics(
    measurements: pd.DataFrame,
    parameters: list[dict],
    variables: dict,
    points: Sequence[TimePoint],
    stats_cfg: Mapping,
) -> pd.DataFrame:
    """One ``role = "repeated"`` row per parameter: Friedman (continuous) or Cochran's Q
    (binary) across ``points`` on complete cases, with per-time-point summaries.

    Parameters
    ----------
    measurements
        Long table (patient_id, variable, day, value) of the cohort.
    parameters
        Table 3 parameter specs (``variable``, optional ``label``), in table order.
    variables
        The study's variable declarations (``kind``, ``worst``).
    points
        Three or more time points (config ``repeated_time_points``).
    stats_cfg
        The ``statistics`` config (``quantile_type`` for the summaries).

    Returns
    -------
    pandas.DataFrame
        One row per parameter: test, statistic, p-value, ``n_pairs`` (complete cases), per
        time point the count and percent (binary) or median, quartiles and mean (continuous).

    References
    ----------
    Friedman M. The use of ranks to avoid the assumption of normality implicit in the analysis
    of variance. J Am Stat Assoc 1937;32:675-701.
    Cochran WG. The comparison of percentages in matched samples. Biometrika 1950;37:256-66.
    Hollander M, Wolfe DA, Chicken E. Nonparametric Statistical Methods, 3rd ed. Wiley, 2014,
    section 7.1.

    Examples
    --------
    >>> import pandas as pd
    >>> from retrocohort.config.time_points import exact_day
    >>> long = pd.DataFrame({"patient_id": list("aaabbbccc"), "variable": "crp",
    ...                      "day": [0, 3, 7] * 3,
    ...                      "value": [9.0, 5.0, 1.0, 8.0, 6.0, 2.0, 7.0, 4.0, 3.0]})
    >>> table = repeated_statistics(long, [{"variable": "crp"}], {"crp": {"kind": "continuous"}},
    ...                             [exact_day(0), exact_day(3), exact_day(7)], {"quantile_type": 7})
    >>> table[["variable", "test", "statistic", "p_value", "n_pairs", "day0_median", "day7_median"]]
      variable      test  statistic   p_value  n_pairs  day0_median  day7_median
    0      crp  Friedman        6.0  0.049787        3          8.0          2.0
    """
    names = [p["variable"] for p in parameters]
    worst = {n: v["worst"] for n, v in variables.items() if "worst" in v}
    values = time_point_values(measurements, names, points, worst, complete=True)
    hf = int(stats_cfg["quantile_type"])
    rows = []
    for order, par in enumerate(parameters):
        name = par["variable"]
        kind = variables[name]["kind"]
        data = values[name][[f"v{i}" for i in range(len(points))]].to_numpy(dtype="float64")
        rows.append(
            {
                "variable": name,
                "kind": kind,
                "n_pairs": data.shape[0],
                "role": "repeated",
                **_test_row(data, kind),
                **_summaries(data, points, kind, hf),
                "order": order,
                "label": par.get("label", variables[name].get("label", name)),
                "days": " vs ".join(str(p.day) for p in points),
                "time_points": ", ".join(p.name for p in points),
            }
        )
    return pd.DataFrame.from_records(rows)
