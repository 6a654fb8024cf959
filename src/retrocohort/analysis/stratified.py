"""Descriptive table stratified by a group (a "Table 1 by arm"): full-precision statistics.

One output row per printed table row, as Python tableone (``groupby=``, ``pval=True``,
``smd=True``) and gtsummary (``tbl_summary(by =) |> add_p() |> add_overall()``) lay it out:

* binary variable: one row, n (%) of true among patients with a known value;
* categorical variable (any number of levels): a heading row carrying the test and SMD, then
  one row per level, n (%) among patients with a known value;
* continuous variable: one row with median, quartiles (Hyndman-Fan type ``hf_type``), mean,
  SD (n - 1), min and max; the printed statistic is the row's ``stat``;
* optional missing row under a variable (``missing``: "ifany", "always", "no", or "footnote":
  the row's record is kept, the table prints it as a footnote).

Per-stratum numbers sit in columns ``<statistic>@<stratum>`` (``count@Overall``,
``median@D-penicillamine``); the stratum sizes in ``n_group@<stratum>``.

Test per variable, by kind and number of groups, chosen by the one test policy
(:mod:`retrocohort.analysis.test_policy`: the table's ``tests:``, ``statistics.tests``, else
``statistics.default_tests.descriptive``); the defaults are gtsummary's ``add_p()`` rule
(Sjoberg et al. 2021, R Journal 13:570-580):

* continuous: 2 groups Mann-Whitney U (exact null with ties when both groups have <=
  ``exact_max_n`` values, or ``mann_whitney_test``'s preset); > 2 groups Kruskal-Wallis;
* binary / categorical: :func:`retrocohort.stats.expected_count.chi_square_or_exact` (Pearson
  chi-square, Yates-corrected on a 2x2 table when ``chi_square_correction``, when every
  expected count is >= 5, else Fisher's exact or Fisher-Freeman-Halton).

Standardised mean differences as tableone (Yoshida & Bartel; Pollard et al. 2018): continuous
|m2 - m1| / sqrt((s1^2 + s2^2) / 2) with n - 1 SDs (Cohen's d with the average-variance
pooled SD); categorical the Yang & Dalton (2012) multivariate SMD on the level proportions,
first level dropped; more than two groups: the mean of the pairwise SMDs (R tableone).
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from retrocohort.analysis.descriptive import summarise_variable
from retrocohort.analysis.groups import group_assignment, group_key
from retrocohort.analysis.test_policy import choose_test, resolve_tests, run_group_test
from retrocohort.errors import InputError, Problem
from retrocohort.stats.quantiles import HF_TYPES
from retrocohort.stats.registry import TESTS, TestEntry
from retrocohort.stats.smd import categorical_smd, continuous_smd, mean_pairwise_smd

OVERALL = "Overall"
KINDS = ("binary", "categorical", "continuous")
KIND_ALIASES = {"count": "continuous"}  # descriptive.variable_kind's counts are summarised as continuous
CONTINUOUS_STATS = ("median_iqr", "mean_sd", "min_max", "median", "median_iqr_range")
MISSING_RULES = ("ifany", "always", "no", "footnote")
_COUNT_KEYS = ("n", "missing", "count", "denominator", "percent")
PER_STRATUM = _COUNT_KEYS + ("median", "q1", "q3", "mean", "sd", "min", "max")
_BINARY_VALUES = {"0": False, "1": True, "false": False, "true": True}


def _column_error(
    summary: str, message: str, source: str | None, column: str, value: Any, expected: str
) -> InputError:
    return InputError(summary, [Problem(message, file=source, column=column, value=value, expected=expected)])


def _problems_for(values: pd.Series, bad: pd.Series, column: str, source: str | None, expected: str) -> list:
    return [
        Problem(
            "value cannot be used",
            file=source,
            row=int(i) if isinstance(i, (int, np.integer)) else None,
            column=column,
            value=values[i],
            expected=expected,
        )
        for i in values.index[bad][:20]
    ]


def infer_kind(values: pd.Series) -> str:
    """'binary' for booleans and 0/1 columns, 'continuous' for other numbers, else 'categorical'."""
    known = values.dropna()
    if (
        known.size
        and known.map(lambda v: isinstance(v, (bool, np.bool_, numbers.Real)) and v in (0, 1)).all()
    ):
        return "binary"
    return "continuous" if pd.api.types.is_numeric_dtype(values) else "categorical"


def binary_values(values: pd.Series, column: str, source: str | None = None) -> pd.Series:
    """Booleans (object Series, None for missing) of a binary column: bool, 0/1, "true"/"false".

    Parameters
    ----------
    values : pandas.Series
        The column.
    column : str
        Its name (messages).
    source : str, optional
        The file or config key the values come from (messages).

    Returns
    -------
    pandas.Series
        True/False per row, None where missing.

    Raises
    ------
    InputError
        Naming each row whose value is none of these.

    References
    ----------
    Validation only (the values a binary summary and test read).

    Examples
    --------
    >>> binary_values(pd.Series([1, 0, None, "true"]), "x").tolist()
    [True, False, None, True]
    """
    mapped = values.map(lambda v: None if group_key(v) is None else _BINARY_VALUES.get(group_key(v).lower()))
    bad = values.notna() & mapped.isna()
    if bad.any():
        raise InputError(
            f"Binary variable '{column}' has other values",
            _problems_for(values, bad, column, source, "0/1, true/false (or declare kind: categorical)"),
        )
    return mapped.astype(object)


def continuous_values(values: pd.Series, column: str, source: str | None = None) -> pd.Series:
    """Float Series of a continuous column; InputError naming every row that is not a number.

    Parameters
    ----------
    values : pandas.Series
        The column.
    column : str
        Its name (messages).
    source : str, optional
        The file or config key the values come from (messages).

    Returns
    -------
    pandas.Series
        Floats, NaN where missing.

    References
    ----------
    Validation only (the values a continuous summary and test read).

    Examples
    --------
    >>> continuous_values(pd.Series(["1.5", None, 3]), "x").tolist()
    [1.5, nan, 3.0]
    """
    numbers = pd.to_numeric(values, errors="coerce")
    bad = values.notna() & numbers.isna()
    if bad.any():
        raise InputError(
            f"Continuous variable '{column}' has values that are not numbers",
            _problems_for(values, bad, column, source, "a number (or declare kind: categorical)"),
        )
    return numbers.astype(float)


def category_values(
    values: pd.Series, column: str, levels: Sequence[Any] | None, source: str | None = None
) -> tuple[pd.Series, list[str]]:
    """(level text per row, None when missing; level order): declared ``levels`` in their
    order (InputError naming rows with any other value), else the observed levels sorted.

    Parameters
    ----------
    values : pandas.Series
        The column.
    column : str
        Its name (messages).
    levels : sequence, optional
        The declared level order.
    source : str, optional
        The file or config key the values come from (messages).

    Returns
    -------
    tuple
        (level text per row, the level order).

    References
    ----------
    Validation only (the levels a categorical summary and test read).

    Examples
    --------
    >>> keys, order = category_values(pd.Series(["b", "a", "b"]), "x", None)
    >>> keys.tolist(), order
    (['b', 'a', 'b'], ['a', 'b'])
    """
    keys = values.map(group_key)
    if levels is None:
        return keys, sorted({k for k in keys if k is not None})
    order = [group_key(v) for v in levels]
    bad = keys.notna() & ~keys.isin(order)
    if bad.any():
        raise InputError(
            f"Categorical variable '{column}' has undeclared levels",
            _problems_for(values, bad, column, source, f"one of {order}"),
        )
    return keys, order


def _not_computed(test: str, reason: str) -> dict:
    return {"test": test, "method": f"not computed: {reason}", "statistic": np.nan, "p_value": np.nan}


def _result(res: Any) -> dict:
    return {
        "test": res.test,
        "method": res.method,
        "statistic": res.statistic,
        "p_value": res.p_value,
    }


def categorical_test(table: np.ndarray, correction: bool = False, test: TestEntry | None = None) -> dict:
    """Test of a levels x groups count table: ``test`` (a registered table test; default the
    expected-count rule), Yates' ``correction`` for the chi-square tests; ``min_expected``
    when the test reports it."""
    test = test or TESTS["chi_square_or_exact"]
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    if min(table.shape) < 2:
        return _not_computed(test.test or "Pearson chi-square", "fewer than two levels or groups with values")
    try:
        res = run_group_test(test, table, correction=correction)
    except ValueError as exc:  # a 2x2-only test on a larger table, an infeasible enumeration
        return _not_computed(test.test or test.title, str(exc))
    low = res.details.get("min_expected")
    return {**_result(res), **({"min_expected": low} if low is not None else {})}


def continuous_test(
    samples: list[np.ndarray],
    labels: list[str],
    mw_options: Mapping | None = None,
    test: TestEntry | None = None,
) -> dict:
    """``test`` (a registered two- or k-sample test; default Mann-Whitney U for 2 groups, with
    keyword arguments ``mw_options``, and Kruskal-Wallis for more); not computed if a group is
    empty or all values are equal."""
    test = test or TESTS["mann_whitney" if len(samples) == 2 else "kruskal_wallis"]
    if any(s.size == 0 for s in samples):
        return _not_computed(test.test, "a group has no patient with a value")
    if np.unique(np.concatenate(samples)).size < 2:
        return _not_computed(test.test, "all values are equal")
    try:
        return _result(run_group_test(test, samples, labels=labels, mann_whitney=mw_options))
    except ValueError as exc:  # e.g. a t-test on a group of one value
        return _not_computed(test.test, str(exc))


def _stratum_numbers(values: pd.Series, kind: str, hf_type: int) -> dict:
    return summarise_variable(values, "count_pct" if kind == "binary" else "median_iqr", hf_type)


def _share(count: int, total: int, missing: int = 0) -> dict:
    """n (%) numbers of ``count`` among ``total`` patients."""
    pct = 100.0 * count / total if total else np.nan
    return {"n": total, "missing": missing, "count": count, "denominator": total, "percent": pct}


def _wide(numbers: Mapping[str, dict]) -> dict:
    return {
        f"{key}@{stratum}": nums.get(key, np.nan) for stratum, nums in numbers.items() for key in PER_STRATUM
    }


def _row_spec(row: Mapping, frame: pd.DataFrame, source: str | None) -> tuple[str, str, str]:
    name = row.get("variable")
    if name is None or name not in frame.columns:
        raise _column_error(
            "Stratified table variable not in the data",
            "no such column",
            source,
            name,
            None,
            f"one of {list(frame.columns)}",
        )
    kind = KIND_ALIASES.get(row.get("kind"), row.get("kind")) or infer_kind(frame[name])
    stat = row.get("stat", "count_pct" if kind != "continuous" else "median_iqr")
    if (
        kind not in KINDS
        or (kind == "continuous" and stat not in CONTINUOUS_STATS)
        or row.get("missing") not in (None, *MISSING_RULES)  # None: the table's rule
    ):
        raise _column_error(
            f"Invalid kind, statistic or missing rule for '{name}'",
            "unknown kind, statistic or missing rule",
            source,
            name,
            f"kind={kind}, stat={stat}, missing={row.get('missing')}",
            f"kind in {KINDS}; continuous stat in {CONTINUOUS_STATS}; missing in {MISSING_RULES}",
        )
    return name, kind, stat


def _test_and_smd(kind: str, per_group: list, groups: list[str], levels: list[str], options: dict) -> tuple:
    """The row's test (the policy's, by kind and number of groups) and its SMD."""
    test = choose_test(options["tests"], kind, len(groups))
    if kind == "continuous":
        samples = [v.to_numpy(dtype=float) for v in per_group]
        smd = mean_pairwise_smd(samples, continuous_smd)
        return continuous_test(samples, groups, options["mann_whitney"], test), smd
    level_keys = levels if kind == "categorical" else [False, True]
    counts = np.array([[int((v == lev).sum()) for v in per_group] for lev in level_keys])
    props = [c / c.sum() if c.sum() else np.full(c.size, np.nan) for c in counts.T]
    return categorical_test(counts, options["correction"], test), mean_pairwise_smd(props, categorical_smd)


def _variable_rows(
    index: int, row: Mapping, frame: pd.DataFrame, strata: dict[str, pd.Index], options: dict
) -> list[dict]:
    name, kind, stat = _row_spec(row, frame, options["source"])
    groups = [s for s in strata if s != OVERALL]
    base = {"row": index, "variable": name, "kind": kind, "stat": stat, "level": None}
    if kind == "categorical":
        keys, levels = category_values(frame[name], name, row.get("levels"), options["source"])
        values = keys
    else:
        convert = binary_values if kind == "binary" else continuous_values
        values = convert(frame[name], name, options["source"])
        levels = []
    per_group = [values.loc[strata[g]].dropna() for g in groups]
    if groups:
        test, smd = _test_and_smd(kind, per_group, groups, levels, options)
    else:  # no grouping: the overall column only
        test, smd = {"test": "", "method": "", "statistic": np.nan, "p_value": np.nan}, np.nan
    head = {**base, "row_type": "variable" if kind == "categorical" else "value", **test, "smd": smd}
    if kind != "categorical":
        head.update(
            _wide({s: _stratum_numbers(values.loc[ix], kind, options["hf_type"]) for s, ix in strata.items()})
        )
    out = [head]
    for level in levels:
        numbers = {
            s: _share(int((values.loc[ix] == level).sum()), int(values.loc[ix].notna().sum()))
            for s, ix in strata.items()
        }
        out.append({**base, "row_type": "level", "level": level, **_wide(numbers)})
    missing = {s: int(values.loc[ix].isna().sum()) for s, ix in strata.items()}
    rule = row.get("missing", options["missing"])
    if rule == "always" or (rule in ("ifany", "footnote") and missing[OVERALL]):
        numbers = {s: _share(k, len(strata[s])) for s, k in missing.items()}
        out.append({**base, "row_type": "missing", "level": "Missing", **_wide(numbers)})
    return out


def stratified_statistics(
    frame: pd.DataFrame,
    rows: Sequence[Mapping],
    by: str | None,
    *,
    group_labels: Mapping[Any, str] | None = None,
    hf_type: int,
    missing: str,
    exact_max_n: int,
    chi_square_correction: bool = False,
    source: str | None = None,
    mann_whitney_test: Mapping | None = None,
    tests: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Statistics of a descriptive table stratified by ``by``, with an overall column.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per patient (index: file row numbers, used in error messages).
    rows : sequence of mapping
        One per variable: ``variable``; optional ``kind`` (binary, categorical, continuous;
        inferred from the dtype otherwise), ``stat`` (continuous: median_iqr, mean_sd, min_max,
        median, median_iqr_range), ``levels`` (categorical level order), ``missing``. A row
        ``{"section": text}`` is a heading: one record of ``row_type`` section, no numbers.
    by : str or None
        Grouping column; patients with a missing group are left out (``n_excluded``). None: the
        overall column only (no test, no SMD).
    group_labels : mapping, optional
        {group value: printed name} in display order; other values are excluded. Default:
        every observed value, sorted, named by itself.
    hf_type : int
        Hyndman-Fan quantile type of the quartiles (the study's ``statistics.quantile_type``).
    missing : str
        Missing rows (the table's ``missing``; a row's own wins): "ifany", "always" or "no".
    exact_max_n, chi_square_correction
        The table's, passed to the Mann-Whitney test and to the chi-square test (default: no Yates, as
        gtsummary; :func:`retrocohort.analysis.presets.chi_square_correction` resolves a study's setting).
    mann_whitney_test : mapping, optional
        Mann-Whitney keyword arguments (``presets.mann_whitney_options``); replace ``exact_max_n``.
    tests : mapping, optional
        The table's tests (``{slot: registered test}``,
        :func:`retrocohort.analysis.test_policy.resolve_tests` of caller ``descriptive``, e.g.
        ``{"continuous_two_groups": "welch_t"}``); unset slots take the descriptive defaults
        (the test rule of the module docstring).
    source : str, optional
        Input file name for error messages.

    Returns
    -------
    pandas.DataFrame
        One row per table row: row, variable, kind, stat, level, row_type (value, variable,
        level, missing, section), test, method, statistic, p_value, smd, ``<statistic>@<stratum>`` for
        each of ``PER_STRATUM`` and each stratum (Overall first), ``n_group@<stratum>``,
        quantile_method and n_excluded.

    References
    ----------
    Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50:361-5.
    Mann HB, Whitney DR. On a test of whether one of two random variables is stochastically
    larger than the other. Ann Math Stat 1947;18:50-60.
    Kruskal WH, Wallis WA. Use of ranks in one-criterion variance analysis. J Am Stat Assoc
    1952;47:583-621.
    Cochran WG. Some methods for strengthening the common chi-square tests. Biometrics
    1954;10:417-51 (the expected-count rule between chi-square and Fisher's exact test).
    Agresti A. Categorical Data Analysis, 3rd ed. Wiley, 2013, sections 3.2 and 3.5.
    Austin PC. Balance diagnostics for comparing the distribution of baseline covariates between
    treatment groups in propensity-score matched samples. Stat Med 2009;28:3083-107 (SMD).
    Sjoberg DD, Whiting K, Curry M, Lavery JA, Larmarange J. Reproducible summary tables with
    the gtsummary package. R J 2021;13:570-80.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"arm": ["a", "a", "a", "b", "b", "b"],
    ...                       "age": [30.0, 35.0, 40.0, 50.0, 55.0, 60.0],
    ...                       "male": [True, False, True, True, True, True]})
    >>> rows = [{"variable": "age", "kind": "continuous"}, {"variable": "male", "kind": "binary"}]
    >>> table = stratified_statistics(frame, rows, "arm", hf_type=7, missing="ifany", exact_max_n=50)
    >>> table[["variable", "test", "p_value", "median@a", "median@b", "count@b", "percent@b"]]
      variable            test  p_value  median@a  median@b  count@b  percent@b
    0      age  Mann-Whitney U      0.1      35.0      55.0      NaN        NaN
    1     male    Fisher exact      1.0       NaN       NaN      3.0      100.0
    """
    if by is None:
        return _ungrouped(frame, rows, hf_type, missing, source)
    if by not in frame.columns:
        raise _column_error(
            "Grouping variable not in the data",
            "no such column",
            source,
            by,
            None,
            f"one of {list(frame.columns)}",
        )
    if missing not in MISSING_RULES or hf_type not in HF_TYPES:
        raise ValueError(f"missing must be one of {MISSING_RULES} and hf_type one of {sorted(HF_TYPES)}")
    keys, order = group_assignment(frame[by], dict(group_labels) if group_labels else None)
    if len(order) < 2:
        summary = f"Stratified table needs at least two groups of '{by}'"
        raise _column_error(
            summary, "fewer than two groups", source, by, [k for k, _ in order], ">= 2 groups"
        )
    if OVERALL in [label for _, label in order]:
        summary = f"A group of '{by}' is named '{OVERALL}'"
        raise _column_error(summary, "clashes with the overall column", source, by, OVERALL, "another label")
    kept = frame[keys.notna()]
    strata = {OVERALL: kept.index, **{label: kept.index[keys[kept.index] == key] for key, label in order}}
    options = dict(
        source=source,
        hf_type=hf_type,
        missing=missing,
        mann_whitney=dict(mann_whitney_test or {"exact_max_n": exact_max_n}),
        correction=chi_square_correction,
        tests=resolve_tests("descriptive", own=tests, where=f"{source or 'table'}/tests"),
    )
    return _statistics_frame(kept, rows, strata, options, int(keys.isna().sum()))


