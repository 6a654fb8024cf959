"""Formatted manuscript Tables 1-3 from the machine-readable statistics.

Layout, labels, decimals, reference ranges and footnotes come from the study config; numbers
come from the statistics frames; formatting rules from :mod:`retrocohort.format.numbers`.
Rows resting on synthetic data are marked with a superscript dagger and a footnote says so;
p-values carry the superscript letter of the test that produced them and are set in bold below
``bold_p_below`` (parameter, else config ``tables.<table>.bold_p_below``; None: never bold).
Digit grouping is decided once per row (:meth:`NumberStyle.row`), so a row never mixes
"10,044.0" with "2014.0". The pieces shared with the other tables are in
:mod:`retrocohort.tables.cells`; the group comparisons are :mod:`retrocohort.tables.group_table`,
time to event :mod:`retrocohort.tables.survival_table`.
"""

from __future__ import annotations

import pandas as pd

from retrocohort.analysis.descriptive import table1_row_label
from retrocohort.config.time_points import (
    TimePoint,
    describe_time_point,
    paired_time_points,
    repeated_time_points,
)
from retrocohort.format.numbers import (
    EM_DASH,
    format_count_pct,
    format_mean_sd,
    format_median_iqr,
    format_number,
    rounding_rule_sentence,
)
from retrocohort.render.model import Row, Table
from retrocohort.render.number_style import NumberStyle
from retrocohort.render.pvalue_marks import bold_footnote, bold_threshold, is_bold_p, method_footnotes
from retrocohort.tables.cells import (
    REFERENCE_FOOTNOTE,
    REFERENCE_HEADER,
    marked_p,
    number_style,
    reference_cell,
    synthetic_footnote,
    synthetic_label,
    with_declared_reference,
)
from retrocohort.tables.footnote_words import quartile_words

_TABLE1_NUMBERS = {"median": ("median",), "mean_sd": ("mean", "sd"), "median_iqr": ("median", "q1", "q3")}


def _table1_numbers(rec: dict, spec: dict) -> list[tuple[object, int]]:
    """Every ``(value, decimals)`` printed in a Table 1 row: reference range and statistic."""
    dec, rdec = spec["decimals"], spec["reference_decimals"]
    numbers = [(v, rdec) for v in spec.get("reference", [])]
    return numbers + [(rec[key], dec) for key in _TABLE1_NUMBERS.get(rec["stat"], ())]


