"""One Kaplan–Meier figure of a time-to-event analysis, drawn and saved, with the numbers at
risk it prints returned for the statistics files (every printed number traceable)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from retrocohort.analysis.survival import SurvivalAnalysis
from retrocohort.figures.at_risk import at_risk_rows, follow_up_ends, numbers_at_risk_at
from retrocohort.figures.labels import km_note, km_ylabel, time_axis_label
from retrocohort.figures.save import save_figure
from retrocohort.figures.survival import km_plot


def draw_km_figure(
    stats: pd.DataFrame,
    result: SurvivalAnalysis,
    spec: Mapping[str, Any],
    config: Mapping[str, Any],
    stem: Path,
    where: str,
) -> pd.DataFrame:
    """Draw the Kaplan–Meier figure of the analysis ``spec`` and save it at ``stem`` (PNG, SVG,
    PDF).

    Parameters
    ----------
    stats : pandas.DataFrame
        The survival statistics (:func:`retrocohort.analysis.survival.survival_statistics`) of
        the analyses the table holds.
    result : SurvivalAnalysis
        The analysis' curves and censored times.
    spec : mapping
        The analysis entry (``id``, ``time``, ``time_label``, ``time_axis_max``,
        ``at_risk_times``, ``ylabel``).
    config : mapping
        The study (variable labels and units).
    stem : pathlib.Path
        Output path without suffix.
    where : str
        The analysis' key path (named by a config error).

    Returns
    -------
    pandas.DataFrame
        The ``at_risk`` records: the numbers at risk printed under the time-axis ticks.
    """
    time_label = time_axis_label(spec, config, where)
    km_rows = stats[(stats["analysis"] == spec["id"]) & (stats["role"] == "km")]
    follow_up = follow_up_ends(km_rows, result.censored)
    fig = km_plot(
        result.curves,
        follow_up=follow_up,
        at_risk_times=spec.get("at_risk_times"),
        censored=result.censored,
        time_axis_max=spec.get("time_axis_max"),
        time_label=time_label,
        ylabel=km_ylabel(spec),
        note=km_note(stats, spec["id"]),
    )
    save_figure(fig, stem)
    shown = numbers_at_risk_at(follow_up, follow_up["group"].unique(), fig.axes[0].get_xticks())
    return at_risk_rows(stats, spec["id"], shown)
