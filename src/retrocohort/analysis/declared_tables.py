"""Statistics of a table declared by kind in the study config (``tables.<id>``, rule
``cohort_table``): a ``descriptive`` table (overall or by a group) through
:func:`retrocohort.analysis.stratified.stratified_statistics`, a ``regression`` table through
:func:`retrocohort.analysis.regression.regression_analysis`. This module only turns the config
entry into those functions' arguments (variable kinds and category levels from ``variables:``,
the study's quantile type); the numbers are theirs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from retrocohort.analysis.descriptive import variable_kind
from retrocohort.analysis.groups import group_assignment, group_key
from retrocohort.analysis.presets import chi_square_correction, mann_whitney_options
from retrocohort.analysis.regression import regression_analysis
from retrocohort.analysis.sample_descriptive import sample_stratified_statistics
from retrocohort.analysis.stratified import KIND_ALIASES, stratified_statistics
from retrocohort.analysis.test_policy import resolve_tests
from retrocohort.cohort.selection import apply_selection
from retrocohort.config.time_points import with_frame_columns
from retrocohort.errors import ConfigError, Problem


def descriptive_rows(
    spec: Mapping[str, Any], variables: Mapping[str, Any], derived: Mapping[str, Any] | None = None
) -> list[dict]:
    """The table's rows with each variable's kind (declared, or of a ``derived:`` variable by
    :func:`retrocohort.analysis.descriptive.variable_kind`; ``count`` summarised as continuous)
    and, for a categorical variable, its declared ``categories`` as the level order, unless the
    row says. A section row (``{section: text}``) is kept as it is."""
    rows = []
    for row in spec["rows"]:
        if "section" in row:
            rows.append(dict(row))
            continue
        declared = variables.get(row["variable"], {})
        known = row["variable"] in variables or row["variable"] in (derived or {})
        declared_kind = variable_kind(row["variable"], variables, derived or {}) if known else None
        kind = row.get("kind") or KIND_ALIASES.get(declared_kind, declared_kind)
        out = {**row, **({"kind": kind} if kind in ("binary", "categorical", "continuous") else {})}
        if out.get("kind") == "categorical" and "levels" not in out and declared.get("categories"):
            out["levels"] = list(declared["categories"])
        rows.append(out)
    return rows


def _declared_levels(
    frame: pd.DataFrame, spec: Mapping[str, Any], variables: Mapping[str, Any]
) -> pd.DataFrame:
    """Categorical predictors as pandas categoricals in their declared ``categories`` order, so a
    model's levels print in that order (R: factor levels); values outside it are kept as given."""
    out = frame
    for name in dict.fromkeys([*spec["predictors"], *spec.get("multivariable", [])]):
        cats = variables.get(name, {}).get("categories")
        if cats and name in frame and frame[name].dropna().isin(cats).all():
            out = out.assign(**{name: pd.Categorical(frame[name], categories=cats)})
    return out


def _category_groups(by: str | None, variables: Mapping[str, Any]) -> dict | None:
    """Default groups of a table by a categorical variable: its declared categories, in order."""
    cats = variables.get(by, {}).get("categories") if by else None
    return {c: c for c in cats} if cats else None


def check_group_labels(frame: pd.DataFrame, table_id: str, spec: Mapping[str, Any]) -> None:
    """ConfigError when no patient has any of the ``group_labels`` values of ``by`` (every arm
    would print n = 0): the labels name values the data do not hold, e.g. raw codes of a
    ``map:`` instead of the mapped values. The message lists the values present."""
    labels, by = spec.get("group_labels"), spec.get("by")
    if not labels or by not in frame:
        return
    keys, _ = group_assignment(frame[by], dict(labels))
    if keys.notna().any():
        return
    present = sorted({k for k in (group_key(v) for v in frame[by]) if k is not None})
    raise ConfigError(
        f"No patient is in any group of tables/{table_id}",
        [
            Problem(
                f"no patient has any of these values of {by!r}",
                file="config",
                column=f"tables/{table_id}/group_labels",
                value=list(labels),
                expected=f"values of {by} as printed: one of {', '.join(present) or '(none: all missing)'}",
            )
        ],
    )


def data_level(values: pd.Series | None, level: Any) -> Any:
    """The value of ``values`` that ``level`` names as printed (:func:`group_key`: ``1`` for the
    yes/no measurement value 1.0, ``True`` for a boolean), so a level written as the config spells
    values means the same patients in a model as in a descriptive table; else ``level``."""
    if values is None:
        return level
    wanted = group_key(level)
    return next((v for v in pd.unique(values.dropna()) if group_key(v) == wanted), level)


def reference_levels(spec: Mapping[str, Any], variables: Mapping[str, Any]) -> dict:
    """The table's ``reference_levels``, completed with the first declared category of each
    categorical predictor (R's default treatment coding: the first factor level)."""
    refs = dict(spec.get("reference_levels") or {})
    for name in [*spec["predictors"], *spec.get("multivariable", [])]:
        declared = variables.get(name, {})
        if name not in refs and declared.get("kind") == "categorical" and declared.get("categories"):
            refs[name] = declared["categories"][0]
    return refs


