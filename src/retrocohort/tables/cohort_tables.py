"""Formatted descriptive tables of any cohort, stratified by a group (overall column, per-group
n, p-value lettered by its test, SMD, missing rows or their footnote); the regression tables are
:mod:`retrocohort.tables.regression_table`.

Numbers come from the full-precision frames of :mod:`retrocohort.analysis.stratified` and
:mod:`retrocohort.analysis.regression` (as written to CSV and read back); labels, decimals and
options from the table's config ``spec``; formatting from :mod:`retrocohort.format.numbers`
with one digit-grouping decision per row (:class:`NumberStyle`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from retrocohort.analysis.stratified import OVERALL, strata
from retrocohort.format.numbers import (
    EM_DASH,
    format_count_pct,
    format_mean_sd,
    format_median_iqr,
    format_number,
    format_range,
    is_missing,
    rounding_rule_sentence,
)
from retrocohort.format.pvalues import printed_p
from retrocohort.format.words import plural
from retrocohort.render.model import Footnote, Marked, Row, Table
from retrocohort.render.number_style import NumberStyle
from retrocohort.render.pvalue_marks import bold_footnote, is_bold_p, method_footnotes, method_letter
from retrocohort.tables.cells import (
    REFERENCE_FOOTNOTE,
    REFERENCE_HEADER,
    named_test,
    reference_cell,
    synthetic_label,
)
from retrocohort.tables.footnote_words import SMD_WORDS, quartile_words

DEFAULT_P_FORMAT = {"decimals": 3, "threshold": 0.001, "rule": "half_up"}
STAT_TEXT = {
    "count_pct": "n (%)",
    "median_iqr": "median [Q1–Q3]",
    "mean_sd": "mean (SD)",
    "min_max": "min–max",
    "median": "median",
    "median_iqr_range": "median [Q1–Q3] (min–max)",
}
_STAT_NUMBERS = {
    "median_iqr": ("median", "q1", "q3"),
    "mean_sd": ("mean", "sd"),
    "min_max": ("min", "max"),
    "median": ("median",),
    "median_iqr_range": ("median", "q1", "q3", "min", "max"),
}


def _value(rec: Mapping, key: str) -> Any:
    value = rec.get(key)
    return None if is_missing(value) else value


def _p_text(rec: Mapping, p_format: Mapping, markers: dict[str, str]) -> str:
    """Printed p with the superscript letter of its test (an em dash when not computed)."""
    if not isinstance(rec.get("method"), str) or not rec["method"]:
        return ""
    text = EM_DASH if is_missing(rec["p_value"]) else printed_p(rec["p_value"], dict(p_format))
    return Marked(text, method_letter(markers, named_test(rec)))


def _continuous_cell(rec: Mapping, stratum: str, stat: str, decimals: int, kw: dict) -> str:
    get = {key: rec.get(f"{key}@{stratum}") for key in ("median", "q1", "q3", "mean", "sd", "min", "max")}
    if is_missing(get["median"]):
        return EM_DASH
    if stat == "mean_sd":
        return format_mean_sd(get["mean"], get["sd"], decimals, **kw)
    if stat == "min_max":
        return format_range(get["min"], get["max"], decimals, **kw)
    if stat == "median":
        return format_number(get["median"], decimals, **kw)
    text = format_median_iqr(get["median"], get["q1"], get["q3"], decimals, **kw)
    if stat == "median_iqr_range":
        text += f" ({format_range(get['min'], get['max'], decimals, **kw)})"
    return text


def _count_cell(rec: Mapping, stratum: str, pct_decimals: int | str, rule: str, missing_row: bool) -> str:
    count, denominator = rec.get(f"count@{stratum}"), rec.get(f"denominator@{stratum}")
    if is_missing(denominator) or not denominator:
        return EM_DASH
    n = int(denominator) if missing_row else int(rec[f"n_group@{stratum}"])
    return format_count_pct(int(count), int(denominator), n, pct_decimals=pct_decimals, rule=rule)  # type: ignore[arg-type]


def _row_grouping(rec: Mapping, names: list[str], spec: Mapping, style: NumberStyle) -> dict:
    """One digit-grouping decision (:meth:`NumberStyle.row`) for every number a row prints: its
    reference range and, for a continuous summary, the statistics of every stratum."""
    numbers = [(v, spec["reference_decimals"]) for v in spec.get("reference", [])]
    if rec["row_type"] == "value" and rec["kind"] == "continuous":
        keys = _STAT_NUMBERS[rec["stat"]]
        numbers += [(rec.get(f"{k}@{s}"), spec["decimals"]) for s in names for k in keys]
    return style.row(numbers)


def _stratum_cells(
    rec: Mapping, names: list[str], spec: Mapping, style: NumberStyle, shown_missing: bool
) -> list[str]:
    """The per-stratum cells of one statistics row (see :func:`build_stratified_table`)."""
    if rec["row_type"] == "variable":
        return [""] * len(names)
    if rec["row_type"] == "missing":
        return [str(int(rec[f"count@{s}"])) for s in names]
    if rec["kind"] == "continuous":
        decimals = spec["decimals"]
        kw = _row_grouping(rec, names, spec, style)
        cells = [_continuous_cell(rec, s, rec["stat"], decimals, kw) for s in names]
        if shown_missing:
            return cells
        n = [rec[f"n@{s}"] for s in names]  # no missing row: say how many patients have a value
        return [
            c + (f" (n = {int(k)})" if k < rec[f"n_group@{s}"] and k else "")
            for c, k, s in zip(cells, n, names)
        ]
    pct = spec["pct_decimals"]
    return [_count_cell(rec, s, pct, style.rule, shown_missing) for s in names]


def _row_label(rec: Mapping, spec: Mapping, label_statistic: bool) -> str:
    """A row's printed label: a level's label, "Missing", or the variable's label followed by
    its statistic ("Age, median [Q1–Q3]") unless the table states it in a header instead
    (``label_statistic: false``)."""
    if rec["row_type"] == "level":
        return str(spec.get("level_labels", {}).get(str(rec["level"]), rec["level"]))
    if rec["row_type"] == "missing":
        return "Missing"
    label = str(spec.get("label", rec["variable"]))
    return f"{label}, {STAT_TEXT[rec['stat']]}" if label_statistic else label


def _overall_header(spec: Mapping, stratum: str, n: int, grouping: Mapping) -> str:
    """A stratum's column header: "<group> (n = N)", or the table's ``overall_header`` for the
    overall column ("{n}" in it replaced by N); N grouped as the header row's numbers are
    (``grouping``: :meth:`NumberStyle.row` of every header's N, so "n = 3,514" stands beside
    "n = 14,004")."""
    shown = format_number(n, 0, **grouping)
    if stratum == OVERALL and spec.get("overall_header") is not None:
        return str(spec["overall_header"]).replace("{n}", shown)
    return f"{stratum} (n = {shown})"


def build_stratified_table(
    stats: pd.DataFrame,
    spec: Mapping[str, Any],
    *,
    style: NumberStyle | None = None,
    p_format: Mapping[str, Any] | None = None,
    bold_p_below: float | None = None,
    label: str = "tab:stratified",
    synthetic_note: Footnote | None = None,
) -> Table:
    """Descriptive table by group from :func:`retrocohort.analysis.stratified.stratified_statistics`.

    Parameters
    ----------
    stats : pandas.DataFrame
        The statistics frame (one row per table row).
    spec : mapping
        The loaded ``kind: descriptive`` entry (schema defaults filled; rows completed by
        :func:`retrocohort.tables.declared_tables.descriptive_spec`): ``title``; ``rows`` (same
        order as the statistics' ``rows``; each with ``decimals``, ``pct_decimals`` and
        ``reference_decimals``, may give ``label``, ``level_labels``, ``reference``);
        ``overall``, ``p_value``, ``smd``, ``smd_decimals`` (2), ``reference_range`` (a
        "Reference values" column after the first: each row's ``reference`` as low–high, one
        digit-grouping decision with the row's numbers), ``characteristic_header``,
        ``overall_header`` (the overall column's header, "{n}" its size; default "Overall
        (n = N)"), ``label_statistic`` (false: row labels without ", median [Q1–Q3]", the
        statistic stated in a header) and ``footnotes``. A row ``{section: text}`` prints a
        heading; a row's ``indent`` indents it (its levels one more).
    style : NumberStyle, optional
        Rounding rule and digit grouping.
    p_format : mapping, optional
        :func:`retrocohort.format.pvalues.p_value_format` of the study (default 3 decimals,
        "<0.001").
    bold_p_below : float, optional
        p-values below it are bold (None: never).
    label : str
        Cross-reference label.
    synthetic_note : Footnote, optional
        The dagger footnote (:func:`retrocohort.tables.cells.synthetic_footnote`): rows whose
        statistics say ``synthetic`` get the dagger after their label and the table this
        footnote. None: no mark.

    Returns
    -------
    Table
        Columns: characteristic, Overall (n = N) if shown, each group (n = n_g), p-Value, SMD.
    """
    style = style or NumberStyle()
    p_format = p_format or {**DEFAULT_P_FORMAT, "rule": style.rule}
    names = [s for s in strata(stats) if s != OVERALL or spec["overall"]]
    grouped = any(s != OVERALL for s in strata(stats))  # all patients alone: no p, no SMD column
    show_p, show_smd = spec["p_value"] and grouped, spec["smd"] and grouped
    first = stats.iloc[0]
    show_reference = spec["reference_range"]
    columns = [spec.get("characteristic_header", "Characteristic")] + [REFERENCE_HEADER] * show_reference
    sizes = {s: int(first[f"n_group@{s}"]) for s in names}
    header_grouping = style.row([(n, 0) for n in sizes.values()])
    columns += [_overall_header(spec, s, n, header_grouping) for s, n in sizes.items()]
    columns += ["p-Value"] * show_p + ["SMD"] * show_smd
    row_specs = list(spec.get("rows", []))
    with_missing = set(stats.loc[stats["row_type"] == "missing", "row"])
    missing_notes: list[str] = []
    rows, markers = [], {}
    marked = False
    for rec in stats.to_dict("records"):
        row_spec = row_specs[int(rec["row"])] if int(rec["row"]) < len(row_specs) else {}
        if rec["row_type"] == "section":
            rows.append(Row([str(row_spec.get("section", ""))], section=True))
            continue
        if rec["row_type"] == "missing" and row_spec.get("missing", spec.get("missing")) == "footnote":
            missing_notes.append(
                _missing_note(rec, str(row_spec.get("label", rec["variable"])), names, style)
            )
            continue
        head = rec["row_type"] in ("value", "variable")
        synthetic = synthetic_note is not None and head and rec.get("synthetic") in (True, 1)
        marked |= synthetic
        cells = [synthetic_label(_row_label(rec, row_spec, spec["label_statistic"]), synthetic)]
        if show_reference:
            cells.append(reference_cell(row_spec, _row_grouping(rec, names, row_spec, style)) if head else "")
        cells += _stratum_cells(rec, names, row_spec, style, int(rec["row"]) in with_missing)
        bold = [False] * len(cells)
        if show_p:
            cells.append(_p_text(rec, p_format, markers) if head else "")
            bold.append(head and is_bold_p(rec.get("p_value"), bold_p_below))
        if show_smd:
            smd = _value(rec, "smd") if head else None
            cells.append(
                ""
                if not head
                else EM_DASH
                if smd is None
                else format_number(smd, spec.get("smd_decimals", 2))
            )
            bold.append(False)
        indent = int(row_spec.get("indent", 0))
        rows.append(Row(cells, indent=indent if head else indent + 1, bold=bold))
    foot = list(spec.get("footnotes", [])) + missing_notes
    if show_reference and any("reference" in row for row in row_specs):
        foot.append(REFERENCE_FOOTNOTE)
    foot.append(_stratified_note(stats, show_smd, with_missing, style.rule, show_p))
    foot += bold_footnote(bold_p_below, rows)
    foot += method_footnotes(markers)
    foot += [synthetic_note] if marked else []
    return style.table(  # digit grouping decided per column and row
        Table(
            title=spec.get("title", "Patient characteristics by group"),
            columns=columns,
            rows=rows,
            footnotes=foot,
            label=label,
        )
    )


def _missing_note(rec: Mapping, label: str, names: list[str], style: NumberStyle) -> str:
    """The footnote of a variable's missing values (``missing: footnote``), from its missing
    record: "Creatinine: missing for 1350 (17%) of the 7874 patients (Deciles 1-9: 1263 (18%);
    Top decile: 87 (11%))." — the counts the statistics file holds, each over its column's n."""

    def share(stratum: str) -> str:
        k, n = int(rec[f"count@{stratum}"]), int(rec[f"denominator@{stratum}"])
        return format_count_pct(k, n, n, rule=style.rule)

    groups = [s for s in names if s != OVERALL]
    text = f"{label}: missing for {share(OVERALL)} of the {int(rec[f'denominator@{OVERALL}'])} patients"
    return text + (f" ({'; '.join(f'{s}: {share(s)}' for s in groups)})" if groups else "") + "."


