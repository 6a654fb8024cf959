"""What every table kind is given and what it provides (the registry is
:mod:`retrocohort.kinds`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from retrocohort.analysis.analysis_sample import sample_frame, table_sample
from retrocohort.analysis.declared_tables import table_population
from retrocohort.analysis.frames import cohort_frame
from retrocohort.config.time_points import row_columns
from retrocohort.render.model import Table


@dataclass(frozen=True)
class TableRequest:
    """One declared table to compute: its id and config entry, the study, and its patients.

    Attributes
    ----------
    table_id : str
        The table's key under ``tables:`` (file stem; config errors name ``tables/<id>/...``).
    spec : mapping
        The table's config entry (defaults filled from the schema).
    config : mapping
        The study's config (the slice the rule reads).
    frame : pandas.DataFrame
        One row per patient of the table's population (the analysed cohort, or those meeting
        its ``where:``), each long-format row's value at its time point.
    columns : mapping
        ``{row key path: (frame column, variable, time point)}`` of the long-format rows.
    synthetic : frozenset of str
        Variables read from synthetic sources.
    inputs : mapping
        The rule's input files by name (``measurements`` for a kind that reads the long table).
    """

    table_id: str
    spec: Mapping[str, Any]
    config: Mapping[str, Any]
    frame: pd.DataFrame
    columns: Mapping[str, Any] = field(default_factory=dict)
    synthetic: frozenset[str] = frozenset()
    inputs: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TableKind:
    """A kind of declared table.

    Attributes
    ----------
    name : str
        The ``kind:`` value.
    statistics : callable
        ``TableRequest -> DataFrame``: the full-precision statistics (one record per printed
        number's source, with test and method), written as CSV and JSON.
    build : callable
        ``(statistics, TableRequest) -> Table``: the formatted table.
    figures : callable, optional
        ``spec -> list of figure ids`` the kind draws (one rule job each).
    draw : callable, optional
        ``(TableRequest, figure id, output stem) -> DataFrame``: draws one figure (PNG, SVG,
        PDF at the stem) and returns the numbers it printed (traceability).
    free_text : bool
        The statistics hold free text (a listing): cells a spreadsheet would run as formulas
        are neutralised in the CSV.
    rule : str
        The Snakemake rule that builds a table of this kind (recorded as the source of every
        number a Results text takes from it).
    """

    name: str
    statistics: Callable[[TableRequest], pd.DataFrame]
    build: Callable[[pd.DataFrame, TableRequest], Table]
    figures: Callable[[Mapping[str, Any]], list[str]] | None = None
    draw: Callable[[TableRequest, str, str], pd.DataFrame] | None = None
    free_text: bool = False
    rule: str = "cohort_table"


def load_table_request(input: Mapping[str, str], config: Mapping[str, Any], table_id: str) -> TableRequest:
    """The request of ``tables.<table_id>`` from the rule's input files: the analysed cohort
    narrowed to the table's ``where:``, each long-format row at its declared time point
    (:func:`retrocohort.analysis.frames.cohort_frame`); with ``sample:``, to the patients of that
    treatment comparison's sample, with their case weights and matched sets
    (:func:`retrocohort.analysis.analysis_sample.sample_frame`)."""
    spec = config["tables"][table_id]
    columns = row_columns(dict(config), table_id)
    frame, synthetic = cohort_frame(input, config, columns)
    frame = table_population(frame, spec, table_id)
    sample = table_sample(input, spec)  # `sample:`: the matched or weighted sample of a comparison
    if sample is not None:
        frame = sample_frame(frame, sample, table_id, strict=not spec.get("where"))
    return TableRequest(table_id, spec, config, frame, columns, frozenset(synthetic), dict(input))
