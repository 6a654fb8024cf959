"""``kind: paired``: parameters of the same patients at two time points (Wilcoxon signed-rank or
McNemar, Hodges-Lehmann, multiplicity across the table's parameters), by
:func:`retrocohort.analysis.paired_study.paired_study_statistics` (the engine of the classic
Table 3), for the table's population (``where:``) and time points (``time_points:``, default the
study's paired time points)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from retrocohort.analysis.paired_study import paired_study_statistics
from retrocohort.config.time_points import TimePoint, paired_time_points, time_points
from retrocohort.io.tabular import read_parquet
from retrocohort.kinds.base import TableKind, TableRequest
from retrocohort.kinds.comparison import with_population
from retrocohort.render.model import Table
from retrocohort.tables.build import build_table3


def spec_points(
    config: Mapping[str, Any], spec: Mapping[str, Any], declared: bool = True
) -> tuple[TimePoint, TimePoint]:
    """The two time points of paired table ``spec``: a declared table's ``time_points`` names,
    else the study's paired ones (:func:`~retrocohort.config.time_points.paired_time_points`;
    the classic Table 3, ``declared=False``, has no ``time_points`` key and is not read for it)."""
    names = spec.get("time_points") if declared else None
    if not names:
        return paired_time_points(dict(config))
    declared = time_points(dict(config))
    return declared[names[0]], declared[names[1]]


#: The study's paired table: the slope figure, the audit, the notebook and the Results text's
#: ``paired.*`` keys read ``tables.table3``, whether classic or declared ``kind: paired``.
STUDY_PAIRED_TABLE = "table3"


def study_paired_stats(tables: Mapping[str, Any]) -> str | None:
    """The statistics file of the study's paired table (``tables.table3``), without suffix
    (``.csv`` and ``.json`` exist): ``results/stats/table3_paired`` for the classic Table 3
    (rule ``paired_tests``), ``results/stats/table3`` for one declared ``kind: paired`` (rule
    ``paired_table``), None when the study has neither. Its pairs are
    ``results/stats/table3_pairs.parquet`` either way.

    Parameters
    ----------
    tables : mapping
        The study's ``tables:`` section.

    Returns
    -------
    str or None
        The path relative to the study directory.

    References
    ----------
    Wilcoxon F. Individual comparisons by ranking methods. Biometrics Bull 1945;1:80-3.

    Examples
    --------
    >>> study_paired_stats({"table3": {"parameters": []}})
    'results/stats/table3_paired'
    >>> study_paired_stats({"table3": {"kind": "paired", "parameters": []}})
    'results/stats/table3'
    >>> study_paired_stats({"table3": {"kind": "listing", "columns": []}}) is None
    True
    """
    spec = tables.get(STUDY_PAIRED_TABLE)
    if not isinstance(spec, Mapping):
        return None
    if "kind" not in spec:
        return f"results/stats/{STUDY_PAIRED_TABLE}_paired"
    return f"results/stats/{STUDY_PAIRED_TABLE}" if spec["kind"] == "paired" else None


def table_points(request: TableRequest) -> tuple[TimePoint, TimePoint]:
    """The request's two time points (:func:`spec_points`)."""
    return spec_points(request.config, request.spec)


def statistics_and_pairs(request: TableRequest) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """The table's statistics (:func:`statistics`) and, per parameter, the pairs they were
    computed from (index ``patient_id``; columns ``before``, ``after``, ``before_day``,
    ``after_day``), which rule ``paired_table`` writes as ``results/stats/<id>_pairs.parquet``
    (:func:`retrocohort.analysis.paired.pairs_table`).

    Parameters
    ----------
    request : TableRequest
        The paired table (``parameters``, optional ``time_points``, ``tests``, ``where``) and
        its population; ``inputs["measurements"]`` is the long measurements file.

    Returns
    -------
    stats : pandas.DataFrame
        One ``main`` record per parameter, with ``n_population``.
    pairs : dict of str to pandas.DataFrame
        Per parameter (in table order), its complete pairs.

    References
    ----------
    Wilcoxon F. Individual comparisons by ranking methods. Biometrics Bull 1945;1:80-3.
    """
    meas = read_parquet(
        request.inputs["measurements"],
        columns=["patient_id", "day", "variable", "value"],
        categorical=["patient_id", "variable"],
    )
    config = request.config
    if request.spec.get("tests"):  # the table's own tests win over the study's
        tests = {**(config["statistics"].get("tests") or {}), **request.spec["tests"]}
        config = {**config, "statistics": {**config["statistics"], "tests": tests}}
    stats, pairs = paired_study_statistics(
        meas,
        request.frame.index,
        list(request.spec["parameters"]),
        config,
        table_points(request),
        set(request.synthetic),
    )
    return stats.assign(n_population=len(request.frame)), pairs


def statistics(request: TableRequest) -> pd.DataFrame:
    """One ``main`` record per parameter: n pairs, summaries at both time points, the test
    (signed-rank or McNemar) with its method, p (adjusted when asked), Hodges–Lehmann, and
    ``n_population``: the patients of the table's population (the pairs count only those with
    both values, so the population's size is recorded for the text that states it)."""
    return statistics_and_pairs(request)[0]


def build(stats: pd.DataFrame, request: TableRequest) -> Table:
    """The paired table (parameter (n), the two time points, p), its population stated when it
    declares ``where:``."""
    table = build_table3(stats, dict(request.config), table_id=request.table_id, points=table_points(request))
    return with_population(table, request)


KIND = TableKind("paired", statistics, build, rule="paired_table")
