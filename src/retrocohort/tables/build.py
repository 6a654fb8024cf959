"""Formatted manuscript tables (Tables 1-3, group comparisons, time to event) from the
machine-readable statistics.

Layout, labels, decimals, reference ranges and footnotes come from the study config; numbers
come from the statistics frames; formatting rules from :mod:`retrocohort.format.numbers`.
Rows resting on synthetic data are marked with a superscript dagger and a footnote says so;
p-values carry the superscript letter of the test that produced them and are set in bold below
``bold_p_below`` (parameter, else config ``tables.<table>.bold_p_below``; None: never bold).
Digit grouping is decided once per row (:meth:`NumberStyle.row`), so a row never mixes
"10,044.0" with "2014.0".
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from retrocohort.analysis.descriptive import table1_row_label
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
from retrocohort.format.pvalues import p_value_format, printed_p
from retrocohort.render.model import Footnote, Marked, Row, Table
from retrocohort.render.number_style import NumberStyle
from retrocohort.render.pvalue_marks import (
    bold_footnote,
    bold_threshold,
    is_bold_p,
    method_footnotes,
    method_letter,
)
from retrocohort.stats.quantiles import HF_TYPES

DAGGER = "†"


def _synthetic_footnote(config: dict) -> Footnote:
    return Footnote(DAGGER, config["study"].get("synthetic_note", "Synthetic data."))


def _label(text: str, synthetic: bool) -> str:
    return Marked(text, DAGGER) if synthetic else text


def number_style(config: dict, table: str) -> NumberStyle:
    """The table's :class:`NumberStyle` from ``statistics.rounding`` and ``tables.<table>``."""
    spec = config.get("tables", {}).get(table, {})
    return NumberStyle(
        rule=config.get("statistics", {}).get("rounding", "half_up"),
        thousands_sep=spec.get("thousands_separator", ","),
        thousands_min=spec.get("thousands_min", 10000),
    )


_TABLE1_NUMBERS = {"median": ("median",), "mean_sd": ("mean", "sd"), "median_iqr": ("median", "q1", "q3")}


def _table1_numbers(rec: dict, spec: dict) -> list[tuple[object, int]]:
    """Every ``(value, decimals)`` printed in a Table 1 row: reference range and statistic."""
    dec, rdec = spec.get("decimals", 1), spec.get("reference_decimals", 1)
    numbers = [(v, rdec) for v in spec.get("reference", [])]
    return numbers + [(rec[key], dec) for key in _TABLE1_NUMBERS.get(rec["stat"], ())]


def _table1_cell(rec: dict, spec: dict, cohort_n: int, grouping: dict) -> str:
    dec = spec.get("decimals", 1)
    if rec["stat"] == "count_pct":
        if not rec["denominator"]:
            return EM_DASH
        return format_count_pct(
            int(rec["count"]),
            int(rec["denominator"]),
            cohort_n,
            pct_decimals=spec.get("pct_decimals", 0),
            rule=grouping["rule"],
        )
    if rec["stat"] == "median":
        return format_number(rec["median"], dec, **grouping)
    if rec["stat"] == "mean_sd":
        return format_mean_sd(rec["mean"], rec["sd"], dec, **grouping)
    cell = format_median_iqr(rec["median"], rec["q1"], rec["q3"], dec, **grouping)
    return cell + (f" (n = {int(rec['n'])})" if rec["missing"] else "")


def _table1_footnotes(t1: dict, stats: pd.DataFrame, hf: int, rule: str, reference_column: bool) -> list[str]:
    used = set(stats["stat"])
    foot = list(t1.get("footnotes", []))
    if reference_column and any("reference" in spec for spec in t1["rows"]):
        foot.append("Reference values: the laboratory's normal range, in their own column.")
    text = (
        f"Median [Q1–Q3]: quartiles by Hyndman–Fan type {hf} ({HF_TYPES[hf]}). "
        "Percentages use the patients with a known value; the denominator is shown when "
        "it differs from the cohort size."
    )
    if "mean_sd" in used:
        text += " Mean (SD): standard deviation with the n − 1 denominator."
    if t1.get("missing_column", False):
        text += " Missing: patients of the cohort without a value."
    else:
        text += " (n = k) after a median: the number of patients with a value, when some lack one."
    foot.append(f"{text} {rounding_rule_sentence(rule)}")  # type: ignore[arg-type]
    return foot