def listing_values(frame: pd.DataFrame, spec: Mapping[str, Any]) -> pd.DataFrame:
    """``patient_id`` (the frame's index) and each listed variable, one row per patient; a
    ``patient_id`` column of the listing is that id (listed once, not a second column)."""
    columns = [c for c in dict.fromkeys(c["variable"] for c in spec["columns"]) if c != "patient_id"]
    listed = frame.reindex(columns=columns).reset_index()
    return listed.rename(columns={listed.columns[0]: "patient_id"})


def time_point_record(columns: Mapping[str, Any], key: str) -> dict:
    """``time_point`` (name) and ``time_point_window`` ("lo to hi", the accepted days) of the row
    at ``key``; empty for a variable that is not long-format (traceability of the stats files)."""
    hit = columns.get(key)
    if not hit:
        return {"time_point": "", "time_point_window": ""}
    point = hit[2]
    return {"time_point": point.name, "time_point_window": f"{point.window[0]} to {point.window[1]}"}


def _with_time_points(
    stats: pd.DataFrame, spec: Mapping[str, Any], table_id: str, columns: Mapping
) -> pd.DataFrame:
    """The statistics with each row's variable name (not its frame column) and time point."""
    rows = spec["rows"]
    keys = [f"tables/{table_id}/rows/{int(r)}" for r in stats["row"]]
    records = [time_point_record(columns, k) for k in keys]
    return stats.assign(
        variable=[rows[int(r)].get("variable") for r in stats["row"]],
        time_point=[r["time_point"] for r in records],
        time_point_window=[r["time_point_window"] for r in records],
    )


def where_criteria(spec: Mapping[str, Any], table_id: str) -> list[dict]:
    """The table's ``where:`` conditions as selection criteria (same grammar and code as
    ``selection.criteria``), each named by its key path when it has no ``id``."""
    return [
        {"id": f"tables/{table_id}/where/{i}", **condition}
        for i, condition in enumerate(spec.get("where") or [])
    ]


def table_population(frame: pd.DataFrame, spec: Mapping[str, Any], table_id: str) -> pd.DataFrame:
    """The patients of ``frame`` meeting every ``where:`` condition of the table.

    The conditions are applied in order by :func:`retrocohort.cohort.selection.apply_selection`
    (the grammar of ``selection.criteria``): a patient whose variable is missing is left out
    unless the condition says ``missing: include``. A table without ``where:`` keeps everyone.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per patient of the analysed cohort.
    spec : mapping
        The table's config entry (``where:`` a list of conditions: ``column``, ``operator``,
        ``value``, ``missing``; schema defaults filled).
    table_id : str
        The table's key under ``tables:``; a condition without ``id`` is named
        ``tables/<id>/where/<i>`` in errors and in the flow.

    Returns
    -------
    pandas.DataFrame
        The rows of ``frame`` meeting every condition, in their order (``frame`` itself when
        the table declares no ``where:``).

    References
    ----------
    von Elm E, Altman DG, Egger M, et al. The Strengthening the Reporting of Observational
    Studies in Epidemiology (STROBE) statement. Lancet 2007;370:1453-7 (item 13: the number of
    participants at each stage; the footnote states the table's population with its n).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"sex": ["f", "m", "f", None], "age": [30, 40, 50, 60]})
    >>> spec = {"where": [{"column": "sex", "operator": "==", "value": "f", "missing": "exclude"}]}
    >>> table_population(frame, spec, "table5")["age"].tolist()
    [30, 50]
    >>> len(table_population(frame, {}, "table5"))
    4
    """
    criteria = where_criteria(spec, table_id)
    return apply_selection(frame, criteria)[0] if criteria else frame


