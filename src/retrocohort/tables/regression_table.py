"""Formatted regression tables of any cohort: univariable and multivariable odds or hazard
ratios with their 95% CI and p per predictor term (levels of a categorical predictor under its
label, interaction terms, global p of a multi-level term), the model's notes as footnotes.

Numbers come from the full-precision frame of :mod:`retrocohort.analysis.regression` (as written
to CSV and read back); labels and options from the table's config ``spec``; formatting from
:mod:`retrocohort.format.numbers`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from retrocohort.format.numbers import (
    EM_DASH,
    format_number,
    format_range,
    is_missing,
    rounding_rule_sentence,
)
from retrocohort.format.pvalues import printed_p
from retrocohort.format.words import plural
from retrocohort.render.model import Footnote, Marked, Row, Table
from retrocohort.render.number_style import NumberStyle
from retrocohort.render.pvalue_marks import bold_footnote, is_bold_p
from retrocohort.tables.cohort_tables import DEFAULT_P_FORMAT, _value
from retrocohort.tables.regression_notes import (
    global_p,
    global_p_footnote,
    interaction_label,
    model_footnote,
    ph_footnote,
    strata_footnote,
    term_label,
)

MODEL_NOTE_MARK = "‡"
RATIO_NAME = {"logistic": ("OR", "odds ratio"), "cox": ("HR", "hazard ratio")}


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
            f"(n = {int(mv['n'])}, {int(mv['n_events'])} events; {plural(int(mv['n_dropped']), 'patient')} with a "
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
