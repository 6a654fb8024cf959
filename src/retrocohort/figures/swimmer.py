"""Swimmer plot of anakinra treatment duration per patient."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import Transform, blended_transform_factory

from retrocohort.figures.style import (
    GREY,
    GREY_DARK,
    OKABE_ITO,
    PAGE_HEIGHT,
    SINGLE_COLUMN,
    categorical_colors,
    log_ticks,
    new_figure,
    styled,
)

REQUIRED_COLUMNS = ("patient_id", "duration_days", "ongoing", "efficacy", "alive", "line")
BAR_HEIGHT = 0.62
UNKNOWN_DASHES = (0, (2.5, 2.0))  # dashed row: the duration is unknown, not short
FRAME_HEIGHT = 1.45  # inches of axis labels, status header and legend around the bars
MIN_LABELLED_ROW = 0.1  # inches; thinner rows drop the patient labels (unreadable)
ARROW = {"arrowstyle": "-|>", "color": GREY_DARK, "lw": 0.8, "shrinkA": 0, "shrinkB": 0, "mutation_scale": 6}
#: Status-column markers: (marker, face colour, edge colour, legend label).
MARKERS = {
    "response": ("o", OKABE_ITO["bluish_green"], OKABE_ITO["bluish_green"], "Response"),
    "no_response": ("o", "white", OKABE_ITO["vermillion"], "No response"),
    "response_unknown": ("$?$", GREY, GREY, "Response unknown"),
    # a filled square, not "†": the dagger marks synthetic data everywhere else in the outputs
    "died": ("s", "black", "black", "Died"),
}


def ordinal(k: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th'."""
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


@styled
def swimmer_plot(
    df: pd.DataFrame,
    *,
    log_x: bool = False,
    width: float = SINGLE_COLUMN,
    row_height: float = 0.16,
    xlabel: str = "Anakinra treatment duration (days)",
) -> Figure:
    """One horizontal bar per patient, longest at the top, missing durations at the bottom.

    Encodings: bar colour = anakinra treatment line; arrow = treatment ongoing; a thin dashed
    line across the row labelled "duration unknown" = duration missing (no bar: nothing reads as
    a length); a status column on the right shows response (filled circle), no response (open
    circle), unknown response (?) and death (filled black square; "†" is kept for synthetic data). With ``log_x``
    bars start at day 1 (durations must be >= 1). Large cohorts get thinner rows so the figure
    never exceeds a page; below 0.1 inch per row the patient labels are dropped.
    """
    missing_cols = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing_cols:
        raise ValueError(f"swimmer data lacks column(s) {missing_cols}")
    d = df.sort_values("duration_days", ascending=False, na_position="last", kind="stable")
    y = np.arange(len(d))
    dur = d["duration_days"].to_numpy(float)
    known = ~np.isnan(dur)
    if log_x and (dur[known] < 1).any():
        raise ValueError("log_x needs durations >= 1 day")
    palette = categorical_colors(d["line"])
    colors = np.array([palette[k] for k in d["line"]])
    ongoing = d["ongoing"].astype("boolean").fillna(False).to_numpy(bool)

    row_height = min(row_height, (PAGE_HEIGHT - FRAME_HEIGHT) / max(len(d), 1))
    fig = new_figure(width, len(d) * row_height + FRAME_HEIGHT)
    grid = fig.add_gridspec(1, 2, width_ratios=(4.2, 1))
    ax = fig.add_subplot(grid[0])
    status_ax = fig.add_subplot(grid[1], sharey=ax)

    origin = 1.0 if log_x else 0.0
    ax.barh(
        y[known], dur[known] - origin, left=origin, height=BAR_HEIGHT, color=colors[known], gid="durations"
    )
    xmax = float(dur[known].max()) if known.any() else 10.0
    if log_x:
        ax.set_xscale("log")
        ax.set_xlim(origin, xmax * 1.6)
        log_ticks(ax.xaxis)
    else:
        ax.set_xlim(0, xmax * 1.1)
    for yi, x0 in zip(y[known & ongoing], dur[known & ongoing], strict=True):
        _arrow(ax, x0, x0 * 1.35 if log_x else x0 + 0.06 * xmax, yi, ax.transData)
    _draw_missing(ax, y[~known], colors[~known], ongoing[~known])

    if row_height >= MIN_LABELLED_ROW:
        ax.set_yticks(y, labels=d["patient_id"].astype(str))
        ax.set_ylabel("Patient")
    else:
        ax.set_yticks([])
        ax.set_ylabel(f"Patients (n = {len(d):,}), longest first")
    ax.set_ylim(max(len(d), 1) - 0.5, -0.5)  # no patient (empty cohort): one empty row
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel(xlabel)
    status = _status_masks(d)
    _draw_status(status_ax, y, status)
    fig.legend(
        handles=_legend_handles(palette, ongoing.any(), (~known).any(), status),
        loc="outside lower center",
        ncols=2,
    )
    return fig


