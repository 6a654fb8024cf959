"""Formatted group-comparison table from the machine-readable group statistics.

Layout, labels, decimals and footnotes come from the study config; numbers come from the
statistics frame; shared pieces (digit grouping, synthetic dagger, lettered p-values) from
:mod:`retrocohort.tables.cells`. p-values are set in bold below ``bold_p_below`` (parameter, else
config ``tables.groups.bold_p_below``; None: never bold).
"""

from __future__ import annotations

import pandas as pd

from retrocohort.format.numbers import EM_DASH, format_count_pct, format_median_iqr, rounding_rule_sentence
from retrocohort.render.model import Row, Table
from retrocohort.render.number_style import NumberStyle
from retrocohort.render.pvalue_marks import bold_footnote, bold_threshold, is_bold_p, method_footnotes
from retrocohort.tables.cells import marked_p, number_style, synthetic_footnote, synthetic_label
from retrocohort.tables.footnote_words import quartile_words


def _group_summary_cell(rec: dict, decimals: int, style: NumberStyle) -> str:
    if rec["outcome_kind"] == "binary":
        if not rec["denominator"]:
            return EM_DASH
        return format_count_pct(
            int(rec["count"]), int(rec["denominator"]), int(rec["n_group"]), pct_decimals=0, rule=style.rule
        )
    values = [rec["median"], rec["q1"], rec["q3"]]
    cell = format_median_iqr(*values, decimals, **style.cell(values, decimals))
    return cell + (f" (n = {int(rec['n'])})" if rec["missing"] and rec["n"] else "")


def build_group_table(
    stats: pd.DataFrame,
    config: dict,
    bold_p_below: float | None = None,
    table_id: str = "groups",
    comparisons: list[dict] | None = None,
) -> Table:
    """Group comparisons: a section per comparison, one row per group (n, n (%) or median
    [Q1–Q3]) and the p-value, lettered (superscript) by the exact test that produced it; p bold
    below :func:`bold_threshold`. ``table_id`` names the table's entry under ``tables:`` (title,
    footnotes, number style; ``groups`` for the top-level comparisons) and ``comparisons`` its
    entries (default: the top-level ``groups:``)."""
    spec_t = config.get("tables", {}).get(table_id, {})
    style = number_style(config, table_id)
    threshold = bold_threshold(config, table_id, bold_p_below)
    hf = config["statistics"]["quantile_type"]
    specs = config.get("groups", []) if comparisons is None else comparisons
    rows, markers = [], {}
    for order, part in stats.groupby("order", sort=True):
        spec = specs[int(order)]
        test = part[part["role"] == "test"].iloc[0].to_dict()
        rows.append(Row([synthetic_label(test["comparison_label"], bool(test["synthetic"]))], section=True))
        p_text = marked_p(test["p_value"], test, config, markers)
        bold = is_bold_p(test["p_value"], threshold)
        for i, rec in enumerate(part[part["role"] == "summary"].to_dict("records")):
            rows.append(
                Row(
                    [
                        rec["group"],
                        str(int(rec["n_group"])),
                        _group_summary_cell(rec, spec["decimals"], style),
                        p_text if i == 0 else "",
                    ],
                    indent=1,
                    bold=[False, False, False, bold and i == 0],
                )
            )
    columns = list(spec_t.get("columns", ["Comparison and group", "n", "n (%) or median [IQR]", "p-Value"]))
    foot = list(spec_t.get("footnotes", []))
    outcomes = "; ".join(
        f"{r['comparison_label']}: {r['outcome_label']} by {r['group_variable_label']}"
        for r in stats[stats["role"] == "test"].to_dict("records")
    )
    foot.append(f"Outcomes compared: {outcomes}.")
    foot.append(
        "Binary outcomes: n (%) of the patients of the group with a known value "
        "(k/d when some lack one); continuous outcomes: median [Q1–Q3], "
        f"{quartile_words(hf)}. Patients with a missing group value "
        "are excluded. p-values are two-sided. " + rounding_rule_sentence(style.rule)
    )  # type: ignore[arg-type]
    foot += bold_footnote(threshold, rows)
    foot += method_footnotes(markers)
    if stats["synthetic"].astype(bool).any():
        foot.append(synthetic_footnote(config))
    return style.table(  # digit grouping decided per column and row
        Table(
            title=spec_t.get("title", "Group comparisons"),
            columns=columns,
            rows=rows,
            footnotes=foot,
            label=f"tab:{table_id}",
        )
    )
