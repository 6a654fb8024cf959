"""Formatted tables of any cohort: a descriptive table stratified by a group (overall column,
per-group n, p-value lettered by its test, SMD, missing rows) and a regression table
(univariable and multivariable odds or hazard ratios with 95% CI and p).

Numbers come from the full-precision frames of :mod:`retrocohort.analysis.stratified` and
:mod:`retrocohort.analysis.regression` (as written to CSV and read back); labels, decimals and
options from the table's config ``spec``; formatting from :mod:`retrocohort.format.numbers`
with one digit-grouping decision per row (:class:`NumberStyle`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
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
from retrocohort.tables.regression_notes import (
    global_p,
    global_p_footnote,
    interaction_label,
    model_footnote,
    ph_footnote,
    strata_footnote,
    term_label,
)

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
MODEL_NOTE_MARK = "‡"
RATIO_NAME = {"logistic": ("OR", "odds ratio"), "cox": ("HR", "hazard ratio")}


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


def _overall_header(spec: Mapping, stratum: str, n: int) -> str:
    """A stratum's column header: "<group> (n = N)", or the table's ``overall_header`` for the
    overall column ("{n}" in it replaced by N)."""
    if stratum == OVERALL and spec.get("overall_header") is not None:
        return str(spec["overall_header"]).replace("{n}", str(n))
    return f"{stratum} (n = {n})"


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
    columns += [_overall_header(spec, s, int(first[f"n_group@{s}"])) for s in names]
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
            f"{excluded} patient(s) with no group value, or a value outside the table's groups, are not shown."
        )
    if show_p:  # a table without a p-value column says nothing of p-values
        parts.append("p-values are two-sided.")
    return " ".join(parts + [rounding_rule_sentence(rule)])  # type: ignore[arg-type]


def _ratio_cells(rec: Mapping | None, opts: Mapping) -> list[str]:
    """[ratio, CI, p] of one term; blank when the term is not in the model, an em dash for an
    infinite estimate or limit (a diverging fit, explained in the model notes)."""
    if rec is None:
        return ["", "", ""]
    numbers, dec, p_text = [rec["ratio"], rec["ci_low"], rec["ci_high"]], opts["decimals"], opts["p"]
    if any(is_missing(v) or not np.isfinite(float(v)) for v in numbers):
        return [EM_DASH, EM_DASH, p_text(rec["p_value"])]
    kw = opts["style"].cell(numbers, dec)
    return [
        format_number(numbers[0], dec, **kw),
        format_range(*numbers[1:], dec, **kw),
        p_text(rec["p_value"]),
    ]


def _term_row(head: list[str], uv: Mapping | None, mv: Mapping | None, opts: Mapping, indent: int = 0) -> Row:
    """Label and count cells, then the univariable and (if any) multivariable ratio, CI and p;
    p bold below the table's threshold."""
    cells = head + _ratio_cells(uv, opts) + (_ratio_cells(mv, opts) if opts["multi"] else [])
    bold = [False] * len(cells)
    for rec, index in ((uv, 5), (mv, 8)):
        if rec is not None and index < len(cells):
            bold[index] = is_bold_p(rec["p_value"], opts["bold_p_below"])
    return Row(cells, indent=indent, bold=bold)


def _model_terms(results: pd.DataFrame, analysis: str, predictor: str | None = None) -> dict[tuple, dict]:
    part = results[results["analysis"] == analysis]
    if predictor is not None:
        part = part[part["predictor"] == predictor]
    return {(r["variable"], _value(r, "level")): r for r in part.to_dict("records")}


def _levels(results: pd.DataFrame, variable: str) -> tuple[str | None, list[str]]:
    """(reference level, other levels in model order) of a predictor; (None, []) if numeric."""
    terms = results[(results["variable"] == variable) & results["level"].notna()]
    if terms.empty:
        return None, []
    return str(terms["reference"].iloc[0]), list(dict.fromkeys(terms["level"].astype(str)))


