"""Format-independent table model, its renderers (Markdown, LaTeX, DOCX, HTML, Typst, safe CSV)
and the registry of table output formats (:mod:`retrocohort.render.formats`), journal presets
for Word, and reStructuredText escaping for report captions.

Names are imported on first use (PEP 562), so importing one light submodule (e.g.
:mod:`retrocohort.render.rst` while the Snakefile is parsed) does not import pandas or docx.
"""

from importlib import import_module

_HOMES = {
    "neutralise_formula": "retrocohort.io.csv_safe",
    "safe_text_frame": "retrocohort.io.csv_safe",
    "to_docx_bytes": "retrocohort.render.docx",
    "write_docx": "retrocohort.render.docx",
    "TABLE_FORMATS": "retrocohort.render.formats",
    "TableFormat": "retrocohort.render.formats",
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
    "to_typst": "retrocohort.render.typst",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str):
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    if name in {"docx", "formats", "html", "latex", "markdown", "model", "presets", "rst", "layout", "typst"}:
        return import_module(f"retrocohort.render.{name}")
    raise AttributeError(f"module 'retrocohort.render' has no attribute {name!r}")
