"""Table 1 statistics: machine-readable, full precision, one row per table row.

Binary rows: count of true, denominator = patients with a known value, percentage.
Continuous rows: n, missing, median and quartiles under a stated Hyndman–Fan type (default 7:
R/numpy default and Excel QUARTILE.INC), mean, SD (n − 1), min, max.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from retrocohort.config.derived_spec import BOOLEAN_OPS, CATEGORY_OPS
from retrocohort.errors import ConfigError, Problem
from retrocohort.stats.quantiles import HF_TYPES, quantile

#: The numbers of one summarised variable (n (%), quartiles, mean, SD, range), in file order.
SUMMARY_COLUMNS = [
    "n",
    "missing",
    "count",
    "denominator",
    "percent",
    "median",
    "q1",
    "q3",
    "mean",
    "sd",
    "min",
    "max",
    "quantile_type",
    "quantile_method",
]
STAT_COLUMNS = [
    "row",
    "variable",
    "stat",
    *SUMMARY_COLUMNS,
    "synthetic",
    "note",
]


BINARY_DERIVED_OPS = BOOLEAN_OPS


def variable_kind(name: str, variables: dict, derived: dict) -> str:
    """Kind of a declared variable, or of a derived one (flags: binary; counts/lines: count).

    Built-in per-patient numbers (e.g. ``hscore_probability_pct``) are continuous.

    Parameters
    ----------
    name : str
        The variable.
    variables : dict
        The study's ``variables:`` declarations.
    derived : dict
        The study's ``derived:`` declarations.

    Returns
    -------
    str
        ``continuous``, ``count``, ``binary`` or ``categorical``.

    References
    ----------
    Stevens SS. On the theory of scales of measurement. Science 1946;103:677-80 (the kind
    decides the summary and the test).

    Examples
    --------
    >>> variables = {"age": {"kind": "continuous"}}
    >>> variable_kind("age", variables, {}), variable_kind("n_lines", variables, {"n_lines": {"count": ["a"]}})
    ('continuous', 'count')
    """
    if name in variables:
        return variables[name]["kind"]
    spec = derived.get(name, {})
    if any(op in spec for op in CATEGORY_OPS):
        return "categorical"
    if any(op in spec for op in BINARY_DERIVED_OPS):
        return "binary"
    if "expression" in spec:  # arithmetic of numbers: a measurement, not a count
        return "continuous"
    return "count" if spec else "continuous"


def _auto_stat(kind: str) -> str:
    return "count_pct" if kind == "binary" else "median_iqr"


def summarise_variable(values: pd.Series, stat: str, hf_type: int) -> dict:
    """Summary numbers of one column for the given statistic (NaN where not applicable).

    Parameters
    ----------
    values : pandas.Series
        One variable's values (missing as NaN/NA).
    stat : str
        ``count_pct`` (n (%) of true values among the known ones), ``median_iqr``, ``median``
        or ``mean_sd``.
    hf_type : int
        Hyndman-Fan sample quantile definition (1-9) of the quartiles.

    Returns
    -------
    dict
        ``n``, ``missing`` and the statistic's numbers (``count``, ``denominator``,
        ``percent``; or ``median``, ``q1``, ``q3``, ``mean``, ``sd`` with the n - 1 denominator,
        ``min``, ``max``), with a ``note`` when one is undefined.

    References
    ----------
    Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50:361-5.

    Examples
    --------
    >>> import pandas as pd
    >>> summarise_variable(pd.Series([30.0, 40.0, 50.0, None]), "median_iqr", 7)
    {'n': 3, 'missing': 1, 'median': 40.0, 'q1': 35.0, 'q3': 45.0, 'mean': 40.0, 'sd': 10.0, 'min': 30.0, 'max': 50.0, 'note': ''}
    >>> summarise_variable(pd.Series([30.0, 40.0, 50.0, None]), "median_iqr", 6)["q1"]
    30.0
    """
    out: dict = {"n": int(values.notna().sum()), "missing": int(values.isna().sum())}
    if stat == "count_pct":
        known = values.dropna().astype(bool)
        out.update(
            count=int(known.sum()),
            denominator=int(len(known)),
            percent=100.0 * known.sum() / len(known) if len(known) else np.nan,
        )
        return {**out, "note": missing_statistics_note(out, stat)}
    x = values.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    x = x[~np.isnan(x)]
    if x.size:
        q1, med, q3 = quantile(x, [0.25, 0.5, 0.75], hf_type)
        out.update(
            median=float(med),
            q1=float(q1),
            q3=float(q3),
            mean=float(x.mean()),
            sd=float(x.std(ddof=1)) if x.size > 1 else np.nan,
            min=float(x.min()),
            max=float(x.max()),
        )
    out["note"] = missing_statistics_note(out, stat)
    return out


def missing_statistics_note(summary: Mapping, stat: str) -> str:
    """Why statistics of a summary do not exist: "not computed: <reason>", or "" when all do.

    No known value leaves every statistic undefined; one known value leaves the SD (n − 1
    denominator) undefined. Percentages need a known value in the denominator.
    """
    if summary["n"] == 0:
        return "not computed: no patient with a known value"
    if stat != "count_pct" and summary["n"] == 1:
        return "not computed: SD (n − 1 denominator) needs at least 2 known values"
    return ""


def variable_values(frame: pd.DataFrame, name: str, variables: Mapping, where: str) -> pd.Series:
    """The column ``name`` of the per-patient frame. A declared measurement nobody in the cohort
    has on the day (e.g. an empty cohort) has no column: it reads as all missing. Any other
    absent name is a :class:`~retrocohort.errors.ConfigError` naming ``where``."""
    if name in frame.columns:
        return frame[name]
    if variables.get(name, {}).get("table") == "measurements":
        return pd.Series(np.nan, index=frame.index, dtype="float64", name=name)
    raise ConfigError(
        "Variable not available per patient",
        [
            Problem(
                "no such column in the per-patient frame",
                file="config",
                column=where,
                value=name,
                expected="a patient-level variable, derived variable or baseline measurement",
            )
        ],
    )


def table1_row_label(row: Mapping, variables: Mapping, derived: Mapping) -> str:
    """The printed label of a Table 1 row: the row's ``label``, else its variable's, else its name
    (a section row's heading is its ``section`` text).

    Parameters
    ----------
    row : mapping
        One entry of the table's ``rows:``.
    variables, derived : mapping
        The study's ``variables:`` and ``derived:`` declarations.

    Returns
    -------
    str
        The label.

    References
    ----------
    Hayes-Larson E, Kezios KL, Mooney SJ, Lovasi G. Who is in this study, anyway? Guidelines for
    a useful Table 1. J Clin Epidemiol 2019;114:125-32.

    Examples
    --------
    >>> variables = {"age": {"label": "Age (years)"}}
    >>> table1_row_label({"variable": "age"}, variables, {})
    'Age (years)'
    >>> table1_row_label({"variable": "age", "label": "Age"}, variables, {})
    'Age'
    >>> table1_row_label({"section": "Demographics"}, variables, {})
    'Demographics'
    """
    if "section" in row:
        return row["section"]
    spec = variables.get(row["variable"]) or derived.get(row["variable"]) or {}
    label = spec.get("label", row["variable"])
    return row.get("label", f"{label}: {row['level']}" if "level" in row else label)


def _level_indicator(values: pd.Series, row: Mapping, index: int) -> pd.Series:
    """True where a categorical variable equals the row's ``level`` (missing stays missing): a
    classic Table 1 row shows one level as n (%). Without ``level``: ConfigError naming the key."""
    if "level" not in row:
        levels = sorted({str(v) for v in values.dropna()})
        raise ConfigError(
            "Categorical variable in Table 1 without a level",
            [
                Problem(
                    "a classic Table 1 row prints one number per variable",
                    file="config",
                    column=f"tables/table1/rows/{index}/level",
                    value=row["variable"],
                    expected=f"`level:` one of {levels} (one row per level), or a table of "
                    "`kind: descriptive`, which shows every level",
                )
            ],
        )
    flags = values.map(lambda v: None if pd.isna(v) else str(v) == str(row["level"]))
    return flags.astype("boolean")


def table1_statistics(
    frame: pd.DataFrame,
    rows: list[dict],
    variables: dict,
    derived: dict,
    hf_type: int,
    synthetic: set[str],
    columns: Mapping[int, str] | None = None,
) -> pd.DataFrame:
    """Compute every configured Table 1 row from the baseline frame (one row per patient).

    Only the numbers: labels are formatting (:func:`table1_row_label`, applied by the tables
    rule), so editing a label does not recompute the statistics. Rows need only ``variable``,
    ``stat`` or ``section``; a categorical variable's row names its ``level`` (n (%) of patients
    with that level among those with a known value). ``columns`` maps a row index to the frame
    column holding its values (a long-format row's column at its time point:
    :func:`retrocohort.analysis.frames.row_columns`); other rows read the variable's column.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per patient of the cohort.
    rows : list of dict
        The table's ``rows:`` (``variable`` with optional ``stat``/``level``, or ``section``).
    variables, derived : dict
        The study's ``variables:`` and ``derived:`` declarations.
    hf_type : int
        Hyndman-Fan sample quantile definition of the quartiles (``statistics.quantile_type``).
    synthetic : set of str
        Variables read from synthetic sources (their rows are marked).
    columns : mapping of int to str, optional
        Row index -> frame column, for long-format rows at a time point.

    Returns
    -------
    pandas.DataFrame
        One record per row: ``row``, ``variable``, ``stat``, ``n``, ``missing``, the numbers of
        :func:`summarise_variable`, ``quantile_type``, ``quantile_method``, ``synthetic``, ``note``.

    References
    ----------
    Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50:361-5.
    Hayes-Larson E, Kezios KL, Mooney SJ, Lovasi G. Who is in this study, anyway? Guidelines for
    a useful Table 1. J Clin Epidemiol 2019;114:125-32.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"age": [30.0, 40.0, 50.0, None], "male": [True, False, True, True]})
    >>> variables = {"age": {"kind": "continuous"}, "male": {"kind": "binary"}}
    >>> rows = [{"section": "Demographics"}, {"variable": "age", "stat": "median_iqr"}, {"variable": "male"}]
    >>> table = table1_statistics(frame, rows, variables, {}, 7, set())
    >>> table[["variable", "stat", "n", "missing", "count", "percent", "median", "q1", "q3"]]
      variable        stat    n  missing  count  percent  median    q1    q3
    0      NaN     section  NaN      NaN    NaN      NaN     NaN   NaN   NaN
    1      age  median_iqr  3.0      1.0    NaN      NaN    40.0  35.0  45.0
    2     male   count_pct  4.0      0.0    3.0     75.0     NaN   NaN   NaN
    """
    columns = columns or {}
    records = []
    for i, row in enumerate(rows):
        if "section" in row:
            records.append({"row": i, "stat": "section"})
            continue
        name = row["variable"]
        kind = variable_kind(name, variables, derived)
        values = variable_values(frame, columns.get(i, name), variables, f"tables/table1/rows/{i}/variable")
        if kind in ("categorical", "text"):
            values, kind = _level_indicator(values, row, i), "binary"
        stat = row.get("stat", "auto")
        stat = _auto_stat(kind) if stat == "auto" else stat
        summary = summarise_variable(values, "count_pct" if stat == "count_pct" else "median_iqr", hf_type)
        records.append(
            {
                "row": i,
                "variable": name,
                "stat": stat,
                **summary,
                "quantile_type": hf_type,
                "quantile_method": f"Hyndman–Fan type {hf_type} ({HF_TYPES[hf_type]})"
                if stat != "count_pct"
                else "",
                "synthetic": name in synthetic,
            }
        )
    return pd.DataFrame.from_records(records, columns=STAT_COLUMNS)


def summary_records(stats: pd.DataFrame, hf_type: int) -> pd.DataFrame:
    """One record per printed row in the :data:`STAT_COLUMNS` layout, whichever engine wrote
    ``stats``: a classic Table 1 frame (:func:`table1_statistics`) as it is; the overall column
    of a declared ``kind: descriptive`` table
    (:func:`retrocohort.analysis.stratified.stratified_statistics`, columns
    ``<statistic>@Overall``) renamed to it, so a reader of a Table 1 (audit, notebook,
    manuscript, the ‡ marks) reads either.

    Parameters
    ----------
    stats : pandas.DataFrame
        A Table 1 statistics frame (as written to ``results/stats/<table>.csv`` and read back).
    hf_type : int
        The study's ``statistics.quantile_type`` (the ``quantile_type`` and
        ``quantile_method`` of the classic layout).

    Returns
    -------
    pandas.DataFrame
        :data:`STAT_COLUMNS`: ``row``, ``variable``, ``stat`` (``count_pct`` for a binary row
        or a categorical level, the printed statistic of a continuous row, ``section`` for a
        heading, else the row type: ``variable`` for a categorical variable's heading,
        ``missing``; a level's ``variable`` is ``<variable>.<level>``), the overall numbers,
        ``synthetic`` and ``note``
        (:func:`missing_statistics_note`).

    References
    ----------
    Hayes-Larson E, Kezios KL, Mooney SJ, Lovasi G. Who is in this study, anyway? Guidelines for
    a useful Table 1. J Clin Epidemiol 2019;114:125-32.

    Examples
    --------
    >>> import pandas as pd
    >>> from retrocohort.analysis.stratified import stratified_statistics
    >>> frame = pd.DataFrame({"age": [30.0, 40.0, 50.0, None], "male": [True, False, True, True]})
    >>> rows = [{"section": "Demographics"}, {"variable": "age", "kind": "continuous"},
    ...         {"variable": "male", "kind": "binary"}]
    >>> declared = stratified_statistics(frame, rows, None, hf_type=7, missing="no", exact_max_n=50)
    >>> summary_records(declared, 7)[["variable", "stat", "n", "missing", "count", "percent", "median"]]
      variable        stat    n  missing  count  percent  median
    0      NaN     section  NaN      NaN    NaN      NaN     NaN
    1      age  median_iqr  3.0      1.0    NaN      NaN    40.0
    2     male   count_pct  4.0      0.0    3.0     75.0     NaN
    """
    if "n_group@Overall" not in stats.columns:  # the classic layout already
        return stats
    records = []
    for rec in stats.to_dict("records"):
        row_type = rec["row_type"]
        if row_type == "section":
            records.append({"row": rec["row"], "stat": "section"})
            continue
        stat = rec["stat"] if row_type in ("value", "level") else row_type
        numbers = {key: rec.get(f"{key}@Overall", np.nan) for key in SUMMARY_COLUMNS[:12]}
        counted = stat == "count_pct"
        if counted:
            numbers.update({k: np.nan for k in ("median", "q1", "q3", "mean", "sd", "min", "max")})
        synthetic = rec.get("synthetic", False)
        level = rec.get("level")
        records.append(
            {
                "row": rec["row"],
                # a categorical variable's level: its own row name, "<variable>.<level>"
                "variable": rec["variable"] if row_type != "level" else f"{rec['variable']}.{level}",
                "stat": stat,
                **numbers,
                "quantile_type": hf_type,
                "quantile_method": "" if counted else f"Hyndman–Fan type {hf_type} ({HF_TYPES[hf_type]})",
                "synthetic": bool(synthetic) if not pd.isna(synthetic) else False,
                "note": missing_statistics_note(numbers, stat) if row_type in ("value", "level") else "",
            }
        )
    return pd.DataFrame.from_records(records, columns=STAT_COLUMNS)