def _predictor_rows(results: pd.DataFrame, name: str, spec: Mapping, opts: Mapping) -> list[Row]:
    """One row for a numeric predictor; a heading, the reference level and one row per other level
    for a categorical one."""
    uv = _model_terms(results, "univariable", name)
    mv = _model_terms(results, "multivariable") if opts["multi"] else {}
    first = next(iter(uv.values()), None)
    label = str(spec.get("labels", {}).get(name, name))
    if first is not None and (not first["converged"] or _value(first, "notes")):
        label = Marked(label, MODEL_NOTE_MARK)
    counts = [str(int(first["n"])), str(int(first["n_events"]))] if first is not None else ["", ""]
    reference, levels = _levels(results, name)
    if reference is None:
        return [_term_row([label, *counts], first, mv.get((name, None)), opts)]
    level_label = {str(k): str(v) for k, v in spec.get("level_labels", {}).get(name, {}).items()}
    ref_cells = ["Reference", "", ""]
    in_mv = any(key[0] == name for key in mv)
    reference_row = [level_label.get(reference, reference), "", ""]
    reference_row += (ref_cells if first is not None else [""] * 3) + (
        ref_cells if in_mv else [""] * 3
    ) * opts["multi"]
    header = Row([label, *counts] + [""] * (3 + 3 * opts["multi"]))
    header = _with_global_p(
        header, global_p(results, "univariable", name), global_p(results, "multivariable", name), opts
    )
    rows = [header, Row(reference_row, indent=1)]
    for level in levels:
        head = [level_label.get(level, level), "", ""]
        rows.append(_term_row(head, uv.get((name, level)), mv.get((name, level)), opts, indent=1))
    return rows


def build_regression_table(
    results: pd.DataFrame,
    spec: Mapping[str, Any],
    *,
    style: NumberStyle | None = None,
    p_format: Mapping[str, Any] | None = None,
    bold_p_below: float | None = None,
    label: str = "tab:regression",
) -> Table:
    """Univariable and multivariable regression table from
    :meth:`retrocohort.analysis.regression.RegressionAnalysis.to_frame` (or its CSV).

    Parameters
    ----------
    results : pandas.DataFrame
        One row per model term: analysis, predictor, variable, level, reference, ratio, ci_low,
        ci_high, p_value, n, n_events, converged, notes, model, method.
    spec : mapping
        ``title``, ``predictors`` (row order; default the univariable predictors in order),
        ``labels`` ({predictor: label}), ``level_labels`` ({predictor: {level: label}}, levels as
        the model prints them), ``decimals``, ``footnotes`` (the loaded ``kind: regression``
        entry, schema defaults filled).
    style, p_format, bold_p_below, label
        As :func:`build_stratified_table`.

    Returns
    -------
    Table
        Characteristic, N, events, OR/HR, 95% CI and p of each univariable model, then the
        multivariable model's OR/HR, 95% CI and p (when there is one); categorical predictors
        show their reference level. Footnotes give the multivariable n and events, the method and
        a note (‡) for every model that did not converge or shows separation.
    """
    style = style or NumberStyle()
    p_format = p_format or {**DEFAULT_P_FORMAT, "rule": style.rule}
    kind = str(results["model"].iloc[0])
    short, long_name = RATIO_NAME[kind]
    conf = f"{100 * float(results['conf_level'].iloc[0]):g}% CI"
    multi = bool((results["analysis"] == "multivariable").any())
    uv_names = list(dict.fromkeys(results.loc[results["analysis"] == "univariable", "predictor"]))
    mv_names = list(dict.fromkeys(results.loc[results["analysis"] == "multivariable", "variable"]))
    products = [v for v in mv_names if _is_interaction(results, v)]
    mv_names = [v for v in mv_names if v not in products]
    order = list(spec.get("predictors") or uv_names) + [v for v in mv_names if v not in uv_names]
    events = "Events" if kind == "cox" else "Outcome events"
    columns = [spec.get("characteristic_header", "Characteristic"), "N", events, short, conf, "p-Value"]
    if multi:
        columns += [f"Adjusted {short}", f"Adjusted {conf}", "Adjusted p-Value"]
    opts = {
        "decimals": spec["decimals"],
        "style": style,
        "p": lambda p: printed_p(p, dict(p_format)),
        "multi": multi,
        "bold_p_below": bold_p_below,
    }
    rows = [row for name in order for row in _predictor_rows(results, name, spec, opts)]
    rows += _interaction_rows(results, spec, opts)
    foot = list(spec.get("footnotes", []))
    foot.append(
        f"{short}: {long_name}; N and {events.lower()}: patients with a known outcome and predictor in "
        f"each univariable model. " + model_footnote(results)
    )
    if multi:
        mv = results[results["analysis"] == "multivariable"].iloc[0]
        labels = spec.get("labels", {})
        foot.append(
            f"Adjusted: one multivariable model with {', '.join(str(labels.get(v, v)) for v in mv_names)}"
            + "".join(f" and the interaction {term_label(v, labels)}" for v in products)
            + " "
            f"(n = {int(mv['n'])}, {int(mv['n_events'])} events; {int(mv['n_dropped'])} patient(s) with a "
            "missing value left out)."
            + (f" Model notes: {mv['notes']}." if _value(mv, "notes") else "")
            + ("" if bool(mv["converged"]) else " The model did not converge.")
        )
    labels = spec.get("labels", {})
    foot += global_p_footnote(results) + strata_footnote(results, labels)
    foot += ph_footnote(results, labels, spec.get("ph_threshold"), opts["p"])
    foot += bold_footnote(bold_p_below, rows)
    notes = _model_notes(results, spec.get("labels", {}))
    if notes:
        foot.append(Footnote(MODEL_NOTE_MARK, notes))
    foot.append(rounding_rule_sentence(style.rule))  # type: ignore[arg-type]
    return style.table(  # digit grouping decided per column and row
        Table(
            title=spec.get("title", f"Regression ({long_name}s)"),
            columns=columns,
            rows=rows,
            footnotes=foot,
            label=label,
        )
    )


