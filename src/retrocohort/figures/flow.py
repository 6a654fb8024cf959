"""CONSORT-like cohort flow diagram drawn with matplotlib patches.

Layout is computed in inches (the single axes spans the figure with data units = inches,
y pointing down), so box heights follow the wrapped text and the figure height follows
the boxes.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from retrocohort.cohort.matched_flow import MatchedStep, WeightedStep
from retrocohort.figures.exclusion import exclusion_reasons
from retrocohort.figures.style import GREY_DARK, SINGLE_COLUMN, styled
from retrocohort.format.words import with_subjects_noun

REQUIRED_COLUMNS = ("step", "label", "n_in", "n_excluded", "n_out", "reason")
FONT_SIZE = 7.0
LINE_HEIGHT = FONT_SIZE * 1.25 / 72  # inches
CHAR_WIDTH = FONT_SIZE * 0.58 / 72  # average DejaVu Sans glyph width, inches
PAD = 0.07  # inner box padding, inches
MARGIN = 0.04
V_GAP = 0.22  # minimum vertical gap between main boxes, inches
SAMPLE_GUTTER = 0.16  # left of the main column with several samples: their connectors, inches


@dataclass(frozen=True)
class Box:
    """A text box in figure inches (top-left corner, y down)."""

    x: float
    y: float
    w: float
    lines: tuple[str, ...]
    kind: str  # "main" or "exclusion"

    @property
    def h(self) -> float:
        return len(self.lines) * LINE_HEIGHT + 2 * PAD


def check_flow(steps: pd.DataFrame) -> pd.DataFrame:
    """Return steps sorted by ``step``; raise ``ValueError`` if the counts do not add up."""
    missing = [c for c in REQUIRED_COLUMNS if c not in steps.columns]
    if missing:
        raise ValueError(f"flow steps lack column(s) {missing}")
    s = steps.sort_values("step").reset_index(drop=True)
    problems = [
        f"step {r.step}: n_in {r.n_in} - n_excluded {r.n_excluded} != n_out {r.n_out}"
        for r in s.itertuples()
        if r.n_in - r.n_excluded != r.n_out
    ]
    problems += [
        f"step {b.step}: n_in {b.n_in} != n_out {a.n_out} of step {a.step}"
        for a, b in zip(s.iloc[:-1].itertuples(), s.iloc[1:].itertuples(), strict=True)
        if a.n_out != b.n_in
    ]
    if problems:
        raise ValueError("inconsistent cohort flow: " + "; ".join(problems))
    return s


def _wrap(text: str, width_in: float) -> list[str]:
    return textwrap.wrap(text, max(8, int((width_in - 2 * PAD) / CHAR_WIDTH))) or [""]


def _exclusion_lines(row: pd.Series, width_in: float) -> tuple[str, ...]:
    """``Excluded (n = N):`` then one bullet per reason, in words (see :func:`exclusion_reasons`)."""
    n = int(row["n_excluded"])
    n_missing = row.get("n_excluded_missing")
    reasons = exclusion_reasons(
        row["label"], row["reason"], n, int(n_missing) if pd.notna(n_missing) else None
    )
    lines = [f"Excluded (n = {n:,}){':' if reasons else ''}"]
    for r in reasons:
        wrapped = _wrap(r, width_in - 0.08)
        lines += [f"• {wrapped[0]}", *(f"   {w}" for w in wrapped[1:])]
    return tuple(lines)


def layout_flow(
    steps: pd.DataFrame, width: float, final_label: str, matched: Sequence[MatchedStep | WeightedStep] = ()
) -> tuple[list[Box], float]:
    """Boxes (main column left, exclusions right) and the total height in inches.

    When nobody is excluded (a study without selection criteria has the one flow row
    :data:`retrocohort.cohort.selection.EVERYONE`), there is no exclusion box and the main
    column is centred. Each ``matched`` step (a propensity-score matching, or a weighting: a
    :class:`~retrocohort.cohort.matched_flow.WeightedStep`) adds, below the analysed cohort and
    in declared order, the patients left out (side box, by reason; always for a matching) and the
    sample's box; from the second sample on, its box is of kind ``sample`` (each sample is drawn
    from the analysed cohort: :func:`cohort_flow` connects it to that box along a left gutter).
    """
    s = check_flow(steps)
    gutter = SAMPLE_GUTTER if len(matched) > 1 else 0.0
    main_w = 0.5 * (width - 2 * MARGIN) - gutter
    side_x = MARGIN + gutter + main_w + 0.22
    left = (s["n_excluded"] > 0).any() or any(m.n_left_out > 0 for m in matched)
    main_x = MARGIN + gutter if left else (width - main_w) / 2
    side_w = width - MARGIN - side_x
    texts = [(r.label, r.n_in) for r in s.itertuples()] + [(final_label, int(s["n_out"].iloc[-1]))]
    boxes: list[Box] = []
    y = MARGIN
    for i, (label, n) in enumerate(texts):
        main = Box(main_x, y, main_w, (*_wrap(str(label), main_w), f"(n = {n:,})"), "main")
        boxes.append(main)
        y += main.h
        if i == len(s):
            break
        row = s.iloc[i]
        gap = V_GAP
        if row["n_excluded"] > 0:
            side_lines = _exclusion_lines(row, side_w)
            side_h = len(side_lines) * LINE_HEIGHT + 2 * PAD
            gap = max(V_GAP, side_h + 2 * 0.08)
            boxes.append(Box(side_x, y + (gap - side_h) / 2, side_w, side_lines, "exclusion"))
        y += gap
    for k, step in enumerate(matched):  # below the analysed cohort: who was left out, then the sample
        gap = V_GAP
        if isinstance(step, MatchedStep) or step.n_left_out:
            title = "Unmatched" if isinstance(step, MatchedStep) else "Not weighted"
            side_lines = _side_lines(title, step.n_left_out, step.reasons(), side_w)
            side_h = len(side_lines) * LINE_HEIGHT + 2 * PAD
            gap = max(V_GAP, side_h + 2 * 0.08)
            kind = "exclusion" if k == 0 else "sample_exclusion"  # the latter: from the gutter
            boxes.append(Box(side_x, y + (gap - side_h) / 2, side_w, side_lines, kind))
        y += gap
        lines = [line for text in step.main_lines() for line in _wrap(text, main_w)]
        main = Box(main_x, y, main_w, (*lines, f"(n = {step.n_matched:,})"), "main" if k == 0 else "sample")
        boxes.append(main)
        y += main.h
    return boxes, y + MARGIN


def _side_lines(title: str, n: int, reasons: list[str], width_in: float) -> tuple[str, ...]:
    """``<title> (n = N):`` then one bullet per reason, wrapped to the side box."""
    lines = _wrap(f"{title} (n = {n:,}):", width_in)
    for r in reasons:
        wrapped = _wrap(r, width_in - 0.08)
        lines += [f"• {wrapped[0]}", *(f"   {w}" for w in wrapped[1:])]
    return tuple(lines)


@styled
def cohort_flow(
    steps: pd.DataFrame,
    *,
    final_label: str = "Included in the analysis",
    width: float = SINGLE_COLUMN,
    matched: Sequence[MatchedStep | WeightedStep] = (),
    subjects: Mapping[str, str] | None = None,
) -> Figure:
    """Flow diagram: one box per step (label, n_in), exclusion boxes to the side, final n_out.

    ``steps`` has columns step, label, n_in, n_excluded, n_out, reason and optionally
    n_excluded_missing (as written by :func:`retrocohort.cohort.selection.apply_selection`).
    Exclusion boxes say what was excluded: an inclusion rule in ``reason`` is negated in words,
    other text is shown as is (``;`` separates several reasons). Counts must chain (see
    :func:`check_flow`). ``matched``: the matched sample of each propensity-score matching
    below the analysed cohort, with the patients left unmatched counted by reason
    (:func:`retrocohort.cohort.matched_flow.matched_step`). ``subjects``: the study's
    ``study.subjects_noun``, in which the boxes' "patient(s)" are written
    (:func:`retrocohort.format.words.with_subjects_noun`).
    """
    if subjects:
        steps = steps.assign(
            label=steps["label"].map(lambda t: with_subjects_noun(str(t), subjects)),
            reason=steps["reason"].map(
                lambda t: with_subjects_noun(t, subjects) if isinstance(t, str) else t
            ),
        )
        final_label = with_subjects_noun(final_label, subjects)
    boxes, height = layout_flow(steps, width, final_label, matched)
    fig = Figure(figsize=(width, height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.set_axis_off()
    mains = [b for b in boxes if b.kind == "main"]
    for b in boxes:
        _draw_box(ax, b)
    for upper, lower in zip(mains[:-1], mains[1:], strict=True):
        _arrow(ax, (upper.x + upper.w / 2, upper.y + upper.h), (lower.x + lower.w / 2, lower.y))
    for b in boxes:
        if b.kind == "exclusion":
            x = mains[0].x + mains[0].w / 2
            _arrow(ax, (x, b.y + b.h / 2), (b.x, b.y + b.h / 2))
    analysed = mains[len(check_flow(steps))]  # the analysed cohort: every sample is drawn from it
    x_gutter = analysed.x - SAMPLE_GUTTER / 2
    for b in boxes:  # a second, third ... sample: from the analysed cohort along the left gutter
        if b.kind == "sample_exclusion":  # its patients left out, from the same gutter
            _arrow(ax, (x_gutter, b.y + b.h / 2), (b.x, b.y + b.h / 2))
        if b.kind == "sample":
            y_from = analysed.y + analysed.h / 2
            ax.plot(
                [analysed.x, x_gutter, x_gutter], [y_from, y_from, b.y + b.h / 2], color=GREY_DARK, lw=0.7
            )
            _arrow(ax, (x_gutter, b.y + b.h / 2), (b.x, b.y + b.h / 2))
    return fig


def _draw_box(ax: Axes, b: Box) -> None:
    main = b.kind in ("main", "sample")
    ax.add_patch(
        FancyBboxPatch(
            (b.x, b.y),
            b.w,
            b.h,
            boxstyle="square,pad=0",
            facecolor="white",
            edgecolor=GREY_DARK,
            lw=0.8 if main else 0.6,
            gid=f"{b.kind}-box",
        )
    )
    ax.text(
        b.x + b.w / 2 if main else b.x + PAD,
        b.y + b.h / 2,
        "\n".join(b.lines),
        ha="center" if main else "left",
        va="center",
        fontsize=FONT_SIZE,
        linespacing=1.25,
        multialignment="center" if main else "left",
    )


def _arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float]) -> None:
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=7,
            lw=0.7,
            color=GREY_DARK,
            shrinkA=0,
            shrinkB=0,
            gid="flow-arrow",
        )
    )
