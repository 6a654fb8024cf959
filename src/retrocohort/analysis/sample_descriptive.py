"""A descriptive table (Table 1 by group) on a treatment comparison's matched or weighted sample
(``kind: descriptive`` with ``sample:``): every number weighted and every test design-based, as
R ``tableone::svyCreateTableOne`` on ``survey::svydesign(ids = ~set, weights = ~w)`` computes
them (the matched sets the clusters; ``ids = ~1`` for a weighted sample), never a test that
assumes independent unweighted patients.

* binary / categorical: weighted count sum(w) of the patients with the level and the weighted
  percentage sum(w [x = k]) / sum(w) among the patients with a known value; test: Pearson's
  chi-square with the Rao-Scott second-order correction (``survey::svychisq``);
* continuous (``stat: mean_sd`` only: a weighted median is not survey's n - 1 quantile rule):
  weighted mean and SD (``svymean``, ``svyvar``); test with two groups: the design-based t-test
  (``survey::svyttest``), none with more groups (a load-time error);
* SMD (tableone's ``svyCreateTableOne``): |m1 - m0| / sqrt((s1^2 + s0^2) / 2) with the
  weighted means and SDs; categorical: Yang & Dalton's on the weighted level shares.

The same layout as :func:`retrocohort.analysis.stratified.stratified_statistics` (columns
``<statistic>@<stratum>``), with ``count``/``denominator`` weighted (``n`` stays the patients
with a value), ``weighted_n@<stratum>`` the sum of the stratum's weights and ``design`` the
sentence of the sample's design.

References
----------
Lumley T. Analysis of complex survey samples. J Stat Softw 2004;9(8):1-19.
Rao JNK, Scott AJ. Ann Stat 1984;12:46-60.
Austin PC, Stuart EA. Stat Med 2015;34:3661-79 (describing a weighted sample).
Yoshida K, Bartel A. tableone: Create 'Table 1' to describe baseline characteristics
(``svyCreateTableOne``).
Greifer N. MatchIt vignette "Estimating effects after matching" (cluster-robust inference on
the matched pairs, Abadie & Spiess 2022).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from retrocohort.analysis.analysis_sample import SET_COLUMN, WEIGHT_COLUMN
from retrocohort.analysis.groups import group_assignment
from retrocohort.analysis.stratified import (
    KIND_ALIASES,
    OVERALL,
    PER_STRATUM,
    binary_values,
    category_values,
    continuous_values,
)
from retrocohort.errors import ConfigError, InputError, Problem
from retrocohort.stats.design_based import design_t_test, rao_scott_test, weighted_mean_sd
from retrocohort.stats.smd import categorical_smd, mean_pairwise_smd

#: The statistic a continuous row may print on a weighted sample.
SAMPLE_CONTINUOUS_STATS = ("mean_sd",)


def design_sentence(matched: bool) -> str:
    """The design the numbers of a sampled table account for, in words.

    Parameters
    ----------
    matched : bool
        A matched sample (the matched sets are the clusters); False: a weighted one.

    Returns
    -------
    str
        The words, for the footnote and the statistics' ``design`` column.

    References
    ----------
    Lumley T. J Stat Softw 2004;9(8):1-19 (``svydesign(ids =, weights =)``).

    Examples
    --------
    >>> design_sentence(False)
    'each patient weighted by its weight, each patient its own cluster'
    """
    if matched:
        return "each patient weighted by its matching weight, the matched sets as clusters"
    return "each patient weighted by its weight, each patient its own cluster"


def sample_stratified_statistics(
    frame: pd.DataFrame,
    rows: Sequence[Mapping[str, Any]],
    by: str,
    *,
    missing: str,
    group_labels: Mapping[Any, str] | None = None,
    source: str = "table",
) -> pd.DataFrame:
    """Weighted, design-based statistics of a descriptive table on a matched or weighted sample.

    Parameters
    ----------
    frame : pandas.DataFrame
        The sample's patients with their weight (``WEIGHT_COLUMN``) and, matched, their set
        (``SET_COLUMN``): :func:`retrocohort.analysis.analysis_sample.sample_frame`.
    rows : sequence of mapping
        The table's rows (``variable`` with ``kind``, ``stat``, ``levels``; or ``section``).
    by : str
        The grouping column (the treatment).
    group_labels : mapping, optional
        {group value: printed name} in display order.
    missing : str
        The table's missing rule ("ifany", "always", "no", "footnote"): a missing row counts
        patients (unweighted).
    source : str
        ``tables/<id>``, named in errors.

    Returns
    -------
    pandas.DataFrame
        One record per printed row, the layout of
        :func:`retrocohort.analysis.stratified.stratified_statistics` (weighted ``count``,
        ``denominator``, ``percent``, ``mean``, ``sd``), plus ``weighted_n@<stratum>`` and
        ``design``.

    References
    ----------
    Lumley T. J Stat Softw 2004;9(8):1-19. Rao JNK, Scott AJ. Ann Stat 1984;12:46-60.

    Examples
    --------
    >>> frame = pd.DataFrame({"t": [1, 1, 1, 0, 0, 0], "age": [50.0, 60.0, 70.0, 40.0, 50.0, 60.0],
    ...                       WEIGHT_COLUMN: [1.0, 1.0, 1.0, 0.5, 1.0, 1.5]})
    >>> rows = [{"variable": "age", "kind": "continuous", "stat": "mean_sd"}]
    >>> s = sample_stratified_statistics(frame, rows, "t", missing="ifany")
    >>> s[["mean@0", "mean@1", "test"]].round(3).to_dict("records")
    [{'mean@0': 53.333, 'mean@1': 60.0, 'test': 'Design-based t-test'}]
    """
    keys, order = group_assignment(frame[by], dict(group_labels) if group_labels else None)
    if len(order) < 2:
        raise InputError(
            f"{source}: fewer than two groups of '{by}' in the sample",
            [Problem("fewer than two groups", file="config", column=f"{source}/by", value=by)],
        )
    kept = frame[keys.notna()]
    strata = {OVERALL: kept.index, **{label: kept.index[keys[kept.index] == key] for key, label in order}}
    group_code = pd.Series(np.nan, index=kept.index)
    for code, (key, _) in enumerate(order):
        group_code[keys[kept.index] == key] = code
    design = {
        "weights": kept[WEIGHT_COLUMN].astype(float),
        "clusters": kept[SET_COLUMN].astype(str) if SET_COLUMN in kept else None,
        "group": group_code,
    }
    records: list[dict] = []
    for i, row in enumerate(rows):
        if "section" in row:
            records.append({"row": i, "kind": "section", "stat": "section", "row_type": "section"})
            continue
        records += _variable_records(i, row, kept, strata, design, missing, source)
    out = pd.DataFrame.from_records(records)
    for stratum, index in strata.items():
        out[f"n_group@{stratum}"] = len(index)
        out[f"weighted_n@{stratum}"] = float(design["weights"].loc[index].sum())
    out["quantile_method"] = ""
    out["n_excluded"] = int(keys.isna().sum())
    out["design"] = design_sentence(design["clusters"] is not None)
    return out


def _variable_records(
    index: int,
    row: Mapping[str, Any],
    frame: pd.DataFrame,
    strata: Mapping[str, pd.Index],
    design: Mapping[str, Any],
    missing: str,
    source: str,
) -> list[dict]:
    name = row["variable"]
    kind = KIND_ALIASES.get(row.get("kind"), row.get("kind")) or "continuous"
    stat = row.get("stat", "count_pct" if kind != "continuous" else "median_iqr")  # the schema's
    if kind == "continuous" and stat not in SAMPLE_CONTINUOUS_STATS:
        raise ConfigError(
            "Statistic without a weighted version on a matched or weighted sample",
            [
                Problem(
                    "a weighted median or range is not computed",
                    file="config",
                    column=f"{source}/rows/{index}/stat",
                    value=stat,
                    expected=f"one of {list(SAMPLE_CONTINUOUS_STATS)} with sample:",
                )
            ],
        )
    w, clusters, group = design["weights"], design["clusters"], design["group"]
    groups = [s for s in strata if s != OVERALL]
    base = {"row": index, "variable": name, "kind": kind, "stat": stat, "level": None}
    if kind == "continuous":
        values = continuous_values(frame[name], name, source)
        numbers = {s: _mean_numbers(values.loc[ix], w.loc[ix]) for s, ix in strata.items()}
        means = [(numbers[s]["mean"], numbers[s]["sd"]) for s in groups]
        smd = mean_pairwise_smd(means, _smd_from_moments)
        test = design_t_test(values, group, w, clusters) if len(groups) == 2 else None
        return [
            {**base, "row_type": "value", **_test_fields(test), "smd": smd, **_wide(numbers)},
            *_missing_record(base, values, strata, row.get("missing", missing)),
        ]
    if kind == "categorical":
        keys, levels = category_values(frame[name], name, row.get("levels"), source)
    else:
        keys, levels = binary_values(frame[name], name, source), [False, True]
    codes = keys.map({lev: float(k) for k, lev in enumerate(levels)}).astype(float)
    shares = {s: _level_numbers(codes.loc[ix], w.loc[ix], len(levels)) for s, ix in strata.items()}
    props = [np.array([shares[s][k]["percent"] / 100 for k in range(len(levels))]) for s in groups]
    smd = mean_pairwise_smd(props, categorical_smd)
    test = _test_fields(rao_scott_test(codes, group, w, clusters))
    if kind == "binary":  # one row: the share of True
        head = {**base, "row_type": "value", **test, "smd": smd, **_wide({s: shares[s][1] for s in strata})}
        return [head, *_missing_record(base, codes, strata, row.get("missing", missing))]
    out = [{**base, "row_type": "variable", **test, "smd": smd}]
    for k, level in enumerate(levels):
        numbers = {s: shares[s][k] for s in strata}
        out.append({**base, "row_type": "level", "level": level, **_wide(numbers)})
    return out + _missing_record(base, codes, strata, row.get("missing", missing))


def _smd_from_moments(a: tuple[float, float], b: tuple[float, float]) -> float:
    """|m1 - m0| / sqrt((s1^2 + s0^2) / 2) of two (mean, SD) pairs (tableone's SMD)."""
    pooled = np.sqrt((a[1] ** 2 + b[1] ** 2) / 2)
    return float(abs(b[0] - a[0]) / pooled) if pooled > 0 else float("nan")


def _mean_numbers(values: pd.Series, weights: pd.Series) -> dict:
    mean, sd = weighted_mean_sd(values.to_numpy(dtype=float), weights.to_numpy(dtype=float))
    n = int(values.notna().sum())
    return {"n": n, "missing": int(values.isna().sum()), "mean": mean, "sd": sd}


def _level_numbers(codes: pd.Series, weights: pd.Series, n_levels: int) -> list[dict]:
    known = codes.notna().to_numpy()
    w = weights.to_numpy(dtype=float)[known]
    x = codes.to_numpy(dtype=float)[known]
    total = float(w.sum())
    return [
        {
            "n": int(known.sum()),
            "missing": int((~known).sum()),
            "count": float(w[x == k].sum()),
            "denominator": total,
            "percent": 100.0 * float(w[x == k].sum()) / total if total else np.nan,
        }
        for k in range(n_levels)
    ]


def _missing_record(base: dict, values: pd.Series, strata: Mapping[str, pd.Index], rule: str) -> list[dict]:
    """The missing row (patients without a value, unweighted counts), by the table's rule."""
    counts = {s: int(values.loc[ix].isna().sum()) for s, ix in strata.items()}
    if not (rule == "always" or (rule in ("ifany", "footnote") and counts[OVERALL])):
        return []
    numbers = {
        s: {
            "n": len(strata[s]),
            "count": k,
            "denominator": len(strata[s]),
            "percent": 100.0 * k / len(strata[s]),
        }
        for s, k in counts.items()
    }
    return [{**base, "row_type": "missing", "level": "Missing", **_wide(numbers)}]


def _test_fields(test: Any) -> dict:
    """The test's record fields, with its degrees of freedom (``df``: t; ``ndf``/``ddf``: F)."""
    if test is None:
        return {"test": "", "method": "", "statistic": np.nan, "p_value": np.nan}
    dfs = {k: test.details[k] for k in ("df", "ndf", "ddf") if k in test.details}
    return {
        "test": test.test,
        "method": test.method,
        "statistic": test.statistic,
        "p_value": test.p_value,
        **dfs,
    }


def _wide(numbers: Mapping[str, Mapping[str, Any]]) -> dict:
    return {
        f"{key}@{stratum}": nums.get(key, np.nan) for stratum, nums in numbers.items() for key in PER_STRATUM
    }
