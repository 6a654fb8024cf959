"""The formatted descriptive table of a matched or weighted sample (``kind: descriptive`` with
``sample:``), from :func:`retrocohort.analysis.sample_descriptive.sample_stratified_statistics`:
weighted n (%) and mean (SD) per group, the design-based p-value lettered by its test, the SMD,
and a footnote saying what is weighted and how."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from retrocohort.analysis.stratified import OVERALL, strata
from retrocohort.format.numbers import EM_DASH, format_mean_sd, format_number, is_missing
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
from retrocohort.tables.cohort_tables import STAT_TEXT
from retrocohort.tables.declared_tables import descriptive_spec, population_footnote, time_point_footnotes


def weighted_count_text(count: float, percent: float, pct_decimals: int, rule: str) -> str:
    """A weighted n (%) cell: the sum of the weights (a whole number when it is one, as on a 1:1
    matched sample, else one decimal) and the weighted percentage.

    Parameters
    ----------
    count : float
        Sum of the weights of the patients with the level.
    percent : float
        Weighted percentage.
    pct_decimals : int
        Decimals of the percentage.
    rule : str
        Rounding rule (``statistics.rounding``).

    Returns
    -------
    str
        The cell.

    References
    ----------
    Austin PC, Stuart EA. Stat Med 2015;34:3661-79 (weighted counts and proportions).

    Examples
    --------
    >>> weighted_count_text(12.0, 40.0, 0, "half_up"), weighted_count_text(12.345, 41.15, 1, "half_up")
    ('12 (40%)', '12.3 (41.2%)')
    """
    if is_missing(count) or is_missing(percent):
        return EM_DASH
    whole = abs(count - round(count)) < 1e-9
    head = str(int(round(count))) if whole else format_number(count, 1, thousands_sep="", rule=rule)
    return f"{head} ({format_number(percent, pct_decimals, thousands_sep='', rule=rule)}%)"


def build_sample_descriptive(
    stats: pd.DataFrame, table_id: str, config: Mapping[str, Any], n_patients: int
) -> Table:
    """The table ``tables.<table_id>`` (with ``sample:``) from its weighted statistics.

    Parameters
    ----------
    stats : pandas.DataFrame
        :func:`retrocohort.analysis.sample_descriptive.sample_stratified_statistics`.
    table_id : str
        The table's key.
    config : mapping
        The study config.
    n_patients : int
        Patients of the sample (``{n}`` of the title).

    Returns
    -------
    Table
        Columns: characteristic, Overall and each group (n = patients), p-Value, SMD.

    References
    ----------
    Yoshida K, Bartel A. tableone (``svyCreateTableOne``: the layout of a weighted Table 1).
    """
    spec = descriptive_spec(dict(config["tables"][table_id]), config)
    style = number_style(dict(config), table_id)
    p_format = p_value_format(config["statistics"])
    bold_below = bold_threshold(dict(config), table_id)
    names = [s for s in strata(stats) if s != OVERALL or spec["overall"]]
    first = stats.iloc[0]
    columns = [spec.get("characteristic_header", "Characteristic")]
    columns += [f"{s} (n = {int(first[f'n_group@{s}'])})" for s in names]
    columns += ["p-Value"] * bool(spec["p_value"]) + ["SMD"] * bool(spec["smd"])
    markers: dict[str, str] = {}
    rows = []
    for rec in stats.to_dict("records"):
        row_spec = spec["rows"][int(rec["row"])]
        if rec["row_type"] == "section":
            rows.append(Row([str(row_spec.get("section", ""))], section=True))
            continue
        head = rec["row_type"] in ("value", "variable")
        cells = [_label(rec, row_spec)] + [_cell(rec, s, row_spec, style.rule) for s in names]
        bold = [False] * len(cells)
        if spec["p_value"]:
            p = rec.get("p_value")
            method = rec.get("method")
            text = "" if not head or not isinstance(method, str) or not method else printed_p(p, p_format)
            cells.append(Marked(text, method_letter(markers, f"{method}.")) if text else text)
            bold.append(head and is_bold_p(p, bold_below))
        if spec["smd"]:
            smd = rec.get("smd")
            cells.append(
                ""
                if not head
                else EM_DASH
                if is_missing(smd)
                else format_number(smd, spec.get("smd_decimals", 2))
            )
            bold.append(False)
        rows.append(Row(cells, indent=0 if head else 1, bold=bold))
    title = str(spec.get("title", "Patient characteristics by group")).replace("{n}", str(n_patients))
    foot = [*spec.get("footnotes", []), *population_footnote(spec, config, n_patients)]
    foot += time_point_footnotes(table_id, config)
    foot.append(_weighting_note(stats, names))
    foot += bold_footnote(bold_below, rows) + method_footnotes(markers)
    return style.table(
        Table(title=title, columns=columns, rows=rows, footnotes=foot, label=f"tab:{table_id}")
    )


def _label(rec: Mapping, row_spec: Mapping) -> str:
    if rec["row_type"] == "level":
        return str(row_spec.get("level_labels", {}).get(str(rec["level"]), rec["level"]))
    if rec["row_type"] == "missing":
        return "Missing (patients)"
    return f"{row_spec.get('label', rec['variable'])}, {STAT_TEXT[rec['stat']]}"


def _cell(rec: Mapping, stratum: str, row_spec: Mapping, rule: str) -> str:
    if rec["row_type"] == "variable":
        return ""
    if rec["row_type"] == "missing":
        return str(int(rec[f"count@{stratum}"]))
    if rec["kind"] == "continuous":
        return format_mean_sd(
            rec[f"mean@{stratum}"], rec[f"sd@{stratum}"], int(row_spec["decimals"]), rule=rule
        )
    return weighted_count_text(
        rec[f"count@{stratum}"], rec[f"percent@{stratum}"], int(row_spec["pct_decimals"]), rule
    )


def _weighting_note(stats: pd.DataFrame, names: list[str]) -> str:
    """What the cells weigh: sums of weights, weighted percentages, means and SDs, the SMD."""
    sums = "; ".join(
        f"{s}: {format_number(stats[f'weighted_n@{s}'].iloc[0], 1, thousands_sep='')}" for s in names
    )
    return (
        f"Weighted statistics ({stats['design'].iloc[0]}): n (%), the sum of the weights of the "
        "patients with the level and the weighted percentage of those with a known value; mean (SD), "
        "the weighted mean and SD (n / (n − 1) · Σw(x − m)² / Σw, R survey::svyvar); SMD with the "
        f"weighted means, SDs and shares. Column n: patients; sums of the weights: {sums}."
    )
