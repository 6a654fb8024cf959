"""Cut pasted paper text into located blocks: title, abstract, section paragraphs, table rows.

The text a reviewer copies from a PDF or an HTML page: blank lines separate paragraphs;
section headings look like "3. Results" or "Results"; a table starts at a line "Table 2." (or
"Table II", "TABLE 2:"), followed by its caption, header, one row per line and footnotes (lines
starting with "*", "†", "a " or an abbreviation list "AOSD: ..."). Each block keeps the line and
column where it starts so every number found in it can be located in the source. A label line
longer than 120 characters is a table's only when delimited rows follow it (:func:`_rows_follow`).
A row inside a table with a label and no value is kept as a "section" block (its label names the
categories under it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrocohort.audit.draft.cells import parse_cells
from retrocohort.audit.draft.tables import is_separator, merge_header, split_row

_SECTIONS = {
    "abstract": "abstract",
    "introduction": "introduction",
    "background": "introduction",
    "methods": "methods",
    "materials and methods": "methods",
    "patients and methods": "methods",
    "results": "results text",
    "discussion": "discussion",
    "conclusions": "conclusions",
    "conclusion": "conclusions",
}
_HEADING = re.compile(r"^\s*(?:\d+\.?\s+)?([A-Za-z][A-Za-z ]{2,30}?)\s*$")
# "Table 2.", "TABLE II:", Markdown "### Table 2", "**Table 2.** Outcomes"
TABLE_LABEL = re.compile(r"^\s*[#>*_ ]*(?:Table|TABLE)\s+([0-9]+|[IVXL]+)[*_]*\s*[.:]?[*_]*\s*(.*)$")
_FOOTNOTE = re.compile(
    r"^\s*(?:[*†‡§]|[a-z]\s|\S{1,12}:\s|(?:Data|Values|Results)\s+(?:are|were|is)\b|Notes?\b|Abbreviations\b)"
)


def is_footnote(line: str) -> bool:
    """Does ``line`` open like a table footnote (a marker, "a ", "Note", "Abbreviations", "Data
    are ...")?

    >>> is_footnote("* Median (range)"), is_footnote("Note: p-values by log-rank"), is_footnote("Results of the model")
    (True, True, False)
    """
    return bool(_FOOTNOTE.match(line))


_GROUP_N = re.compile(r"\b[nN]\s*[=:]\s*\d[\d,]*")  # "(n = 45)" in a single-spaced header
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}
_END = ("references", "supplementary materials", "author contributions", "funding", "acknowledgments")


@dataclass(frozen=True)
class Block:
    """One located piece of text: ``where`` in the published-numbers vocabulary ("abstract",
    "results text, paragraph 3", "Table 2", ...), ``kind`` ("title", "prose", "caption", "row", "section": a
    table row with a label and no value, "TST (mm)" over its categories),
    the text, its 1-based line and 0-based column; ``header`` is the table's header line. A row
    of a pipe, tab or multi-space table also has its ``cells`` with their ``columns`` (0-based
    offsets in the line) and the ``headers`` of its columns (header rows joined)."""

    where: str
    kind: str
    text: str
    line: int
    column: int = 0
    header: str = ""
    cells: tuple[str, ...] = ()
    columns: tuple[int, ...] = ()
    headers: tuple[str, ...] = ()


def table_number(label: str) -> int:
    """ "2" -> 2, "II" -> 2, "IV" -> 4 (Roman numerals as printed in many journals)."""
    if label.isdigit():
        return int(label)
    values = [_ROMAN[c] for c in label.upper()]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def _paragraphs(lines: list[str]) -> list[tuple[int, list[str]]]:
    """(first line number, lines) of every blank-line separated paragraph."""
    out, current, start = [], [], 0
    for i, line in enumerate(lines, start=1):
        if line.strip():
            if not current:
                start = i
            current.append(line)
        elif current:
            out.append((start, current))
            current = []
    if current:
        out.append((start, current))
    return out


def _section(text: str) -> str | None:
    m = _HEADING.match(text)
    if not m:
        return None
    return _SECTIONS.get(m.group(1).strip().lower())


def _table_line(
    blocks: list[Block],
    table: str,
    row: str,
    line: int,
    header: str,
    headers: list[str],
    alone: bool,
    body: bool = False,
) -> tuple[str, list[str]]:
    """Add one table line to ``blocks`` (a caption, a header row or a data row); return the
    table's header text and column headers so far. A split row is data when any of its value
    cells reads as a statistic (:func:`retrocohort.audit.draft.cells.parse_cell`); a line
    ending with "." that is its paragraph (``alone``) before any row is a caption. Once the
    table's rows have begun, or its header separator ("|---|") has passed (``body``), a line
    with no number is a section row, not a header."""
    has_rows = body or any(b.where == table and b.kind == "row" for b in blocks)
    split = split_row(row)
    # a split row with a value is data, even when its label looks like a footnote ("EQ-VAS: mean")
    valued = bool(split) and any(parse_cells(c, [split[0][0]]) for c in split[0][1:])
    if is_separator(row) or not row.strip() or (has_rows and not valued and _FOOTNOTE.match(row)):
        return header, headers
    if split:
        cells, columns = split
        if valued:
            blocks.append(
                Block(table, "row", row, line, 0, header, tuple(cells), tuple(columns), tuple(headers))
            )
            return header, headers
        if has_rows:  # a section row ("Comorbidities") inside the table: no number, its label kept
            blocks.append(Block(table, "section", row, line, 0, header, tuple(cells), tuple(columns)))
            return header, headers
        if row[:1].isspace() and "|" not in row and "\t" not in row:
            cells = ["", *cells]  # a header indented past the (empty) label column
        return f"{header} {' '.join(cells)}".strip(), merge_header(headers, cells)
    if alone and not has_rows and row.endswith("."):
        blocks.append(Block(table, "caption", row, line))
    elif not re.search(r"\d\s*[%)\]*†‡§]*\s*$", row) or not re.search(r"\d", _GROUP_N.sub("", row)):
        if not has_rows:
            header = f"{header} {row.strip()}".strip()
        else:  # a section row ("TST (mm)") inside the table: no number, its label kept
            blocks.append(Block(table, "section", row.strip(), line))
    else:
        blocks.append(Block(table, "row", row, line, 0, header, (), (), tuple(headers)))
    return header, headers


def _delimited(blocks: list[Block], table: str) -> bool:
    """The table has rows split on tabs or pipes."""
    return any(b.where == table and b.kind == "row" and ("\t" in b.text or "|" in b.text) for b in blocks)


def _rows_follow(paragraphs: list[tuple[int, list[str]]], k: int) -> bool:
    """The paragraph after the ``k``-th (or its own second line) holds tab- or pipe-delimited
    rows: a long label line above them is a table's caption (a PLOS Medicine caption runs to 250
    characters), not prose that starts with "Table 1 shows"."""
    lines = paragraphs[k][1][1:] or (paragraphs[k + 1][1] if k + 1 < len(paragraphs) else [])
    return any("\t" in x or "|" in x for x in lines)


def split_blocks(text: str) -> list[Block]:
    """Located blocks of ``text`` (see module docstring); unknown front matter is skipped, except
    the first title-like line (a paragraph of one short line before the abstract). Text with no
    section heading at all (a pasted excerpt) is read as results text."""
    blocks: list[Block] = []
    paragraphs = _paragraphs(text.splitlines())
    headed = any(len(p) == 1 and _section(p[0].strip()) for _, p in paragraphs)
    # pasted results without any heading: every paragraph is results text
    section, counts, table, header = (None if headed else "results text"), {}, None, ""
    headers: list[str] = []
    body = False  # the current table's header separator has passed
    title_done = not headed
    for k, (start, para) in enumerate(paragraphs):
        first = para[0].strip()
        if len(para) == 1 and first.lower() in _END:
            break
        if len(para) == 1 and (sec := _section(first)):
            section, table = sec, None
            continue
        if (m := TABLE_LABEL.match(first)) and (len(first) < 120 or _rows_follow(paragraphs, k)):
            table, header, headers, body = f"Table {table_number(m.group(1))}", "", [], False
            if m.group(2):
                blocks.append(Block(table, "caption", m.group(2), start, len(first) - len(m.group(2))))
            para, start = para[1:], start + 1  # rows may sit directly under the label line
            if not para:
                continue
            first = para[0].strip()
        if table is not None and not any("\t" in x or "|" in x for x in para) and _delimited(blocks, table):
            if _FOOTNOTE.match(first):  # a footnote under a table of delimited rows: the table's note
                blocks.extend(Block(table, "footnote", line, start + i) for i, line in enumerate(para))
                continue
            table = None  # prose after a table whose rows are delimited (a .docx/.pdf/.xml table)
        if table is not None:
            if _FOOTNOTE.match(first) and len(para) == 1:
                table = None if len(first) > 60 else table  # a long footnote closes the table
                continue
            if not (len(para) == 1 and len(first) >= 100 and first.endswith(".")):
                for i, line in enumerate(para):
                    body = body or (bool(header or headers) and is_separator(line))
                    header, headers = _table_line(
                        blocks, table, line.rstrip(), start + i, header, headers, len(para) == 1, body
                    )
                continue
            table = None  # prose again
        if section is None:
            if not title_done and len(para) == 1 and 10 <= len(first) <= 200 and not first.endswith("."):
                blocks.append(Block("title", "title", para[0], start))
                title_done = True
            continue
        counts[section] = counts.get(section, 0) + 1
        where = "abstract" if section == "abstract" else f"{section}, paragraph {counts[section]}"
        for i, line in enumerate(para):
            blocks.append(Block(where, "prose", line, start + i))
    return blocks
