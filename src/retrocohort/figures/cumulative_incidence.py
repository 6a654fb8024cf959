"""Cumulative-incidence curves of a competing-risks analysis (one colour per group, one line
style per cause: solid for the cause of interest, dashed and dotted for the competing ones),
with the numbers at risk under the labelled ticks, drawn and saved; the numbers at risk it
prints are returned for the statistics files (every printed number traceable).

The numbers at risk are patients with follow-up time >= t (R ``summary(survfit(...), times =
t)$n.risk``), counted as for the Kaplan–Meier figures (:mod:`retrocohort.figures.at_risk`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from retrocohort.config.check import variable_label
from retrocohort.figures.at_risk import check_at_risk_times, numbers_at_risk_at
from retrocohort.figures.km_layout import fix_time_ticks, risk_table
from retrocohort.figures.labels import km_note
from retrocohort.figures.save import save_figure
from retrocohort.figures.style import SINGLE_COLUMN, categorical_colors, new_figure, styled
from retrocohort.figures.survival import _fit_ylabel

CURVE_COLUMNS = ("group", "cause", "cause_label", "time", "cif")
LINE_STYLES = ("-", "--", ":", "-.")
AT_RISK_METHOD = (
    "Number at risk: patients with follow-up time >= t (R survfit n.risk at t), "
    "at the cumulative-incidence figure's time-axis ticks."
)


@styled
def cif_plot(
    curves: pd.DataFrame,
    follow_up: pd.DataFrame,
    *,
    at_risk_times: Sequence[float] | None = None,
    time_axis_max: float | None = None,
    time_label: str,
    ylabel: str,
    note: str | None = None,
    width: float = SINGLE_COLUMN,
    height: float = 2.4,
) -> Figure:
    """Step cumulative-incidence curves from (0, 0), one colour per group and one line style
    per cause (in cause order), a legend naming both, and a numbers-at-risk table under the
    plot counted at the time-axis ticks (``at_risk_times`` when given, else the axis' own).

    ``curves`` is long (group, cause, cause_label, time, cif) as from
    :func:`retrocohort.stats.competing_risks.cumulative_incidence`; ``follow_up`` is (group,
    time, n), the patients whose follow-up ends at each time. Read the ticks back with
    ``fig.axes[0].get_xticks()``.
    """
    missing = [c for c in CURVE_COLUMNS if c not in curves.columns]
    if missing:
        raise ValueError(f"cumulative-incidence curves lack column(s) {missing}")
    groups = list(dict.fromkeys(follow_up["group"]))
    causes = list(dict.fromkeys(zip(curves["cause"], curves["cause_label"])))
    colors = categorical_colors(range(len(groups)))
    table_h = 0.22 + 2 * 0.13 * len(groups)
    fig = new_figure(width, height + table_h)
    ax, table_ax = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": (height - 0.3, table_h)})
    for i, group in enumerate(groups):
        for j, (cause, _) in enumerate(causes):
            g = curves[(curves["group"] == group) & (curves["cause"] == cause)].sort_values("time")
            t = [0.0, *g["time"].astype(float)]
            y = [0.0, *g["cif"].astype(float)]
            ax.step(t, y, where="post", color=colors[i], ls=LINE_STYLES[j % len(LINE_STYLES)], lw=1.2,
                    gid=f"cif-{group}-{cause}")  # fmt: skip
    top = float(curves["cif"].max()) if len(curves) else 1.0
    ax.set_ylim(0, min(1.03, max(0.1, 1.15 * top)))
    widest = str(int(follow_up.groupby("group")["n"].sum().max())) if len(follow_up) else "0"
    ticks = fix_time_ticks(ax, time_axis_max, at_risk_times, widest)
    handles = [
        Line2D([], [], color="0.2", ls=LINE_STYLES[j % len(LINE_STYLES)], label=label)
        for j, (_, label) in enumerate(causes)
    ]
    if len(groups) > 1:
        handles += [Line2D([], [], color=colors[i], label=str(group)) for i, group in enumerate(groups)]
    if note:
        handles.append(Line2D([], [], ls="none", label=note))
    ax.legend(handles=handles, loc="upper left", handlelength=2.2)
    ax.set_xlabel(time_label)
    risk_table(table_ax, numbers_at_risk_at(follow_up, groups, ticks), groups, colors)
    ax.tick_params(axis="x", labelbottom=True)
    _fit_ylabel(ax, ylabel)
    return fig


def draw_cif_figure(
    stats: pd.DataFrame,
    result: Any,
    spec: Mapping[str, Any],
    config: Mapping[str, Any],
    stem: Path,
    where: str,
) -> pd.DataFrame:
    """Draw the cumulative-incidence figure of the analysis ``spec`` and save it at ``stem``
    (PNG, SVG, PDF).

    Parameters
    ----------
    stats : pandas.DataFrame
        The competing-risks statistics (:func:`retrocohort.kinds.competing_risks.statistics`).
    result : CompetingAnalysis
        The analysis' curves and follow-up ends.
    spec : mapping
        The analysis entry (``id``, ``time``, ``time_label``, ``ylabel``, ``at_risk_times``,
        ``time_axis_max``).
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
    check_at_risk_times(spec.get("at_risk_times"), spec.get("time_axis_max"), where)
    unit = config["variables"].get(spec["time"], {}).get("unit", "")
    time_label = spec.get("time_label", variable_label(config, spec["time"]) + (f" ({unit})" if unit else ""))
    fig = cif_plot(
        result.curves,
        result.follow_up,
        at_risk_times=spec.get("at_risk_times"),
        time_axis_max=spec.get("time_axis_max"),
        time_label=time_label,
        ylabel=spec["ylabel"],
        note=km_note(stats, spec["id"]),
    )
    save_figure(fig, stem)
    groups = list(dict.fromkeys(result.follow_up["group"]))
    shown = numbers_at_risk_at(result.follow_up, groups, fig.axes[0].get_xticks())
    (patients,) = stats[(stats["analysis"] == spec["id"]) & (stats["role"] == "patients")].to_dict("records")
    keep = (
        "analysis",
        "analysis_label",
        "order",
        "time_variable",
        "status_variable",
        "group_variable",
        "synthetic",
    )
    rows = shown.assign(
        **{k: patients[k] for k in keep}, role="at_risk", method=AT_RISK_METHOD, details=[{}] * len(shown)
    )
    return rows.astype({"n_at_risk": int}).reindex(columns=stats.columns)
