"""``kind: regression``: logistic odds ratios or Cox hazard ratios, univariable and
multivariable, by :func:`retrocohort.analysis.regression.regression_analysis`."""

from __future__ import annotations

from retrocohort.analysis.declared_tables import declared_table_statistics
from retrocohort.kinds.base import TableKind, TableRequest
from retrocohort.tables.declared_tables import build_declared_table


def statistics(request: TableRequest):
    """One record per model term (ratio, CI, p, n, events, method)."""
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


KIND = TableKind("regression", statistics, build)
