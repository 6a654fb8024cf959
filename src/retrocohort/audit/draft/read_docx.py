"""Read a Word manuscript (.docx): body paragraphs and real Word tables, in document order.

python-docx (https://python-docx.readthedocs.io) gives the body's ``w:p`` and ``w:tbl``
elements; a table's label is the paragraph just above it ("Table 2. Outcomes"), or just below
when none is above. A cell merged across columns or rows is repeated in each position it covers
(python-docx's ``row.cells``), so a group header spanning two columns heads both.
"""

from __future__ import annotations

from pathlib import Path

from retrocohort.audit.draft.document import Document, Table, clean_text, split_label


def _cells(row, header: bool) -> tuple[str, ...]:  # noqa: ANN001 - a docx.table._Row
    """A row's cell texts; a cell merged across columns (python-docx repeats it) is kept in each
    column of a ``header`` row, once in a body row (one value, not two)."""
    out, previous = [], None
    for cell in row.cells:
        same = previous is not None and cell._tc is previous._tc
        out.append("" if same and not header else clean_text(cell.text))
        previous = cell
    return tuple(out)


def header_rows(rows: list[tuple[str, ...]]) -> int:
    """How many leading rows are header rows: those with no statistic in any value cell (the
    first cell is the row label).

    >>> header_rows([("", "Survivors (n = 45)"), ("Age", "61 (52–70)"), ("Sex", "")])
    1
    """
    from retrocohort.audit.draft.cells import parse_cell

    for i, row in enumerate(rows):
        if any(parse_cell(c) is not None for c in row[1:]):
            return i
    return len(rows)


def attach_labels(parts: list[str | tuple[tuple[str, ...], ...]]) -> Document:
    """Paragraphs and tables (as row tuples) -> a :class:`Document` whose tables take the label
    paragraph just above them, or just below when none is above; a table with neither is the
    k-th table, "Table k" (journals number tables in order). Shared by the .docx and .pdf
    readers."""
    out: list[str | Table] = []
    unlabelled: set[int] = set()  # positions in ``out`` of tables that took no label from above
    for part in parts:
        prev = out[-1] if out else None
        if isinstance(part, str):
            label = split_label(part)
            if label and isinstance(prev, Table) and len(out) - 1 in unlabelled:
                out[-1] = Table(label[0], label[1], prev.header, prev.rows)
                unlabelled.discard(len(out) - 1)
            else:
                out.append(part)
            continue
        rows = list(part)
        k = header_rows(rows)
        above = split_label(prev) if isinstance(prev, str) else None
        if above:
            out.pop()
        else:
            unlabelled.add(len(out))
        label, caption = above or (f"Table {sum(isinstance(p, Table) for p in out) + 1}", "")
        out.append(Table(label, caption, tuple(rows[:k]), tuple(rows[k:])))
    return Document(tuple(out))


def read_docx(path: Path) -> Document:
    """The paragraphs and tables of the .docx file ``path`` (see module docstring)."""
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    parts: list[str | tuple[tuple[str, ...], ...]] = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = clean_text(Paragraph(element, document).text)
            if text:
                parts.append(text)
        elif tag == "tbl":
            rows = DocxTable(element, document).rows
            heads = header_rows([_cells(r, True) for r in rows])
            parts.append(tuple(_cells(r, i < heads) for i, r in enumerate(rows)))
    return attach_labels(parts)
