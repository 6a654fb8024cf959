"""The formatted comparison table of a matched or weighted sample (``kind: comparison`` with
``sample:``), from :func:`retrocohort.analysis.sample_groups.sample_group_statistics`: per
comparison, one row per group with its patients, the weighted n (%) or mean (SD), and the
design-based p-value lettered by its test."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from retrocohort.format.numbers import format_mean_sd
from retrocohort.format.pvalues import p_value_format, printed_p
from retrocohort.render.model import Marked, Row, Table
from retrocohort.render.pvalue_marks import (
    bold_footnote,
    bold_threshold,
    is_bold_p,
    method_footnotes,
    method_letter,
)
from retrocohort.tables.cells import number_style
from retrocohort.tables.sample_descriptive_table import weighted_count_text


def build_sample_group_table(stats: pd.DataFrame, table_id: str, config: Mapping[str, Any]) -> Table:
    """The table ``tables.<table_id>`` (``kind: comparison`` with ``sample:``).

    Parameters
    ----------
    stats : pandas.DataFrame
        The weighted group statistics.
    table_id : str
        The table's key.
    config : mapping
        The study config.

    Returns
    -------
    Table
        Columns: comparison and group, n (patients), weighted n (%) or mean (SD), p-Value.

    References
    ----------
    Lumley T. J Stat Softw 2004;9(8):1-19 (design-based tests).
    """
    spec = config["tables"][table_id]
    style = number_style(dict(config), table_id)
    threshold = bold_threshold(dict(config), table_id)
    p_format = p_value_format(config["statistics"])
    rows, markers = [], {}
    for order, part in stats.groupby("order", sort=True):
        comparison = spec["comparisons"][int(order)]
        test = part[part["role"] == "test"].iloc[0].to_dict()
        rows.append(Row([str(test["comparison_label"])], section=True))
        p_text = Marked(printed_p(test["p_value"], p_format), method_letter(markers, f"{test['method']}."))
        bold = is_bold_p(test["p_value"], threshold)
        for i, rec in enumerate(part[part["role"] == "summary"].to_dict("records")):
            if rec["outcome_kind"] == "binary":
                cell = weighted_count_text(rec["count"], rec["percent"], 0, style.rule)
            else:
                cell = format_mean_sd(rec["mean"], rec["sd"], int(comparison["decimals"]), rule=style.rule)
            rows.append(
                Row(
                    [str(rec["group"]), str(int(rec["n_group"])), cell, p_text if i == 0 else ""],
                    indent=1,
                    bold=[False, False, False, bold and i == 0],
                )
            )
    columns = list(
        spec.get("columns", ["Comparison and group", "n", "Weighted n (%) or mean (SD)", "p-Value"])
    )
    tests = stats[stats["role"] == "test"]
    outcomes = "; ".join(
        f"{r['comparison_label']}: {r['outcome_label']} by {r['group_variable_label']}"
        for r in tests.to_dict("records")
    )
    foot = [*spec.get("footnotes", []), f"Outcomes compared: {outcomes}."]
    foot.append(
        f"Weighted statistics ({tests['details'].iloc[0]['design']}): n, patients; binary outcomes, the sum "
        "of the weights of the patients with the outcome and the weighted percentage of those with a "
        "known value; continuous outcomes, the weighted mean (SD) (R survey::svymean, svyvar). "
        "p-values are two-sided and design-based."
    )
    foot += bold_footnote(threshold, rows) + method_footnotes(markers)
    title = str(spec.get("title", "Group comparisons")).replace("{n}", str(int(tests["n_group"].max())))
    return style.table(
        Table(title=title, columns=columns, rows=rows, footnotes=foot, label=f"tab:{table_id}")
    )