def _table1_cell(rec: dict, spec: dict, cohort_n: int, grouping: dict) -> str:
    dec = spec["decimals"]
    if rec["stat"] == "count_pct":
        if not rec["denominator"]:
            return EM_DASH
        return format_count_pct(
            int(rec["count"]),
            int(rec["denominator"]),
            cohort_n,
            pct_decimals=spec["pct_decimals"],
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
        foot.append(REFERENCE_FOOTNOTE)
    text = (
        f"Median [Q1–Q3]: {quartile_words(hf)}. "
        "Percentages use the patients with a known value; the denominator is shown when "
        "it differs from the cohort size."
    )
    if "mean_sd" in used:
        text += " Mean (SD): standard deviation with the n − 1 denominator."
    if t1["missing_column"]:
        text += " Missing: patients of the cohort without a value."
    else:
        text += " (n = k) after a median: the number of patients with a value, when some lack one."
    foot.append(f"{text} {rounding_rule_sentence(rule)}")  # type: ignore[arg-type]
    return foot


def build_table1(stats: pd.DataFrame, config: dict, cohort_n: int) -> Table:
    """Table 1: n (%), median [Q1–Q3], mean (SD) or median, with reference ranges (a row's
    ``reference``, else its variable's declared ``variables.<v>.reference``), optional
    missing counts, sections, indentation, per-row decimals and consistent digit grouping."""
    t1 = config["tables"]["table1"]
    style = number_style(config, "table1")
    hf = config["statistics"]["quantile_type"]
    show_ref = t1["reference_column"]
    show_missing = t1["missing_column"]
    columns = list(t1.get("columns", ["", "n (%) or median [IQR]"]))
    if show_ref:
        columns = columns[:1] + [REFERENCE_HEADER] + columns[1:]
    if show_missing:
        columns.append("Missing")
    rows = []
    specs = [with_declared_reference(row, config["variables"]) for row in t1["rows"]]
    for spec, rec in zip(specs, stats.to_dict("records"), strict=True):
        label = table1_row_label(spec, config["variables"], config.get("derived", {}))
        if rec["stat"] == "section":
            rows.append(Row([label], section=True))
            continue
        cells = [synthetic_label(label, bool(rec["synthetic"]))]
        grouping = style.row(_table1_numbers(rec, spec))
        if show_ref:
            cells.append(reference_cell(spec, grouping))
        cells.append(_table1_cell(rec, spec, cohort_n, grouping))
        if show_missing:
            cells.append(str(int(rec["missing"])))
        rows.append(Row(cells, indent=spec.get("indent", 0)))
    foot = _table1_footnotes({**t1, "rows": specs}, stats, hf, style.rule, show_ref)
    if stats["synthetic"].fillna(False).astype(bool).any():
        foot.append(synthetic_footnote(config))
    title = t1.get("title", "Table 1").format(n=cohort_n)
    table = Table(title=title, columns=columns, rows=rows, footnotes=foot, label="tab:table1")
    return style.table(table)  # digit grouping decided per column and row


def build_table2(patients: pd.DataFrame, config: dict) -> Table:
    """Table 2: one row per patient, columns as configured (missing values shown as —); see
    :func:`build_listing`. The full listing is ``results/tables/table2.csv``."""
    rule = config["statistics"]["rounding"]
    spec = {"title": "Table 2", **config["tables"]["table2"]}
    return build_listing(patients, spec, rule, "table2", "results/tables/table2.csv")


def build_listing(patients: pd.DataFrame, spec: dict, rule: str, stem: str, full_listing: str) -> Table:
    """A per-patient listing: one row per patient, ``spec['columns']`` (``variable``, ``header``,
    optional ``map`` of printed values or ``decimals``), missing values shown as —.

    With ``max_rows`` set and more patients than that, only the first ``max_rows`` patients
    are listed and a footnote says so and names ``full_listing`` (the file with every patient).
    """
    footnotes = list(spec.get("footnotes", []))
    limit = spec.get("max_rows")
    if limit is not None and len(patients) > limit:
        footnotes.append(
            f"First {limit} of {len(patients)} patients listed; the full listing is {full_listing}."
        )
        patients = patients.head(limit)
    rows = []
    for rec in patients.to_dict("records"):
        cells = []
        for col in spec["columns"]:
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
    if not rows:  # a table needs a row: say why there is none
        rows.append(Row(["No patient in the analysed cohort (the selection kept nobody)."], section=True))
    return Table(
        title=spec.get("title", "Patient listing"),
        columns=[c["header"] for c in spec["columns"]],
        rows=rows,
        footnotes=footnotes,
        label=f"tab:{stem}",
    )


def _paired_cell(
    rec: dict, dec: int, style: NumberStyle, summary: str, tags: tuple[str, str]
) -> tuple[str, str]:
    """First and second time point cells (stats columns prefixed by the time point names
    ``tags``): n (%) for binary parameters, else the configured summary, both with one
    digit-grouping decision (:meth:`NumberStyle.row`)."""
    first, second = tags
    if rec["kind"] == "binary":
        if not rec["n_pairs"]:
            return EM_DASH, EM_DASH
        n = int(rec["n_pairs"])
        return (
            format_count_pct(int(rec[f"{first}_count"]), n, n, pct_decimals=1, rule=style.rule),
            format_count_pct(int(rec[f"{second}_count"]), n, n, pct_decimals=1, rule=style.rule),
        )
    values = [rec[f"{first}_{summary}"], rec[f"{second}_{summary}"]]
    grouping = style.cell(values, dec)
    return format_number(values[0], dec, **grouping), format_number(values[1], dec, **grouping)


def _window_footnotes(points: tuple[TimePoint, ...]) -> list[str]:
    """How each windowed time point chose its value (exact-day points need no note)."""
    return [
        f"{p.title}: the {describe_time_point(p)}."
        for p in dict.fromkeys(points)
        if p.window[0] != p.window[1]
    ]


def _repeated_cells(stats: pd.DataFrame, config: dict, tests: dict) -> tuple[list, list[str], str]:
    """Extra p column of the repeated-measures test (Friedman / Cochran's Q across
    ``repeated_time_points``): cells in parameter order, footnotes, header; empty if not configured."""
    points = repeated_time_points(config)
    rows = stats[stats["role"] == "repeated"].sort_values("order") if "role" in stats else stats.iloc[0:0]
    if not points or rows.empty:
        return [], [], ""
    cells = [marked_p(r["p_value"], r, config, tests) for r in rows.to_dict("records")]
    names = ", ".join(p.title for p in points)
    counts = "; ".join(f"{r['label']}, n = {int(r['n_pairs'])}" for r in rows.to_dict("records"))
    main_adjusted = stats.loc[stats["role"] == "main", "adjustment"].ne("none").any()
    unadjusted = "; not adjusted for multiplicity" if main_adjusted else ""
    foot = [
        f"p across {names}: Friedman test (continuous) or Cochran's Q (binary) on the patients "
        f"with a value at every time point ({counts}{unadjusted})."
    ]
    return cells, foot, f"p-Value ({names})"


def _sidedness_footnote(main: pd.DataFrame) -> list[str]:
    """["p-values are two-sided."] when every computed test of the table was two-sided (the
    results' ``alternative``): the test footnotes name the tests only (:func:`retrocohort.tables.cells.named_test`)."""
    if "alternative" not in main:
        return []
    sides = set(main.loc[main["p_value"].notna(), "alternative"])
    return ["p-values are two-sided."] if sides == {"two-sided"} else []


def build_table3(
    stats: pd.DataFrame,
    config: dict,
    bold_p_below: float | None = None,
    table_id: str = "table3",
    points: tuple[TimePoint, TimePoint] | None = None,
) -> Table:
    """Table 3: parameter (n pairs), the two paired time points (config ``paired_time_points``,
    default the ``paired_days``), p-value and the test that produced it (superscript letter);
    p bold below :func:`bold_threshold`; with ``repeated_time_points``, one more p column
    (Friedman / Cochran's Q across them). A paired table declared by kind passes its
    ``table_id`` and its two time ``points`` (it has no repeated-measures column)."""
    t3 = config["tables"][table_id]
    style = number_style(config, table_id)
    threshold = bold_threshold(config, table_id, bold_p_below)
    first, second = paired_time_points(config) if points is None else points
    repeated_points = repeated_time_points(config) if points is None else ()
    summary = t3["summary"]
    main = stats[stats["role"] == "main"].sort_values("order")
    rows, tests = [], {}
    for spec, rec in zip(t3["parameters"], main.to_dict("records"), strict=True):
        d0, d7 = _paired_cell(rec, spec["decimals"], style, summary, (first.name, second.name))
        p = rec["p_adjusted"] if rec["adjustment"] != "none" else rec["p_value"]
        rows.append(
            Row(
                [
                    synthetic_label(f"{rec['label']} (n = {rec['n_pairs']})", bool(rec["synthetic"])),
                    d0,
                    d7,
                    marked_p(p, rec, config, tests),
                ],
                bold=[False, False, False, is_bold_p(p, threshold)],
            )
        )
    repeated, repeated_foot, repeated_header = (
        _repeated_cells(stats, config, tests) if repeated_points else ([], [], "")
    )
    for row, cell in zip(rows, repeated, strict=False):
        row.cells.append(cell)
        row.bold.append(False)
    foot = list(t3.get("footnotes", []))
    foot.append(
        f"{first.title} and {second.title} columns: {summary} of the paired values (binary parameters: n (%))."
    )
    foot += _window_footnotes((first, second, *repeated_points))
    foot += repeated_foot
    foot += bold_footnote(threshold, rows)
    foot += _sidedness_footnote(main)
    foot += method_footnotes(tests)
    if main["adjustment"].iloc[0] != "none":
        foot.append(f"p-values adjusted for multiplicity across parameters ({main['adjustment'].iloc[0]}).")
    if main["synthetic"].astype(bool).any():
        foot.append(synthetic_footnote(config))
    return style.table(  # digit grouping decided per column and row
        Table(
            title=t3.get("title", "Table 3"),
            columns=["Parameter (n)", first.title, second.title, "p-Value"]
            + ([repeated_header] * bool(repeated)),
            rows=rows,
            footnotes=foot,
            label=f"tab:{table_id}",
        )
    )
