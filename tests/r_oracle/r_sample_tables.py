"""Python side of the table-level R oracle for the descriptive and comparison tables on a
treatment comparison's matched or weighted sample (``sample:``): the R calls of
sample_tables_oracle.R for each row or comparison, from the sample's patients as
:func:`r_study_tables.table_frame` reads them (weights and matched sets from the design file,
read with pandas). The cells are compared by r_tables.compare_stratified and
r_study_tables.compare_groups, as the unweighted tables' are."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from r_tables import group_text, r_literal, r_numbers, r_strings

R_FUNCTIONS = Path(__file__).with_name("sample_tables_oracle.R")


def source_line() -> str:
    """The R line defining the sample functions (after tables_oracle.R's ``put``)."""
    return f"source({r_literal(R_FUNCTIONS)})"


def _design(frame: pd.DataFrame) -> tuple[str, str]:
    """R vectors of the weights and clusters: the matched sets, or each patient its own."""
    sets = frame["sample_set"].fillna("").astype(str)
    clusters = sets if (sets != "").all() else pd.Series(np.arange(len(frame)).astype(str), index=frame.index)
    return r_numbers(frame["sample_weight"]), r_strings(clusters)


def sample_descriptive_code(table: str, frame: pd.DataFrame, spec: dict, ours: pd.DataFrame) -> list[str]:
    """R calls of a ``kind: descriptive`` table with ``sample:`` (``frame``: its sample)."""
    by = spec["by"]
    labels = spec.get("group_labels") or {v: v for v in sorted({group_text(x) for x in frame[by]} - {None})}
    w, cl = _design(frame)
    g = r_strings(group_text(v) for v in frame[by])
    code = []
    heads = ours[ours["row_type"].isin(["value", "variable"])].set_index("variable")
    for row in spec["rows"]:
        variable = row.get("variable")
        if variable not in heads.index:
            continue
        kind = heads.loc[variable, "kind"]
        values = frame[variable]
        if kind == "categorical":
            levels = ours[(ours["variable"] == variable) & (ours["row_type"] == "level")]["level"].astype(str)
            x, extra = r_strings(group_text(v) for v in values), f", levels = {r_strings(levels)}"
        else:
            x, extra = r_numbers(values), ""
        code.append(
            f"sample_variable({r_literal(table)}, {r_literal(variable)}, {x}, {g}, "
            f"{r_strings(str(k) for k in labels)}, {r_strings(labels.values())}, {r_literal(kind)}, "
            f"{w}, {cl}{extra})"
        )
    return code


def sample_comparison_code(table: str, frame: pd.DataFrame, spec: dict, ours: pd.DataFrame) -> list[str]:
    """R calls of a ``kind: comparison`` table with ``sample:`` (``frame``: its sample)."""
    w, cl = _design(frame)
    code = []
    for comparison in spec["comparisons"]:
        test = ours[(ours["comparison"] == comparison["id"]) & (ours["role"] == "test")].iloc[0]
        groups = comparison["groups"]
        g = r_strings(group_text(v) for v in frame[comparison["group_variable"]])
        binary = "TRUE" if test["statistic_name"] == "F" else "FALSE"
        code.append(
            f"sample_comparison({r_literal(table)}, {r_literal(comparison['id'])}, "
            f"{r_numbers(frame[comparison['outcome']])}, {g}, {r_strings(str(k) for k in groups)}, "
            f"{r_strings(groups.values())}, {binary}, {w}, {cl})"
        )
    return code
