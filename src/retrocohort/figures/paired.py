"""Paired lab values at two time points (Day 0 vs Day 7 for the flagship) as small multiples.

Each parameter gets one panel, chosen automatically:

* **slopes** (continuous, at most ``max_pairs`` pairs): one grey segment per patient
  (a single :class:`~matplotlib.collections.LineCollection`) plus the per-day medians;
* **summary** (continuous, more than ``max_pairs`` and at most ``density_threshold`` pairs):
  the segments of a random subsample of ``max_pairs`` patients (numpy ``default_rng(seed)``,
  drawn without replacement, so a rerun draws the same patients) under the median of each day
  with its interquartile range (Q1–Q3, Hyndman–Fan type 7) computed on *all* pairs; the panel
  title says how many pairs are drawn (a thousand crossing lines are an unreadable mass:
  Weissgerber et al. 2015, PLoS Biol 13:e1002128, on showing paired data);
* **density** (continuous, more pairs): hexbin of Day 0 vs Day 7 on identical axes with the
  identity line, so 10^6 pairs cost one aggregated collection instead of 10^6 artists;
* **binary** (values only 0/1): stacked proportions per day.

Only patients with both days observed are drawn and counted (``n pairs``), so the panel
shows the same data as a paired test.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, PercentFormatter

from retrocohort.figures.style import (
    DENSITY_CMAP,
    GREY,
    GREY_DARK,
    GREY_LIGHT,
    OKABE_ITO,
    PAGE_HEIGHT,
    log_ticks,
    new_figure,
    plain_number,
    styled,
    width_for_columns,
)

PanelKind = Literal["slopes", "summary", "density", "binary"]
REQUIRED_COLUMNS = ("patient_id", "parameter", "day", "value")
MEDIAN_COLOR = OKABE_ITO["blue"]
DENSITY_MEDIAN_STYLE = dict(marker="o", ms=5, color=OKABE_ITO["vermillion"], mec="white", mew=0.6, ls="none")
IDENTITY_STYLE = dict(ls="--", lw=0.8, color=GREY_DARK)
BINARY_COLOR = OKABE_ITO["blue"]


def paired_values(
    data: pd.DataFrame, parameters: Sequence[str], days: tuple[int, int] = (0, 7)
) -> dict[str, np.ndarray]:
    """Map each parameter to an ``(n_pairs, 2)`` float array of (first day, second day) values.

    Raises ``ValueError`` on missing columns, unknown parameters or duplicated
    (patient, parameter, day) rows.
    """
    missing_cols = [c for c in REQUIRED_COLUMNS if c not in data.columns]
    if missing_cols:
        raise ValueError(f"slope data lacks column(s) {missing_cols}; expected {list(REQUIRED_COLUMNS)}")
    unknown = sorted(set(parameters) - set(data["parameter"].unique()))
    if unknown:
        raise ValueError(f"parameter(s) {unknown} not present in the data")
    sub = data.loc[data["parameter"].isin(parameters) & data["day"].isin(days), list(REQUIRED_COLUMNS)]
    try:
        wide = sub.pivot(index=["parameter", "patient_id"], columns="day", values="value")
    except ValueError:  # pivot refuses duplicates; only then pay for locating them
        dup = sub.duplicated(["parameter", "patient_id", "day"], keep=False)
        if not dup.any():
            raise
        first = sub.loc[dup].iloc[0]
        raise ValueError(
            f"{int(dup.sum())} duplicated (patient, parameter, day) rows, e.g. patient "
            f"{first['patient_id']!r}, {first['parameter']!r}, day {first['day']}"
        ) from None
    wide = wide.reindex(columns=list(days)).astype(float).dropna()
    groups = {p: g.to_numpy() for p, g in wide.groupby(level="parameter", sort=False)}
    return {p: groups.get(p, np.empty((0, 2))) for p in parameters}


def panel_kind(pairs: np.ndarray, density_threshold: int, max_pairs: int | None = None) -> PanelKind:
    """Choose how to draw one parameter's pairs (module docstring); ``max_pairs`` ``None``:
    every pair's line up to ``density_threshold``."""
    if pairs.size and np.isin(pairs, (0.0, 1.0)).all():
        return "binary"
    if len(pairs) > density_threshold:
        return "density"
    return "summary" if max_pairs is not None and len(pairs) > max_pairs else "slopes"


