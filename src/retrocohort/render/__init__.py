"""Format-independent table model and its renderers (Markdown, LaTeX, DOCX, HTML, safe CSV)."""

from retrocohort.io.csv_safe import neutralise_formula, safe_text_frame
from retrocohort.render.docx import to_docx_bytes, write_docx
from retrocohort.render.html import to_html
from retrocohort.render.latex import standalone_document, to_latex
from retrocohort.render.markdown import to_markdown
from retrocohort.render.model import Row, Table

__all__ = [
    "Row",
    "Table",
    "neutralise_formula",
    "safe_text_frame",
    "standalone_document",
    "to_docx_bytes",
    "to_html",
    "to_latex",
    "to_markdown",
    "write_docx",
]
