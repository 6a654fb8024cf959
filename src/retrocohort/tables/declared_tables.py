"""Formatted tables declared by kind in the study config (``tables.<id>``, rule ``cohort_table``):
the config entry completed with the study's labels and defaults, then
:func:`retrocohort.tables.cohort_tables.build_stratified_table` or
:func:`~retrocohort.tables.regression_table.build_regression_table`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from retrocohort.config.derived_checks import variable_unit
from retrocohort.config.level_labels import declared_level_labels
from retrocohort.config.row_time_points import table_variable_uses
from retrocohort.config.time_points import (
    TimePoint,
    describe_time_point,
    row_columns,
    table_time_points,
    with_frame_columns,
)
from retrocohort.config.values import printed
from retrocohort.format.numbers import format_number
from retrocohort.format.pvalues import p_value_format
from retrocohort.render.model import Table
from retrocohort.render.pvalue_marks import bold_threshold
from retrocohort.tables.build import build_listing
from retrocohort.tables.cells import number_style, synthetic_footnote, with_declared_reference
from retrocohort.tables.cohort_tables import build_stratified_table
from retrocohort.tables.regression_table import build_regression_table


def _label(config: Mapping[str, Any], name: str) -> str:
    spec = config["variables"].get(name) or config["derived"].get(name) or {}
    return str(spec.get("label", name))


def _with_unit(config: Mapping[str, Any], name: str) -> str:
    """A variable's label with its canonical unit: "Bilirubin (mg/dL)"; a label that already
    opens a parenthesis with the unit ("Glycosylated ferritin (% of total ferritin)") is kept."""
    unit = (config["variables"].get(name) or {}).get("unit") or variable_unit(config, name)
    label = _label(config, name)
    stated = unit and (f"({unit})" in label or f"({unit} " in label)
    return f"{label} ({unit})" if unit and not stated else label


def descriptive_spec(spec: Mapping[str, Any], config: Mapping[str, Any]) -> dict:
    """Rows labelled from ``variables:`` (with units), given the table's decimals unless set,
    and their variable's ``reference`` range unless the row declares its own."""
    rows = [
        dict(row)
        if "section" in row
        else {
            **with_declared_reference(row, config["variables"]),
            "label": row.get("label", _with_unit(config, row["variable"])),
            "decimals": row.get("decimals", spec["decimals"]),
            "pct_decimals": row.get("pct_decimals", spec["pct_decimals"]),
        }
        for row in spec["rows"]
    ]
    return {**spec, "rows": rows}


def regression_spec(spec: Mapping[str, Any], config: Mapping[str, Any]) -> dict:
    """Predictor labels from ``variables:`` (with units) unless the table's ``labels`` set them."""
    names = (
        list(spec["predictors"])
        + list(spec.get("multivariable", []))
        + ([spec["strata"]] if "strata" in spec else [])
    )
    labels = {name: _with_unit(config, name) for name in names} | dict(spec.get("labels", {}))
    for name, k in (spec.get("per") or {}).items():  # a table's own label keeps the "per k units"
        own = spec.get("labels", {}).get(name)
        labels[name] = own if own and "per " in own.lower() else _per_units(config, name, k, own)
    return {**spec, "labels": labels}


def _per_units(config: Mapping[str, Any], name: str, k: float, label: str | None = None) -> str:
    """A rescaled predictor's label: "Oestrogen receptors (per 100 fmol/L)", "Age (per 10 years)";
    ``label`` (a table's own label of it) in place of the variable's: a ratio per k units printed
    beside a label without the "per" would read as a ratio per unit."""
    unit = (config["variables"].get(name) or {}).get("unit")
    return f"{label or _label(config, name)} (per {k:g}{f' {unit}' if unit else ' units'})"


#: How a ``where:`` operator reads in a footnote ("Treatment arm = Placebo").
_OPERATOR_WORDS = {"==": "=", "!=": "≠", ">": ">", ">=": "≥", "<": "<", "<=": "≤"}


def condition_text(condition: Mapping[str, Any], config: Mapping[str, Any]) -> str:
    """One ``where:`` condition in words: its ``label``, else "<variable label> = <value>", the
    value by its declared level label ("Treatment arm = Placebo"; "in {a, b}", "recorded", "yes"
    for the other operators)."""
    if condition.get("label"):
        return str(condition["label"])
    name, op, value = _label(config, condition["column"]), condition["operator"], condition.get("value")
    levels = declared_level_labels(config, condition["column"])

    def shown(v: Any) -> str:  # a value by its declared level label ("Placebo", not "placebo")
        return levels.get(printed(v), str(v))

    if op == "in":
        return f"{name} in {{{', '.join(map(shown, value))}}}"
    if op == "notna":
        return f"{name} recorded"
    if op == "is_true":
        return f"{name}: yes"
    return f"{name} {_OPERATOR_WORDS[op]} {shown(value)}"


