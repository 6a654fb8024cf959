"""Write one formatted table in every manuscript format (one home for the set of formats)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from retrocohort.io.tabular import atomic_write_bytes, write_text
from retrocohort.render.docx import to_docx_bytes
from retrocohort.render.html import to_html
from retrocohort.render.latex import to_latex
from retrocohort.render.markdown import to_markdown
from retrocohort.render.model import Table

#: The manuscript formats every table is written in.
FORMATS = ("md", "tex", "html", "docx")


def write_table_formats(table: Table, paths: Mapping[str, str | Path], preset: str = "ama") -> None:
    """``table`` as Markdown, LaTeX (longtable), HTML and Word (``paths`` keyed by :data:`FORMATS`).

    ``preset`` is the journal style of the Word table (:mod:`retrocohort.render.presets`); its
    orientation (portrait or landscape) follows from the content (:func:`render.layout.plan_table`).
    """
    write_text(paths["md"], to_markdown(table))
    write_text(paths["tex"], to_latex(table))
    write_text(paths["html"], to_html(table))
    atomic_write_bytes(paths["docx"], to_docx_bytes([table], preset=preset))
