"""Formatted manuscript tables (Table 1, 2, 3) from the machine-readable statistics.

Layout, labels, decimals, reference ranges and footnotes come from the study config; numbers
come from the statistics frames; formatting rules from :mod:`retrocohort.formatting`.
Rows resting on synthetic data are marked with a dagger and a footnote says so.
"""

from __future__ import annotations

import pandas as pd

from .formatting import (EM_DASH, format_count_pct, format_median_iqr, format_number, format_p,
                         format_range, rounding_rule_sentence)
from .render.model import Row, Table
from .stats.quantiles import HF_TYPES

DAGGER = "†"


def _synthetic_footnote(config: dict) -> str:
    note = config["study"].get("synthetic_note", "Synthetic data.")
    return f"{DAGGER} {note}"


def _label(text: str, synthetic: bool) -> str:
    return f"{text} {DAGGER}" if synthetic else text


def build_table1(stats: pd.DataFrame, config: dict, cohort_n: int) -> Table:
    """Table 1: n (%) or median [Q1–Q3], reference ranges, sections and indentation."""
    t1 = config["tables"]["table1"]
    rule = config.get("statistics", {}).get("rounding", "half_up")
    hf = config.get("statistics", {}).get("quantile_type", 7)
    show_ref = t1.get("reference_column", True)
    columns = list(t1.get("columns", ["", "n (%) or median [IQR]"]))
    if show_ref:
        columns = columns[:1] + ["Reference values"] + columns[1:]
    rows = []
    for spec, rec in zip(t1["rows"], stats.to_dict("records")):
        if rec["stat"] == "section":
            rows.append(Row([rec["label"]], section=True))
            continue
        dec = spec.get("decimals", 1)
        if rec["stat"] == "count_pct":
            cell = (format_count_pct(int(rec["count"]), int(rec["denominator"]), cohort_n,
                                     pct_decimals=spec.get("pct_decimals", 0), rule=rule)
                    if rec["denominator"] else "—")
        elif rec["stat"] == "median":
            cell = format_number(rec["median"], dec, rule=rule)
        elif rec["stat"] == "mean_sd":
            cell = f"{format_number(rec['mean'], dec, rule=rule)} ({format_number(rec['sd'], dec, rule=rule)})"
        else:
            cell = format_median_iqr(rec["median"], rec["q1"], rec["q3"], dec, rule=rule)
            if rec["missing"]:
                cell += f" (n = {int(rec['n'])})"
        ref = format_range(*spec["reference"], 1) if "reference" in spec else ""
        cells = [_label(rec["label"], bool(rec["synthetic"]))] + ([ref] if show_ref else []) + [cell]
        rows.append(Row(cells, indent=spec.get("indent", 0)))
    foot = list(t1.get("footnotes", []))
    foot.append(f"Median [Q1–Q3]: quartiles by Hyndman–Fan type {hf} ({HF_TYPES[hf]}). "
                "Percentages use the patients with a known value; the denominator is shown when "
                f"it differs from the cohort size. {rounding_rule_sentence(rule)}")
    if stats["synthetic"].fillna(False).astype(bool).any():
        foot.append(_synthetic_footnote(config))
    title = t1.get("title", "Table 1").format(n=cohort_n)
    return Table(title=title, columns=columns, rows=rows, footnotes=foot, label="tab:table1")


def build_table2(patients: pd.DataFrame, config: dict) -> Table:
    """Table 2: one row per patient, columns as configured (missing values shown as —)."""
    t2 = config["tables"]["table2"]
    rule = config.get("statistics", {}).get("rounding", "half_up")
    rows = []
    for rec in patients.to_dict("records"):
        cells = []
        for col in t2["columns"]:
            value = rec.get(col["variable"])
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                cells.append("—")
            elif "map" in col:
                cells.append(str(col["map"].get(str(value), value)))
            elif "decimals" in col:
                cells.append(format_number(value, col["decimals"], thousands_sep="", rule=rule))
            else:
                cells.append(str(value))
        rows.append(Row(cells))
    return Table(title=t2.get("title", "Table 2"), columns=[c["header"] for c in t2["columns"]],
                 rows=rows, footnotes=list(t2.get("footnotes", [])), label="tab:table2")


def _paired_cell(rec: dict, dec: int, rule: str) -> tuple[str, str]:
    if rec["kind"] == "binary":
        if not rec["n_pairs"]:
            return EM_DASH, EM_DASH
        return (format_count_pct(int(rec["day0_count"]), int(rec["n_pairs"]), int(rec["n_pairs"]), pct_decimals=1, rule=rule),
                format_count_pct(int(rec["day7_count"]), int(rec["n_pairs"]), int(rec["n_pairs"]), pct_decimals=1, rule=rule))
    return (format_number(rec["day0_median"], dec, rule=rule), format_number(rec["day7_median"], dec, rule=rule))


def build_table3(stats: pd.DataFrame, config: dict) -> Table:
    """Table 3: parameter (n pairs), Day 0, Day 7, p-value and the test that produced it."""
    t3 = config["tables"]["table3"]
    st = config.get("statistics", {})
    rule = st.get("rounding", "half_up")
    pfmt = st.get("p_value", {})
    days = config.get("paired_days", [0, 7])
    main = stats[stats["role"] == "main"].sort_values("order")
    rows, tests = [], {}
    for spec, rec in zip(t3["parameters"], main.to_dict("records")):
        d0, d7 = _paired_cell(rec, spec.get("decimals", 1), rule)
        p = rec["p_adjusted"] if rec["adjustment"] != "none" else rec["p_value"]
        marker = tests.setdefault(rec["method"], "abcdefghij"[len(tests)])
        rows.append(Row([_label(f"{rec['label']} (n = {rec['n_pairs']})", bool(rec["synthetic"])), d0, d7,
                         format_p(p, decimals=pfmt.get("decimals", 3), threshold=pfmt.get("threshold", 0.001),
                                  rule=rule) + f" {marker}"]))
    foot = list(t3.get("footnotes", []))
    summary = t3.get("summary", "median")
    foot.append(f"Day {days[0]} and Day {days[1]} columns: {summary} of the paired values "
                "(binary parameters: n (%)).")
    foot += [f"{m} {method}" for method, m in tests.items()]
    if main["adjustment"].iloc[0] != "none":
        foot.append(f"p-values adjusted for multiplicity across parameters ({main['adjustment'].iloc[0]}).")
    if main["synthetic"].astype(bool).any():
        foot.append(_synthetic_footnote(config))
    return Table(title=t3.get("title", "Table 3"),
                 columns=["Parameter (n)", f"Day {days[0]}", f"Day {days[1]}", "p-Value"],
                 rows=rows, footnotes=foot, label="tab:table3")
