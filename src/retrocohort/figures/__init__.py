"""Publication figures: pure plotting functions (tidy DataFrame in, Figure out) and export.

Figures are built with :class:`matplotlib.figure.Figure` directly (no pyplot, no global
state) inside :func:`~retrocohort.figures.style.journal_style`; write them with
:func:`~retrocohort.figures.save.save_figure` for byte-reproducible PNG/SVG/PDF files.
"""

from importlib import import_module
from typing import Any

#: Each re-exported name's module, imported on first use (PEP 562): a step that needs one
#: figure module (or only :mod:`retrocohort.figures.labels`) does not import every plot's
#: matplotlib modules and the survival statistics behind the KM figure.
_HOMES = {
    "FULL_PAGE": "retrocohort.figures.style",
    "OKABE_ITO": "retrocohort.figures.style",
    "ONE_AND_HALF_COLUMN": "retrocohort.figures.style",
    "PAGE_HEIGHT": "retrocohort.figures.style",
    "SINGLE_COLUMN": "retrocohort.figures.style",
    "cohort_flow": "retrocohort.figures.flow",
    "hscore_distribution": "retrocohort.figures.hscore",
    "journal_style": "retrocohort.figures.style",
    "km_plot": "retrocohort.figures.survival",
    "save_figure": "retrocohort.figures.save",
    "slope_plot": "retrocohort.figures.paired",
    "swimmer_plot": "retrocohort.figures.swimmer",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'retrocohort.figures' has no attribute {name!r}")