def _ungrouped(
    frame: pd.DataFrame, rows: Sequence[Mapping], hf_type: int, missing: str, source: str | None
) -> pd.DataFrame:
    """:func:`stratified_statistics` without a grouping: the overall column only."""
    if missing not in MISSING_RULES or hf_type not in HF_TYPES:
        raise ValueError(f"missing must be one of {MISSING_RULES} and hf_type one of {sorted(HF_TYPES)}")
    options = dict(source=source, hf_type=hf_type, missing=missing, mann_whitney={}, correction=False)
    return _statistics_frame(frame, rows, {OVERALL: frame.index}, options, 0)


def _section_row(index: int) -> list[dict]:
    """The record of a section heading row (``{section: text}``): no numbers, no test."""
    return [
        {
            "row": index,
            "variable": None,
            "kind": "section",
            "stat": "section",
            "level": None,
            "row_type": "section",
        }
    ]


def _statistics_frame(
    kept: pd.DataFrame, rows: Sequence[Mapping], strata: dict, options: dict, n_excluded: int
) -> pd.DataFrame:
    records = [
        rec
        for i, row in enumerate(rows)
        for rec in (_section_row(i) if "section" in row else _variable_rows(i, row, kept, strata, options))
    ]
    out = pd.DataFrame.from_records(records)
    for stratum, index in strata.items():
        out[f"n_group@{stratum}"] = len(index)
    hf_type = options["hf_type"]
    out["quantile_method"] = f"Hyndman-Fan type {hf_type} ({HF_TYPES[hf_type]})"
    out["n_excluded"] = n_excluded
    return out


def strata(stats: pd.DataFrame) -> list[str]:
    """Stratum names of a :func:`stratified_statistics` frame, Overall first, in column order.

    Parameters
    ----------
    stats : pandas.DataFrame
        A frame returned by :func:`stratified_statistics`.

    Returns
    -------
    list of str
        The strata (the columns ``n_group@<stratum>``).

    References
    ----------
    Hayes-Larson E, Kezios KL, Mooney SJ, Lovasi G. Who is in this study, anyway? Guidelines for
    a useful Table 1. J Clin Epidemiol 2019;114:125-32 (an overall column, then one per group).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"arm": ["a", "b", "b"], "age": [30.0, 50.0, 55.0]})
    >>> strata(stratified_statistics(frame, [{"variable": "age"}], "arm", hf_type=7,
    ...                              missing="ifany", exact_max_n=50))
    ['Overall', 'a', 'b']
    """
    return [c.split("@", 1)[1] for c in stats.columns if c.startswith("n_group@")]
