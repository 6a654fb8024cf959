"""``kind: descriptive``: patients described overall or by a group (n (%), median [Q1–Q3] or
another statistic per row, a p-value named by its test, SMD), by
:func:`retrocohort.analysis.stratified.stratified_statistics`."""

from __future__ import annotations

from retrocohort.analysis.declared_tables import declared_table_statistics
from retrocohort.kinds.base import TableKind, TableRequest
from retrocohort.tables.declared_tables import build_declared_table


def statistics(request: TableRequest):
    """The per-row statistics of the table (one record per printed row and stratum)."""
    config = request.config
    return declared_table_statistics(
        request.frame,
        request.table_id,
        request.spec,
        config["variables"],
        config["statistics"],
        columns=request.columns,
    )


def build(stats, request: TableRequest):
    """The formatted table; ``{n}`` in its title is the population's size."""
    return build_declared_table(stats, request.table_id, request.config, n_patients=len(request.frame))


KIND = TableKind("descriptive", statistics, build)
