"""Format-independent table model and its renderers (Markdown, LaTeX, DOCX, HTML, safe CSV),
journal presets for Word, and reStructuredText escaping for report captions.

Names are imported on first use (PEP 562), so importing one light submodule (e.g.
:mod:`retrocohort.render.rst` while the Snakefile is parsed) does not import pandas or docx.
"""

from importlib import import_module

_HOMES = {
    "neutralise_formula": "retrocohort.io.csv_safe",
    "safe_text_frame": "retrocohort.io.csv_safe",
    "to_docx_bytes": "retrocohort.render.docx",
    "write_docx": "retrocohort.render.docx",
    "to_html": "retrocohort.render.html",
    "standalone_document": "retrocohort.render.latex",
    "to_latex": "retrocohort.render.latex",
    "to_markdown": "retrocohort.render.markdown",
    "Footnote": "retrocohort.render.model",
    "Marked": "retrocohort.render.model",
    "Row": "retrocohort.render.model",
    "Table": "retrocohort.render.model",
    "PRESETS": "retrocohort.render.presets",
    "Preset": "retrocohort.render.presets",
    "get_preset": "retrocohort.render.presets",
    "rst_escape": "retrocohort.render.rst",
    "rst_escape_text": "retrocohort.render.rst",
    "rst_escape_tree": "retrocohort.render.rst",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str):
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    if name in {"docx", "html", "latex", "markdown", "model", "presets", "rst", "layout"}:
        return import_module(f"retrocohort.render.{name}")
    raise AttributeError(f"module 'retrocohort.render' has no attribute {name!r}")