def subsample(pairs: np.ndarray, size: int, seed: int) -> np.ndarray:
    """``size`` rows of ``pairs`` drawn at random without replacement by numpy's
    ``default_rng(seed)`` (PCG64), in their original order: the same rows for the same seed."""
    rows = np.random.default_rng(seed).choice(len(pairs), size=size, replace=False)
    return pairs[np.sort(rows)]


@styled
def slope_plot(
    data: pd.DataFrame | Mapping[str, np.ndarray],
    parameters: Sequence[str],
    *,
    log_scale: Mapping[str, bool] | None = None,
    titles: Mapping[str, str] | None = None,
    annotations: Mapping[str, str] | None = None,
    density_threshold: int = 2000,
    days: tuple[int, int] = (0, 7),
    day_labels: tuple[str, str] | None = None,
    binary_labels: tuple[str, str] = ("No", "Yes"),
    ncols: int | None = None,
    panel_height: float = 2.1,
    note: str | None = None,
    max_pairs: int | None = None,
    seed: int | None = None,
) -> Figure:
    """Small multiples of paired values, one panel per parameter (see module docstring).

    ``data`` is long (patient_id, parameter, day, value) or the pairs themselves, a mapping of
    parameter to an ``(n_pairs, 2)`` array (e.g. Table 3's pairs file). ``titles`` maps parameter to its
    label (default: the parameter name), ``annotations`` to a test result string,
    ``log_scale`` to a log y axis (values must be positive). ``binary_labels`` name 0 and 1.
    ``day_labels`` name the two time points on the axes (default "Day <d>" of ``days``; e.g.
    the time point labels "Baseline", "1 year").
    ``note`` (e.g. "† computed from synthetic data") is printed in the figure legend.
    ``max_pairs`` (the study's ``figures.slopes.max_pairs``): above it a panel is a summary
    (module docstring) whose lines are a random subsample drawn with ``seed``
    (``figures.slopes.seed``); ``None``: every pair's line.
    """
    if not parameters:
        raise ValueError("slope_plot needs at least one parameter")
    if max_pairs is not None and seed is None:
        raise ValueError("slope_plot: max_pairs needs the seed of its random subsample")
    log_scale, titles, annotations = log_scale or {}, titles or {}, annotations or {}
    if isinstance(data, Mapping):
        unknown = sorted(set(parameters) - set(data))
        if unknown:
            raise ValueError(f"parameter(s) {unknown} not present in the pairs")
        pairs = {p: np.asarray(data[p], dtype=float) for p in parameters}
        bad = [p for p, v in pairs.items() if v.ndim != 2 or v.shape[1] != 2]
        if bad:
            raise ValueError(f"pairs of {bad} are not (n_pairs, 2) arrays")
    else:
        pairs = paired_values(data, parameters, days)
    for p, v in pairs.items():
        if log_scale.get(p) and (v <= 0).any():
            raise ValueError(f"parameter {p!r} has non-positive values; cannot use a log scale")

    ncols = ncols or min(len(parameters), 3)
    nrows = math.ceil(len(parameters) / ncols)
    panel_height = min(panel_height, (PAGE_HEIGHT - 0.35) / nrows)  # never taller than a page
    fig = new_figure(width_for_columns(ncols), panel_height * nrows + 0.35)
    panel_width = fig.get_figwidth() / ncols
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax in axes[len(parameters) :]:
        ax.remove()

    axis_labels = day_labels or (f"Day {days[0]}", f"Day {days[1]}")
    kinds = set()
    for ax, p in zip(axes, parameters, strict=False):
        v = pairs[p]
        kind = panel_kind(v, density_threshold, max_pairs) if len(v) else "empty"
        kinds.add(kind)
        if kind == "empty":
            ax.text(0.5, 0.5, "no paired data", transform=ax.transAxes, ha="center", color=GREY)
        elif kind == "binary":
            _draw_binary(ax, v, axis_labels, binary_labels)
        elif kind == "density":
            _draw_density(fig, ax, v, axis_labels, log=bool(log_scale.get(p)))
        elif kind == "summary":
            _draw_summary(ax, v, axis_labels, log=bool(log_scale.get(p)), drawn=max_pairs, seed=seed)
        else:
            _draw_slopes(ax, v, axis_labels, log=bool(log_scale.get(p)))
        shown = max_pairs if kind == "summary" else None
        ax.set_title(_panel_title(titles.get(p, p), len(v), annotations.get(p), panel_width, shown))
    handles = (
        (_slope_legend_handles() if "slopes" in kinds else [])
        + (_summary_legend_handles() if "summary" in kinds else [])
        + (_density_legend_handles() if "density" in kinds else [])
    )
    drawn = bool(handles)
    if note:
        handles.append(Line2D([], [], ls="none", label=note))
    if handles:
        fig.legend(
            handles=handles, loc="outside lower center", ncols=len(handles), handlelength=1.6 if drawn else 0
        )
    return fig


