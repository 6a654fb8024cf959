"""Kaplan–Meier curves (pre-computed step functions) with confidence bands, censoring marks and
risk table."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from retrocohort.figures.km_layout import curve_axes, finish_time_axes, fix_time_ticks, widest_count
from retrocohort.figures.style import SINGLE_COLUMN, categorical_colors, styled

REQUIRED_COLUMNS = ("group", "time", "survival", "ci_low", "ci_high")
CENSORED_COLUMNS = ("group", "time", "survival")
CENSOR_MARK = "+"
CENSORED_LABEL = "Censored"  # legend entry beside a "+" marker
#: Above this many censoring marks in one figure the marks merge into a band that hides the
#: curve (a cohort of thousands censored alive): they are left out and the legend says so; the
#: numbers at risk under the axis still show the censoring (as ggsurvfit, whose marks are opt-in).
MAX_CENSOR_MARKS = 300


def _with_origin(g: pd.DataFrame) -> pd.DataFrame:
    """Sort by time and prepend (time 0, survival 1, CI 1–1) if the curve starts later."""
    g = g.sort_values("time", kind="stable")
    if g.empty or g["time"].iloc[0] > 0:
        origin = pd.DataFrame({"time": [0.0], "survival": [1.0], "ci_low": [1.0], "ci_high": [1.0]})
        g = pd.concat([origin, g[["time", "survival", "ci_low", "ci_high"]]], ignore_index=True)
    return g


def _to_last_follow_up(g: pd.DataFrame, last_time: float) -> pd.DataFrame:
    """The step curve carried flat (same S and CI) to ``last_time`` when a patient is censored
    after the last event, as R's ``plot.survfit`` draws it to the last follow-up."""
    if g.empty or last_time <= g["time"].iloc[-1]:
        return g
    return pd.concat([g, g.iloc[[-1]].assign(time=last_time)], ignore_index=True)


def _check_columns(frame: pd.DataFrame, required: tuple[str, ...], what: str) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} lack(s) column(s) {missing}")


def _band_edges(limit: pd.Series) -> np.ndarray:
    """CI limits with a trailing run of NaN replaced by the last defined value."""
    values = limit.to_numpy(dtype=float).copy()
    defined = np.flatnonzero(~np.isnan(values))
    if defined.size:
        values[defined[-1] + 1 :] = values[defined[-1]]
    return values


@styled
def km_plot(
    curves: pd.DataFrame,
    *,
    follow_up: pd.DataFrame | None = None,
    at_risk_times: Sequence[float] | None = None,
    censored: pd.DataFrame | None = None,
    time_axis_max: float | None = None,
    time_label: str = "Days since anakinra start",
    ylabel: str = "Survival probability",
    width: float = SINGLE_COLUMN,
    height: float = 2.4,
    note: str | None = None,
) -> Figure:
    """Step survival curves with shaded CI bands, one colour per group.

    ``curves`` is long (group, time, survival, ci_low, ci_high), as produced by a KM
    estimator; curves are drawn right-continuous from (0, 1). ``follow_up`` (group, time, n:
    the patients whose follow-up ends at each time, :func:`retrocohort.figures.at_risk.follow_up_ends`)
    adds a numbers-at-risk table under the plot, counted exactly at the time-axis ticks (patients
    with time >= t, R's ``survfit`` n.risk) and printed under each tick, each group's label on its own
    line above its counts. The ticks are fixed before drawing: ``at_risk_times`` when given
    (they must lie within the axis), else the axis' own major ticks within its range; read them
    back with ``fig.axes[0].get_xticks()``. ``censored``
    (group, time, survival: one row per censored patient) draws a "+" at S(t) at each censoring
    time, as R's ``plot.survfit(mark.time = TRUE)`` (none above :data:`MAX_CENSOR_MARKS` in the
    figure, the legend says how many), carries each curve to its last censoring
    time, and adds a legend entry "+ Censored". ``time_axis_max`` ends the time axis there (curves
    carry on beyond it; the legend counts the censoring marks it hides). ``note`` (e.g. the
    synthetic-data note or the patients excluded, :func:`retrocohort.figures.labels.km_note`) is
    printed as the last legend entry, shown even for a single curve. A y-axis label longer than
    the plot is wrapped onto several lines (measured), never clipped.
    """
    _check_columns(curves, REQUIRED_COLUMNS, "survival curves")
    if censored is None:
        censored = pd.DataFrame(columns=list(CENSORED_COLUMNS))
    _check_columns(censored, CENSORED_COLUMNS, "censoring marks")
    # order of first appearance; a group with only censored patients has an empty curve
    groups = list(dict.fromkeys([*curves["group"], *censored["group"]]))
    colors = categorical_colors(range(len(groups)))
    fig, ax, table_ax = curve_axes(width, height, len(groups), with_table=follow_up is not None)
    for i, group in enumerate(groups):
        marks = censored[censored["group"] == group]
        g = _with_origin(curves[curves["group"] == group])
        g = _to_last_follow_up(g, float(marks["time"].max()) if len(marks) else 0.0)
        t, color = g["time"].to_numpy(float), colors[i]
        # a step's band spans [t_i, t_i+1): carry limits into a final undefined (S = 0) point so
        # the last interval is drawn (matplotlib drops a polygon segment ending at NaN)
        low, high = _band_edges(g["ci_low"]), _band_edges(g["ci_high"])
        ax.fill_between(t, low, high, step="post", color=color, alpha=0.18, lw=0, gid=f"ci-{group}")
        ax.step(t, g["survival"], where="post", color=color, lw=1.2, label=str(group), gid=f"km-{group}")
        if len(marks) and len(censored) <= MAX_CENSOR_MARKS:
            ax.plot(
                marks["time"].to_numpy(float),
                marks["survival"].to_numpy(float),
                ls="none",
                marker=CENSOR_MARK,
                ms=5,
                mew=1.0,
                color=color,
                gid=f"censored-{group}",
            )
    ax.set_ylim(0, 1.03)
    ticks = fix_time_ticks(ax, time_axis_max, at_risk_times, widest_count(follow_up))
    handles = ax.get_legend_handles_labels()[0] if len(groups) > 1 else []
    if len(censored) > MAX_CENSOR_MARKS:
        label = f"{CENSORED_LABEL}: {len(censored):,}, not marked"  # short: the legend fits the page
        handles.append(Line2D([], [], ls="none", label=label))
    elif len(censored):
        hidden = int((censored["time"] > time_axis_max).sum()) if time_axis_max is not None else 0
        label = CENSORED_LABEL + (f" ({hidden} beyond the axis)" if hidden else "")
        handles.append(Line2D([], [], ls="none", marker=CENSOR_MARK, color="0.3", label=label))
    if note:
        handles.append(Line2D([], [], ls="none", label=note))
    if handles:
        ax.legend(handles=handles, loc="best", handlelength=1.6 if len(groups) > 1 else 0)
    finish_time_axes(
        ax, table_ax, time_label=time_label, ylabel=ylabel, follow_up=follow_up, groups=groups, colors=colors,
        ticks=ticks,
    )  # fmt: skip
    return fig
