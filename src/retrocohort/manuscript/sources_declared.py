"""Placeholder entries of the tables a study declares by kind (``tables.<id>: {kind: ...}``):
the full-precision records of ``results/stats/<id>.json`` (rule ``cohort_table``), printed as
the table prints them.

Keys
----
Descriptive table (``kind: descriptive``)
    ``tables.<id>.n``: the patients of the table (its Overall column's n);
    ``tables.<id>.group.<group>.n``: each group's n (``<group>`` is the column header as a key
    segment, "D-penicillamine" -> ``d-penicillamine``). Per row of a variable:
    ``tables.<id>.<variable>.p`` ("= 0.020" or "< 0.001", for "p {{ ... }}"), ``.p_value``
    ("0.020") and ``.test`` (the test's name as the statistics record it); per column
    ``tables.<id>.<variable>[.<level>].<group>.<stat>`` with the statistics of
    :mod:`retrocohort.manuscript.sources_descriptive` (``median_iqr``, ``mean_sd``, ``range``,
    ``median``, ``q1``, ``q3``, ``iqr``, ``mean``, ``sd``, ``min``, ``max``, ``n``,
    ``missing`` for a continuous row; ``count_pct``, ``count``, ``denominator``, ``pct`` for a
    binary row or a categorical level). ``<group>`` is ``overall`` for the Overall column.
Regression table (``kind: regression``)
    ``tables.<id>.<analysis>.<variable>[.<level>].<stat>`` (``<analysis>`` ``univariable`` or
    ``multivariable``; ``<level>`` for a level of a categorical predictor): ``ratio``, ``ci``
    ("0.66–1.34"), ``ratio_ci`` ("0.94 (95% CI 0.66–1.34)"), ``p``, ``p_value``, ``n`` and
    ``events`` of the model; ``tables.<id>.multivariable.n`` / ``.events`` for the
    multivariable model; on the main ratio's rows (``sample:`` or ``e_value:``) ``e_value``
    and ``e_value_ci`` (VanderWeele & Ding 2017: of the estimate and of the CI limit nearer 1).
Comparison, survival and paired tables (``kind: comparison``, ``survival``, ``paired``)
    The keys of the classic group comparisons, time-to-event analyses and paired Table 3
    (:mod:`retrocohort.manuscript.sources_tests`) under ``tables.<id>.`` instead of
    ``groups.``, ``survival.`` and ``paired.``: ``tables.<id>.<comparison>.p``,
    ``tables.<id>.<comparison>.<group value>.median_iqr``, ``tables.<id>.<analysis>[.<group
    value>].median_ci``, ``tables.<id>.<analysis>.p``, ``tables.<id>.<variable>.<time
    point>_median``, ``tables.<id>.<variable>.p``...; and ``tables.<id>.n``, the patients of the
    table's population (the analysed cohort, or those meeting its ``where:``).

Every number is formatted with the functions and the digit-grouping decision the table uses
(:func:`retrocohort.tables.cohort_tables.build_stratified_table` and
:func:`~retrocohort.tables.regression_table.build_regression_table`): the row's one grouping
decision over the numbers its cells print across the shown columns (a statistic the table does
not print: one decision over its own numbers), the table's ``thousands_separator`` and the
row's decimals, so a value reads the same in the text and in its table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from retrocohort.format.numbers import (
    format_count_pct,
    format_mean_sd,
    format_median_iqr,
    format_number,
    format_range,
)
from retrocohort.format.pvalues import p_value_format
from retrocohort.manuscript.namespace import Entry, Namespace, TextStyle, key_part, present
from retrocohort.manuscript.sources_competing import competing_entries
from retrocohort.manuscript.sources_tests import groups_entries, paired_entries, survival_entries
from retrocohort.manuscript.sources_weighted import is_weighted, weighted_count_entries
from retrocohort.stats.registry import stated_test
from retrocohort.tables.cells import number_style
from retrocohort.tables.cohort_tables import _STAT_NUMBERS  # the numbers each cell prints
from retrocohort.tables.declared_tables import descriptive_spec
from retrocohort.tables.regression_notes import term_key_parts

OVERALL = "Overall"

#: The numbers each compound statistic prints (the table's digit grouping is decided over them).
COMPOUND_NUMBERS = {
    "median_iqr": ("median", "q1", "q3"),
    "iqr": ("q1", "q3"),
    "mean_sd": ("mean", "sd"),
    "range": ("min", "max"),
}
_SINGLE_NUMBERS = ("median", "q1", "q3", "mean", "sd", "min", "max")


def table_style(config: Mapping[str, Any], table_id: str) -> TextStyle:
    """The number style of table ``table_id`` (rounding, its digit grouping) and the study's
    p-value format."""
    return TextStyle(number_style(dict(config), table_id), p_value_format(config["statistics"]))


def table_key(table_id: str, *parts: object) -> str:
    """The placeholder key of a declared table's statistic: ``tables.<id>.<part>...``."""
    return ".".join(["tables", key_part(table_id), *(key_part(p) for p in parts)])