def _arrow(ax: Axes, x0: float, x1: float, y: float, transform: Transform) -> None:
    ax.annotate(
        "",
        xy=(x1, y),
        xytext=(x0, y),
        xycoords=transform,
        textcoords=transform,
        arrowprops=ARROW,
        annotation_clip=False,
    ).set_gid("ongoing")


def _draw_missing(ax: Axes, ys: np.ndarray, colors: np.ndarray, ongoing: np.ndarray) -> None:
    """Unknown duration: a dashed line (in line colour) across the whole row, labelled
    'duration unknown', ending in an arrow when treatment is ongoing; no bar is drawn."""
    axes_x = blended_transform_factory(ax.transAxes, ax.transData)
    for yi, color, ong in zip(ys, colors, ongoing, strict=True):
        end = 0.92 if ong else 1.0
        ax.add_line(
            Line2D(
                [0, end],
                [yi, yi],
                transform=axes_x,
                color=color,
                lw=0.9,
                ls=UNKNOWN_DASHES,
                gid="missing-duration",
            )
        )
        if ong:
            _arrow(ax, end, end + 0.06, yi, axes_x)
        ax.text(
            0.03,
            yi,
            "duration unknown",
            transform=axes_x,
            va="center",
            fontsize=6.5,
            color=GREY_DARK,
            style="italic",
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6},
        )


def _status_masks(d: pd.DataFrame) -> dict[str, np.ndarray]:
    efficacy = d["efficacy"].astype("boolean")
    return {
        "response": efficacy.eq(True).fillna(False).to_numpy(bool),
        "no_response": efficacy.eq(False).fillna(False).to_numpy(bool),
        "response_unknown": efficacy.isna().to_numpy(bool),
        "died": d["alive"].astype("boolean").eq(False).fillna(False).to_numpy(bool),
    }


def _draw_status(ax: Axes, y: np.ndarray, status: dict[str, np.ndarray]) -> None:
    """Response markers in column 0 and death markers in column 1."""
    for key, mask in status.items():
        marker, face, edge, _ = MARKERS[key]
        ax.scatter(
            np.full(mask.sum(), 1.0 if key == "died" else 0.0),
            y[mask],
            marker=marker,
            s=22,
            facecolors=face,
            edgecolors=edge,
            linewidths=0.8,
            gid=key,
        )
    ax.set_xlim(-0.7, 1.7)
    ax.set_xticks([0, 1], labels=["Response", "Died"], rotation=45, ha="left", rotation_mode="anchor")
    ax.xaxis.tick_top()
    ax.tick_params(axis="x", length=0, pad=2)
    ax.tick_params(axis="y", left=False, labelleft=False)
    for spine in ax.spines.values():
        spine.set_visible(False)


def _legend_handles(
    palette: dict, has_ongoing: bool, has_missing: bool, status: dict[str, np.ndarray]
) -> list:
    handles: list = [
        Patch(
            color=c, label=f"Anakinra as {ordinal(int(k))} line" if int(k) > 0 else "Line of anakinra unknown"
        )
        for k, c in palette.items()
    ]
    if has_ongoing:
        handles.append(
            Line2D(
                [], [], ls="none", marker=r"$\rightarrow$", ms=9, color=GREY_DARK, label="Treatment ongoing"
            )
        )
    if has_missing:
        handles.append(Line2D([], [], color=GREY_DARK, lw=0.9, ls=UNKNOWN_DASHES, label="Unknown duration"))
    for key, mask in status.items():
        if mask.any():
            marker, face, edge, label = MARKERS[key]
            handles.append(
                Line2D([], [], ls="none", marker=marker, ms=5, mfc=face, mec=edge, mew=0.8, label=label)
            )
    return handles