def _stratified_note(
    stats: pd.DataFrame, show_smd: bool, with_missing: set, rule: str, show_p: bool = True
) -> str:
    kinds = set(stats["kind"])
    parts = []
    if kinds & {"binary", "categorical"}:
        parts.append(
            "n (%): percentages of the patients with a known value (k/d when some lack one and no "
            "missing row is shown)."
        )
    if "continuous" in kinds and not with_missing >= set(stats.loc[stats["kind"] == "continuous", "row"]):
        parts.append(
            "(n = k) after a summary: the number of patients with a value, when some lack one (no missing row)."
        )
    # Each definition only for what the table prints: quartiles for a median [Q1–Q3] row, the
    # SD's denominator for a mean (SD) row or the SMD of a continuous row.
    shown = set(stats.loc[stats["kind"] == "continuous", "stat"]) if "stat" in stats else set()
    definitions = []
    if shown & {"median_iqr", "median_iqr_range"}:
        words = quartile_words(str(stats["quantile_method"].iloc[0]))
        definitions.append(words[0].upper() + words[1:])
    if "mean_sd" in shown or (show_smd and shown):
        definitions.append("SD with the n − 1 denominator")
    if definitions:
        parts.append("; ".join(definitions) + ".")
    if show_smd:
        parts.append(SMD_WORDS)
    excluded = int(stats["n_excluded"].iloc[0])
    if excluded:
        parts.append(
            f"{plural(excluded, 'patient')} with no group value, or a value outside "
            "the table's groups, are not shown."
        )
    if show_p:  # a table without a p-value column says nothing of p-values
        parts.append("p-values are two-sided.")
    return " ".join(parts + [rounding_rule_sentence(rule)])  # type: ignore[arg-type]
