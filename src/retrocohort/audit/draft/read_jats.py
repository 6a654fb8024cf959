"""Read a JATS XML article (the format of open-access articles, e.g. PubMed Central's).

JATS 1.x (https://jats.nlm.nih.gov/): the title (``article-title``), the abstract (a structured
abstract's section titles prefixed to their paragraphs, "Results: ..."), the body's sections
(``<sec>`` with ``<title>`` -> a heading paragraph, ``<p>`` -> a paragraph, ``<list-item>`` ->
a paragraph) and tables (``<table-wrap>``: ``<label>`` "Table 2", ``<caption>``, ``<thead>`` rows
as header rows and ``<tbody>`` rows as data rows, a cell with ``rowspan`` repeated in every row
it covers and one with ``colspan`` repeated across its columns in the header but kept once in
the body, ``<table-wrap-foot>`` footnotes ``<fn>``). Citations to the
references (``<xref ref-type="bibr">``) are dropped from the text: their numbers are not
results. Figures, formulas and the back matter are skipped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
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
        if not (name == "xref" and child.get("ref-type") == "bibr") and name not in _SKIP:
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
        root = ET.parse(path).getroot()
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
