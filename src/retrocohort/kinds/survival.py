"""``kind: survival``: time-to-event analyses (Kaplan–Meier with censoring, median time with its
CI, event-free percentages at horizons, log-rank test by group), one section per analysis and
one Kaplan–Meier figure each, by :func:`retrocohort.analysis.survival.survival_statistics` (the
engine of the top-level ``survival:``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from retrocohort.analysis.survival import survival_statistics
from retrocohort.config.analysis_entries import table_figures
from retrocohort.kinds.base import TableKind, TableRequest
from retrocohort.kinds.comparison import with_population
from retrocohort.render.model import Table
from retrocohort.tables.survival_notes import with_survival_notes
from retrocohort.tables.survival_table import build_survival_table


def _analyses(request: TableRequest):
    config = request.config
    return survival_statistics(
        request.frame,
        list(request.spec["analyses"]),
        config["variables"],
        config.get("derived") or {},
        config["statistics"],
        set(request.synthetic),
    )


def statistics(request: TableRequest) -> pd.DataFrame:
    """Per analysis and group: ``median``, ``horizon``, ``km`` (the curve), ``patients`` and
    ``logrank`` records."""
    return _analyses(request)[0]


def build(stats: pd.DataFrame, request: TableRequest) -> Table:
    """The time-to-event table, its population stated when it declares ``where:``."""
    table = build_survival_table(
        stats, dict(request.config), table_id=request.table_id, analyses=list(request.spec["analyses"])
    )
    table = with_population(table, request)
    # sample: (weighted curves, robust test) and min_at_risk (horizons resting on few patients)
    return with_survival_notes(table, stats, request.spec, request.config, request.frame)


def draw(request: TableRequest, figure_id: str, stem: str) -> pd.DataFrame:
    """The Kaplan–Meier figure of analysis ``figure_id``; returns the numbers at risk it prints."""
    from retrocohort.figures.km_figure import draw_km_figure  # matplotlib: only the figure rule

    stats, results = _analyses(request)
    index = table_figures(request.spec).index(figure_id)
    spec = request.spec["analyses"][index]
    where = f"tables/{request.table_id}/analyses/{index}"
    return draw_km_figure(stats, results[figure_id], spec, request.config, Path(stem), where)


KIND = TableKind("survival", statistics, build, figures=table_figures, draw=draw)
