"""The kinds that summarise, model or list one value per patient, computed by
:func:`retrocohort.analysis.declared_tables.declared_table_statistics` and formatted by
:func:`retrocohort.tables.declared_tables.build_declared_table`:

* ``descriptive``: patients described overall or by a group (n (%), median [Q1–Q3] or another
  statistic per row, a p-value named by its test, SMD);
* ``regression``: logistic odds ratios or Cox hazard ratios, univariable and multivariable;
* ``listing``: one row per patient, the listed variables (a long-format one at its time point).
"""

from __future__ import annotations

import pandas as pd

from retrocohort.analysis.declared_tables import declared_table_statistics
from retrocohort.kinds.base import TableKind, TableRequest
from retrocohort.render.model import Table
from retrocohort.tables.declared_tables import build_declared_table


def statistics(request: TableRequest) -> pd.DataFrame:
    """One record per printed row and stratum (descriptive), per model term (regression), or per
    patient (listing)."""
    config = request.config
    stats = declared_table_statistics(
        request.frame,
        request.table_id,
        request.spec,
        config["variables"],
        config["statistics"],
        columns=request.columns,
        derived=config.get("derived", {}),
    )
    if request.spec["kind"] != "descriptive":
        return stats
    # traceability and the dagger: which rows rest on variables read from synthetic sources
    return stats.assign(synthetic=stats["variable"].isin(request.synthetic) & stats["variable"].notna())


def build(stats: pd.DataFrame, request: TableRequest) -> Table:
    """The formatted table; ``{n}`` in its title is the population's size; a descriptive row
    resting on synthetic data carries the dagger of the study's ``synthetic_note``."""
    return build_declared_table(stats, request.table_id, request.config, n_patients=len(request.frame))


KINDS = (
    TableKind("descriptive", statistics, build),
    TableKind("regression", statistics, build),
    TableKind("listing", statistics, build, free_text=True),
)
