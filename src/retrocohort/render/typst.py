"""Typst ``#table`` in a ``#figure`` (three horizontal rules, no vertical ones), compilable alone
(``typst compile table1.typ``) or included in a document (``#include "table1.typ"``).

Layout: the title is the figure's caption above the table. A title that carries its own number
("Table 2. Patients' ...") keeps it (the figure's numbering prints "2"), so the output reads
"Table 2. Patients' ..." and ``@tab:...`` gives "Table 2"; other titles are numbered by Typst.
The table has a heavy rule above and below and a thin one under the header (``table.header``,
repeated on each page: the figure may break across pages); the page (A4, turned for a wide
table), the body size and the column widths are those of the LaTeX table
(:func:`retrocohort.render.layout.plan_table`); column 0 and text columns are flush
left, the others centred (:attr:`~retrocohort.render.model.Table.alignments`); indentation is
``#h(1em);`` per level; a section heading spans the table; bold cells (p below the table's
threshold) are ``#strong``; marks are ``#super``. Footnotes follow the figure, one paragraph
each, in a smaller font. Every style sits inside one content block (``#[ ... ]``), so none
leaks into a document that includes the file (the table starts a page of its own there).

Text is escaped by :func:`escape`: it prints as written, never as Typst markup.

References
----------
Typst reference, "table", "figure" and "Syntax: markup mode, escape sequences"
(https://typst.app/docs/reference/).
"""

from __future__ import annotations

import re

from retrocohort.render.latex import LATEX_PRESET
from retrocohort.render.layout import CELL_PADDING_PT, keep_relations, keep_whole, plan_table
from retrocohort.render.model import Row, Table, split_title, with_mark

INDENT = "#h(1em);"  # `;` ends the code: text after it, e.g. "(a)", is no call
HEAVY_RULE = "1pt"
RULE = "0.5pt"
#: Typst's New Computer Modern is the Latin Modern of the LaTeX tables: the same layout plan.
FONT = "New Computer Modern"
PRESET = LATEX_PRESET
#: Characters with a meaning anywhere in Typst markup (code, math, strong, emphasis, raw,
#: label, reference, content block, non-breaking space, comment, shorthand, smart quote):
#: each is preceded by a backslash.
_SPECIAL = re.compile(r"([\\#$*_`@<>\[\]~/\-'\"])")
#: Shorthand "..." (an ellipsis), and the marker of a heading, list or enumeration (``=``,
#: ``+``, ``1.`` before a space) at the start of a line (which the start of a cell is).
_ELLIPSIS = re.compile(r"\.(?=\.)|(?<=\.)\.")
_LINE_START = re.compile(r"^(\s*)(=+|\+|\d+\.)(?=\s|$)", re.MULTILINE)
_NUMBER_RE = re.compile(r"Table\s+(\S+?)\.?")


def escape(text: str) -> str:
    r"""``text`` as Typst markup that prints it literally.

    A backslash goes before ``\ # $ * _ ` @ < > [ ] ~ / - ' "`` (so ``$...$`` is no formula,
    ``//`` no comment, ``--`` no dash, ``'`` no curly quote), before each dot of ``..`` (no
    ellipsis) and before a heading, list or enumeration marker (``=``, ``+``, ``1.`` followed
    by a space) that starts a line; a newline becomes ``#linebreak();`` (the ``;`` ends the
    code, so text after it is never read as its arguments).

    >>> escape("p < 0.05 for #1 *and* $2")
    'p \\< 0.05 for \\#1 \\*and\\* \\$2'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPECIAL.sub(r"\\\1", text)
    text = _ELLIPSIS.sub(r"\\.", text)
    text = _LINE_START.sub(lambda m: m.group(1) + _escape_marker(m.group(2)), text)
    return text.replace("\n", "#linebreak();")


def _escape_marker(marker: str) -> str:
    r"""``=`` -> ``\=``, ``==`` -> ``\==``, ``+`` -> ``\+``, ``12.`` -> ``12\.``."""
    return marker[:-1] + r"\." if marker.endswith(".") else rf"\{marker}"


def _string(text: str) -> str:
    """A Typst string literal: ``"..."`` with backslashes and double quotes escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _marked(text: str, cell: bool = False, note: bool = False) -> str:
    """Escaped text with its mark (test letter, dagger, footnote letter) as ``#super``; in a table
    ``cell``, no line break inside a value (:func:`~retrocohort.render.layout.keep_whole`), in a
    ``note`` nor inside a comparison (:func:`~retrocohort.render.layout.keep_relations`)."""

    def body(part: str) -> str:
        part = keep_relations(part) if note else part
        return escape(keep_whole(part) if cell else part)

    return with_mark(text, body, lambda mark: f"#super[{mark}];")


