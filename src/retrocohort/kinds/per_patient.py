"""The kinds that summarise, model or list one value per patient, computed by
:func:`retrocohort.analysis.declared_tables.declared_table_statistics` and formatted by
:func:`retrocohort.tables.declared_tables.build_declared_table`:

* ``descriptive``: patients described overall or by a group (n (%), median [Q1–Q3] or another
  statistic per row, a p-value named by its test, SMD);
* ``regression``: logistic odds ratios or Cox hazard ratios, univariable and multivariable (with
  ``sample:``, on a treatment comparison's matched or weighted sample, robust variance);
* ``listing``: one row per patient, the listed variables (a long-format one at its time point).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from retrocohort.analysis.analysis_sample import SET_COLUMN, sample_sentence, with_sample_model
from retrocohort.analysis.declared_tables import declared_table_statistics
from retrocohort.analysis.e_value_rows import e_value_term, with_e_values
from retrocohort.kinds.base import TableKind, TableRequest
from retrocohort.render.model import Table
from retrocohort.tables.declared_tables import build_declared_table, regression_spec
from retrocohort.tables.e_value_note import e_value_footnote
from retrocohort.tables.sample_descriptive_table import build_sample_descriptive


def statistics(request: TableRequest) -> pd.DataFrame:
    """One record per printed row and stratum (descriptive), per model term (regression), or per
    patient (listing)."""
    config = request.config
    stats = declared_table_statistics(
        request.frame,
        request.table_id,
        with_sample_model(request.spec, request.frame),
        config["variables"],
        config["statistics"],
        columns=request.columns,
        derived=config.get("derived", {}),
    )
    if request.spec["kind"] == "regression":  # the main ratio's E-value (sample: or e_value:)
        term = e_value_term(request.spec, config)
        return (
            stats if term is None else with_e_values(stats, term, float(request.spec["e_value_rare_below"]))
        )
    if request.spec["kind"] != "descriptive":
        return stats
    # traceability and the dagger: which rows rest on variables read from synthetic sources
    return stats.assign(synthetic=stats["variable"].isin(request.synthetic) & stats["variable"].notna())


def build(stats: pd.DataFrame, request: TableRequest) -> Table:
    """The formatted table; ``{n}`` in its title is the population's size; a descriptive row
    resting on synthetic data carries the dagger of the study's ``synthetic_note``; a table on a
    treatment comparison's sample names it in a first footnote."""
    if request.spec["kind"] == "descriptive" and request.spec.get("sample"):  # weighted numbers
        table = build_sample_descriptive(stats, request.table_id, request.config, len(request.frame))
        return sample_footnote(table, request.spec, request.frame)
    table = build_declared_table(stats, request.table_id, request.config, n_patients=len(request.frame))
    table = sample_footnote(table, request.spec, request.frame)
    if request.spec["kind"] != "regression" or "e_value" not in stats:
        return table
    spec = regression_spec(request.spec, request.config)
    note = e_value_footnote(
        stats,
        spec["labels"],
        spec.get("level_labels", {}),
        int(spec["decimals"]),
        float(spec["e_value_rare_below"]),
        str(request.config["statistics"]["rounding"]),
    )
    return replace(table, footnotes=[*table.footnotes, *note]) if note else table


def sample_footnote(table: Table, spec: Any, frame: pd.DataFrame) -> Table:
    """``table`` with a first footnote naming the matched or weighted sample it analyses
    (tables with ``sample:``)."""
    if not spec.get("sample"):
        return table
    sets = frame[SET_COLUMN].nunique() if SET_COLUMN in frame else None
    return replace(table, footnotes=[sample_sentence(spec["sample"], len(frame), sets), *table.footnotes])


KINDS = (
    TableKind("descriptive", statistics, build),
    TableKind("regression", statistics, build),
    TableKind("listing", statistics, build, free_text=True),
)
