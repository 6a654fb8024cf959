"""Read a JATS XML article (the format of open-access articles, e.g. PubMed Central's).

JATS 1.x (https://jats.nlm.nih.gov/): the title (``article-title``), the abstract (a structured
abstract's section titles prefixed to their paragraphs, "Results: ..."), the body's sections
(``<sec>`` with ``<title>`` -> a heading paragraph, ``<p>`` -> a paragraph, ``<list-item>`` ->
a paragraph) and tables (``<table-wrap>``: ``<label>`` "Table 2", ``<caption>``, ``<thead>`` rows
as header rows and ``<tbody>`` rows as data rows, a cell with ``rowspan`` repeated in every row
it covers and one with ``colspan`` repeated across its columns in the header but kept once in
the body, ``<table-wrap-foot>`` footnotes ``<fn>``). A ``<table-wrap>`` with no ``<table>`` whose markup
is kept in an XML comment (older PLOS articles publish such a table as an image) is read from
that comment (:func:`comment_table`). Citations to the
references (``<xref ref-type="bibr">``) are dropped from the text: their numbers are not
results. Figures, formulas and the back matter are skipped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

from retrocohort.audit.draft.document import Document, Table, clean_text

_EMPTY_BRACKETS = re.compile(r"\s*\[[\s,;–-]*\]")  # "[]" left by a dropped citation "[12]"
_SKIP = {"fig", "disp-formula", "table-wrap", "supplementary-material", "graphic", "ref-list"}


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _text(el: ET.Element) -> str:
    """The text of ``el`` without reference citations and nested floats."""
    out = [el.text or ""]
    for child in el:
        name = _local(child.tag)
        if child.tag is ET.Comment:
            pass  # a comment is not text (its tail is)
        elif not (name == "xref" and child.get("ref-type") == "bibr") and name not in _SKIP:
            out.append(_text(child))
        out.append(child.tail or "")
    return clean_text(_EMPTY_BRACKETS.sub("", "".join(out)))


def _grid(rows: list[ET.Element], header: int) -> list[tuple[str, ...]]:
    """Table rows with a cell spanning rows repeated in each row it covers, and a cell spanning
    columns repeated across them in the ``header`` first rows (a group over its columns) but
    kept once, in its first column, in the body (one value, not two)."""
    grid: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows):
        c = 0
        for cell in (x for x in row if _local(x.tag) in {"td", "th"}):
            while (r, c) in grid:
                c += 1
            text = _text(cell)
            for dr in range(int(cell.get("rowspan", "1") or 1)):
                for dc in range(int(cell.get("colspan", "1") or 1)):
                    grid[(r + dr, c + dc)] = text if dc == 0 or r + dr < header else ""
            c += int(cell.get("colspan", "1") or 1)
    width = max((c for _, c in grid), default=-1) + 1
    return [tuple(grid.get((r, c), "") for c in range(width)) for r in range(len(rows))]


def _table(wrap: ET.Element, k: int) -> Table:
    label = next((_text(x) for x in wrap if _local(x.tag) == "label"), "") or f"Table {k}"
    caption = " ".join(_text(x) for x in wrap if _local(x.tag) == "caption")
    head = [r for x in wrap.iter() if _local(x.tag) == "thead" for r in x if _local(r.tag) == "tr"]
    body = [r for x in wrap.iter() if _local(x.tag) == "tbody" for r in x if _local(r.tag) == "tr"]
    if not head and not body:
        body = [r for r in wrap.iter() if _local(r.tag) == "tr"]
    if not head and not body:
        comment = next(
            (x.text for x in wrap.iter() if x.tag is ET.Comment and "<table" in (x.text or "")), ""
        )
        head, body = comment_table(comment or "")
    notes = [_text(fn) for x in wrap if _local(x.tag) == "table-wrap-foot" for fn in x]
    width_rows = _grid(head + body, len(head))
    return Table(
        label.rstrip(".:"),
        caption,
        tuple(width_rows[: len(head)]),
        tuple(width_rows[len(head) :]),
        tuple(notes),
    )


def _walk(el: ET.Element, parts: list[str | Table], tables: list[int]) -> None:
    for child in el:
        name = _local(child.tag)
        if name == "title":
            parts.append(_text(child))
        elif name in {"p", "list-item"}:
            if text := _text(child):
                parts.append(text)
            _walk_floats(child, parts, tables)
        elif name == "table-wrap":
            tables[0] += 1
            parts.append(_table(child, tables[0]))
        elif name in {"sec", "list", "table-wrap-group", "boxed-text"}:
            _walk(child, parts, tables)


def _walk_floats(el: ET.Element, parts: list[str | Table], tables: list[int]) -> None:
    """Tables nested in a paragraph, after its text."""
    for wrap in (x for x in el.iter() if _local(x.tag) == "table-wrap"):
        tables[0] += 1
        parts.append(_table(wrap, tables[0]))


def read_jats(path: Path) -> Document:
    """The paragraphs and tables of the JATS XML file ``path`` (see module docstring).

    Raises
    ------
    ValueError
        When the file is not well-formed XML or holds no ``<article>``, naming the file.
    """
    try:
        root = ET.parse(path, ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))).getroot()
    except ET.ParseError as err:
        raise ValueError(f"{path}: not well-formed XML ({err}); expected a JATS article") from err
    article = (
        root
        if _local(root.tag) == "article"
        else next((x for x in root.iter() if _local(x.tag) == "article"), None)
    )
    if article is None:
        raise ValueError(f"{path}: no <article> element; expected a JATS article")
    parts: list[str | Table] = []
    title = next((x for x in article.iter() if _local(x.tag) == "article-title"), None)
    if title is not None:
        parts.append(_text(title))
    for abstract in (x for x in article.iter() if _local(x.tag) == "abstract" and not x.get("abstract-type")):
        parts.append("Abstract")
        for x in abstract.iter():
            if _local(x.tag) == "p":
                sec_title = _section_title(abstract, x)
                parts.append(f"{sec_title}: {_text(x)}" if sec_title else _text(x))
        break
    tables = [0]
    for body in (x for x in article if _local(x.tag) == "body"):
        _walk(body, parts, tables)
    for floats in (x for x in article if _local(x.tag) == "floats-group"):
        _walk(floats, parts, tables)
    return Document(tuple(parts))


def _section_title(abstract: ET.Element, p: ET.Element) -> str:
    for sec in (x for x in abstract.iter() if _local(x.tag) == "sec"):
        if p in list(sec):
            return next((_text(t) for t in sec if _local(t.tag) == "title"), "")
    return ""


class _RowCollector(HTMLParser):
    """``<tr>`` rows of HTML table markup as (in the head?, [(cell text, colspan, rowspan)])."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[bool, list[list[str]]]] = []
        self._head = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "thead":
            self._head = True
        elif tag == "tbody":
            self._head = False
        elif tag == "tr":
            self.rows.append((self._head, []))
        elif tag in ("td", "th") and self.rows:
            a = dict(attrs)
            self._cell = ["", a.get("colspan") or "1", a.get("rowspan") or "1"]
            self.rows[-1][1].append(self._cell)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell[0] += data