def stratum_names(record: Mapping[str, Any]) -> list[str]:
    """The columns (strata) of a descriptive table's record, Overall first, in column order."""
    return [key.split("@", 1)[1] for key in record if key.startswith("n_group@")]


def shown_strata(record: Mapping[str, Any], spec: Mapping[str, Any]) -> list[str]:
    """The strata the table prints (Overall left out when the table declares ``overall: false``
    and has groups)."""
    names = stratum_names(record)
    if len(names) > 1 and not spec["overall"]:
        return [name for name in names if name != OVERALL]
    return names


def row_spec(spec: Mapping[str, Any], record: Mapping[str, Any]) -> Mapping[str, Any]:
    """The completed config row (label, decimals, pct_decimals...) of a statistics record."""
    rows = spec["rows"]
    index = int(record["row"])
    return rows[index] if index < len(rows) else {}


def _grouped(
    record: Mapping[str, Any], strata: Sequence[str], numbers: Sequence[str], style: TextStyle
) -> Callable[[int], dict]:
    """decimals -> keyword arguments of the format functions: the table's one digit-grouping
    decision over ``numbers`` of every shown stratum of the row."""
    values = [record.get(f"{name}@{s}") for s in strata for name in numbers]
    return lambda d: style.numbers.row([(v, d) for v in values])


def _location(
    record: Mapping[str, Any],
    stratum: str,
    strata: Sequence[str],
    decimals: int,
    style: TextStyle,
    where: dict,
) -> dict[str, Entry]:
    get = {name: record.get(f"{name}@{stratum}") for name in (*_SINGLE_NUMBERS, "n", "missing")}
    col = lambda *names: ",".join(f"{n}@{stratum}" for n in names)  # noqa: E731
    printed = _STAT_NUMBERS.get(record["stat"], ())  # what the row's cells print

    def grouping(numbers: Sequence[str]) -> Callable[[int], dict]:
        """The row's decision for numbers its cells print, else one over ``numbers``."""
        return _grouped(record, strata, printed if set(numbers) <= set(printed) else numbers, style)

    out: dict[str, Entry] = {}
    for name in _SINGLE_NUMBERS:
        if present(get[name]):
            kw = grouping((name,))
            out[name] = Entry(
                get[name],
                lambda d, v=get[name], kw=kw: format_number(v, d, **kw(d)),
                decimals,
                column=col(name),
                **where,
            )
    compound = {
        "median_iqr": lambda d, kw: format_median_iqr(get["median"], get["q1"], get["q3"], d, **kw(d)),
        "iqr": lambda d, kw: format_range(get["q1"], get["q3"], d, **kw(d)),
        "mean_sd": lambda d, kw: format_mean_sd(get["mean"], get["sd"], d, **kw(d)),
        "range": lambda d, kw: format_range(get["min"], get["max"], d, **kw(d)),
    }
    for name, fmt in compound.items():
        numbers = COMPOUND_NUMBERS[name]
        if present(*(get[n] for n in numbers)):
            kw = grouping(numbers)
            out[name] = Entry(
                {n: get[n] for n in numbers},
                lambda d, fmt=fmt, kw=kw: fmt(d, kw),
                decimals,
                column=col(*numbers),
                **where,
            )
    for name in ("n", "missing"):
        if present(get[name]):
            out[name] = Entry(int(get[name]), style.integer(get[name]), 0, column=col(name), **where)
    return out


