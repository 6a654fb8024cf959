"""Read a PDF manuscript's text layer: paragraphs from its text lines, tables by pdfplumber.

Tables are found by pdfplumber's ruling-line strategy (``page.find_tables()``, Jeremy Singer-
Vine, https://github.com/jsvine/pdfplumber, on pdfminer.six), which reads a table drawn with
rules as rows and columns; a cell merged across columns (``None`` in pdfplumber's rows) takes
the text of the cell on its left, as python-docx repeats it, so a .docx and its PDF give the
same table. The text outside the tables is read as lines (``extract_text_lines``); a new
paragraph starts where the gap above a line exceeds half the line's height, or where the line
above ends short of the text column with a full stop. A line ending in a hyphen is joined to the
next without a space (the hyphen kept: "Mann-" + "Whitney"). A line holding only a page number is
dropped. A PDF without a text layer (a scan) is refused: it needs OCR first.
"""

from __future__ import annotations

import re
from pathlib import Path

from retrocohort.audit.draft.document import Document, clean_text
from retrocohort.audit.draft.read_docx import attach_labels

_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.I)


def _filled(rows: list[list[str | None]]) -> tuple[tuple[str, ...], ...]:
    """pdfplumber rows with merged cells (None) filled from the left, then from above."""
    out: list[tuple[str, ...]] = []
    for r, row in enumerate(rows):
        cells: list[str] = []
        for c, cell in enumerate(row):
            if cell is None:
                cell = cells[c - 1] if c else (out[r - 1][c] if r else "")
            cells.append(clean_text(re.sub(r"(?<=[A-Za-z])-\n", "-", cell)))  # "ventilator-\nfree"
        out.append(tuple(cells))
    return tuple(out)


def _inside(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def _paragraphs(lines: list[dict], right: float) -> list[str]:
    """Text lines (pdfplumber dicts, in reading order) -> paragraphs (see module docstring)."""
    paragraphs: list[list[str]] = []
    prev: dict | None = None
    for line in lines:
        text = line["text"].strip()
        if not text or _PAGE_NUMBER.match(text):
            continue
        height = line["bottom"] - line["top"]
        new = (
            prev is None
            or line["top"] - prev["bottom"] > 0.5 * height
            or (prev["text"].rstrip().endswith((".", ":")) and prev["x1"] < right - 2 * height)
        )
        if new:
            paragraphs.append([text])
        else:
            paragraphs[-1].append(text)
        prev = line
    out = []
    for para in paragraphs:
        joined = para[0]
        for nxt in para[1:]:
            joined += nxt if re.search(r"[A-Za-z]-$", joined) else " " + nxt
        out.append(clean_text(joined))
    return out


def read_pdf(path: Path) -> Document:
    """The paragraphs and tables of the PDF file ``path`` (see module docstring).

    Raises
    ------
    ValueError
        When the PDF has no text layer (a scanned image), naming the file.
    """
    import pdfplumber

    parts: list[str | tuple[tuple[str, ...], ...]] = []
    with pdfplumber.open(str(path)) as pdf:
        chars = 0
        for page in pdf.pages:
            tables = page.find_tables()
            boxes = [t.bbox for t in tables]
            outside = page.filter(lambda o, b=boxes: not ("x0" in o and "top" in o and _inside(o, b)))
            lines = outside.extract_text_lines(return_chars=False)
            chars += sum(len(x["text"]) for x in lines)
            right = max((x["x1"] for x in lines), default=page.width)
            items: list[tuple[float, str | tuple[tuple[str, ...], ...]]] = []
            for para_lines in _by_table(lines, boxes):
                for text in _paragraphs(para_lines, right):
                    items.append((para_lines[0]["top"], text))
            for table in tables:
                items.append((table.bbox[1], _filled(table.extract())))
            items.sort(key=lambda item: item[0])
            parts.extend(p for _, p in items)
        if chars == 0 and not any(not isinstance(p, str) for p in parts):
            raise ValueError(f"{path}: the PDF has no text layer (a scanned image?); run OCR first")
    return attach_labels(parts)


def _by_table(lines: list[dict], boxes: list[tuple[float, float, float, float]]) -> list[list[dict]]:
    """The lines of a page cut into runs at each table (a paragraph never spans a table)."""
    cuts = sorted(b[1] for b in boxes)
    runs: list[list[dict]] = [[]]
    k = 0
    for line in lines:
        while k < len(cuts) and line["top"] > cuts[k]:
            runs.append([])
            k += 1
        runs[-1].append(line)
    return [r for r in runs if r]
