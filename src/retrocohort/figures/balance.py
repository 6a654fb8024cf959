"""Figures of a ``balance`` table: the Love plot (|SMD| per covariate before and after matching
or weighting, with the threshold line) and the overlap figure (mirrored histograms of the
propensity score, treated above and untreated below, before adjustment as light bars and after
as outlined weighted counts, with the common-support range shaded). Each returns the numbers
it draws, for the statistics files (every printed number traceable).

References: Ahmed A, Husain A, Love TE, et al. Heart failure, chronic diuretic use, and increase
in mortality and hospitalization: an observational study using propensity score methods. Eur
Heart J 2006;27:1431-9 (the Love plot). Austin PC. Stat Med 2009;28:3083-107.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from retrocohort.analysis.treatment_comparison import TreatmentDesign
from retrocohort.config.check import variable_label
from retrocohort.figures.save import save_figure
from retrocohort.figures.style import CATEGORICAL, ONE_AND_HALF_COLUMN, new_figure, styled

#: Histogram bins of the overlap figure on the score scale [0, 1].
BINS = np.linspace(0.0, 1.0, 41)


def _after(design: TreatmentDesign) -> str:
    return "matching" if design.summary["specification"]["method"] == "matching" else "weighting"


@styled
def love_plot(records: pd.DataFrame, threshold: float, after: str) -> Any:
    """|SMD| before (open circles) and after (filled) per covariate, top to bottom in table
    order, with a dashed line at the threshold."""
    covariates = records[records["role"] == "covariate"].sort_values("order")
    n = len(covariates)
    fig = new_figure(ONE_AND_HALF_COLUMN, 0.9 + 0.2 * n)
    ax = fig.add_subplot()
    y = np.arange(n)[::-1]
    before = covariates["smd_before"].abs().to_numpy()
    after_smd = covariates["smd_after"].abs().to_numpy()
    ax.scatter(before, y, facecolors="none", edgecolors=CATEGORICAL[0], label="Before", zorder=3)
    ax.scatter(after_smd, y, color=CATEGORICAL[1], label=f"After {after}", zorder=3)
    ax.axvline(threshold, color="0.4", linestyle="--", linewidth=0.8)
    ax.axvline(0, color="0.7", linewidth=0.6)
    ax.set_yticks(y, covariates["label"].tolist())
    ax.set_xlabel("|Standardised mean difference|")
    ax.set_xlim(left=0)
    ax.legend(loc="lower right")
    return fig


def draw_love_plot(
    records: pd.DataFrame, design: TreatmentDesign, threshold: float, stem: Path
) -> pd.DataFrame:
    """Draw and save the Love plot; return the |SMD| it plots per covariate."""
    fig = love_plot(records, threshold, _after(design))
    save_figure(fig, stem)
    covariates = records[records["role"] == "covariate"].sort_values("order")
    return pd.DataFrame(
        {
            "figure": "love",
            "label": covariates["label"],
            "abs_smd_before": covariates["smd_before"].abs(),
            "abs_smd_after": covariates["smd_after"].abs(),
            "threshold": threshold,
        }
    )


def overlap_counts(design: TreatmentDesign) -> pd.DataFrame:
    """Per group and score bin: the number of patients (before) and the sum of their weights
    (after matching or weighting)."""
    score = design.design["ps"].to_numpy(dtype=float)
    keep = np.isfinite(score)
    score, treat, weights = score[keep], design.treatment, design.weights
    rows = []
    for group, code in (("treated", 1), ("untreated", 0)):
        mine = treat == code
        before, _ = np.histogram(score[mine], BINS)
        after, _ = np.histogram(score[mine], BINS, weights=weights[mine])
        rows += [
            {
                "group": group,
                "bin_low": BINS[i],
                "bin_high": BINS[i + 1],
                "n_before": int(before[i]),
                "weighted_after": float(after[i]),
            }  # fmt: skip
            for i in range(BINS.size - 1)
        ]
    return pd.DataFrame(rows)


@styled
def overlap_plot(counts: pd.DataFrame, support: Mapping[str, float], label: str, after: str) -> Any:
    """Mirrored histograms of the score: treated above the axis, untreated below; light bars
    before, outlined steps after; the common-support range shaded."""
    fig = new_figure(ONE_AND_HALF_COLUMN, 3.2)
    ax = fig.add_subplot()
    ax.axvspan(support["low"], support["high"], color="0.92", zorder=0, label="Common support")
    for group, sign, colour in (("treated", 1, CATEGORICAL[1]), ("untreated", -1, CATEGORICAL[0])):
        part = counts[counts["group"] == group]
        left, width = part["bin_low"].to_numpy(), (part["bin_high"] - part["bin_low"]).to_numpy()
        ax.bar(left, sign * part["n_before"], width=width, align="edge", color=colour, alpha=0.35,
               label=f"{group.capitalize()}, before")  # fmt: skip
        ax.step(np.append(left, 1.0), sign * np.append(part["weighted_after"], part["weighted_after"].iloc[-1]),
                where="post", color=colour, linewidth=1.0, label=f"{group.capitalize()}, after {after}")  # fmt: skip
    ax.axhline(0, color="black", linewidth=0.6)
    ticks = ax.get_yticks()
    ax.set_yticks(ticks, [f"{abs(t):g}" for t in ticks])
    ax.set_xlim(0, 1)
    ax.set_xlabel(f"Propensity score of {label.lower()}")
    ax.set_ylabel("Patients (untreated below the axis)")
    ax.legend(loc="lower right", fontsize="x-small")
    return fig


def draw_overlap(design: TreatmentDesign, config: Mapping[str, Any], stem: Path) -> pd.DataFrame:
    """Draw and save the overlap figure; return the counts it plots and the common support."""
    counts = overlap_counts(design)
    support = design.summary["common_support"]
    treatment = design.summary["specification"]["treatment"]
    fig = overlap_plot(counts, support, variable_label(dict(config), treatment), _after(design))
    save_figure(fig, stem)
    return counts.assign(figure="overlap", support_low=support["low"], support_high=support["high"])
