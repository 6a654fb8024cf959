"""Footnotes a declared survival table (``kind: survival``) adds to the table
:func:`retrocohort.tables.survival_table.build_survival_table` formats: the matched or weighted
sample it analyses (``sample:``) with the weighted estimator and the test used, and the horizon
estimates that rest on few patients at risk (``min_at_risk``).

A Kaplan–Meier estimate late in follow-up, carried by a handful of patients still at risk, is
imprecise and unstable (one event moves it by a large step); Pocock, Clayton & Altman (2002) ask
that such estimates be flagged or the curve cut where few patients remain.

References
----------
Pocock SJ, Clayton TC, Altman DG. Survival plots of time-to-event outcomes in clinical trials:
good practice and pitfalls. Lancet 2002;359:1686-9.
Xie J, Liu C. Adjusted Kaplan-Meier estimator and log-rank test with inverse probability of
treatment weighting for survival data. Stat Med 2005;24:3089-110.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pandas as pd

from retrocohort.analysis.analysis_sample import SET_COLUMN
from retrocohort.analysis.survival_weighted import variance_words
from retrocohort.cohort.time_units import common_time_unit
from retrocohort.render.model import Table
from retrocohort.tables.survival_table import time_quantity

_GREENWOOD = "Greenwood's variance"


def few_at_risk_footnote(stats: pd.DataFrame, threshold: int, unit: str) -> list[str]:
    """One footnote naming every horizon estimate with fewer than ``threshold`` patients at risk
    (analysis, group, time and the number at risk); none when every estimate has enough.

    Parameters
    ----------
    stats : pandas.DataFrame
        The table's statistics (``horizon`` rows: ``analysis_label``, ``group``, ``time``,
        ``n_at_risk``, a count of patients).
    threshold : int
        The table's ``min_at_risk``.
    unit : str
        The analyses' time unit ("days"), or "".

    Returns
    -------
    list of str

    References
    ----------
    Pocock SJ, Clayton TC, Altman DG. Lancet 2002;359:1686-9.

    Examples
    --------
    >>> stats = pd.DataFrame({"role": ["horizon", "horizon"], "analysis_label": ["OS", "OS"],
    ...     "group": ["A", "B"], "time": [60.0, 60.0], "n_at_risk": [4, 12]})
    >>> few_at_risk_footnote(stats, 10, "months")
    ['Fewer than 10 patients at risk: OS, A at 60 months (4 at risk); the estimate rests on few patients and is imprecise.']
    """
    hz = stats[stats["role"] == "horizon"]
    at_risk = pd.to_numeric(hz["n_at_risk"], errors="coerce")
    few = hz[at_risk < threshold]
    if few.empty:
        return []
    items = []
    for rec in few.to_dict("records"):
        items.append(
            f"{rec['analysis_label']}, {rec['group']} at {time_quantity(rec['time'], unit)} "
            f"({int(rec['n_at_risk'])} at risk)"
        )
    return [
        f"Fewer than {threshold} patients at risk: {'; '.join(items)}; the estimate rests on few "
        "patients and is imprecise."
    ]


def sample_survival_sentence(n: int, sets: int | None) -> str:
    """The first footnote of a survival table on a matched or weighted sample.

    Examples
    --------
    >>> sample_survival_sentence(678, 339)[:95]
    'Patients: the propensity-score matched sample (n = 678 in 339 matched sets), each weighted by i'
    """
    who = (
        f"the propensity-score matched sample (n = {n} in {sets} matched sets), each weighted by its matching weight"
        if sets is not None
        else f"the inverse-probability-weighted sample (n = {n}), each weighted by its weight"
    )
    return (
        f"Patients: {who}; weighted Kaplan–Meier estimates with {variance_words(sets is not None)}, "
        "and the robust score test of the weighted Cox model of the group in place of the log-rank "
        "test. Numbers at risk are patients."
    )


def with_survival_notes(
    table: Table, stats: pd.DataFrame, spec: Mapping[str, Any], config: Mapping[str, Any], frame: pd.DataFrame
) -> Table:
    """``table`` with the sample's footnote first and its variance named (``sample:``), and the
    few-at-risk footnote last (``min_at_risk``).

    Parameters
    ----------
    table : Table
        The formatted survival table.
    stats : pandas.DataFrame
        Its statistics.
    spec : mapping
        The table's config entry.
    config : mapping
        The study config (time units).
    frame : pandas.DataFrame
        The table's population (the sample's patients with their sets, for ``sample:``).

    Returns
    -------
    Table

    References
    ----------
    Xie J, Liu C. Stat Med 2005;24:3089-110. Pocock SJ, et al. Lancet 2002;359:1686-9.
    """
    footnotes = list(table.footnotes)
    if spec.get("sample"):
        clustered = SET_COLUMN in frame
        words = variance_words(clustered)
        footnotes = [str(f).replace(_GREENWOOD, words) if isinstance(f, str) else f for f in footnotes]
        sets = frame[SET_COLUMN].nunique() if clustered else None
        footnotes.insert(0, sample_survival_sentence(len(frame), sets))
    unit = common_time_unit(config, list(spec["analyses"]))
    if spec.get("min_at_risk") is not None:  # the schema's default fills it in a loaded study
        footnotes += few_at_risk_footnote(stats, int(spec["min_at_risk"]), unit)
    return replace(table, footnotes=footnotes)
