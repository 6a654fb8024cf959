"""Table rows as cells: a pasted table line -> its cells and their columns.

Three layouts are recognised (:func:`split_row`): Markdown/pipe tables ("| Age | 61 (52–70) |",
separator lines "|---|:--:|" skipped), tab-separated text (a spreadsheet or HTML copy) and
columns separated by two or more spaces (a PDF text layer, ``pdftotext -layout``). Trailing
empty cells (a pipe table's empty last column, a row ending in tabs) are dropped; empty cells
inside a row keep their place so each value stays under its header. A single-spaced line (a
PDF paste without layout) is not split here: the draft reads it with
:func:`retrocohort.audit.draft.cells.label_end` and :func:`~retrocohort.audit.draft.cells.find_cells`.
:func:`merge_header` joins header rows column by column ("Survivors" over "(n = 45)").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")


def is_separator(line: str) -> bool:
    """A Markdown table's header separator ("|---|:--:|").

    >>> is_separator("|---|:---:|---|"), is_separator("| Age | 61 |")
    (True, False)
    """
    return bool(_SEPARATOR.match(line))


def split_row(line: str) -> tuple[list[str], list[int]] | None:
    """(cells, 0-based column of each cell) of a pipe, tab or multi-space table line; None when
    the line has fewer than two cells (two non-empty ones when only spaces separate them).

    >>> split_row("| Age | 61 (52–70) | 71 | |")
    (['Age', '61 (52–70)', '71'], [2, 8, 21])
    >>> split_row("Age, years\\t61 (52–70)\\t\\t")[0], split_row("Male sex  28 (62.2)  9 (75.0)")[0]
    (['Age, years', '61 (52–70)'], ['Male sex', '28 (62.2)', '9 (75.0)'])
    >>> split_row("| | Survivors (n = 45) |")[0], split_row("CRP, mg/L 182 (121–260) 240 (170–310)") is None
    (['', 'Survivors (n = 45)'], True)
    >>> split_row(chr(9).join(["", "n = 45", "n = 12", ""]))  # tabs (doctest expands a literal one)
    (['', 'n = 45', 'n = 12'], [0, 1, 8])
    """
    stripped = line.rstrip()
    delimiter = "|" if stripped.lstrip().startswith("|") else "\t" if "\t" in stripped else None
    if delimiter:
        pieces, pos = [], 0
        for piece in stripped.split(delimiter):
            pieces.append((piece, pos))
            pos += len(piece) + 1
        if delimiter == "|":
            pieces = pieces[1:]  # the text before the leading "|"
    else:
        pieces = [(m.group(0), m.start()) for m in re.finditer(r"\S(?:.*?\S)?(?=\s{2,}|$)", stripped)]
    cells = [(t.strip(), c + len(t) - len(t.lstrip())) for t, c in pieces]
    while cells and not cells[-1][0]:
        cells.pop()
    # an empty first cell keeps its place in a delimited row ("\tn = 45\tn = 12")
    if len(cells) < 2 or sum(bool(t) for t, _ in cells) < (1 if delimiter else 2):
        return None
    return [t for t, _ in cells], [c for _, c in cells]


def merge_header(columns: Sequence[str], cells: Sequence[str]) -> list[str]:
    """Header rows joined column by column.

    >>> merge_header(["", "Survivors"], ["", "(n = 45)", "p"])
    ['', 'Survivors (n = 45)', 'p']
    """
    width = max(len(columns), len(cells))
    padded = [*columns, *[""] * (width - len(columns))]
    return [f"{padded[i]} {cells[i] if i < len(cells) else ''}".strip() for i in range(width)]


#: A footnote line defining a marker: "* Median (range);", "** Female/Male", "† n (%)", "a Mean (SD)".
_MARKED = re.compile(r"^\s*([*†‡§¶#]+|[ᵃᵇᶜᵈᵉ]|[a-e](?=\s))\s*(\S.*?)\s*[;.,]?\s*$")
_TRAILING_MARK = re.compile(r"([*†‡§¶#]+|[ᵃᵇᶜᵈᵉ])\s*$")


def footnote_markers(lines: Sequence[str], after: int) -> dict[str, str]:
    """marker -> definition of the footnotes printed under a table: the lines after its last row
    (``after``, 1-based) that start with a marker, blank lines between them skipped, up to the
    first other line.

    >>> footnote_markers(["Age*  55 (42–75)", "", "* Median (range);", "", "** Female/Male", "", "Prose."], 1)
    {'*': 'Median (range)', '**': 'Female/Male'}
    """
    out: dict[str, str] = {}
    for line in lines[after:]:
        if not line.strip():
            continue
        m = _MARKED.match(line)
        if not m:
            break
        out.setdefault(m.group(1), m.group(2))
    return out


def defined(text: str, markers: dict[str, str]) -> str:
    """A header or row label with the definition its trailing footnote marker points to
    appended ("Age (year)*" + {"*": "Median (range)"} -> "Age (year)* Median (range)"), so the
    footnote decides the statistic of the cells it marks; unchanged when it has no defined marker.

    >>> defined("Gender**", {"*": "Median (range)", "**": "Female/Male"}), defined("Age", {"*": "x"})
    ('Gender** Female/Male', 'Age')
    """
    m = _TRAILING_MARK.search(text)
    return f"{text} {markers[m.group(1)]}" if m and m.group(1) in markers else text


_CI_HEAD = re.compile(r"\bCI\b|\bconfidence\b", re.I)
_BARE = r"[-−]?(?:\d[\d,]*(?:[.·]\d+)?|[.·]\d+)"
_BARE_NUMBER = re.compile(rf"^\s*{_BARE}\s*$")
_BARE_INTERVAL = re.compile(rf"^\s*({_BARE})\s*(?:[–—-]|\bto\b|[;,])\s*({_BARE})\s*$")


def join_ci_columns(cells: Sequence[str], headers: Sequence[str]) -> list[tuple[int, str, str]]:
    """(first column, cell text, note) of each value of a split row, an estimate and its 95%
    confidence interval printed in adjacent columns joined into one cell "1.49 (95% CI
    0.99–2.26)": a bare number followed by a bare interval under a header naming a CI
    ("HR | Confidence Interval | p-value") or by two bare numbers under two such headers ("HR |
    95% CI Low | 95% CI High"). Every other cell is kept as printed, with no note. Column 0 (the
    label) is not returned.

    >>> join_ci_columns(["Age", "1.03", "1.01", "1.06", "0.013"], ["", "HR", "95% CI Low", "95% CI High", "p"])[0]
    (1, '1.03 (95% CI 1.01–1.06)', "an estimate and its 95% CI printed in columns 'HR', '95% CI Low', '95% CI High'")
    >>> [c for _, c, _ in join_ci_columns(["No", "1.00", "NA", "NA"], ["", "HR", "CI", "p"])]
    ['1.00', 'NA', 'NA']
    """
    heads = [*headers, *[""] * (len(cells) - len(headers))]
    out: list[tuple[int, str, str]] = []
    j = 1
    while j < len(cells):
        text = cells[j]
        joined = None
        if _BARE_NUMBER.match(text) and not _CI_HEAD.search(heads[j]) and j + 1 < len(cells):
            if _CI_HEAD.search(heads[j + 1]) and (m := _BARE_INTERVAL.match(cells[j + 1])):
                joined = (f"{text.strip()} (95% CI {m.group(1)}–{m.group(2)})", j + 2)
            elif (
                j + 2 < len(cells)
                and _CI_HEAD.search(heads[j + 1])
                and _CI_HEAD.search(heads[j + 2])
                and _BARE_NUMBER.match(cells[j + 1])
                and _BARE_NUMBER.match(cells[j + 2])
            ):
                joined = (f"{text.strip()} (95% CI {cells[j + 1].strip()}–{cells[j + 2].strip()})", j + 3)
        if joined is None:
            out.append((j, text, ""))
            j += 1
            continue
        names = ", ".join(f"'{h.strip()}'" for h in heads[j : joined[1]])
        out.append((j, joined[0], f"an estimate and its 95% CI printed in columns {names}"))
        j = joined[1]
    return out
