"""Format-independent table model and its renderers (Markdown, LaTeX, DOCX, HTML, safe CSV),
journal presets for Word, and reStructuredText escaping for report captions."""

from retrocohort.io.csv_safe import neutralise_formula, safe_text_frame
from retrocohort.render.docx import to_docx_bytes, write_docx
from retrocohort.render.html import to_html
from retrocohort.render.latex import standalone_document, to_latex
from retrocohort.render.markdown import to_markdown
from retrocohort.render.model import Footnote, Marked, Row, Table
from retrocohort.render.presets import PRESETS, Preset, get_preset
from retrocohort.render.rst import rst_escape, rst_escape_tree

__all__ = [
    "PRESETS",
    "Footnote",
    "Marked",
    "Preset",
    "Row",
    "Table",
    "get_preset",
    "neutralise_formula",
    "rst_escape",
    "rst_escape_tree",
    "safe_text_frame",
    "standalone_document",
    "to_docx_bytes",
    "to_html",
    "to_latex",
    "to_markdown",
    "write_docx",
]