#: First words of a ``where:`` label that already say how the population relates to its
#: patients ("free of diabetes", "aged 65 or over", "without prior surgery"): the label then
#: follows "patients" directly, with no "with" before it.
RELATION_WORDS = frozenset(
    "with without who whose free aged treated receiving not alive dead in on at from under over "
    "older younger born living undergoing seen admitted diagnosed".split()
)


def population_phrase(spec: Mapping[str, Any], config: Mapping[str, Any]) -> str:
    """The words that follow "patients" for a table's ``where:`` population ("" without one).

    Each condition in words (:func:`condition_text`), joined by "and"; "with " before them unless
    the first already starts with a word of :data:`RELATION_WORDS`.

    >>> population_phrase({"where": [{"label": "free of diabetes at the index date"}]}, {})
    'free of diabetes at the index date'
    >>> population_phrase({"where": [{"label": "female sex"}]}, {})
    'with female sex'
    """
    words = " and ".join(condition_text(c, config) for c in spec.get("where") or [])
    if not words:
        return ""
    first = words.split(maxsplit=1)[0].lower()
    return words if first in RELATION_WORDS else f"with {words}"


def population_footnote(spec: Mapping[str, Any], config: Mapping[str, Any], n: int) -> list[str]:
    """The table's population when it declares ``where:``: "Patients with A and B (n = 12)."
    (:func:`population_phrase`)."""
    phrase = population_phrase(spec, config)
    return [f"Patients {phrase} (n = {n})."] if phrase else []


def time_point_footnotes(table_id: str, config: Mapping[str, Any]) -> list[str]:
    """Per time point of the table's long-format variables, which variables and how the value
    was chosen: "Serum bilirubin, Serum albumin at Baseline: the value closest to day 0 within
    days -30 to 30 (ties: earlier)."."""
    names = {key: name for key, name in _uses(table_id, config)}
    by_point: dict[TimePoint, list[str]] = {}
    for key, point in table_time_points(dict(config), table_id).items():
        label = _label(config, names[key])
        if label not in by_point.setdefault(point, []):
            by_point[point].append(label)
    return [
        f"{', '.join(labels)} at {point.title}: the {describe_time_point(point)}."
        for point, labels in by_point.items()
    ]


def _uses(table_id: str, config: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(key, name) for key, name, _ in table_variable_uses(table_id, config["tables"][table_id])]


def build_declared_table(
    stats: pd.DataFrame, table_id: str, config: Mapping[str, Any], n_patients: int | None = None
) -> Table:
    """The formatted table ``tables.<table_id>`` from its full-precision statistics; ``{n}`` in
    its title is the number of patients of the table's population (``n_patients``: the analysed
    cohort, or those meeting the table's ``where:``). The footnotes state that population with
    its n and the time point of every long-format variable."""
    spec = dict(config["tables"][table_id])
    if "title" in spec and n_patients is not None:
        style = number_style(dict(config), table_id)  # "17,549" as the table's numbers are grouped
        spec["title"] = spec["title"].replace(
            "{n}", format_number(n_patients, 0, **style.row([(n_patients, 0)]))
        )
    generated = population_footnote(spec, config, n_patients or 0) + time_point_footnotes(table_id, config)
    if generated:
        spec["footnotes"] = [*spec.get("footnotes", []), *generated]
    if spec["kind"] == "listing":  # a column read at its time point has that column's name
        columns = row_columns(config, table_id)
        spec["columns"] = with_frame_columns(spec["columns"], f"tables/{table_id}/columns", columns)
        rule = config["statistics"]["rounding"]  # a listing prints no p-value, no grouped number
        return build_listing(stats, spec, rule, table_id, f"results/stats/{table_id}.csv")
    kw = dict(
        style=number_style(dict(config), table_id),
        p_format=p_value_format(config["statistics"]),
        bold_p_below=bold_threshold(dict(config), table_id),
        label=f"tab:{table_id}",
    )
    if spec["kind"] == "regression":
        return build_regression_table(stats, regression_spec(spec, config), **kw)
    synthetic = synthetic_footnote({"study": config.get("study", {})})
    return build_stratified_table(stats, descriptive_spec(spec, config), **kw, synthetic_note=synthetic)