def _span(text: str) -> int:
    """A colspan/rowspan as printed: a positive integer, else 0 ("0" spans the rest of the row in
    HTML 4; a malformed value such as "<0" is read the same way)."""
    return int(text) if text.strip().isdigit() else 0


def comment_table(comment: str) -> tuple[list[ET.Element], list[ET.Element]]:
    """(header rows, body rows) of the HTML table markup kept in an XML comment, as JATS ``<tr>``
    elements for :func:`_grid`. The markup is parsed leniently (:class:`html.parser.HTMLParser`:
    unclosed tags, HTML entities such as ``&ndash;``). A cell whose colspan is 0 or malformed
    spans the rest of its row (HTML 4.01, section 11.2.6); several such cells in one row share
    the columns left equally, the last taking any remainder: an assumption (HTML ties "0" to
    column groups, which these comments do not print), stated here because it decides which
    columns a group header covers.

    >>> head, body = comment_table('<table><thead><tr><td>x</td><td colspan="0">A</td>'
    ...     '<td colspan="<0">B</td></tr><tr><td></td><td>1</td><td>2</td><td>3</td><td>4</td></tr>'
    ...     '</thead><tbody><tr><td>r</td><td>5&ndash;6</td></tr></tbody></table>')
    >>> [c.get("colspan") for c in head[0]], body[0][1].text
    (['1', '2', '2'], '5–6')
    """
    parser = _RowCollector()
    parser.feed(comment)
    parser.close()
    width = max((sum(max(_span(c[1]), 1) for c in cells) for _, cells in parser.rows), default=0)
    head: list[ET.Element] = []
    body: list[ET.Element] = []
    for in_head, cells in parser.rows:
        fixed = sum(_span(c[1]) for c in cells)
        rest = [c for c in cells if _span(c[1]) == 0]
        left = max(width - fixed, len(rest))
        tr = ET.Element("tr")
        for cell in cells:
            span = _span(cell[1])
            if span == 0:
                k = rest.index(cell)
                span = left // len(rest) + (left % len(rest) if k == len(rest) - 1 else 0)
            td = ET.SubElement(tr, "td", colspan=str(span), rowspan=str(max(_span(cell[2]), 1)))
            td.text = cell[0]
        (head if in_head else body).append(tr)
    return head, body
