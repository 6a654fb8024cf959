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

from retrocohort.figures.at_risk import numbers_at_risk_at
from retrocohort.figures.km_layout import curve_axes, finish_time_axes, fix_time_ticks, widest_count
from retrocohort.figures.labels import km_note, time_axis_label
from retrocohort.figures.save import save_figure
from retrocohort.figures.style import SINGLE_COLUMN, categorical_colors, styled

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
    fig, ax, table_ax = curve_axes(width, height, len(groups))
    for i, group in enumerate(groups):
        for j, (cause, _) in enumerate(causes):
            g = curves[(curves["group"] == group) & (curves["cause"] == cause)].sort_values("time")
            t = [0.0, *g["time"].astype(float)]
            y = [0.0, *g["cif"].astype(float)]
            ax.step(t, y, where="post", color=colors[i], ls=LINE_STYLES[j % len(LINE_STYLES)], lw=1.2,
                    gid=f"cif-{group}-{cause}")  # fmt: skip
    top = float(curves["cif"].max()) if len(curves) else 1.0
    ax.set_ylim(0, min(1.03, max(0.1, 1.15 * top)))
    ticks = fix_time_ticks(ax, time_axis_max, at_risk_times, widest_count(follow_up))
    handles = [
        Line2D([], [], color="0.2", ls=LINE_STYLES[j % len(LINE_STYLES)], label=label)
        for j, (_, label) in enumerate(causes)
    ]
    if len(groups) > 1:
        handles += [Line2D([], [], color=colors[i], label=str(group)) for i, group in enumerate(groups)]
    if note:
        handles.append(Line2D([], [], ls="none", label=note))
    ax.legend(handles=handles, loc="upper left", handlelength=2.2)
    finish_time_axes(
        ax, table_ax, time_label=time_label, ylabel=ylabel, follow_up=follow_up, groups=groups, colors=colors,
        ticks=ticks,
    )  # fmt: skip
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
    (PNG, SVG, PDF); the parameters and the returned ``at_risk`` records are those of
    :func:`retrocohort.figures.km_figure.draw_km_figure`, with ``stats`` the competing-risks
    statistics (:func:`retrocohort.kinds.competing_risks.statistics`), ``result`` the
    CompetingAnalysis (curves and follow-up ends) and ``spec`` also giving the ``ylabel``.
    """
    time_label = time_axis_label(spec, config, where)
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