def build_table1(stats: pd.DataFrame, config: dict, cohort_n: int) -> Table:
    """Table 1: n (%), median [Q1–Q3], mean (SD) or median, with reference ranges, optional
    missing counts, sections, indentation, per-row decimals and consistent digit grouping."""
    t1 = config["tables"]["table1"]
    style = number_style(config, "table1")
    hf = config.get("statistics", {}).get("quantile_type", 7)
    show_ref = t1.get("reference_column", True)
    show_missing = t1.get("missing_column", False)
    columns = list(t1.get("columns", ["", "n (%) or median [IQR]"]))
    if show_ref:
        columns = columns[:1] + ["Reference values"] + columns[1:]
    if show_missing:
        columns.append("Missing")
    rows = []
    for spec, rec in zip(t1["rows"], stats.to_dict("records"), strict=True):
        label = table1_row_label(spec, config["variables"], config.get("derived", {}))
        if rec["stat"] == "section":
            rows.append(Row([label], section=True))
            continue
        cells = [_label(label, bool(rec["synthetic"]))]
        grouping = style.row(_table1_numbers(rec, spec))
        if show_ref:
            rdec = spec.get("reference_decimals", 1)
            cells.append(format_range(*spec["reference"], rdec, **grouping) if "reference" in spec else "")
        cells.append(_table1_cell(rec, spec, cohort_n, grouping))
        if show_missing:
            cells.append(str(int(rec["missing"])))
        rows.append(Row(cells, indent=spec.get("indent", 0)))
    foot = _table1_footnotes(t1, stats, hf, style.rule, show_ref)
    if stats["synthetic"].fillna(False).astype(bool).any():
        foot.append(_synthetic_footnote(config))
    title = t1.get("title", "Table 1").format(n=cohort_n)
    return Table(title=title, columns=columns, rows=rows, footnotes=foot, label="tab:table1")


def build_table2(patients: pd.DataFrame, config: dict) -> Table:
    """Table 2: one row per patient, columns as configured (missing values shown as —).

    With ``max_rows`` set and more patients than that, only the first ``max_rows`` patients
    are listed and a footnote says so (the full listing is ``results/tables/table2.csv``).
    """
    t2 = config["tables"]["table2"]
    rule = config.get("statistics", {}).get("rounding", "half_up")
    footnotes = list(t2.get("footnotes", []))
    limit = t2.get("max_rows")
    if limit is not None and len(patients) > limit:
        footnotes.append(
            f"First {limit} of {len(patients)} patients listed; the full listing "
            "is results/tables/table2.csv."
        )
        patients = patients.head(limit)
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
    return Table(
        title=t2.get("title", "Table 2"),
        columns=[c["header"] for c in t2["columns"]],
        rows=rows,
        footnotes=footnotes,
        label="tab:table2",
    )


def _p_cell(p: object, config: dict) -> str:
    return printed_p(p, p_value_format(config.get("statistics", {})))  # type: ignore[arg-type]


def _marked_p(p: object, method: str, config: dict, markers: dict[str, str]) -> Marked:
    """The printed p-value with the superscript letter of the test that produced it."""
    return Marked(_p_cell(p, config), method_letter(markers, method))


def _paired_cell(rec: dict, dec: int, style: NumberStyle, summary: str = "median") -> tuple[str, str]:
    """Day 0 and Day 7 cells: n (%) for binary parameters, else the configured summary, both
    with one digit-grouping decision (:meth:`NumberStyle.row`)."""
    if rec["kind"] == "binary":
        if not rec["n_pairs"]:
            return EM_DASH, EM_DASH
        n = int(rec["n_pairs"])
        return (
            format_count_pct(int(rec["day0_count"]), n, n, pct_decimals=1, rule=style.rule),
            format_count_pct(int(rec["day7_count"]), n, n, pct_decimals=1, rule=style.rule),
        )
    values = [rec[f"day0_{summary}"], rec[f"day7_{summary}"]]
    grouping = style.cell(values, dec)
    return format_number(values[0], dec, **grouping), format_number(values[1], dec, **grouping)