def _content(text: str, bold: bool = False, indent: int = 0, note: bool = False) -> str:
    """A content block ``[...]`` of a table cell: the escaped text (never broken inside a value),
    in ``#strong`` if bold, after its indent; a ``note`` is never broken inside a comparison
    such as "p < 0.05" either (:func:`~retrocohort.render.layout.keep_relations`)."""
    body = _marked(text, cell=True, note=note)
    if bold and body:
        body = f"#strong[{body}]"
    return f"[{INDENT * indent}{body}]"


def _row_lines(row: Row, width: int) -> list[str]:
    if row.section and width > 1:  # a heading spanning the table
        heading = _content(row.cells[0], row.is_bold(0), row.indent)
        return [f"table.cell(colspan: {width}){heading},"]
    cells = [
        _content(text, row.is_bold(i), row.indent if i == 0 else 0)
        for i, text in enumerate(row.padded(width))
    ]
    return [", ".join(cells) + ","]


def _caption(table: Table) -> list[str]:
    """The figure's numbering and caption: a numbered title keeps its number."""
    label, rest = split_title(table.title)
    match = _NUMBER_RE.fullmatch(label) if label else None
    numbering = [f"numbering: _ => {_string(match.group(1))},"] if match else []
    caption = escape(rest if match else table.title)
    return [*numbering, f"caption: figure.caption(position: top, separator: [. ])[{caption}],"]


def _page(landscape: bool) -> str:
    """The page of the table: A4 with the margins of the layout plan, turned for a wide table."""
    flipped = "true" if landscape else "false"
    return f'#set page(paper: "a4", margin: {PRESET.margin_cm:g}cm, flipped: {flipped})'


def to_typst(table: Table) -> str:
    """Render ``table`` as a Typst figure holding a ``table`` with a header row, the column
    alignments, bold cells and marks of the other formats, labelled ``<table.label>``, followed
    by its footnotes; all inside one content block. Ends with a newline.

    Page orientation, body size and column widths come from
    :func:`retrocohort.render.layout.plan_table` with the LaTeX tables' preset (the same font
    family), so a table is laid out as its LaTeX and Word versions are.
    """
    plan = plan_table(table, PRESET)
    table = plan.table  # its header possibly abbreviated (render.layout.abbreviate_header)
    align = ", ".join(table.alignments)
    widths = ", ".join(f"{width:.1f}pt" for width in plan.widths_pt)
    header = ", ".join(_content(c) for c in table.columns) + ","
    lines = [
        "#[",
        _page(plan.landscape),
        "#show figure: set block(breakable: true)",
        "#show figure: set align(left)",
        "#show figure.caption: set align(left)",
        f'#set text(font: "{FONT}", size: {plan.body_pt:g}pt)',
        "#figure(",
        "  kind: table,",
        "  supplement: [Table],",
        *(f"  {line}" for line in _caption(table)),
        "  table(",
        f"    columns: ({widths},),",
        f"    align: ({align},),",
        "    stroke: none,",
        f"    inset: (x: {CELL_PADDING_PT / 2:g}pt, y: 3pt),",
        "    table.header(",
        f"      table.hline(stroke: {HEAVY_RULE}),",
        f"      {header}",
        f"      table.hline(stroke: {RULE}),",
        "    ),",
        *(f"    {line}" for row in table.rows for line in _row_lines(row, table.width)),
        f"    table.hline(stroke: {HEAVY_RULE}),",
        "  ),",
        f") <{table.label}>",
    ]
    if table.footnotes:
        lines.append(f"#set text(size: {PRESET.footnote_pt:g}pt)")
        lines += [f"#par{_content(note, note=True)}" for note in table.footnotes]
    lines.append("]")
    return "\n".join(lines) + "\n"
