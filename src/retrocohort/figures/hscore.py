"""Distribution of patients' HScore with the diagnostic cut-off and optional probability curve."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import blended_transform_factory

from retrocohort.figures.score_term import METHOD_NAME
from retrocohort.figures.style import GREY_LIGHT, OKABE_ITO, SINGLE_COLUMN, new_figure, styled
from retrocohort.hscore.cutoff import CUTOFF_OPERATORS, DEFAULT_OPERATOR, cutoff_label, meets_cutoff
from retrocohort.hscore.items import MAX_TOTAL

HSCORE_RANGE = (0, MAX_TOTAL)
MEETS_COLOR = OKABE_ITO["blue"]
CURVE_COLOR = OKABE_ITO["vermillion"]


@styled
def hscore_distribution(
    scores: pd.Series,
    cutoff: float,
    cutoff_operator: str = DEFAULT_OPERATOR,
    probability: Callable[[np.ndarray], np.ndarray] | None = None,
    *,
    bin_width: float = 10,
    width: float = SINGLE_COLUMN,
    height: float = 2.4,
    term: str = METHOD_NAME,
) -> Figure:
    """Histogram of scores coloured by whether each patient meets ``cutoff_operator cutoff``
    (:func:`retrocohort.hscore.cutoff.meets_cutoff`; ``">"`` or ``">="``).

    A dashed line marks the cut-off, labelled e.g. ``> 169`` or ``≥ 169`` with the count
    meeting it.
    If ``probability`` maps scores to a probability in [0, 1], it is drawn (in %) on a
    secondary y axis over the whole HScore range 0–337. Missing scores are ignored.
    ``term`` names the score on the axis and in the legend: the study's word for it
    (:func:`score_term`), so the figure and the tables use one term.
    """
    if cutoff_operator not in CUTOFF_OPERATORS:
        raise ValueError(f"cutoff_operator {cutoff_operator!r} not in {list(CUTOFF_OPERATORS)}")
    values = pd.to_numeric(scores, errors="raise").dropna().to_numpy(float)
    lo, hi = HSCORE_RANGE
    outside = (values < lo) | (values > hi)
    if outside.any():
        raise ValueError(f"HScore values outside {lo}–{hi}: {sorted(values[outside].tolist())}")
    meets = meets_cutoff(values, cutoff, cutoff_operator)

    fig = new_figure(width, height)
    ax = fig.subplots()
    edges = np.arange(lo, hi + bin_width, bin_width)
    ax.hist(
        [values[meets], values[~meets]],
        bins=edges,
        stacked=True,
        color=[MEETS_COLOR, GREY_LIGHT],
        edgecolor="white",
        linewidth=0.5,
    )
    ax.axvline(cutoff, color="black", ls="--", lw=0.8, gid="cutoff")
    label = cutoff_label(cutoff, cutoff_operator)
    ax.text(
        cutoff,
        1.0,
        f" {label}",
        ha="left",
        va="top",
        fontsize=7,
        gid="cutoff-label",
        transform=blended_transform_factory(ax.transData, ax.transAxes),
    )
    ax.set_xlim(lo, hi)
    ax.set_xlabel(term)
    ax.set_ylabel("Patients")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, ax.get_ylim()[1] * 1.15)  # headroom for the cut-off label
    n, k = len(values), int(meets.sum())
    handles = [
        Patch(color=MEETS_COLOR, label=f"{term} {label} ({k}/{n})"),
        Patch(color=GREY_LIGHT, label=f"Not meeting cut-off ({n - k}/{n})"),
    ]

    if probability is not None:
        grid = np.arange(lo, hi + 1, dtype=float)
        prob = np.asarray(probability(grid), dtype=float)
        if prob.shape != grid.shape or not np.all((prob >= 0) & (prob <= 1)):
            raise ValueError("probability must map an array of scores to same-shape values in [0, 1]")
        ax2 = ax.twinx()
        ax2.plot(grid, 100 * prob, color=CURVE_COLOR, lw=1.2, gid="probability")
        ax2.set_ylim(0, 100)
        ax2.set_ylabel("HLH probability (%)", color=CURVE_COLOR)
        ax2.spines["right"].set_visible(True)
        ax2.spines["right"].set_color(CURVE_COLOR)
        ax2.tick_params(axis="y", colors=CURVE_COLOR)
        ax.set_zorder(ax2.get_zorder() + 1)  # bars above the curve
        ax.patch.set_visible(False)
        handles.append(Line2D([], [], color=CURVE_COLOR, lw=1.2, label="HLH probability"))
    fig.legend(handles=handles, loc="outside lower center", ncols=2)
    return fig