def build_table3(stats: pd.DataFrame, config: dict, bold_p_below: float | None = None) -> Table:
    """Table 3: parameter (n pairs), Day 0, Day 7, p-value and the test that produced it
    (superscript letter); p bold below :func:`bold_threshold`."""
    t3 = config["tables"]["table3"]
    style = number_style(config, "table3")
    threshold = bold_threshold(config, "table3", bold_p_below)
    days = config.get("paired_days", [0, 7])
    summary = t3.get("summary", "median")
    main = stats[stats["role"] == "main"].sort_values("order")
    rows, tests = [], {}
    for spec, rec in zip(t3["parameters"], main.to_dict("records"), strict=True):
        d0, d7 = _paired_cell(rec, spec.get("decimals", 1), style, summary)
        p = rec["p_adjusted"] if rec["adjustment"] != "none" else rec["p_value"]
        rows.append(
            Row(
                [
                    _label(f"{rec['label']} (n = {rec['n_pairs']})", bool(rec["synthetic"])),
                    d0,
                    d7,
                    _marked_p(p, rec["method"], config, tests),
                ],
                bold=[False, False, False, is_bold_p(p, threshold)],
            )
        )
    foot = list(t3.get("footnotes", []))
    foot.append(
        f"Day {days[0]} and Day {days[1]} columns: {summary} of the paired values (binary parameters: n (%))."
    )
    foot += bold_footnote(threshold, rows)
    foot += method_footnotes(tests)
    if main["adjustment"].iloc[0] != "none":
        foot.append(f"p-values adjusted for multiplicity across parameters ({main['adjustment'].iloc[0]}).")
    if main["synthetic"].astype(bool).any():
        foot.append(_synthetic_footnote(config))
    return Table(
        title=t3.get("title", "Table 3"),
        columns=["Parameter (n)", f"Day {days[0]}", f"Day {days[1]}", "p-Value"],
        rows=rows,
        footnotes=foot,
        label="tab:table3",
    )


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


