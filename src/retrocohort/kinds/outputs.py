"""The files of one declared table: its full-precision statistics (CSV and JSON) and the
formatted table in every registered table format, written alike by every rule that builds a
declared table (``cohort_table``; ``paired_table``, which also writes the pairs)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from retrocohort.ingest.policies import with_adjustment_footnotes
from retrocohort.io.csv_safe import safe_text_frame
from retrocohort.io.tabular import write_csv, write_json
from retrocohort.kinds.base import TableKind, TableRequest
from retrocohort.render.model import Table
from retrocohort.stats.result import details_text, json_safe
from retrocohort.tables.write import write_table_formats


def write_table_files(
    kind: TableKind,
    request: TableRequest,
    stats: pd.DataFrame,
    input: Mapping[str, str],
    output: Mapping[str, str],
    config: Mapping[str, Any],
    marks: Callable[[Table, pd.DataFrame], Table] | None = None,
) -> None:
    """Write ``output["csv"]`` and ``["json"]`` (the statistics; a ``details`` mapping as text
    in the CSV, free text neutralised for spreadsheets) and the table built by ``kind`` in
    every format (keys of :func:`retrocohort.render.formats.output_paths`), footnoted with the
    values a declared policy changed (``input["adjustments"]``).

    Parameters
    ----------
    kind : TableKind
        The table's kind (its ``build`` and ``free_text``).
    request : TableRequest
        The table and its population.
    stats : pandas.DataFrame
        ``kind.statistics(request)``.
    input, output : mapping of str to str
        The rule's input and output files.
    config : mapping
        The study (``tables.preset``, the adjustment footnotes' labels).
    marks : callable, optional
        ``marks(table, stats)``: the built table with marks added before the footnotes of the
        policies (the ‡ of rows that differ from the published paper).

    References
    ----------
    RFC 4180, Common Format and MIME Type for Comma-Separated Values (CSV) Files, 2005.
    """
    flat = stats.assign(details=stats["details"].map(details_text)) if "details" in stats else stats
    write_csv(safe_text_frame(flat) if kind.free_text else flat, output["csv"])
    write_json(json_safe(stats.to_dict("records")), output["json"])
    table = kind.build(stats, request)
    if marks is not None:
        table = marks(table, stats)
    table = with_adjustment_footnotes(table, input["adjustments"], request.spec, config)
    write_table_formats(
        table, output, preset=config["tables"]["preset"], subjects=config["study"]["subjects_noun"]
    )