def _is_interaction(results: pd.DataFrame, variable: str) -> bool:
    """Whether ``variable`` names an interaction term (its rows carry an ``interaction`` code)."""
    if "interaction" not in results:
        return False
    codes = results.loc[results["variable"] == variable, "interaction"]
    return bool(codes.fillna("").astype(str).str.len().gt(0).any())


def _with_global_p(row: Row, uv_p: float | None, mv_p: float | None, opts: Mapping) -> Row:
    """The header row of a multi-column term with its global p (univariable and adjusted p
    columns), bold below the table's threshold."""
    cells, bold = list(row.cells), list(row.bold) if row.bold else [False] * len(row.cells)
    for p, index in ((uv_p, 5), (mv_p, 8)):
        if p is not None and index < len(cells):
            cells[index] = opts["p"](p)
            bold[index] = is_bold_p(p, opts["bold_p_below"])
    return Row(cells, indent=row.indent, bold=bold)


def _interaction_rows(results: pd.DataFrame, spec: Mapping, opts: Mapping) -> list[Row]:
    """The adjusted model's interaction terms, after the predictors: one row per product column
    labelled from level labels ("Placebo × Female"), under a header "Treatment arm × Sex" with
    the term's global p when it has several columns."""
    if "interaction" not in results:
        return []
    mv = results[(results["analysis"] == "multivariable") & results["interaction"].fillna("").astype(bool)]
    labels, level_labels = spec.get("labels", {}), spec.get("level_labels", {})
    rows = []
    for variable, part in mv.groupby("variable", sort=False):
        records = part.to_dict("records")
        if len(records) == 1:
            head = [
                term_label(variable, labels)
                + ": "
                + interaction_label(records[0]["interaction"], labels, level_labels),
                "",
                "",
            ]
            rows.append(_term_row(head, None, records[0], opts))
            continue
        header = Row([term_label(variable, labels), "", ""] + [""] * (3 + 3 * opts["multi"]))
        rows.append(_with_global_p(header, None, global_p(results, "multivariable", variable), opts))
        for rec in records:
            head = [interaction_label(rec["interaction"], labels, level_labels), "", ""]
            rows.append(_term_row(head, None, rec, opts, indent=1))
    return rows


def _model_notes(results: pd.DataFrame, labels: Mapping[str, str]) -> str:
    """ "Univariable model of X: ...; ..." for the univariable models with a note or no convergence."""
    uv = results[results["analysis"] == "univariable"].drop_duplicates("predictor")
    texts = []
    for rec in uv.to_dict("records"):
        note = _value(rec, "notes") or ""
        if not bool(rec["converged"]) and "converge" not in note:
            note = "; ".join(filter(None, [note, "did not converge"]))
        if note:
            texts.append(f"univariable model of {labels.get(rec['predictor'], rec['predictor'])}: {note}")
    return ("Model notes: " + "; ".join(texts) + ".") if texts else ""