def _counts(
    record: Mapping[str, Any],
    stratum: str,
    pct_decimals: int,
    missing_row: bool,
    style: TextStyle,
    where: dict,
) -> dict[str, Entry]:
    """n (%) of one cell as the table prints it: over the stratum's n, or "k/d" when the
    denominator is smaller and no missing row says why (the denominator itself with one)."""
    count, denominator = record.get(f"count@{stratum}"), record.get(f"denominator@{stratum}")
    if not present(count, denominator) or not denominator:
        return {}
    if is_weighted(record) and record.get("row_type") != "missing":  # sums of weights, as printed
        return weighted_count_entries(record, f"@{stratum}", pct_decimals, style, where)
    count, denominator = int(count), int(denominator)
    size = denominator if missing_row else int(record[f"n_group@{stratum}"])
    rule = style.numbers.rule
    return {
        "count": Entry(count, style.integer(count), 0, column=f"count@{stratum}", **where),
        "denominator": Entry(
            denominator, style.integer(denominator), 0, column=f"denominator@{stratum}", **where
        ),
        "pct": Entry(
            record.get(f"percent@{stratum}"),
            style.percent(count, denominator),
            pct_decimals,
            column=f"percent@{stratum}",
            **where,
        ),
        "count_pct": Entry(
            {"count": count, "denominator": denominator},
            lambda d: format_count_pct(count, denominator, size, pct_decimals=d, rule=rule),  # type: ignore[arg-type]
            pct_decimals,
            column=f"count@{stratum},denominator@{stratum}" + ("" if missing_row else f",n_group@{stratum}"),
            **where,
        ),
    }


def test_entries(record: Mapping[str, Any], style: TextStyle, where: dict) -> dict[str, Entry]:
    """``p``, ``p_value`` and ``test`` of a record with a computed p-value (none without)."""
    if not present(record.get("p_value")):
        return {}
    p, test = record["p_value"], record.get("test")
    out = {
        "p": Entry(p, style.p_relation(p), 0, column="p_value", **where),
        "p_value": Entry(p, style.p_value(p), 0, column="p_value", **where),
    }
    if isinstance(test, str) and test:
        said = stated_test(record)
        out["test"] = Entry(test, lambda d, t=said: t, 0, column="test", **where)
    return out


def descriptive_entries(
    records: list[dict], path: str, table_id: str, config: Mapping[str, Any]
) -> Namespace:
    """Entries ``tables.<id>.*`` of a descriptive table's statistics records (see the module)."""
    spec = descriptive_spec(config["tables"][table_id], config)
    style = table_style(config, table_id)
    space = Namespace()
    if not records:
        return space
    first = {"file": path, "row": 0, "synthetic": bool(records[0].get("synthetic"))}
    names = stratum_names(records[0])
    size = int(records[0][f"n_group@{OVERALL}"])
    space.add(
        table_key(table_id, "n"), Entry(size, style.integer(size), 0, column=f"n_group@{OVERALL}", **first)
    )
    if present(records[0].get("n_excluded")):  # no group value, or one outside the table's groups
        left_out = int(records[0]["n_excluded"])
        space.add(
            table_key(table_id, "excluded"),
            Entry(left_out, style.integer(left_out), 0, column="n_excluded", **first),
        )
    for name in names:
        if name != OVERALL:
            n = int(records[0][f"n_group@{name}"])
            space.add_all(
                table_key(table_id, "group", name),
                {"n": Entry(n, style.integer(n), 0, column=f"n_group@{name}", **first)},
            )
    with_missing = {int(r["row"]) for r in records if r["row_type"] == "missing"}
    for index, rec in enumerate(records):
        where = {"file": path, "row": index, "synthetic": bool(rec.get("synthetic"))}
        variable, row_type = rec["variable"], rec["row_type"]
        if row_type in ("value", "variable"):
            space.add_all(table_key(table_id, variable), test_entries(rec, style, where))
        if row_type not in ("value", "level"):
            continue
        cell_spec = row_spec(spec, rec)
        strata = shown_strata(rec, spec)
        head = [variable] if row_type == "value" else [variable, rec["level"]]
        for stratum in names:
            if rec["kind"] == "continuous":
                entries = _location(rec, stratum, strata, int(cell_spec["decimals"]), style, where)
            else:
                missing_row = int(rec["row"]) in with_missing
                entries = _counts(rec, stratum, int(cell_spec["pct_decimals"]), missing_row, style, where)
            space.add_all(table_key(table_id, *head, stratum), entries)
    return space


