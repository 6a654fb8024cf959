"""Outcomes compared between two groups on a treatment comparison's matched or weighted sample
(``kind: comparison`` with ``sample:``), in the layout of
:func:`retrocohort.analysis.groups.group_statistics` (one ``summary`` record per group, one
``test`` record per comparison), every number weighted and every test design-based:

* binary outcome: weighted count and percentage; Pearson's chi-square with the Rao-Scott
  second-order correction (R ``survey::svychisq``);
* continuous or count outcome: weighted mean and SD (``svymean``, ``svyvar``); the design-based
  t-test (``survey::svyttest``).

On a matched sample the matched sets are the clusters of the variance (MatchIt's
recommendation after matching without replacement: cluster-robust inference on the pairs,
Abadie & Spiess 2022, rather than a paired test: Austin 2011 argued for paired tests, Stuart
2008 and the MatchIt authors for treating the matched sample with cluster-robust variance); on
a weighted sample each patient is its own cluster.

References
----------
Lumley T. J Stat Softw 2004;9(8):1-19. Rao JNK, Scott AJ. Ann Stat 1984;12:46-60.
Greifer N. MatchIt vignette "Estimating effects after matching".
Austin PC. Comparing paired vs non-paired statistical methods of analyses when making
inferences about absolute risk reductions in propensity-score matched samples. Stat Med
2011;30:1292-301.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from retrocohort.analysis.analysis_sample import SET_COLUMN, WEIGHT_COLUMN
from retrocohort.analysis.descriptive import variable_kind
from retrocohort.analysis.groups import GROUP_COLUMNS, group_assignment
from retrocohort.analysis.sample_descriptive import design_sentence
from retrocohort.analysis.stratified import binary_values, continuous_values
from retrocohort.errors import ConfigError, InputError, Problem
from retrocohort.format.pvalues import p_value_format, printed_p
from retrocohort.stats.design_based import design_t_test, rao_scott_test, weighted_mean_sd


def sample_group_statistics(
    frame: pd.DataFrame,
    comparisons: Sequence[Mapping[str, Any]],
    variables: Mapping[str, Any],
    derived: Mapping[str, Any],
    stats_cfg: Mapping[str, Any],
    source: str,
) -> pd.DataFrame:
    """Weighted group comparisons on a matched or weighted sample.

    Parameters
    ----------
    frame : pandas.DataFrame
        The sample (:func:`retrocohort.analysis.analysis_sample.sample_frame`: weights, sets).
    comparisons : sequence of mapping
        The table's ``comparisons:`` (``id``, ``outcome``, ``group_variable``, ``groups``).
    variables, derived : mapping
        The study's declarations (the outcome's kind).
    stats_cfg : mapping
        The study's ``statistics:`` (the printed p).
    source : str
        ``tables/<id>``, named in errors.

    Returns
    -------
    pandas.DataFrame
        :data:`retrocohort.analysis.groups.GROUP_COLUMNS`; a summary's ``count`` and
        ``denominator`` are sums of weights, ``mean``/``sd`` weighted, ``n`` patients; the test
        record's ``details`` hold its degrees of freedom and the design.

    References
    ----------
    Lumley T. J Stat Softw 2004;9(8):1-19 (``svyttest``, ``svychisq``).

    Examples
    --------
    >>> frame = pd.DataFrame({"t": [1, 1, 1, 0, 0, 0], "y": [5.0, 6.0, 7.0, 4.0, 5.0, 6.0],
    ...                       WEIGHT_COLUMN: [1.0, 1.0, 1.0, 0.5, 1.0, 1.5]})
    >>> s = sample_group_statistics(frame, [{"id": "y", "outcome": "y", "group_variable": "t"}],
    ...                             {"y": {"kind": "continuous"}}, {},
    ...                             {"p_value": {"decimals": 3, "threshold": 0.001}, "rounding": "half_up"}, "tables/c")
    >>> s[["role", "group", "mean"]].round(3).values.tolist()
    [['summary', '0', 5.333], ['summary', '1', 6.0], ['test', nan, nan]]
    """
    p_format = p_value_format(dict(stats_cfg))
    records = []
    for index, spec in enumerate(comparisons):
        records += _comparison(frame, spec, index, variables, derived, p_format, source)
    return pd.DataFrame.from_records(records, columns=GROUP_COLUMNS)


def _comparison(
    frame: pd.DataFrame,
    spec: Mapping[str, Any],
    index: int,
    variables: Mapping[str, Any],
    derived: Mapping[str, Any],
    p_format: dict,
    source: str,
) -> list[dict]:
    outcome, group_var = spec["outcome"], spec["group_variable"]
    kind = variable_kind(outcome, dict(variables), dict(derived))
    if kind not in ("binary", "continuous", "count") or outcome not in frame or group_var not in frame:
        raise ConfigError(
            "Invalid group comparison on a sample",
            [
                Problem(
                    "outcome not a binary, continuous or count variable of the sample",
                    file="config",
                    column=f"{source}/comparisons/{index}/outcome",
                    value=outcome,
                    expected="a binary, continuous or count variable per patient",
                )
            ],
        )
    keys, order = group_assignment(frame[group_var], dict(spec["groups"]) if spec.get("groups") else None)
    if len(order) != 2:
        raise InputError(
            "A comparison on a sample compares two groups",
            [
                Problem(
                    "not two groups in the sample",
                    file="config",
                    column=f"{source}/comparisons/{index}/group_variable",
                    value=[label for _, label in order],
                    expected="two groups (declare `groups:` with two values)",
                )
            ],
        )
    kept = frame[keys.notna()]
    group = keys[kept.index].map({key: float(k) for k, (key, _) in enumerate(order)}).astype(float)
    w = kept[WEIGHT_COLUMN].astype(float)
    sets = kept[SET_COLUMN].astype(str) if SET_COLUMN in kept else None
    convert = binary_values if kind == "binary" else continuous_values
    values = convert(kept[outcome], outcome, source).astype(float)
    labels = (variables.get(outcome) or derived.get(outcome) or {}).get("label", outcome)
    group_label = (variables.get(group_var) or derived.get(group_var) or {}).get("label", group_var)
    base = {
        "comparison": spec["id"],
        "comparison_label": spec.get("label", spec["id"]),
        "order": index,
        "outcome": outcome,
        "outcome_label": labels,
        "outcome_kind": "binary" if kind == "binary" else "continuous",
        "group_variable": group_var,
        "group_variable_label": group_label,
        "synthetic": False,
    }
    rows = []
    for k, (key, label) in enumerate(order):
        inside = (group == k).to_numpy()
        rows.append(
            {
                **base,
                "role": "summary",
                "group": label,
                "group_value": key,
                "n_group": int(inside.sum()),
                **_summary(values[inside], w[inside], kind == "binary"),
                "details": {"design": design_sentence(sets is not None)},  # weighted numbers
            }
        )
    test = (rao_scott_test if kind == "binary" else design_t_test)(values, group, w, sets)
    rows.append(
        {
            **base,
            "role": "test",
            "test": test.test,
            "statistic": test.statistic,
            "statistic_name": "F" if kind == "binary" else "t",
            "p_value": test.p_value,
            "p_formatted": printed_p(test.p_value, p_format),
            "alternative": test.alternative,
            "n": test.n_used,
            "n_used": test.n_used,
            "n_group": int(len(kept)),
            "n_excluded": int(keys.isna().sum()),
            "method": test.method,
            "details": {**test.details, "design": design_sentence(sets is not None)},
        }
    )
    return rows


def _summary(values: pd.Series, weights: pd.Series, binary: bool) -> dict:
    known = values.notna().to_numpy()
    out: dict[str, Any] = {"n": int(known.sum()), "missing": int((~known).sum()), "note": ""}
    x, w = values.to_numpy(dtype=float)[known], weights.to_numpy(dtype=float)[known]
    if binary:
        total = float(w.sum())
        count = float(w[x == 1].sum())
        return {
            **out,
            "count": count,
            "denominator": total,
            "percent": 100 * count / total if total else np.nan,
        }
    mean, sd = weighted_mean_sd(x, w)
    return {**out, "mean": mean, "sd": sd}
