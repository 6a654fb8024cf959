"""What every manuscript reader yields: paragraphs and tables in reading order.

A :class:`Document` is the intermediate between a file a journal sends (.docx, .pdf, JATS XML,
pasted text) and the draft reader: its ``parts`` are paragraphs (one string each, lines of a
PDF joined) and :class:`Table` s (label line, caption, header rows, data rows as cells, footnotes).
:func:`document_text` writes it as the pasted-text layout :mod:`retrocohort.audit.draft.draft_text`
reads: blank-line separated paragraphs, each table as its label line, then its rows one per line
with cells separated by tabs (header rows first, merged column by column into groups with their
n by :func:`retrocohort.audit.draft.tables.merge_header`), then its footnotes. Two readers that
find the same paragraphs and cells therefore give the same text, and the same draft.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from retrocohort.audit.draft.draft_text import is_footnote

_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl"}


@dataclass(frozen=True)
class Table:
    """One table: ``label`` ("Table 2"), ``caption`` (the rest of the label line), ``header``
    rows and data ``rows`` as lists of cell texts (a merged cell repeated in every column it
    spans), ``footnotes`` (one string each)."""

    label: str
    caption: str = ""
    header: tuple[tuple[str, ...], ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    footnotes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    """A manuscript as ``parts`` in reading order: ``str`` paragraphs and :class:`Table` s."""

    parts: tuple[str | Table, ...] = field(default_factory=tuple)

    @property
    def tables(self) -> list[Table]:
        """The tables, in order."""
        return [p for p in self.parts if isinstance(p, Table)]


def clean_text(text: str) -> str:
    """One paragraph or cell as plain text: whitespace runs (line breaks, tabs, no-break spaces
    between words) collapsed to one space, typographic ligatures ("ﬁ") spelled out. Thin and
    narrow no-break spaces between digits stay (thousands separators, see
    :data:`retrocohort.audit.draft.cells.NUM`).

    >>> clean_text("Survivors\\n(n = 45) ﬁrst\\t  day")
    'Survivors (n = 45) first day'
    """
    for lig, plain in _LIGATURES.items():
        text = text.replace(lig, plain)
    text = re.sub(r"(?<=\d)[\u2009\u202f\u00a0](?=\d{3}\b)", "\u2009", text)
    return re.sub(r"[ \t\r\n\u00a0\u200b]+", " ", text).strip()


_LABEL = re.compile(r"^\s*((?:Table|TABLE)\s+(?:[0-9]+|[IVXL]+))\s*[.:]?\s*(.*)$", re.S)


def split_label(text: str) -> tuple[str, str] | None:
    """("Table 2", caption) of a table's label paragraph ("Table 2. Outcomes at day 28."), None
    when ``text`` is not one.

    >>> split_label("Table 2. Outcomes."), split_label("Tables are below.")
    (('Table 2', 'Outcomes.'), None)
    """
    m = _LABEL.match(clean_text(text))
    return (m.group(1), m.group(2).strip()) if m else None


def _row(cells: tuple[str, ...]) -> str:
    cells = tuple(clean_text(c) for c in cells)
    while cells and not cells[-1]:
        cells = cells[:-1]
    return "\t".join(cells)


def _note(text: str) -> str:
    """A table footnote as the reader's text: "Note: " before it unless it already opens like one
    (:func:`~retrocohort.audit.draft.draft_text.is_footnote`: a marker, "Note", ...)."""
    return text if is_footnote(text) else f"Note: {text}"


def document_text(doc: Document) -> str:
    """``doc`` as the pasted-text layout of the draft reader (see module docstring).

    >>> t = Table("Table 1", "Ages.", (("", "Survivors (n = 45)"),), (("Age, median (IQR)", "61 (52–70)"),))
    >>> document_text(Document(("Results", t))).replace(chr(9), " | ").splitlines()
    ['Results', '', 'Table 1. Ages.', '', ' | Survivors (n = 45)', '|---|', 'Age, median (IQR) | 61 (52–70)']
    """
    chunks: list[str] = []
    for part in doc.parts:
        if isinstance(part, Table):
            chunks.append(f"{part.label}. {clean_text(part.caption)}".strip())
            head = [r for r in (_row(c) for c in part.header) if r.strip()]
            body = [r for r in (_row(c) for c in part.rows) if r.strip()]
            # a separator closes the header rows the format marks (JATS <thead>), so a body row
            # with no number ("Age" over its bands "<1 year", ">1 year") is a section, not a header
            rows = [*head, "|---|", *body] if head and body else [*head, *body]
            if rows:
                chunks.append("\n".join(rows))
            # each footnote opens like one ("Note:" added when not), so the draft reader knows it for
            # the table's own note, whatever its first words ("Results of multivariate Cox ...")
            chunks.extend(_note(clean_text(f)) for f in part.footnotes if clean_text(f))
        elif clean_text(part):
            chunks.append(clean_text(part))
    return "\n\n".join(chunks) + "\n"
