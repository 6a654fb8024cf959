"""The manuscript readers, keyed by file suffix: a file a journal sends -> the draft's text.

=============  ===========================================================================
suffix         reader
=============  ===========================================================================
.docx          :func:`retrocohort.audit.draft.read_docx.read_docx` (paragraphs, Word tables)
.pdf           :func:`retrocohort.audit.draft.read_pdf.read_pdf` (text layer, pdfplumber tables)
.xml, .nxml    :func:`retrocohort.audit.draft.read_jats.read_jats` (JATS: ``<p>``, ``<table-wrap>``)
.txt, .md      the text as pasted (read as is by :mod:`retrocohort.audit.draft.draft_text`)
=============  ===========================================================================

The structured readers yield a :class:`~retrocohort.audit.draft.document.Document`, written as
pasted text by :func:`~retrocohort.audit.draft.document.document_text`, so every format goes
through the same table and cell reading.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from retrocohort.audit.draft.document import Document, document_text
from retrocohort.audit.draft.read_docx import read_docx
from retrocohort.audit.draft.read_jats import read_jats
from retrocohort.audit.draft.read_pdf import read_pdf

READERS: dict[str, Callable[[Path], Document]] = {
    ".docx": read_docx,
    ".pdf": read_pdf,
    ".xml": read_jats,
    ".nxml": read_jats,
}
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text", "")


def manuscript_text(path: Path) -> str:
    """The text the draft reader reads from ``path``, by its suffix (see module docstring).

    Raises
    ------
    ValueError
        For a suffix no reader takes, naming the file and the suffixes accepted.
    """
    suffix = path.suffix.lower()
    if suffix in READERS:
        return document_text(READERS[suffix](path))
    if suffix in TEXT_SUFFIXES:
        return path.read_text(encoding="utf-8")
    accepted = ", ".join([*READERS, *[s for s in TEXT_SUFFIXES if s]])
    raise ValueError(f"{path}: no reader for {suffix!r} files; accepted: {accepted}")