def build_group_table(stats: pd.DataFrame, config: dict, bold_p_below: float | None = None) -> Table:
    """Group comparisons: a section per comparison, one row per group (n, n (%) or median
    [Q1–Q3]) and the p-value, lettered (superscript) by the exact test that produced it; p bold
    below :func:`bold_threshold`."""
    spec_t = config.get("tables", {}).get("groups", {})
    style = number_style(config, "groups")
    threshold = bold_threshold(config, "groups", bold_p_below)
    hf = config.get("statistics", {}).get("quantile_type", 7)
    specs = config.get("groups", [])
    rows, markers = [], {}
    for order, part in stats.groupby("order", sort=True):
        spec = specs[int(order)]
        test = part[part["role"] == "test"].iloc[0].to_dict()
        rows.append(Row([_label(test["comparison_label"], bool(test["synthetic"]))], section=True))
        p_text = _marked_p(test["p_value"], test["method"], config, markers)
        bold = is_bold_p(test["p_value"], threshold)
        for i, rec in enumerate(part[part["role"] == "summary"].to_dict("records")):
            rows.append(
                Row(
                    [
                        rec["group"],
                        str(int(rec["n_group"])),
                        _group_summary_cell(rec, spec.get("decimals", 1), style),
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
        "(k/d when some lack one); continuous outcomes: median [Q1–Q3], quartiles by "
        f"Hyndman–Fan type {hf} ({HF_TYPES[hf]}). Patients with a missing group value "
        "are excluded. p-values are two-sided. " + rounding_rule_sentence(style.rule)
    )  # type: ignore[arg-type]
    foot += bold_footnote(threshold, rows)
    foot += method_footnotes(markers)
    if stats["synthetic"].astype(bool).any():
        foot.append(_synthetic_footnote(config))
    return Table(
        title=spec_t.get("title", "Group comparisons"),
        columns=columns,
        rows=rows,
        footnotes=foot,
        label="tab:groups",
    )


def _time_ci(median: object, low: object, high: object, decimals: int, style: NumberStyle) -> str:
    """ "median (low–high)"; "not reached" / NR for a median or upper limit never reached."""
    if is_missing(median):
        return "not reached"
    finite = [v for v in (median, low, high) if not is_missing(v) and abs(float(v)) != float("inf")]
    kw = style.cell(finite, decimals)

    def fmt(v: object) -> str:
        if not is_missing(v) and float(v) == float("inf"):
            return "NR"
        return format_number(v, decimals, **kw)

    return f"{fmt(median)} ({fmt(low)}–{fmt(high)})"


def _pct_ci(s: object, low: object, high: object, style: NumberStyle) -> str:
    if is_missing(s):
        return EM_DASH
    pct = [None if is_missing(v) else 100 * float(v) for v in (s, low, high)]
    fmt = [EM_DASH if v is None else format_number(v, 0, rule=style.rule) for v in pct]
    return f"{fmt[0]}% ({fmt[1]}–{fmt[2]})"


def _quantity(value: float, unit: str) -> str:
    """ "1 day", "3 days", "0.5 months": a horizon with its unit (singular for exactly 1)."""
    text = format_number(value, 0 if float(value).is_integer() else 1, thousands_sep="")
    if not unit:
        return text
    return f"{text} {unit[:-1] if value == 1 and unit.endswith('s') else unit}"


_TIME_TO_RE = re.compile(
    r"time to (.+?)(?: (?:after|by|from|since|among|according to|in) .*)?", re.IGNORECASE
)


def event_name(spec: dict) -> str:
    """What a time-to-event analysis counts, for column headers: config ``survival[].event_name``,
    else X of a label "Time to X [after|by|from|since|among|in ...]" ("Time to fever resolution
    after anakinra start" -> "fever resolution"), else "event"."""
    if spec.get("event_name"):
        return str(spec["event_name"])
    match = _TIME_TO_RE.fullmatch(str(spec.get("label", "")).strip().rstrip("."))
    return match.group(1) if match else "event"


def build_survival_table(stats: pd.DataFrame, config: dict, bold_p_below: float | None = None) -> Table:
    """Time to event: per analysis and group, n (events), Kaplan–Meier median with its CI,
    event-free percentage at each configured horizon (headers name the event, see
    :func:`event_name`), and the log-rank p-value (superscript test
    letter; bold below :func:`bold_threshold`)."""
    spec_t = config.get("tables", {}).get("survival", {})
    style = number_style(config, "survival")
    threshold = bold_threshold(config, "survival", bold_p_below)
    specs = config.get("survival", [])
    horizons = sorted({float(h) for s in specs for h in s.get("horizons", [])})
    conf = sorted({float(c) for c in stats.loc[stats["role"] == "median", "conf_level"]})
    conf_text = "/".join(f"{100 * c:g}%" for c in conf) or "95%"
    rows, markers, notes = [], {}, []
    for order, part in stats.groupby("order", sort=True):
        spec = specs[int(order)]
        dec = spec.get("decimals", 1)
        medians = part[part["role"] == "median"].to_dict("records")
        rows.append(Row([_label(medians[0]["analysis_label"], bool(medians[0]["synthetic"]))], section=True))
        test = part[part["role"] == "logrank"]
        p_text, bold = "", False
        if len(test):
            rec = test.iloc[0].to_dict()
            p_text = _marked_p(rec["p_value"], rec["method"], config, markers)
            bold = is_bold_p(rec["p_value"], threshold)
        hz = part[part["role"] == "horizon"]
        for i, rec in enumerate(medians):
            cells = [
                rec["group"],
                f"{int(rec['n'])} ({int(rec['n_events'])})",
                _time_ci(rec["median"], rec["ci_low"], rec["ci_high"], dec, style),
            ]
            for h in horizons:
                at = hz[(hz["group"] == rec["group"]) & (hz["time"] == h)]
                cells.append(
                    _pct_ci(*at.iloc[0][["survival", "ci_low", "ci_high"]], style) if len(at) else EM_DASH
                )
            cells.append(p_text if i == 0 else "")
            rows.append(Row(cells, indent=1, bold=[False] * (len(cells) - 1) + [bold and i == 0]))
        notes.append(f"{medians[0]['analysis_label']}: {medians[0]['event_definition']}")
    units = {config["variables"].get(s["time"], {}).get("unit", "") for s in specs}
    unit = units.pop() if len(units) == 1 else ""
    names = {event_name(s) for s in specs}
    event = names.pop() if len(names) == 1 else "event"
    free = "Event-free" if event == "event" else f"Without {event}"
    median_header = (
        f"Median time{'' if event == 'event' else ' to ' + event}"
        f"{', ' + unit if unit else ''} ({conf_text} CI)"
    )
    columns = (
        ["Analysis and group", "n (events)", median_header]
        + [f"{free} at {_quantity(h, unit)} ({conf_text} CI)" for h in horizons]
        + ["p-Value"]
    )
    methods = sorted(set(stats.loc[stats["role"] == "median", "method"]))
    foot = list(spec_t.get("footnotes", [])) + notes + methods
    if horizons:
        ci_types = sorted(set(stats.loc[stats["role"] == "horizon", "ci_type"]))
        what = "" if event == "event" else f" (patients in whom {event} has not yet occurred)"
        foot.append(
            f"{free}: Kaplan–Meier S(t){what} at the stated time with its pointwise "
            f"CI ({', '.join(ci_types)} transform of Greenwood's variance)."
        )
    med = stats[stats["role"] == "median"]
    reached = med["median"].notna() & ~np.isinf(med["ci_high"].astype(float))
    nr = "NR: confidence limit not reached. " if not reached.all() else ""
    foot.append(nr + rounding_rule_sentence(style.rule))  # type: ignore[arg-type]
    foot += bold_footnote(threshold, rows)
    foot += method_footnotes(markers)
    if stats["synthetic"].astype(bool).any():
        foot.append(_synthetic_footnote(config))
    return Table(
        title=spec_t.get("title", "Time to event"),
        columns=columns,
        rows=rows,
        footnotes=foot,
        label="tab:survival",
    )
