"""Shared journal style: Okabe–Ito palette, rcParams, column widths and figure factory.

Every plotting function in :mod:`retrocohort.figures` builds its figure inside
:func:`journal_style` (via :func:`styled`) and :func:`retrocohort.figures.save.save_figure`
renders inside it too, because matplotlib reads some rcParams lazily at draw time
(tick labels, font embedding, SVG ids).

Font embedding choices:

* ``pdf.fonttype = ps.fonttype = 42``: TrueType (Type 42) fonts are embedded, so text stays
  selectable/editable for journal production and no Type 3 bitmap-ish fonts are produced.
* ``svg.fonttype = "path"``: glyphs are written as ``<path>`` outlines taken from the DejaVu Sans
  file shipped inside the pinned matplotlib wheel (rendered by its bundled FreeType). The bytes
  therefore depend only on the locked matplotlib version and never on the fonts installed on
  the viewing or building machine, and the figure looks identical everywhere. ``"none"`` would
  emit ``<text font-family=...>`` whose appearance depends on the reader's installed fonts.
* ``svg.hashsalt`` is fixed so the ids of clip paths and glyph definitions are deterministic.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

import matplotlib as mpl
import numpy as np
from cycler import cycler
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

# Okabe & Ito (2008) colour-universal-design palette.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
#: Order used for categorical series (yellow last: poor contrast on white).
CATEGORICAL: tuple[str, ...] = tuple(
    OKABE_ITO[k]
    for k in ("blue", "orange", "bluish_green", "vermillion", "reddish_purple", "sky_blue", "black", "yellow")
)
#: Neutral greys for individual-level data and annotations.
GREY_LIGHT = "#BBBBBB"
GREY = "#808080"
GREY_DARK = "#404040"
#: Sequential colour map for densities (perceptually uniform, colour-vision-deficiency safe).
DENSITY_CMAP = "cividis"

# Journal column widths in inches.
SINGLE_COLUMN = 3.5
ONE_AND_HALF_COLUMN = 5.5
FULL_PAGE = 7.2
#: Maximum figure height in inches (a full page of text area, leaving room for the legend).
PAGE_HEIGHT = 9.0

SVG_HASHSALT = "retrocohort"

RC_PARAMS: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 8,
    "axes.titlesize": 8,
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "legend.title_fontsize": 7,
    "figure.titlesize": 9,
    "mathtext.default": "regular",
    "axes.linewidth": 0.6,
    "axes.edgecolor": GREY_DARK,
    "axes.labelcolor": "black",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlelocation": "left",
    "axes.titlepad": 4.0,
    "axes.prop_cycle": cycler(color=list(CATEGORICAL)),
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "xtick.minor.width": 0.4,
    "ytick.minor.width": 0.4,
    "xtick.major.size": 3.0,
    "ytick.major.size": 3.0,
    "xtick.minor.size": 1.8,
    "ytick.minor.size": 1.8,
    "xtick.color": GREY_DARK,
    "ytick.color": GREY_DARK,
    "lines.linewidth": 1.0,
    "lines.markersize": 4.0,
    "patch.linewidth": 0.6,
    "hatch.linewidth": 0.5,
    "legend.frameon": False,
    "legend.handlelength": 1.6,
    "figure.facecolor": "white",
    "figure.dpi": 100,
    "figure.constrained_layout.h_pad": 0.03,
    "figure.constrained_layout.w_pad": 0.03,
    "savefig.dpi": 300,
    "savefig.facecolor": "white",
    "savefig.bbox": None,  # keep the exact journal width
    "image.cmap": DENSITY_CMAP,
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "svg.fonttype": "path",
    "svg.hashsalt": SVG_HASHSALT,
}

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def journal_style(overrides: Mapping[str, Any] | None = None) -> Iterator[None]:
    """Temporarily apply :data:`RC_PARAMS` (plus ``overrides``) via ``matplotlib.rc_context``."""
    with mpl.rc_context({**RC_PARAMS, **(overrides or {})}):
        yield


def styled(func: Callable[P, R]) -> Callable[P, R]:
    """Decorator: run a figure-building function inside :func:`journal_style`."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with journal_style():
            return func(*args, **kwargs)

    return wrapper


def new_figure(width: float = SINGLE_COLUMN, height: float = 2.6) -> Figure:
    """A pyplot-free :class:`~matplotlib.figure.Figure` with constrained layout (size in inches)."""
    return Figure(figsize=(width, height), layout="constrained")


def width_for_columns(ncols: int) -> float:
    """Journal width that fits ``ncols`` side-by-side panels."""
    return SINGLE_COLUMN if ncols <= 1 else ONE_AND_HALF_COLUMN if ncols == 2 else FULL_PAGE


def categorical_colors(keys: Iterable[Any]) -> dict[Any, str]:
    """Map the sorted unique ``keys`` onto the categorical Okabe–Ito colours (cycling)."""
    unique = sorted(set(keys))
    return {k: CATEGORICAL[i % len(CATEGORICAL)] for i, k in enumerate(unique)}


def plain_number(value: float, _pos: object = None) -> str:
    """Tick label without scientific notation: ``0.5``, ``20``, ``10,000``."""
    return f"{value:,.0f}" if value >= 1 else f"{value:g}"


def log_ticks(axis: Axis) -> None:
    """Log axis with plain-number labels; 1-2-5 majors when the range spans few decades."""
    lo, hi = sorted(axis.get_view_interval())
    decades = np.log10(hi / lo) if lo > 0 else np.inf
    axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0) if decades <= 2.5 else (1.0,)))
    axis.set_minor_locator(LogLocator(base=10, subs=np.arange(2, 10) * 1.0))
    axis.set_major_formatter(FuncFormatter(plain_number))
    axis.set_minor_formatter(NullFormatter())