def _panel_title(
    label: str, n: int, annotation: str | None, panel_width: float, drawn: int | None = None
) -> str:
    """Label, ``n = N pairs`` (with ``drawn``: "lines: a random N of them") and the annotation
    wrapped to the panel width (inches).

    Spaces around comparison signs become no-break spaces so ``p = 0.011`` never splits.
    """
    chars = max(18, int((panel_width - 0.5) * 72 / (8 * 0.58)))
    count = f"n = {n:,} pair{'s' if n != 1 else ''}"
    lines = [label, count + (f", {drawn:,} drawn at random" if drawn else "")]
    if annotation:
        glued = re.sub(r"\s*([=<>≤≥])\s*", "\u00a0\\1\u00a0", annotation)
        lines += textwrap.wrap(glued, chars)
    return "\n".join(lines)


def _day_axis(ax: Axes, labels: tuple[str, str]) -> None:
    ax.set_xticks([0, 1], labels=list(labels))
    ax.set_xlim(-0.35, 1.35)


def _draw_slopes(ax: Axes, v: np.ndarray, labels: tuple[str, str], *, log: bool) -> None:
    """One grey segment per patient (single LineCollection) plus the median at each day."""
    n = len(v)
    if log:
        ax.set_yscale("log")
    if n and v.min() == v.max():  # constant values: a y range around them (autoscale has none)
        c = float(v.min())
        ax.set_ylim(*((c / 2, c * 2) if log else (c - max(abs(c), 1) / 2, c + max(abs(c), 1) / 2)))
    x = np.broadcast_to([0.0, 1.0], (n, 2))
    ax.add_collection(
        LineCollection(
            np.stack([x, v], axis=-1), colors=GREY_LIGHT, linewidths=0.7, zorder=1, gid="patient-lines"
        )
    )
    ax.scatter(x.ravel(), v.ravel(), s=5, color=GREY, linewidths=0, zorder=2)
    if n:  # no pair: no median to draw (the panel title says n = 0)
        ax.plot(
            [0, 1], np.median(v, axis=0), color=MEDIAN_COLOR, lw=2.0, marker="o", ms=5, zorder=3, gid="median"
        )
    ax.autoscale_view()
    if log:
        log_ticks(ax.yaxis)
    _day_axis(ax, labels)


def _draw_summary(
    ax: Axes, v: np.ndarray, labels: tuple[str, str], *, log: bool, drawn: int, seed: int
) -> None:
    """The lines of a random subsample of ``drawn`` pairs (:func:`subsample`), pale, under the
    median of each day of *all* pairs with its Q1–Q3 bar (numpy ``quantile``, linear:
    Hyndman–Fan type 7) joined by the median line."""
    sample = subsample(v, drawn, seed)
    if log:
        ax.set_yscale("log")
    x = np.broadcast_to([0.0, 1.0], (len(sample), 2))
    ax.add_collection(
        LineCollection(
            np.stack([x, sample], axis=-1), colors=GREY_LIGHT, linewidths=0.5, zorder=1, gid="patient-lines"
        )
    )
    q1, median, q3 = np.quantile(v, [0.25, 0.5, 0.75], axis=0)
    ax.errorbar(
        [0, 1],
        median,
        yerr=[median - q1, q3 - median],
        color=MEDIAN_COLOR,
        lw=2.0,
        marker="o",
        ms=5,
        capsize=4,
        zorder=3,
        gid="median-iqr",
    )
    ax.autoscale_view()
    if log:
        log_ticks(ax.yaxis)
    _day_axis(ax, labels)


