"""Which time point each long-format variable of a table is read at, and the load-time checks.

A variable of the long measurements table (several values per patient, one per day) has no
single per-patient value: every row, column or model term of a table takes it at a declared
time point, the first of: the row's ``time_point``, the table's ``time_point``, the study's
``baseline_time_point``, a time point declared with the name ``baseline``. Without any, the
config check stops naming the row's key (never a silent "value of ``baseline_day``").
Resolving names to :class:`~retrocohort.config.time_points.TimePoint` objects is
:func:`retrocohort.config.time_points.table_time_points`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from retrocohort.config.analysis_entries import ENTRY_KINDS, family_entries
from retrocohort.errors import Problem

#: The name of a declared time point taken as the study's baseline without `baseline_time_point`.
BASELINE = "baseline"


def table_time_point_names(config: Mapping) -> Iterable[tuple[str, str]]:
    """(key path, time point name) of ``baseline_time_point`` and every table's and row's
    ``time_point`` (checked against the declared time points by the caller)."""
    if config.get("baseline_time_point"):
        yield "baseline_time_point", config["baseline_time_point"]
    for tid, spec in _row_tables(config):
        if spec.get("time_point"):
            yield f"tables/{tid}/time_point", spec["time_point"]
        for part in ("rows", "columns"):
            for i, row in enumerate(spec.get(part) or []):
                if isinstance(row, Mapping) and row.get("time_point"):
                    yield f"tables/{tid}/{part}/{i}/time_point", row["time_point"]


#: Table keys that are not tables of patient rows (the paired table has its own time points).
_NOT_ROW_TABLES = ("preset", "table3", "groups", "survival")


def _row_tables(config: Mapping) -> Iterable[tuple[str, dict]]:
    """(id, spec) of the tables that summarise, model or list per-patient values."""
    for tid, spec in (config.get("tables") or {}).items():
        if tid not in _NOT_ROW_TABLES and isinstance(spec, Mapping) and spec.get("kind") not in ENTRY_KINDS:
            yield tid, spec


def baseline_time_point(config: Mapping) -> str | None:
    """The study's baseline time point: ``baseline_time_point`` when given, else a time point
    declared under ``time_points:`` with the name ``baseline``, else None (no default: a
    long-format row must then name its time point)."""
    if config.get("baseline_time_point"):
        return str(config["baseline_time_point"])
    return BASELINE if BASELINE in (config.get("time_points") or {}) else None


def is_long_format(config: Mapping, name: str) -> bool:
    """A variable of the long measurements table (several values per patient, one per day)."""
    declared = (config.get("variables") or {}).get(name)
    return isinstance(declared, Mapping) and declared.get("table") == "measurements"


def table_variable_uses(tid: str, spec: Mapping) -> Iterable[tuple[str, str, dict]]:
    """(key path, variable, row or column spec) of every variable a table summarises, models or
    lists (the row is ``{}`` for a model term: a regression table takes the table's time point)."""
    where = f"tables/{tid}"
    for part in ("rows", "columns"):
        for i, row in enumerate(spec.get(part) or []):
            if isinstance(row, Mapping) and "variable" in row:
                yield f"{where}/{part}/{i}", row["variable"], row
    for key in ("by", "outcome", "time", "event"):
        if key in spec:
            yield f"{where}/{key}", spec[key], {}
    for key in ("predictors", "multivariable"):
        for i, name in enumerate(spec.get(key) or []):
            yield f"{where}/{key}/{i}", name, {}


def row_time_point_name(config: Mapping, spec: Mapping, row: Mapping) -> str | None:
    """The time point of one long-format row: the row's ``time_point``, else the table's, else
    the study's baseline (:func:`baseline_time_point`); None when none is declared."""
    return row.get("time_point") or spec.get("time_point") or baseline_time_point(config)


def long_format_problems(config: Mapping, file: str) -> list[Problem]:
    """A long-format variable in a table without any time point (row, table or study baseline):
    its value would otherwise be taken on one exact day, silently."""
    problems = []
    for tid, spec in _row_tables(config):
        for key, name, row in table_variable_uses(tid, spec):
            if is_long_format(config, name) and row_time_point_name(config, spec, row) is None:
                problems.append(
                    Problem(
                        f"{name!r} is a long-format measurement (several values per patient): "
                        "the table must say at which time point it takes its value",
                        file=file,
                        column=f"{key}/time_point" if row else f"tables/{tid}/time_point",
                        value=name,
                        expected="`time_point: <name>` on the row or the table, or a study "
                        "`baseline_time_point:` (a time point declared under `time_points:`, "
                        "or day<d> of paired_days)",
                    )
                )
    classic = (config.get("tables") or {}).get("table2")
    if isinstance(classic, Mapping) and "kind" not in classic:  # the classic listing reads patients only
        for i, col in enumerate(classic.get("columns") or []):
            if isinstance(col, Mapping) and is_long_format(config, col.get("variable", "")):
                problems.append(
                    Problem(
                        f"{col['variable']!r} is a long-format measurement: the classic Table 2 "
                        "lists patient-level variables only",
                        file=file,
                        column=f"tables/table2/columns/{i}/variable",
                        value=col["variable"],
                        expected="`kind: listing` (a column may then name its `time_point`)",
                    )
                )
    for key, name in _fixed_day_uses(config):
        if is_long_format(config, name):
            problems.append(
                Problem(
                    f"{name!r} is a long-format measurement: this analysis takes one value per "
                    "patient and has no time point",
                    file=file,
                    column=key,
                    value=name,
                    expected="a patient-level or derived variable, or a declared table "
                    "(`kind: descriptive` with `by:` and `time_point:`)",
                )
            )
    return problems


def _fixed_day_uses(config: Mapping) -> Iterable[tuple[str, str]]:
    """(key path, variable) of the per-patient variables of ``groups:`` comparisons and
    ``survival:`` analyses, which read one value per patient (no time point key)."""
    for family, keys in (
        ("comparison", ("outcome", "group_variable")),
        ("survival", ("time", "event", "group_variable")),
    ):
        for where, entry in family_entries(config, family):
            yield from ((f"{where}/{k}", entry[k]) for k in keys if k in entry)
