"""Publication figures: pure plotting functions (tidy DataFrame in, Figure out) and export.

Figures are built with :class:`matplotlib.figure.Figure` directly (no pyplot, no global
state) inside :func:`~retrocohort.figures.style.journal_style`; write them with
:func:`~retrocohort.figures.save.save_figure` for byte-reproducible PNG/SVG/PDF files.
"""

from retrocohort.figures.flow import cohort_flow
from retrocohort.figures.hscore import hscore_distribution
from retrocohort.figures.paired import slope_plot
from retrocohort.figures.save import save_figure
from retrocohort.figures.style import (
    FULL_PAGE,
    OKABE_ITO,
    ONE_AND_HALF_COLUMN,
    PAGE_HEIGHT,
    SINGLE_COLUMN,
    journal_style,
)
from retrocohort.figures.survival import km_plot
from retrocohort.figures.swimmer import swimmer_plot

__all__ = [
    "FULL_PAGE",
    "OKABE_ITO",
    "ONE_AND_HALF_COLUMN",
    "PAGE_HEIGHT",
    "SINGLE_COLUMN",
    "cohort_flow",
    "hscore_distribution",
    "journal_style",
    "km_plot",
    "save_figure",
    "slope_plot",
    "swimmer_plot",
]
