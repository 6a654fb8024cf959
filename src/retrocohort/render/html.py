"""Standalone HTML ``<table>`` fragment with inline CSS for embedding in a report."""

from __future__ import annotations

from html import escape as _html_escape

from retrocohort.render.layout import keep_relations, keep_whole
from retrocohort.render.model import Row, Table, code_parts, with_mark

RULE = "1px solid #000"
HEAVY_RULE = "2px solid #000"
_PAD = "padding:2px 8px"
INDENT_EM = 1.0
#: A mark's superscript, set without raising its line: ``line-height:0`` and a relative shift
#: instead of ``vertical-align: super`` (which grows the line box, so a row with a test letter
#: was taller than one without). normalize.css's rule for ``sup``.
SUP_STYLE = "font-size:75%;line-height:0;position:relative;vertical-align:baseline;top:-0.5em"


def escape(text: str) -> str:
    """HTML-escape ``& < > " '``, turn newlines into ``<br>`` and a Markdown code span (a
    command between backticks in a note) into ``<code>``."""
    return "".join(
        f"<code>{_plain(part)}</code>" if code else _plain(part) for part, code in code_parts(text)
    )


def _plain(text: str) -> str:
    return _html_escape(text, quote=True).replace("\r\n", "\n").replace("\n", "<br>")


def _style(align: str, *extra: str) -> str:
    return ";".join([f"text-align:{align}", _PAD, *extra])


def _marked(text: str, *, cell: bool = False, note: bool = False) -> str:
    """Escaped text with its mark (test letter, dagger, footnote letter) as ``<sup>``; a table
    ``cell`` keeps each value whole (:func:`~retrocohort.render.layout.keep_whole`: no-break
    spaces inside "45.0 [33.0–58.0]" and "(n = 21)", a word joiner after an en dash), so a
    narrow screen wraps between words, never inside a value; a ``note`` never breaks inside a
    comparison such as "p < 0.05" (:func:`~retrocohort.render.layout.keep_relations`)."""

    def body(part: str) -> str:
        part = keep_relations(part) if note else part
        return escape(keep_whole(part) if cell else part)

    return with_mark(text, body, lambda mark: f'<sup style="{SUP_STYLE}">{mark}</sup>')


def _td(text: str, style: str, bold: bool) -> str:
    body = _marked(text, cell=True)
    if bold and body:
        body = f"<strong>{body}</strong>"
    return f'<td style="{style}">{body}</td>'


def _body_row(row: Row, table: Table, last: bool) -> str:
    cells = []
    for i, (text, align) in enumerate(zip(row.padded(table.width), table.alignments)):
        extra = [f"border-bottom:{HEAVY_RULE}"] if last else []
        if i == 0 and row.indent:
            extra.append(f"padding-left:calc(8px + {row.indent * INDENT_EM:g}em)")
        cells.append(_td(text, _style(align, *extra), row.is_bold(i)))
    return "<tr>" + "".join(cells) + "</tr>"


def to_html(table: Table) -> str:
    """Render ``table`` as one ``<table>`` element with horizontal rules only.

    Rules: a heavy top border on the table, a thin rule under the header cells and a
    heavy rule under the last body row; no left/right borders anywhere. The title is
    the ``<caption>``, footnotes are ``<tfoot>`` rows in a smaller font, the ``id``
    is ``table.label``. All text is HTML-escaped. Ends with a newline.
    """
    head = "".join(
        f'<th scope="col" style="{_style(align, f"border-bottom:{RULE}")}">{escape(keep_whole(name))}</th>'
        for name, align in zip(table.columns, table.alignments)
    )
    body = [_body_row(row, table, i == len(table.rows) - 1) for i, row in enumerate(table.rows)]
    lines = [
        f'<table id="{escape(table.label)}" style="border-collapse:collapse;border-top:{HEAVY_RULE}">',
        f'<caption style="caption-side:top;text-align:left;font-weight:bold">{escape(table.title)}</caption>',
        f"<thead><tr>{head}</tr></thead>",
        "<tbody>",
        *body,
        "</tbody>",
    ]
    if table.footnotes:
        notes = "".join(
            f'<tr><td colspan="{table.width}" style="{_style("left", "font-size:smaller")}">'
            f"{_marked(n, note=True)}</td></tr>"
            for n in table.footnotes
        )
        lines.append(f"<tfoot>{notes}</tfoot>")
    lines.append("</table>")
    return "\n".join(lines) + "\n"
