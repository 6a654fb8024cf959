"""Annotations added to a finished table: rows whose regenerated value disagrees with the value the
paper printed carry a superscript mark on their label and one footnote that names the published
values and points to the audit, so a reader sees the disagreement in the table itself."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from retrocohort.render.model import Footnote, Marked, Table, split_mark

DISAGREEMENT_MARK = "‡"


def _add_mark(cell: str, mark: str) -> Marked:
    """``cell`` with ``mark`` appended to its superscript (``"Age"`` -> ``"Age‡"``, ``"Age†"`` ->
    ``"Age†‡"``)."""
    body, existing, _ = split_mark(cell)
    return Marked(body, existing + mark)


def mark_published_disagreements(
    table: Table, published: Mapping[int, str], audit: str, *, mark: str = DISAGREEMENT_MARK
) -> Table:
    """A copy of ``table`` whose body rows ``published`` (0-based row index -> the value as the paper
    printed it) carry ``mark`` on their label, plus one footnote such as "‡ Differs from the
    published value (published: 13 (62%) for Gender (male)); see results/audit/audit.md."

    Unchanged when ``published`` is empty.

    Raises
    ------
    ValueError
        For a row index outside the table or a section row (it has no value to compare).
    """
    if not published:
        return table
    rows = list(table.rows)
    details = []
    for index in sorted(published):
        if not 0 <= index < len(rows) or rows[index].section:
            kind = "a section row" if 0 <= index < len(rows) else "outside the table"
            raise ValueError(
                f"table {table.label!r}: row {index} is {kind}; cannot mark a published "
                f"disagreement there (rows: {len(rows)})"
            )
        row = rows[index]
        label = split_mark(row.cells[0])[0]
        details.append(f"{published[index]} for {label}")
        rows[index] = replace(row, cells=[_add_mark(row.cells[0], mark), *row.cells[1:]])
    note = Footnote(mark, f"Differs from the published value (published: {'; '.join(details)}); see {audit}.")
    return replace(table, rows=rows, footnotes=[*table.footnotes, note])
