"""``kind: listing``: one row per patient, the listed variables (a long-format one at its
time point)."""

from __future__ import annotations

from retrocohort.analysis.declared_tables import declared_table_statistics
from retrocohort.kinds.base import TableKind, TableRequest
from retrocohort.tables.declared_tables import build_declared_table


def statistics(request: TableRequest):
    """patient_id and the listed values, one record per patient."""
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


KIND = TableKind("listing", statistics, build, free_text=True)
