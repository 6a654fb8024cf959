"""Kaplan–Meier curves (pre-computed step functions) with confidence bands, censoring marks and
risk table."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from retrocohort.figures.style import SINGLE_COLUMN, categorical_colors, new_figure, styled

REQUIRED_COLUMNS = ("group", "time", "survival", "ci_low", "ci_high")
AT_RISK_COLUMNS = ("group", "time", "n_at_risk")
CENSORED_COLUMNS = ("group", "time", "survival")
CENSOR_MARK = "+"
CENSORED_LABEL = "Censored"  # legend entry beside a "+" marker


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
    at_risk: pd.DataFrame | None = None,
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
    estimator; curves are drawn right-continuous from (0, 1). ``at_risk`` (group, time,
    n_at_risk) adds a numbers-at-risk table under the plot at the given times. ``censored``
    (group, time, survival: one row per censored patient) draws a "+" at S(t) at each censoring
    time, as R's ``plot.survfit(mark.time = TRUE)``, carries each curve to its last censoring
    time, and adds a legend entry "+ Censored". ``time_axis_max`` ends the time axis there (curves
    carry on beyond it; the legend counts the censoring marks it hides). ``note`` (e.g. the synthetic-data note or the
    patients excluded, :func:`retrocohort.figures.labels.km_note`) is printed as the last
    legend entry, shown even for a single curve.
    """
    _check_columns(curves, REQUIRED_COLUMNS, "survival curves")
    if censored is None:
        censored = pd.DataFrame(columns=list(CENSORED_COLUMNS))
    _check_columns(censored, CENSORED_COLUMNS, "censoring marks")
    # order of first appearance; a group with only censored patients has an empty curve
    groups = list(dict.fromkeys([*curves["group"], *censored["group"]]))
    colors = categorical_colors(range(len(groups)))
    table_h = 0.22 + 0.13 * len(groups) if at_risk is not None else 0.0
    fig = new_figure(width, height + table_h)
    if at_risk is None:
        ax = fig.subplots()
    else:
        ax, table_ax = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": (height - 0.3, table_h)})
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
        if len(marks):
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
    ax.set_xlim(left=0, right=time_axis_max)
    ax.set_ylabel(ylabel)
    handles = ax.get_legend_handles_labels()[0] if len(groups) > 1 else []
    if len(censored):
        hidden = int((censored["time"] > time_axis_max).sum()) if time_axis_max is not None else 0
        label = CENSORED_LABEL + (f" ({hidden} beyond the axis)" if hidden else "")
        handles.append(Line2D([], [], ls="none", marker=CENSOR_MARK, color="0.3", label=label))
    if note:
        handles.append(Line2D([], [], ls="none", label=note))
    if handles:
        ax.legend(handles=handles, loc="best", handlelength=1.6 if len(groups) > 1 else 0)
    ax.set_xlabel(time_label)
    if at_risk is not None:
        _risk_table(table_ax, at_risk, groups, colors)
        ax.tick_params(axis="x", labelbottom=True)
    return fig


def _risk_table(ax: Axes, at_risk: pd.DataFrame, groups: list, colors: dict[int, str]) -> None:
    """Numbers at risk: one text row per group, aligned with the survival time axis."""
    _check_columns(at_risk, AT_RISK_COLUMNS, "at-risk table")
    for i, group in enumerate(groups):
        rows = at_risk[at_risk["group"] == group]
        for t, n in zip(rows["time"], rows["n_at_risk"], strict=True):
            ax.text(t, i, f"{int(n)}", ha="center", va="center", fontsize=7, color=colors[i], gid="at-risk")
    ax.set_ylim(max(len(groups), 1) - 0.5, -0.5)  # no group (empty cohort): one empty row
    ax.set_yticks(np.arange(len(groups)), labels=[str(g) for g in groups])
    for label, i in zip(ax.get_yticklabels(), range(len(groups)), strict=True):
        label.set_color(colors[i])
    ax.set_title("Number at risk", fontsize=7)
    ax.tick_params(axis="y", length=0, pad=10)  # clear of the counts centred at t = 0
    ax.tick_params(axis="x", labelbottom=False, length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
