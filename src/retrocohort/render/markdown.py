"""GitHub-flavoured Markdown pipe table."""

from __future__ import annotations

import re

from retrocohort.render.model import Row, Table, with_mark

INDENT = "&emsp;"  # one em space per indent level; survives GFM whitespace collapsing
_SPECIAL = re.compile(r"([\\|*_`\[\]<>$~&])")
_ALIGN_MARK = {"left": ":---", "center": ":---:"}


def escape(text: str) -> str:
    """Backslash-escape ``\\ | * _ ` [ ] < > $ ~ &`` and turn newlines into ``<br>``.

    ``$`` and ``~`` are escaped because GitHub renders ``$…$`` as math and ``~…~`` as
    strikethrough; ``&`` so that text such as "&emsp;" is not read as an entity.
    """
    return _SPECIAL.sub(r"\\\1", text).replace("\r\n", "\n").replace("\n", "<br>")


def _marked(text: str) -> str:
    """Escaped text with its mark (test letter, dagger, footnote letter) as ``<sup>``."""
    return with_mark(text, escape, lambda mark: f"<sup>{mark}</sup>")


def _cell(text: str, bold: bool, indent: int = 0) -> str:
    body = _marked(text)
    if bold and body:
        body = f"**{body}**"
    return INDENT * indent + body


def _line(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _body_line(row: Row, width: int) -> str:
    cells = row.padded(width)
    return _line([_cell(text, row.is_bold(i), row.indent if i == 0 else 0) for i, text in enumerate(cells)])


def to_markdown(table: Table, *, heading_level: int = 3) -> str:
    """Render ``table`` as a heading line, a pipe table and one paragraph per footnote.

    Indentation is ``&emsp;`` per level in the label cell; cell text is escaped so
    that pipes and emphasis characters print literally; marks after cell text are ``<sup>``, the
    mark leading a footnote is plain text ("a Wilcoxon ...", "† Synthetic ..."). Ends with a newline.
    """
    if not 1 <= heading_level <= 6:
        raise ValueError(f"heading_level must be 1..6, got {heading_level!r}")
    lines = [f"{'#' * heading_level} {escape(table.title)}", ""]
    lines.append(_line([escape(c) for c in table.columns]))
    lines.append(_line([_ALIGN_MARK[a] for a in table.alignments]))
    lines += [_body_line(row, table.width) for row in table.rows]
    for note in table.footnotes:
        lines += ["", escape(note)]  # a footnote's leading mark stays plain text: "† Synthetic ..."
    return "\n".join(lines) + "\n"
