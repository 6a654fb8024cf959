"""``kind: comparison``: outcomes compared between the two groups of a variable (Fisher's exact
test for a binary outcome, Mann-Whitney U for a continuous or count one), one section per
comparison, by :func:`retrocohort.analysis.groups.group_statistics` (the engine of the
top-level ``groups:``)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from retrocohort.analysis.groups import group_statistics
from retrocohort.analysis.sample_groups import sample_group_statistics
from retrocohort.kinds.base import TableKind, TableRequest
from retrocohort.kinds.per_patient import sample_footnote
from retrocohort.render.model import Table
from retrocohort.tables.declared_tables import population_footnote
from retrocohort.tables.group_table import build_group_table
from retrocohort.tables.sample_group_table import build_sample_group_table


def statistics(request: TableRequest) -> pd.DataFrame:
    """One ``summary`` record per group and one ``test`` record per comparison."""
    config = request.config
    if request.spec.get("sample"):  # a matched or weighted sample: weighted, design-based
        return sample_group_statistics(
            request.frame,
            list(request.spec["comparisons"]),
            config["variables"],
            config.get("derived") or {},
            config["statistics"],
            f"tables/{request.table_id}",
        )
    return group_statistics(
        request.frame,
        list(request.spec["comparisons"]),
        config["variables"],
        config.get("derived") or {},
        config["statistics"],
        set(request.synthetic),
    )


def build(stats: pd.DataFrame, request: TableRequest) -> Table:
    """The comparison table, titled from ``title`` (``{n}``: the population's size), its
    population stated in a footnote when it declares ``where:``."""
    if request.spec.get("sample"):  # weighted cells, the sample named in a first footnote
        table = build_sample_group_table(stats, request.table_id, request.config)
        return sample_footnote(with_population(table, request), request.spec, request.frame)
    table = build_group_table(
        stats, dict(request.config), table_id=request.table_id, comparisons=list(request.spec["comparisons"])
    )
    return with_population(table, request)


def with_population(table: Table, request: TableRequest) -> Table:
    """``{n}`` of the title resolved to the population's size and the ``where:`` footnote."""
    n = len(request.frame)
    footnotes = [*population_footnote(request.spec, request.config, n), *table.footnotes]
    return replace(table, title=table.title.replace("{n}", str(n)), footnotes=footnotes)


KIND = TableKind("comparison", statistics, build)
