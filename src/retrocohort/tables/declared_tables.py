"""Formatted tables declared by kind in the study config (``tables.<id>``, rule ``cohort_table``):
the config entry completed with the study's labels and defaults, then
:func:`retrocohort.tables.cohort_tables.build_stratified_table` or
:func:`~retrocohort.tables.cohort_tables.build_regression_table`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from retrocohort.format.pvalues import p_value_format
from retrocohort.render.model import Table
from retrocohort.render.pvalue_marks import bold_threshold
from retrocohort.tables.build import build_listing
from retrocohort.tables.cells import number_style
from retrocohort.tables.cohort_tables import build_regression_table, build_stratified_table


def _label(config: Mapping[str, Any], name: str) -> str:
    spec = config["variables"].get(name) or config["derived"].get(name) or {}
    return str(spec.get("label", name))


def _with_unit(config: Mapping[str, Any], name: str) -> str:
    """A variable's label with its canonical unit: "Bilirubin (mg/dL)"."""
    unit = (config["variables"].get(name) or {}).get("unit")
    label = _label(config, name)
    return f"{label} ({unit})" if unit and f"({unit})" not in label else label


def descriptive_spec(spec: Mapping[str, Any], config: Mapping[str, Any]) -> dict:
    """Rows labelled from ``variables:`` (with units) and given the table's decimals unless set."""
    rows = [
        {
            **row,
            "label": row.get("label", _with_unit(config, row["variable"])),
            "decimals": row.get("decimals", spec.get("decimals", 1)),
            "pct_decimals": row.get("pct_decimals", spec.get("pct_decimals", 0)),
        }
        for row in spec["rows"]
    ]
    return {**spec, "rows": rows}


def regression_spec(spec: Mapping[str, Any], config: Mapping[str, Any]) -> dict:
    """Predictor labels from ``variables:`` (with units) unless the table's ``labels`` set them."""
    names = list(spec["predictors"]) + list(spec.get("multivariable", []))
    labels = {name: _with_unit(config, name) for name in names}
    return {**spec, "labels": {**labels, **spec.get("labels", {})}}


def build_declared_table(
    stats: pd.DataFrame, table_id: str, config: Mapping[str, Any], n_patients: int | None = None
) -> Table:
    """The formatted table ``tables.<table_id>`` from its full-precision statistics; ``{n}`` in
    its title is the number of patients of the analysed cohort (``n_patients``)."""
    spec = dict(config["tables"][table_id])
    if "title" in spec and n_patients is not None:
        spec["title"] = spec["title"].replace("{n}", str(n_patients))
    kw = dict(
        style=number_style(dict(config), table_id),
        p_format=p_value_format(config["statistics"]),
        bold_p_below=bold_threshold(dict(config), table_id),
        label=f"tab:{table_id}",
    )
    if spec["kind"] == "listing":
        rule = config["statistics"]["rounding"]
        return build_listing(stats, spec, rule, table_id, f"results/stats/{table_id}.csv")
    if spec["kind"] == "regression":
        return build_regression_table(stats, regression_spec(spec, config), **kw)
    return build_stratified_table(stats, descriptive_spec(spec, config), **kw)