def _ratio_entries(rec: Mapping[str, Any], decimals: int, style: TextStyle, where: dict) -> dict[str, Entry]:
    ratio, low, high = rec.get("ratio"), rec.get("ci_low"), rec.get("ci_high")
    out: dict[str, Entry] = {}
    if present(ratio, low, high):
        kw = lambda d: style.numbers.cell([ratio, low, high], d)  # noqa: E731 (the table's one decision)
        level = f"{100 * float(rec['conf_level']):g}%"
        out["ratio"] = Entry(
            ratio, lambda d: format_number(ratio, d, **kw(d)), decimals, column="ratio", **where
        )
        out["ci"] = Entry(
            {"low": low, "high": high},
            lambda d: format_range(low, high, d, **kw(d)),
            decimals,
            column="ci_low,ci_high",
            **where,
        )
        out["ratio_ci"] = Entry(
            {"ratio": ratio, "ci_low": low, "ci_high": high, "conf_level": rec["conf_level"]},
            lambda d: (
                f"{format_number(ratio, d, **kw(d))} ({level} CI {format_range(low, high, d, **kw(d))})"
            ),
            decimals,
            column="ratio,ci_low,ci_high,conf_level",
            **where,
        )
    out |= {k: v for k, v in test_entries(rec, style, where).items() if k != "test"}
    for name, column in (("n", "n"), ("events", "n_events")):
        if present(rec.get(column)):
            out[name] = Entry(int(rec[column]), style.integer(rec[column]), 0, column=column, **where)
    for name in ("e_value", "e_value_ci"):  # the main ratio's E-value (regression tables)
        if present(rec.get(name)):
            value = float(rec[name])
            out[name] = Entry(
                value,
                lambda d, v=value: format_number(v, d, **style.numbers.cell([v], d)),
                decimals,
                column=name,
                **where,
            )
    return out


def regression_entries(records: list[dict], path: str, table_id: str, config: Mapping[str, Any]) -> Namespace:
    """Entries ``tables.<id>.<analysis>.*`` of a regression table's records (see the module)."""
    spec = config["tables"][table_id]
    style = table_style(config, table_id)
    space = Namespace()
    model_size_done = False
    for index, rec in enumerate(records):
        where = {"file": path, "row": index, "synthetic": bool(rec.get("synthetic"))}
        analysis = rec["analysis"]
        term = term_key_parts(rec)  # an interaction's columns: each factor's level
        space.add_all(
            table_key(table_id, analysis, *term), _ratio_entries(rec, int(spec["decimals"]), style, where)
        )
        if analysis == "multivariable" and not model_size_done:
            model_size_done = True
            for name, column in (("n", "n"), ("events", "n_events")):
                value = int(rec[column])
                space.add(
                    table_key(table_id, analysis, name),
                    Entry(value, style.integer(value), 0, column=column, **where),
                )
    return space