def declared_table_statistics(
    frame: pd.DataFrame,
    table_id: str,
    spec: Mapping[str, Any],
    variables: Mapping[str, Any],
    statistics: Mapping[str, Any],
    columns: Mapping[str, Any] | None = None,
    derived: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Full-precision statistics of the declared table ``table_id``.

    A ``descriptive`` table is summarised by
    :func:`retrocohort.analysis.stratified.stratified_statistics` (variable kinds and category
    levels from ``variables:``, the test of each row from the one test policy,
    :func:`retrocohort.analysis.test_policy.resolve_tests`); a ``regression`` table by
    :func:`retrocohort.analysis.regression.regression_analysis` (categorical predictors in
    their declared level order, the first declared level the reference unless the table says);
    a ``listing`` returns the listed values. This function only turns the config entry into
    those functions' arguments: the numbers are theirs.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per patient of the analysed cohort (patient variables, derived variables,
        baseline-day measurements).
    table_id : str
        The table's key under ``tables:`` (named in config errors as ``tables/<id>/...``).
    spec : mapping
        The table's config entry (``kind`` descriptive or regression, see config/README.md).
    variables : mapping
        The study's ``variables:`` (kinds and category levels).
    statistics : mapping
        The study's ``statistics:`` (``quantile_type``).
    columns : mapping, optional
        ``{row key path: (frame column, variable, time point)}`` of the long-format rows
        (:func:`retrocohort.analysis.frames.row_columns`): each such row reads its column, and
        a descriptive table's statistics record ``time_point`` and ``time_point_window``.
    derived : mapping, optional
        The study's ``derived:`` (the kind of a derived variable in a descriptive row: a flag
        is binary, a count continuous).

    Returns
    -------
    pandas.DataFrame
        Descriptive: the :func:`stratified_statistics` frame (one row per printed row: counts,
        quartiles, mean, SD, min, max per stratum, test, method, p, SMD); regression:
        :meth:`RegressionAnalysis.to_frame` (one row per model term: ratio, CI, p, n, events,
        convergence notes, method). Both add ``time_point`` and ``time_point_window`` (empty
        for a variable that is not long-format). Listing: patient_id and the listed variables
        (a column at a time point named ``<variable>@<time point>`` when the listing shows
        the variable at two).

    References
    ----------
    Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50:361-5 (the
    quartiles, ``statistics.quantile_type``).
    Sjoberg DD, Whiting K, Curry M, Lavery JA, Larmarange J. Reproducible summary tables with
    the gtsummary package. R J 2021;13:570-80 (the descriptive layout and default tests).
    Hosmer DW, Lemeshow S, Sturdivant RX. Applied Logistic Regression, 3rd ed. Wiley, 2013;
    Cox DR. Regression models and life-tables. J R Stat Soc B 1972;34:187-220 (the models).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"arm": ["a", "a", "a", "b", "b", "b"],
    ...                       "age": [30.0, 35.0, 40.0, 50.0, 55.0, 60.0]})
    >>> spec = {"kind": "descriptive", "by": "arm", "rows": [{"variable": "age"}],
    ...         "missing": "ifany", "exact_max_n": 50}
    >>> variables = {"arm": {"kind": "categorical"}, "age": {"kind": "continuous"}}
    >>> statistics = {"quantile_type": 7, "chi_square_correction": False}
    >>> stats = declared_table_statistics(frame, "table5", spec, variables, statistics)
    >>> stats[["variable", "test", "p_value", "median@Overall", "median@a", "median@b"]]
      variable            test  p_value  median@Overall  median@a  median@b
    0      age  Mann-Whitney U      0.1            45.0      35.0      55.0
    """
    columns = columns or {}
    if spec["kind"] == "listing":  # the listed values themselves, one row per patient
        listed = with_frame_columns(spec["columns"], f"tables/{table_id}/columns", columns)
        return listing_values(frame, {**spec, "columns": listed})
    if spec["kind"] == "regression":
        levelled = _declared_levels(frame, spec, variables)
        refs = {
            name: data_level(levelled.get(name), level)
            for name, level in reference_levels(spec, variables).items()
        }
        model = {**spec, "kind": spec["model"], "reference_levels": refs}
        terms = regression_analysis(levelled, model, where=f"tables/{table_id}").to_frame()
        by_variable = {var: key for key, (_, var, _) in columns.items()}
        records = [time_point_record(columns, by_variable.get(v, "")) for v in terms["variable"]]
        return terms.assign(
            time_point=[r["time_point"] for r in records],
            time_point_window=[r["time_point_window"] for r in records],
        )
    absent = [  # a declared measurement nobody in the cohort has on the baseline day: all missing
        r["variable"]
        for r in spec["rows"]
        if "variable" in r
        and r["variable"] not in frame
        and variables.get(r["variable"], {}).get("table") == "measurements"
    ]
    frame = frame.assign(**{name: np.nan for name in absent}) if absent else frame
    check_group_labels(frame, table_id, spec)
    if spec.get("sample"):  # a matched or weighted sample: weighted numbers, design-based tests
        rows = with_frame_columns(
            descriptive_rows(spec, variables, derived), f"tables/{table_id}/rows", columns
        )
        stats = sample_stratified_statistics(
            frame,
            rows,
            spec["by"],
            group_labels=spec.get("group_labels") or _category_groups(spec.get("by"), variables),
            missing=spec["missing"],
            source=f"tables/{table_id}",
        )
        return _with_time_points(stats, spec, table_id, columns)
    stats = stratified_statistics(
        frame,
        with_frame_columns(descriptive_rows(spec, variables, derived), f"tables/{table_id}/rows", columns),
        spec.get("by"),
        group_labels=spec.get("group_labels") or _category_groups(spec.get("by"), variables),
        hf_type=int(statistics["quantile_type"]),
        missing=spec["missing"],
        exact_max_n=int(spec["exact_max_n"]),
        chi_square_correction=chi_square_correction(spec, statistics),
        mann_whitney_test=mann_whitney_options(statistics, int(spec["exact_max_n"])),
        tests=resolve_tests("descriptive", statistics, spec.get("tests"), f"tables/{table_id}/tests"),
        source=f"tables/{table_id}",
    )
    return _with_time_points(stats, spec, table_id, columns)
