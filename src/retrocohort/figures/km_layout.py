"""Layout of a time-to-event figure (Kaplan–Meier and cumulative-incidence curves alike): the
plot over its numbers-at-risk panel, fixed time ticks shared with the numbers at risk, the
numbers-at-risk table under them (group labels on their own line), and y-axis labels wrapped to
the plot's height.

Text extents are measured with matplotlib's own font metrics
(:meth:`matplotlib.textpath.TextToPath.get_text_width_height_descent`, the DejaVu Sans outlines
the figures embed), so the layout is decided before drawing and never depends on a renderer.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath
from matplotlib.ticker import MaxNLocator

from retrocohort.figures.at_risk import numbers_at_risk_at
from retrocohort.figures.style import new_figure

AT_RISK_FONTSIZE = 7.0
#: Clear space (points) between two numbers at risk of a row.
LABEL_GAP = 4.0
_TEXT_PATH = TextToPath()


def text_width_points(text: str, prop: FontProperties) -> float:
    """Width in points of ``text`` (one line) set in ``prop``."""
    width, _, _ = _TEXT_PATH.get_text_width_height_descent(text, prop, ismath=False)
    return float(width)


def wrap_to_length(text: str, length: float, prop: FontProperties) -> str:
    """``text`` wrapped greedily at spaces so that no line is longer than ``length`` points
    (a single word longer than that stays whole on its own line); lines joined with newlines."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and text_width_points(candidate, prop) <= length:
            lines[-1] = candidate
        else:
            lines.append(word)
    return "\n".join(lines)