#: Where each kind of the classic records' structure records the size of the table's
#: population: (role of the record, its columns summed). A comparison's test record counts the
#: patients with a group (``n_group``) and those without (``n_excluded``); a survival analysis's
#: ``patients`` record those analysed (``n``) and those without a usable time, event or group
#: (``n_excluded``); a paired table records its population (``n_population``) on every record.
POPULATION_COLUMNS = {
    "comparison": ("test", ("n_group", "n_excluded")),
    "survival": ("patients", ("n", "n_excluded")),
    "paired": ("main", ("n_population",)),
}


def population_entry(records: list[dict], path: str, kind: str, style: TextStyle) -> Entry | None:
    """``tables.<id>.n`` of a comparison, survival or paired table: the patients of its
    population (the analysed cohort, or those meeting its ``where:``).

    Parameters
    ----------
    records, path
        The table's statistics records and their file (the value's source).
    kind
        ``comparison``, ``survival`` or ``paired`` (a key of :data:`POPULATION_COLUMNS`).
    style
        The table's number style.

    Returns
    -------
    Entry or None
        The sum of the kind's :data:`POPULATION_COLUMNS` on its first record of that role
        (value: the summed numbers by column, or the one number), traced to that record and
        those columns; None when no record has them (e.g. a file written before
        ``n_population``).
    """
    role, columns = POPULATION_COLUMNS[kind]
    for index, rec in enumerate(records):
        if rec.get("role", "main") == role and present(*(rec.get(c) for c in columns)):
            parts = {c: int(rec[c]) for c in columns}
            size = sum(parts.values())
            value: object = size if len(parts) == 1 else parts
            where = {"file": path, "row": index, "synthetic": bool(rec.get("synthetic"))}
            return Entry(value, style.integer(size), 0, column=",".join(columns), **where)
    return None


def analysis_table_entries(
    records: list[dict], path: str, table_id: str, config: Mapping[str, Any]
) -> Namespace:
    """Entries ``tables.<id>.*`` of a comparison, survival or paired table: the keys of the
    classic ``groups.*``, ``survival.*`` and ``paired.*`` entries
    (:mod:`retrocohort.manuscript.sources_tests`, the same records) under ``tables.<id>.``, and
    ``tables.<id>.n`` (:func:`population_entry`)."""
    kind = config["tables"][table_id]["kind"]
    style = table_style(config, table_id)
    prefix = table_key(table_id)
    if kind == "comparison":
        space = groups_entries(records, path, style, prefix)
    elif kind == "survival":
        space = survival_entries(records, path, style, prefix)
    else:
        space = paired_entries(records, path, config, style, prefix, table_id)
    size = population_entry(records, path, kind, style)
    if size is not None:
        space.add(table_key(table_id, "n"), size)
        if isinstance(size.value, dict):  # those analysed and those left out, each traced
            for name, column in zip(("analysed", "excluded"), POPULATION_COLUMNS[kind][1]):
                value = size.value[column]
                space.add(
                    table_key(table_id, name),
                    Entry(
                        value,
                        style.integer(value),
                        0,
                        column=column,
                        file=path,
                        row=size.row,
                        synthetic=size.synthetic,
                    ),
                )
    return space


def declared_entries(records: list[dict], path: str, table_id: str, config: Mapping[str, Any]) -> Namespace:
    """The entries of declared table ``table_id`` by its kind (a listing has none: it prints
    patients, not statistics)."""
    kind = config["tables"][table_id]["kind"]
    if kind == "descriptive":
        return descriptive_entries(records, path, table_id, config)
    if kind == "regression":
        return regression_entries(records, path, table_id, config)
    if kind in POPULATION_COLUMNS:
        return analysis_table_entries(records, path, table_id, config)
    if kind == "competing_risks":  # its population is counted as a survival analysis' (patients row)
        space = competing_entries(records, path, table_key(table_id), table_style(config, table_id))
        size = population_entry(records, path, "survival", table_style(config, table_id))
        if size is not None:
            space.add(table_key(table_id, "n"), size)
        return space
    return Namespace()
