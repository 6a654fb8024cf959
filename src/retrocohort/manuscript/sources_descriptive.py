"""Placeholder entries of the descriptive statistics: Table 1 (``results/stats/table1.csv``) and
the cohort flow (``results/selection/flow.csv``).

Keys
----
``table1.<variable>.<stat>`` (``table1.<variable>.<level>.<stat>`` for a level of a categorical row)
    For an ``n (%)`` row: ``count``, ``denominator``, ``pct`` ("62%"), ``count_pct``
    ("13 (62%)", or "5/20 (25%)" when the denominator is smaller than the cohort). For a
    median/mean row: ``median``, ``q1``, ``q3``, ``iqr`` ("33.0–58.0"), ``median_iqr``
    ("45.0 [33.0–58.0]"), ``mean``, ``sd``, ``min``, ``max``, ``range``, and ``n``/``missing``.
    Decimals are the row's ``decimals`` and ``pct_decimals`` in ``tables.table1.rows`` (of the
    loaded study: the schema fills each row's defaults).
``cohort.n``, ``cohort.screened``, ``cohort.excluded``
    Patients analysed (last selection step's ``n_out``), screened (first step's ``n_in``) and
    excluded in all; ``flow.<step id>.excluded`` / ``.n_in`` / ``.n_out`` per step.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

import pandas as pd

from retrocohort.format.numbers import format_mean_sd, format_median_iqr
from retrocohort.manuscript.namespace import Entry, Namespace, TextStyle, key_part, present


def _row_specs(config: Mapping) -> dict[str, Mapping]:
    """Table 1 row layout by variable (decimals, pct_decimals), from the loaded study: a classic
    row's own (the schema fills them), else a declared descriptive table's."""
    table = config["tables"]["table1"]
    own = {key: table[key] for key in ("decimals", "pct_decimals") if key in table}
    return {spec["variable"]: {**own, **spec} for spec in table["rows"] if "variable" in spec}


def _count_entries(
    rec: dict, spec: Mapping, cohort_n: int, style: TextStyle, where: dict
) -> dict[str, Entry]:
    count, denominator = int(rec["count"]), int(rec["denominator"])
    pct_dec = int(spec["pct_decimals"])
    return {
        "count": Entry(count, style.integer(count), 0, column="count", **where),
        "denominator": Entry(denominator, style.integer(denominator), 0, column="denominator", **where),
        "complement": Entry(
            denominator - count, style.integer(denominator - count), 0, column="denominator-count", **where
        ),
        "pct": Entry(rec["percent"], style.percent(count, denominator), pct_dec, column="percent", **where),
        "count_pct": Entry(
            {"count": count, "denominator": denominator, "percent": rec["percent"]},
            style.count_pct(count, denominator, cohort_n, pct_dec),
            pct_dec,
            column="count,denominator",
            **where,
        ),
    }


def location_entries(rec: dict, decimals: int, style: TextStyle, where: dict) -> dict[str, Entry]:
    out: dict[str, Entry] = {}
    for name in ("median", "q1", "q3", "mean", "sd", "min", "max"):
        if present(rec.get(name)):
            out[name] = Entry(rec[name], style.number(rec[name]), decimals, column=name, **where)
    median, q1, q3 = rec.get("median"), rec.get("q1"), rec.get("q3")
    if present(median, q1, q3):
        quartiles = {"median": median, "q1": q1, "q3": q3}
        out["iqr"] = Entry({"q1": q1, "q3": q3}, style.interval(q1, q3), decimals, column="q1,q3", **where)
        out["median_iqr"] = Entry(
            quartiles,
            lambda d: format_median_iqr(median, q1, q3, d, **style.grouping([median, q1, q3], d)),
            decimals,
            column="median,q1,q3",
            **where,
        )
    if present(rec.get("mean"), rec.get("sd")):
        mean, sd = rec["mean"], rec["sd"]
        out["mean_sd"] = Entry(
            {"mean": mean, "sd": sd},
            lambda d: format_mean_sd(mean, sd, d, **style.grouping([mean, sd], d)),
            decimals,
            column="mean,sd",
            **where,
        )
    if present(rec.get("min"), rec.get("max")):
        out["range"] = Entry(
            {"min": rec["min"], "max": rec["max"]},
            style.interval(rec["min"], rec["max"]),
            decimals,
            column="min,max",
            **where,
        )
    for name in ("n", "missing"):
        if present(rec.get(name)):
            out[name] = Entry(int(rec[name]), style.integer(rec[name]), 0, column=name, **where)
    return out


def _in_file(column: str, suffix: str) -> str:
    """A source column as the file names it: ``median`` -> ``median@Overall`` in a declared
    table's file (``count,denominator`` and ``denominator-count`` part by part)."""
    return re.sub(r"[a-z_0-9]+", lambda m: m.group(0) + suffix, column) if suffix else column


def table1_entries(
    stats: pd.DataFrame, path: str, config: Mapping, cohort_n: int, style: TextStyle, column_suffix: str = ""
) -> Namespace:
    """Entries ``table1.<variable>.<stat>`` of every non-section row of ``table1.csv`` (records
    in the classic layout, :func:`retrocohort.analysis.descriptive.summary_records`); each
    entry's source column is the file's: ``column_suffix`` "@Overall" for a Table 1 declared
    ``kind: descriptive``, whose file holds its Overall column as ``<statistic>@Overall``."""
    specs = _row_specs(config)
    space = Namespace()
    for index, rec in enumerate(stats.to_dict("records")):
        if rec["stat"] in ("section", "variable", "missing"):  # no number of its own
            continue
        variable, _, level = str(rec["variable"]).partition(".")  # a categorical level: "<variable>.<level>"
        spec = specs[variable]
        where = {"file": path, "row": index, "synthetic": bool(rec["synthetic"])}
        if rec["stat"] == "count_pct":
            known = present(rec["count"], rec["denominator"]) and rec["denominator"]
            entries = _count_entries(rec, spec, cohort_n, style, where) if known else {}
        else:
            entries = location_entries(rec, int(spec["decimals"]), style, where)
        entries = {k: replace(e, column=_in_file(e.column, column_suffix)) for k, e in entries.items()}
        space.add_all(f"table1.{key_part(variable)}" + (f".{key_part(level)}" if level else ""), entries)
    return space


def flow_entries(flow: pd.DataFrame, path: str, style: TextStyle) -> Namespace:
    """Entries ``cohort.n``/``screened``/``excluded`` and ``flow.<id>.*`` of ``flow.csv``."""
    space = Namespace()
    records = flow.to_dict("records")
    if not records:
        return space
    last = len(records) - 1
    n_out, n_in = int(records[-1]["n_out"]), int(records[0]["n_in"])
    space.add("cohort.n", Entry(n_out, style.integer(n_out), 0, path, last, "n_out"))
    space.add("cohort.screened", Entry(n_in, style.integer(n_in), 0, path, 0, "n_in"))
    excluded = n_in - n_out
    space.add("cohort.excluded", Entry(excluded, style.integer(excluded), 0, path, last, "n_in(row 0)-n_out"))
    for index, rec in enumerate(records):
        for column in ("n_in", "n_excluded", "n_out"):
            name = "excluded" if column == "n_excluded" else column
            value = int(rec[column])
            space.add(
                f"flow.{key_part(rec['id'])}.{name}",
                Entry(value, style.integer(value), 0, path, index, column),
            )
    return space


def cohort_size(flow: pd.DataFrame) -> int:
    """Patients analysed: the last selection step's ``n_out``."""
    return int(flow["n_out"].iloc[-1])