def fix_time_ticks(
    ax: Axes, time_axis_max: float | None, times: Sequence[float] | None, widest: str = "0"
) -> np.ndarray:
    """Fix the time axis of ``ax`` from 0 and its major ticks; return the ticks.

    The axis ends at ``time_axis_max``, else where matplotlib autoscales the drawn data (widened
    to the largest of ``times``). The ticks are ``times`` when given (sorted; each must lie in the
    axis range, else ValueError), else the axis' own major ticks within the range: matplotlib's
    default locator (:class:`~matplotlib.ticker.AutoLocator`, i.e. ``MaxNLocator`` with steps 1,
    2, 2.5, 5, 10) with no more ticks than leave room for the ``widest`` number printed under
    each. They are then fixed (:class:`~matplotlib.ticker.FixedLocator`) so that the layout
    cannot move them away from the numbers at risk printed under them.
    """
    chosen = None if times is None else np.unique(np.asarray(times, dtype=float))
    if chosen is not None and (chosen.size == 0 or chosen[0] < 0):
        raise ValueError(f"at_risk_times must be non-empty and >= 0, got {list(times or [])}")
    if time_axis_max is not None:
        right = float(time_axis_max)
        beyond = [] if chosen is None else chosen[chosen > right].tolist()
        if beyond:
            raise ValueError(
                f"at_risk_times {beyond} lie beyond time_axis_max {time_axis_max}: "
                "the numbers at risk must be printed under ticks of the axis"
            )
    else:
        right = max(float(ax.get_xlim()[1]), float(chosen[-1]) if chosen is not None else 0.0, 1e-9)
    ax.set_xlim(0.0, right)
    if chosen is None:
        room = text_width_points(widest, FontProperties(size=AT_RISK_FONTSIZE)) + LABEL_GAP
        fit = int(0.9 * _width_points(ax) // room)
        locator = MaxNLocator(nbins=max(1, min(ax.xaxis.get_tick_space(), fit)), steps=[1, 2, 2.5, 5, 10])
        located = np.asarray(locator.tick_values(0.0, right), dtype=float)
        tol = 1e-9 * right
        chosen = np.clip(located[(located >= -tol) & (located <= right + tol)], 0.0, right)
    ax.set_xticks(chosen)
    return chosen


def _width_points(ax: Axes) -> float:
    """Width of ``ax`` in points before layout."""
    return ax.get_position().width * ax.get_figure().get_figwidth() * 72.0


def risk_table(ax: Axes, at_risk: pd.DataFrame, groups: list, colors: dict[int, str]) -> None:
    """Numbers at risk: per group, its label on a line of its own (left-aligned at the axis'
    start) above one row of counts, each count centred under its time tick; so a label, however
    long, never touches a number, and the plot keeps the full width."""
    missing = [c for c in ("group", "time", "n_at_risk") if c not in at_risk.columns]
    if missing:
        raise ValueError(f"at-risk table lacks column(s) {missing}")
    label_line = ax.get_yaxis_transform()  # x in axes fraction, y in data (line) units
    for i, group in enumerate(groups):
        ax.text(
            0.0,
            2 * i,
            str(group),
            transform=label_line,
            ha="left",
            va="center",
            fontsize=AT_RISK_FONTSIZE,
            color=colors[i],
            gid="at-risk-label",
        )
        rows = at_risk[at_risk["group"] == group]
        for t, n in zip(rows["time"], rows["n_at_risk"], strict=True):
            ax.text(
                t,
                2 * i + 1,
                f"{int(n)}",
                ha="center",
                va="center",
                fontsize=AT_RISK_FONTSIZE,
                color=colors[i],
                gid="at-risk",
            )
    ax.set_ylim(2 * max(len(groups), 1) - 0.5, -0.5)  # no group (empty cohort): one empty row
    ax.set_yticks([])
    ax.set_title("Number at risk", fontsize=AT_RISK_FONTSIZE)
    ax.tick_params(axis="x", labelbottom=False, length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)


def curve_axes(
    width: float, height: float, n_groups: int, *, with_table: bool = True
) -> tuple[Figure, Axes, Axes | None]:
    """A figure of ``width`` inches with the curves' axes of ``height`` inches over a
    numbers-at-risk panel sized for ``n_groups`` (a label line and a counts line each), the two
    sharing the time axis; without the panel (``with_table=False``) the curves' axes alone.

    Returns
    -------
    (Figure, Axes, Axes or None)
        The figure, the curves' axes and the panel's axes (None without one).
    """
    table_h = 0.22 + 2 * 0.13 * n_groups if with_table else 0.0
    fig = new_figure(width, height + table_h)
    if not with_table:
        return fig, fig.subplots(), None
    ax, table_ax = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": (height - 0.3, table_h)})
    return fig, ax, table_ax


def widest_count(follow_up: pd.DataFrame | None) -> str:
    """The widest number at risk a panel can print: a group's whole size (``follow_up``: group,
    time, n), "0" without one."""
    return (
        str(int(follow_up.groupby("group")["n"].sum().max()))
        if follow_up is not None and len(follow_up)
        else "0"
    )


def finish_time_axes(
    ax: Axes,
    table_ax: Axes | None,
    *,
    time_label: str,
    ylabel: str,
    follow_up: pd.DataFrame | None,
    groups: list,
    colors: dict[int, str],
    ticks: Sequence[float],
) -> None:
    """Label the time axis, print the numbers at risk at ``ticks`` in ``table_ax`` (when there is
    one: patients with follow-up time >= t, :func:`retrocohort.figures.at_risk.numbers_at_risk_at`)
    with the tick labels kept on the curves' axes, and set ``ylabel`` wrapped to the plot
    (:func:`fit_ylabel`)."""
    ax.set_xlabel(time_label)
    if table_ax is not None and follow_up is not None:
        risk_table(table_ax, numbers_at_risk_at(follow_up, groups, ticks), groups, colors)
        ax.tick_params(axis="x", labelbottom=True)
    fit_ylabel(ax, ylabel)


def fit_ylabel(ax: Axes, ylabel: str) -> None:
    """Set ``ylabel`` wrapped to the plot's height as laid out: the layout is run once with the
    label's first word (so the label column is reserved), the axes height measured, and the label
    wrapped to it; a longer label would be clipped or collapse the constrained layout."""
    ax.set_ylabel(ylabel.split()[0] if ylabel.split() else "")
    fig = ax.get_figure()
    fig.draw_without_rendering()
    height = ax.get_window_extent().height * 72.0 / fig.dpi
    ax.set_ylabel(wrap_to_length(ylabel, height, ax.yaxis.label.get_fontproperties()))
