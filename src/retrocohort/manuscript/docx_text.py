"""Manuscript text (the Markdown this package writes) as a Word document, byte-identical
across runs.

Supported Markdown: ``#``/``##``/``###`` headings, paragraphs separated by blank lines (lines of
one paragraph joined with a space), ``**bold**`` and ``*italic*`` runs; HTML comments are
dropped. Typography (font, size) and the paper (portrait, the preset's
:attr:`~retrocohort.render.presets.Preset.page_cm` and margins) come from the journal preset of
the tables (:mod:`retrocohort.render.presets`), so Results, methods and tables share one page size; determinism from :mod:`retrocohort.render.docx` (fixed core
properties, normalised zip).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph

from retrocohort.io.atomic import atomic_write_bytes
from retrocohort.manuscript.template import strip_comments
from retrocohort.render.docx import _fix_metadata, normalise_zip, set_page
from retrocohort.render.presets import Preset, get_preset

HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
EMPHASIS = re.compile(r"(\*\*[^*]+\*\*|\*[^*\s][^*]*\*)")


def markdown_blocks(text: str) -> list[tuple[int, str]]:
    """``(level, text)`` per block of ``text`` (comments dropped): level 1-3 for a heading, 0 for
    a paragraph."""
    blocks: list[tuple[int, str]] = []
    for chunk in re.split(r"\n\s*\n", strip_comments(text)):
        lines = [line.strip() for line in chunk.strip().splitlines() if line.strip()]
        if not lines:
            continue
        heading = HEADING.match(lines[0])
        if heading:
            blocks.append((len(heading.group(1)), heading.group(2).strip()))
            lines = lines[1:]
        if lines:
            blocks.append((0, " ".join(lines)))
    return blocks


def _add_runs(paragraph: Paragraph, text: str, size_pt: float) -> None:
    for part in EMPHASIS.split(text):
        if not part:
            continue
        bold, italic = part.startswith("**") and part.endswith("**"), False
        if bold:
            part = part[2:-2]
        elif part.startswith("*") and part.endswith("*") and len(part) > 1:
            italic, part = True, part[1:-1]
        run = paragraph.add_run(part)
        run.bold, run.italic = bold or None, italic or None
        run.font.size = Pt(size_pt)


def _set_text_styles(doc: DocumentObject, style: Preset) -> None:
    """Body and headings 1-3 in the preset's font, black (not the template's blue theme font)."""
    normal = doc.styles["Normal"]
    normal.font.name = style.font
    normal.font.size = Pt(style.title_pt)  # running text at the caption size
    for level, extra_pt in ((1, 4), (2, 2), (3, 1)):
        heading = doc.styles[f"Heading {level}"]
        heading.font.name = style.font
        heading.font.size = Pt(style.title_pt + extra_pt)
        heading.font.color.rgb = RGBColor(0, 0, 0)
        fonts = heading.element.rPr.rFonts
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)


def text_docx_bytes(markdown: str, title: str, preset: str) -> bytes:
    """Deterministic DOCX bytes of ``markdown`` (see the module docstring for the syntax), in the
    study's journal style ``preset`` (``tables.preset``)."""
    style = get_preset(preset)
    doc = Document()
    set_page(doc.sections[0], False, style)  # the tables' paper (python-docx's template: Letter)
    _set_text_styles(doc, style)
    for level, text in markdown_blocks(markdown):
        if level:
            doc.add_heading(text, level=level)
        else:
            _add_runs(doc.add_paragraph(), text, style.title_pt)
    _fix_metadata(doc, title)
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalise_zip(buffer.getvalue())


def write_text_docx(markdown: str, path: str | Path, title: str, preset: str) -> Path:
    """Write :func:`text_docx_bytes` to ``path`` atomically; return the path."""
    atomic_write_bytes(path, text_docx_bytes(markdown, title, preset))
    return Path(path)