def _draw_density(fig: Figure, ax: Axes, v: np.ndarray, labels: tuple[str, str], *, log: bool) -> None:
    """Hexbin of first vs second day on identical axes, identity line and median point."""
    lo, hi = float(v.min()), float(v.max())
    pad = (hi / lo) ** 0.03 if log else (hi - lo) * 0.03 or 1.0
    lo, hi = (lo / pad, hi * pad) if log else (lo - pad, hi + pad)
    ext = (np.log10(lo), np.log10(hi)) if log else (lo, hi)
    scale = "log" if log else "linear"
    hb = ax.hexbin(
        v[:, 0],
        v[:, 1],
        gridsize=40,
        xscale=scale,
        yscale=scale,
        bins="log",
        mincnt=1,
        cmap=DENSITY_CMAP,
        extent=(*ext, *ext),
        linewidths=0.1,
        edgecolors="face",
        gid="density",
    )
    ax.plot([lo, hi], [lo, hi], **IDENTITY_STYLE, gid="identity")
    ax.plot(*np.median(v, axis=0), **DENSITY_MEDIAN_STYLE, gid="median")
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_box_aspect(1)
    if log:
        log_ticks(ax.xaxis)
        log_ticks(ax.yaxis)
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    cbar = fig.colorbar(hb, ax=ax, shrink=0.8, label="Pairs per bin", pad=0.02)
    cbar.ax.yaxis.set_major_formatter(FuncFormatter(plain_number))


def _draw_binary(ax: Axes, v: np.ndarray, axis_labels: tuple[str, str], labels: tuple[str, str]) -> None:
    """Stacked proportions of 1 (bottom, coloured) and 0 (top, grey) per day, with k/n."""
    n, k = len(v), v.sum(axis=0).astype(int)
    share = k / n
    ax.bar([0, 1], share, width=0.6, color=BINARY_COLOR, label=labels[1], gid="binary-1")
    ax.bar([0, 1], 1 - share, bottom=share, width=0.6, color=GREY_LIGHT, label=labels[0], gid="binary-0")
    for x, (kk, s) in enumerate(zip(k, share, strict=True)):
        inside = s >= 0.12
        ax.text(
            x,
            s / 2 if inside else s + 0.02,
            f"{kk}/{n}",
            ha="center",
            va="center" if inside else "bottom",
            fontsize=7,
            color="white" if inside else "black",
        )
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylabel("Patients")
    _day_axis(ax, axis_labels)
    handles, names = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], names[::-1], loc="center left", bbox_to_anchor=(1.0, 0.5), handlelength=1.0)


def _density_legend_handles() -> list[Line2D]:
    return [
        Line2D([], [], **DENSITY_MEDIAN_STYLE, label="Median of each day"),
        Line2D([], [], **IDENTITY_STYLE, label="No change"),
    ]


def _summary_legend_handles() -> list[Line2D]:
    return [
        Line2D([], [], color=GREY_LIGHT, lw=0.9, label="Patients drawn at random"),
        Line2D([], [], color=MEDIAN_COLOR, lw=2.0, marker="o", ms=5, label="Median (Q1–Q3), all pairs"),
    ]


def _slope_legend_handles() -> list[Line2D]:
    return [
        Line2D(
            [],
            [],
            color=GREY_LIGHT,
            lw=0.9,
            marker="o",
            ms=2.5,
            mfc=GREY,
            mec=GREY,
            label="Individual patient",
        ),
        Line2D([], [], color=MEDIAN_COLOR, lw=2.0, marker="o", ms=5, label="Median"),
    ]
